"""Object-level permissions on a case's national review, from the actor's scope in the case's partnership.

Every rule first needs the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership: the roles that work the case read the national review, the business unit keeps it.
"""

from __future__ import annotations

from typing import Any

import rules

from cspr.cases.rules import can_see_case, holds
from cspr.core.policy import NATIONAL_REVIEW_READERS, NATIONAL_REVIEW_RECORDERS
from cspr.domain.roles import Role

ROLES: dict[str, frozenset[Role]] = {
    "national_reviews.view": NATIONAL_REVIEW_READERS,
    "national_reviews.record": NATIONAL_REVIEW_RECORDERS,
}
"""The roles each rule is open to (the services record the membership of the first one held, in ``Role``'s order)."""


def _holds(roles: frozenset[Role]) -> Any:
    return holds(roles, name="national_review_holds")


RULES = {name: can_see_case & _holds(roles) for name, roles in ROLES.items()}

for _name, _predicate in RULES.items():
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)
