"""The one answer to "what may this person see?".

Every selector that reads partnership or case data starts from ``scope_for(user)``.
A scope is built from the person's active memberships in one query and then
answers every question about partnerships, roles and organisations from memory.
"""

from __future__ import annotations

from typing import Any

from cspr.domain.roles import Role
from cspr.kernel.acting import NO_SCOPE, Acting, Grant, Scope, Via
from cspr.partnerships.models import Membership

__all__ = [
    "CURRENT_PARTNERSHIP_SESSION_KEY",
    "NO_SCOPE",
    "Grant",
    "Scope",
    "acting_for",
    "current_partnership_choose",
    "scope_for",
]

CURRENT_PARTNERSHIP_SESSION_KEY = "current_partnership_id"


def current_partnership_choose(scope: Scope, chosen: Any) -> int | None:
    """The partnership a session works in: the one chosen with the switcher while the person is still a member
    there, otherwise the first they belong to (lowest id), otherwise none."""
    if chosen in scope.partnership_ids:
        return int(chosen)
    return min(scope.partnership_ids) if scope.partnership_ids else None


def scope_for(user: Any) -> Scope:
    """What any of this user's active memberships allows. Anonymous or disabled users see nothing.

    A superuser operates the service (accounts, recovery) but is given no
    partnership's case data through being a superuser: data access comes from
    memberships only.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    rows = Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
        "id", "partnership_id", "role", "organisation_id"
    )
    grants = tuple(
        Grant(membership_id=mid, partnership_id=pid, role=Role(role), organisation_id=oid)
        for mid, pid, role, oid in rows
    )
    return Scope(user_id=user.pk, is_superuser=bool(user.is_superuser), grants=grants)


def acting_for(
    user: Any,
    *,
    partnership_id: int | None = None,
    client_ip: str | None = None,
    via: Via = "command",
    scope: Scope | None = None,
) -> Acting:
    """The acting value of a person outside a web request (an API call, a command, a test, the demo): their
    memberships from :func:`scope_for` unless a scope is given. ``None`` is the service itself."""
    if user is None:
        return Acting(user=None, scope=NO_SCOPE, partnership_id=partnership_id, client_ip=client_ip, via="system")
    if scope is None:
        scope = scope_for(user)
        if scope.user_id != user.pk:  # a disabled account: itself, holding nothing
            scope = Scope(user_id=user.pk)
    return Acting(user=user, scope=scope, partnership_id=partnership_id, client_ip=client_ip, via=via)
