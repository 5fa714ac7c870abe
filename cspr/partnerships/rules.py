"""Object-level permissions on a partnership, from the person's memberships in it."""

from __future__ import annotations

from typing import Any

import rules

from cspr.core.policy import AUDIT_VIEWERS, CALENDAR_EDITORS, PEOPLE_MANAGERS, PEOPLE_VIEWERS
from cspr.domain.roles import Role
from cspr.partnerships.scoping import Scope, scope_for


def _scope(user: Any) -> Scope:
    cached = getattr(user, "_cspr_scope", None)
    if cached is None:
        cached = scope_for(user)
        if getattr(user, "is_authenticated", False):
            user._cspr_scope = cached
    return cached


def has_role_in(*roles: Role) -> Any:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role_in({','.join(sorted(wanted))})")
    def predicate(user: Any, partnership: Any) -> bool:
        if partnership is None:
            return False
        return _scope(user).has_any_role(partnership.pk, wanted)

    return predicate


is_member = has_role_in(*Role)

rules.add_perm("partnerships.view_partnership", is_member)
rules.add_perm("partnerships.view_people", has_role_in(*PEOPLE_VIEWERS))
rules.add_perm("partnerships.manage_people", has_role_in(*PEOPLE_MANAGERS))
rules.add_perm("audit.view_trail", has_role_in(*AUDIT_VIEWERS))
rules.add_perm("calendars.edit_closure_days", has_role_in(*CALENDAR_EDITORS))
