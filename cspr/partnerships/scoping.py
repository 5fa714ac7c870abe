"""The one answer to "what may this person see?".

Every selector that reads partnership or case data starts from ``scope_for(user)``.
A scope is built from the person's active memberships in one query and then
answers every question about partnerships, roles and organisations from memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cspr.domain.roles import Role
from cspr.partnerships.models import Membership

CURRENT_PARTNERSHIP_SESSION_KEY = "current_partnership_id"


@dataclass(frozen=True)
class Grant:
    """One active membership, reduced to the plain facts access decisions need."""

    membership_id: int
    partnership_id: int
    role: Role
    organisation_id: int | None


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def partnership_ids(self) -> frozenset[int]:
        return frozenset(grant.partnership_id for grant in self.grants)

    def grants_in(self, partnership_id: int | None) -> tuple[Grant, ...]:
        return tuple(grant for grant in self.grants if grant.partnership_id == partnership_id)

    def roles_in(self, partnership_id: int | None) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants_in(partnership_id))

    def has_any_role(self, partnership_id: int | None, roles: Iterable[Role]) -> bool:
        return bool(self.roles_in(partnership_id) & frozenset(roles))

    def organisation_ids_in(self, partnership_id: int | None, *, roles: Iterable[Role] | None = None) -> frozenset[int]:
        wanted = frozenset(roles) if roles is not None else None
        return frozenset(
            grant.organisation_id
            for grant in self.grants_in(partnership_id)
            if grant.organisation_id is not None and (wanted is None or grant.role in wanted)
        )

    def can_see_partnership(self, partnership_id: int | None) -> bool:
        return partnership_id is not None and partnership_id in self.partnership_ids


NO_SCOPE = Scope(user_id=None)


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
