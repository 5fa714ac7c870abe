"""Object-level permissions on a local review's practitioner events, family involvement log and thread with the
reviewer, and on the partnership's explainers.

As for the rest of the local review, the case must be visible first (``cases.view_case``: the one scoping function,
which gives a commissioned reviewer their own case only, while their grant is open), then a role in the case's
partnership. The explainers are the partnership's, not a case's: a role in the partnership is enough.
"""

from __future__ import annotations

import rules

from cspr.cases.rules import can_see_case, holds, register_rules
from cspr.core.policy import (
    EXPLAINER_EDITORS,
    FAMILY_LOG_READERS,
    FAMILY_LOG_WRITERS,
    PRACTITIONER_EVENT_READERS,
    PRACTITIONER_EVENT_RECORDERS,
    REVIEWER_THREAD_WRITERS,
)
from cspr.domain.roles import Role
from cspr.partnerships.rules import has_role_in

ROLES: dict[str, frozenset[Role]] = {
    "local_reviews.events_view": PRACTITIONER_EVENT_READERS,
    "local_reviews.events_record": PRACTITIONER_EVENT_RECORDERS,
    "local_reviews.family_view": FAMILY_LOG_READERS,
    "local_reviews.family_record": FAMILY_LOG_WRITERS,
    "local_reviews.thread": REVIEWER_THREAD_WRITERS,
}
"""The roles each rule is open to (the services record the membership of the first one held, in ``Role``'s order)."""

register_rules({name: can_see_case & holds(roles, name="local_review_people_holds") for name, roles in ROLES.items()})
rules.add_perm("local_reviews.edit_explainers", has_role_in(*EXPLAINER_EDITORS))
