"""Object-level permissions on a case's information requests and returns.

Case-level rules take a user or a :class:`~cspr.partnerships.scoping.Scope` and a case (seeing the case at all goes
through :func:`cspr.cases.selectors.cases_visible`). A request is answered only by its organisation's contributors:
:func:`cspr.returns.services.contributor_grant` finds the person's membership for the request's partnership and
organisation directly.
"""

from __future__ import annotations

import rules

from cspr.cases.rules import can_see_case, holds
from cspr.core.policy import CHRONOLOGY_READERS, RETURN_READERS, RETURN_REQUESTERS
from cspr.domain.roles import Role

#: Each rule: the person sees the case and holds one of these roles in its partnership.
RULE_ROLES: dict[str, frozenset[Role]] = {
    "returns.manage_requests": RETURN_REQUESTERS,
    "returns.read_returns": RETURN_READERS,
    "returns.read_chronology": CHRONOLOGY_READERS,
}

RULES = {name: can_see_case & holds(roles, name="returns_holds") for name, roles in RULE_ROLES.items()}

for _name, _predicate in RULES.items():
    rules.add_rule(_name, _predicate)
    rules.add_perm(_name, _predicate)
