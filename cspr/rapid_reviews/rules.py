"""Object-level permissions on a case's rapid review, from the actor's scope in the case's partnership.

Every rule first needs the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership. Signing off for a lead safeguarding partner also needs an executive membership *for that
organisation*: that check is in the service, which knows which organisation is signing.
"""

from __future__ import annotations

from typing import Any

import rules

from cspr.cases.models import Case
from cspr.cases.rules import can_see_case, scope_of
from cspr.core.policy import (
    CRITERIA_CLOSERS,
    FAMILY_RECORDERS,
    MEETING_ORGANISERS,
    MEETING_PAPER_READERS,
    PANEL_CORRESPONDENTS,
    PARTNER_SIGNERS,
    PRG_DECIDERS,
    RAPID_REVIEW_EDITORS,
    RAPID_REVIEW_IDENTIFYING,
    RAPID_REVIEW_READERS,
)
from cspr.domain.roles import Role


def _holds(roles: frozenset[Role]) -> Any:
    @rules.predicate(name=f"rapid_review_holds({','.join(sorted(roles))})")
    def predicate(who: Any, case: Case | None) -> bool:
        return case is not None and scope_of(who).has_any_role(case.partnership_id, roles)

    return predicate


RULES = {
    "rapid_reviews.view": can_see_case & _holds(RAPID_REVIEW_READERS),
    "rapid_reviews.edit": can_see_case & _holds(RAPID_REVIEW_EDITORS),
    "rapid_reviews.decide": can_see_case & _holds(PRG_DECIDERS),
    "rapid_reviews.organise_meeting": can_see_case & _holds(MEETING_ORGANISERS),
    "rapid_reviews.read_papers": can_see_case & _holds(MEETING_PAPER_READERS),
    "rapid_reviews.sign_off": can_see_case & _holds(PARTNER_SIGNERS),
    "rapid_reviews.correspond_with_panel": can_see_case & _holds(PANEL_CORRESPONDENTS),
    "rapid_reviews.record_family_told": can_see_case & _holds(FAMILY_RECORDERS),
    "rapid_reviews.close_criteria_not_met": can_see_case & _holds(CRITERIA_CLOSERS),
    "rapid_reviews.identifying_document": can_see_case & _holds(RAPID_REVIEW_IDENTIFYING),
}

for _name, _predicate in RULES.items():
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)
