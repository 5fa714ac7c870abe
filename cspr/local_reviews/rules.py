"""Object-level permissions on a case's local review, from the actor's scope in the case's partnership.

Every rule first needs the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership: the roles that work the case read the local review, the business unit keeps it.
"""

from __future__ import annotations

from cspr.cases.rules import can_see_case, holds, register_rules
from cspr.core.policy import LOCAL_REVIEW_KEEPERS, LOCAL_REVIEW_READERS, LOCAL_REVIEW_SUPERVISORS
from cspr.domain.roles import Role

ROLES: dict[str, frozenset[Role]] = {
    "local_reviews.view": LOCAL_REVIEW_READERS,
    "local_reviews.read_checkpoints": LOCAL_REVIEW_SUPERVISORS,
    "local_reviews.keep": LOCAL_REVIEW_KEEPERS,
}
"""The roles each rule is open to (the services record the membership of the first one held, in ``Role``'s order)."""

register_rules({name: can_see_case & holds(roles, name="local_review_holds") for name, roles in ROLES.items()})
