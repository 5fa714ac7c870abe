"""Object-level permissions on a case's information requests and returns.

Case-level rules take a user or a :class:`~cspr.partnerships.scoping.Scope` and a case (seeing the case at all goes
through :func:`cspr.cases.selectors.cases_visible`). A request is answered only by its organisation's contributors:
:func:`cspr.returns.services.contributor_grant` finds the person's membership for the request's partnership and
organisation directly.
"""

from __future__ import annotations

from typing import Any

import rules

from cspr.cases.rules import can_see_case, holds
from cspr.core.policy import CHRONOLOGY_READERS, RETURN_READERS, RETURN_REQUESTERS
from cspr.domain.roles import Role


def _holds(roles: frozenset[Role]) -> Any:
    return holds(roles, name="returns_holds")


RULES = {
    "returns.manage_requests": can_see_case & _holds(RETURN_REQUESTERS),
    "returns.read_returns": can_see_case & _holds(RETURN_READERS),
    "returns.read_chronology": can_see_case & _holds(CHRONOLOGY_READERS),
}

for _name, _predicate in RULES.items():
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)
