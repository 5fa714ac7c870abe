"""Object-level permissions on a case's reviewer, from the actor's scope in the case's partnership.

Every rule first needs the case to be visible (``cases.view_case``: the one scoping function), then a role in the
case's partnership: the business unit commissions and manages the commission, the Executive Group reads it and
overrides a conflict of interest. The register itself is the partnership's, not a case's: its services ask
:func:`register_grant` and its selectors read the current partnership's reviewers only.
"""

from __future__ import annotations

from typing import Any

import rules

from cspr.cases.rules import can_see_case, holds, register_rules
from cspr.core.policy import (
    COMMISSION_READERS,
    CONFLICT_OVERRIDERS,
    REVIEWER_COMMISSIONERS,
    REVIEWER_REGISTER_KEEPERS,
)
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED
from cspr.partnerships.scoping import Grant

ROLES: dict[str, frozenset[Role]] = {
    "reviewers.view": COMMISSION_READERS,
    "reviewers.commission": REVIEWER_COMMISSIONERS,
    "reviewers.override": CONFLICT_OVERRIDERS,
}
"""The roles each rule is open to (the services record the membership of the first one held, in ``Role``'s order)."""


def _holds(roles: frozenset[Role]) -> Any:
    return holds(roles, name="reviewers_holds")


register_rules({name: can_see_case & _holds(roles) for name, roles in ROLES.items()})


def register_grant(acting: Acting, partnership_id: int) -> Grant | None:
    """The membership that lets the person keep the partnership's register of reviewers; refused when they keep
    none there."""
    if not acting.scope.has_any_role(partnership_id, REVIEWER_REGISTER_KEEPERS):
        raise CaseActionRefused(NOT_ALLOWED)
    return acting.grant_for(partnership_id, REVIEWER_REGISTER_KEEPERS)


__all__ = ["ROLES", "register_grant", "rules"]
