"""Object-level permissions on a case's rapid review, from the actor's scope in the case's partnership.

Every rule first needs the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership. Signing off for a lead safeguarding partner also needs an executive membership *for that
organisation*: that check is in the service, which knows which organisation is signing.
"""

from __future__ import annotations

from typing import Any

import rules

from cspr.cases.rules import can_see_case, holds
from cspr.core.policy import (
    ACTION_TRACKERS,
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
    return holds(roles, name="rapid_review_holds")


ROLES: dict[str, frozenset[Role]] = {
    "rapid_reviews.view": RAPID_REVIEW_READERS,
    "rapid_reviews.edit": RAPID_REVIEW_EDITORS,
    "rapid_reviews.decide": PRG_DECIDERS,
    "rapid_reviews.organise_meeting": MEETING_ORGANISERS,
    "rapid_reviews.read_papers": MEETING_PAPER_READERS,
    "rapid_reviews.sign_off": PARTNER_SIGNERS,
    "rapid_reviews.correspond_with_panel": PANEL_CORRESPONDENTS,
    "rapid_reviews.record_family_told": FAMILY_RECORDERS,
    "rapid_reviews.resolve_action": ACTION_TRACKERS,
    "rapid_reviews.close_criteria_not_met": CRITERIA_CLOSERS,
    "rapid_reviews.identifying_document": RAPID_REVIEW_IDENTIFYING,
}
"""The roles each rule is open to (the services record the membership of the first one held, in ``Role``'s order)."""

RULES = {name: can_see_case & _holds(roles) for name, roles in ROLES.items()}

for _name, _predicate in RULES.items():
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)
