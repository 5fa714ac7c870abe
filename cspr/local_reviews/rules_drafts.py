"""Object-level permissions on the local review's drafts, comments and the national review suggested: the case must be
visible (``cases.view_case``: the one scoping function, which gives a commissioned reviewer their own case only, and
an agency's contributors their organisation's cases), then a role in the case's partnership. Which organisation's
request a contributor may answer is the selectors' (their own organisations only)."""

from __future__ import annotations

from cspr.cases.rules import can_see_case, holds, register_rules
from cspr.core.policy import COMMENT_REQUESTERS, DRAFT_COMMENTERS, DRAFT_KEEPERS, NATIONAL_SUGGESTERS
from cspr.domain.roles import Role

DRAFTS = "local_reviews.drafts"
ASK = "local_reviews.ask_comments"
COMMENT = "local_reviews.comment"
SUGGEST = "local_reviews.suggest_national"

ROLES: dict[str, frozenset[Role]] = {
    DRAFTS: DRAFT_KEEPERS,
    ASK: COMMENT_REQUESTERS,
    COMMENT: DRAFT_COMMENTERS,
    SUGGEST: NATIONAL_SUGGESTERS,
}

register_rules({name: can_see_case & holds(roles, name="local_review_drafts_holds") for name, roles in ROLES.items()})
