"""Who is acting: one value built once per request, API call or command, and handed to every service.

A service never takes ``request`` and never a bare user. It takes ``acting: Acting``, which holds

* the person (``user``; ``None`` for the service's own scheduled jobs),
* every one of their active memberships (``scope``: the one scoping function's answer),
* the partnership they are working in (``partnership_id``; the header switcher's choice on the web),
* where the action came from (``client_ip`` for the audit trail, ``via``: web, api, command or system).

Rules that need a role pick the membership that allows the action with :meth:`Acting.grant_for`; the audit event
and any immutable row record that membership, never "the first role the person happens to hold".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.http import HttpRequest

from cspr.audit.services import client_ip
from cspr.domain.roles import Role

if TYPE_CHECKING:
    from cspr.accounts.models import User

Via = Literal["web", "api", "command", "system"]


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


class ActingMismatch(ValueError):
    """The scope handed in belongs to someone else than the person acting: a programming error, refused."""


@dataclass(frozen=True)
class Acting:
    user: User | None
    scope: Scope
    partnership_id: int | None = None
    client_ip: str | None = None
    via: Via = "web"

    def __post_init__(self) -> None:
        user_id = self.user.pk if self.user is not None else None
        if self.scope.user_id != user_id:
            raise ActingMismatch("the scope is not the acting person's")

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_system(self) -> bool:
        return self.user is None

    def roles_in(self, partnership_id: int | None) -> frozenset[Role]:
        return self.scope.roles_in(partnership_id)

    def grant_for(self, partnership_id: int | None, roles: Iterable[Role | str]) -> Grant | None:
        """The membership that allows an action open to ``roles`` in this partnership, or ``None``.

        A list or tuple of ``roles`` is read in order of preference (the lifecycle lists a transition's roles with
        the one that normally acts first); a set has no order of its own, so it is read in :class:`Role`'s order.
        Among memberships of the same role the oldest wins, so the answer never depends on the order the database
        returns rows in, nor on how a set happens to iterate.
        """
        held = self.scope.grants_in(partnership_id)
        if isinstance(roles, set | frozenset):
            wanted_roles = {Role(role) for role in roles}
            roles = [role for role in Role if role in wanted_roles]
        for wanted in roles:
            role = Role(wanted)
            matching = sorted((grant for grant in held if grant.role == role), key=lambda grant: grant.membership_id)
            if matching:
                return matching[0]
        return None


def system_acting(*, partnership_id: int | None = None) -> Acting:
    """The service itself (the reminder sweep, the clock refresh): nobody signed in, no membership."""
    return Acting(user=None, scope=NO_SCOPE, partnership_id=partnership_id, via="system")


def acting_from_request(request: HttpRequest) -> Acting:
    """The acting value of a web request, from what the partnership middleware worked out for it.

    Built once per request (the middleware stores it as ``request.acting``); views pass that on.
    """
    built = getattr(request, "acting", None)
    if isinstance(built, Acting):
        return built
    user = request.user if request.user.is_authenticated else None
    scope = getattr(request, "scope", None)
    if not isinstance(scope, Scope) or scope.user_id != (user.pk if user is not None else None):
        scope = Scope(user_id=user.pk) if user is not None else NO_SCOPE  # no middleware ran: nothing is allowed
    return Acting(
        user=user,
        scope=scope,
        partnership_id=getattr(request, "partnership_id", None),
        client_ip=client_ip(request),
        via="web",
    )
