"""Who may use which page: one table for every URL pattern in the service.

The access middleware enforces this table before any view runs, and refuses a
URL that is missing from it. Views then check the object itself (a partnership,
later a case) with the ``rules`` predicates. A test walks every URL pattern and
fails when one has no entry here, so a new page cannot ship without a policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspr.domain.roles import Role


@dataclass(frozen=True)
class Policy:
    """``public``: no sign-in needed. ``roles=None``: any signed-in person. Otherwise: one of
    ``roles`` in the partnership the person is currently working in."""

    public: bool = False
    roles: frozenset[Role] | None = None
    superuser_only: bool = False
    description: str = ""

    def allows(self, *, authenticated: bool, is_superuser: bool, roles_here: frozenset[Role]) -> bool:
        if self.public:
            return True
        if not authenticated:
            return False
        if self.superuser_only:
            return is_superuser
        if self.roles is None:
            return True
        return bool(self.roles & roles_here)


PUBLIC = Policy(public=True, description="anyone, signed in or not")
SIGNED_IN = Policy(description="any signed-in person")


def members(*roles: Role) -> Policy:
    return Policy(roles=frozenset(roles), description=", ".join(role.label for role in roles))


EVERY_ROLE = frozenset(Role)
ANY_MEMBER = Policy(roles=EVERY_ROLE, description="any member of the current partnership")

# Role groups shared by the URL table and the object-level rules.
PEOPLE_VIEWERS = frozenset({Role.PARTNERSHIP_ADMIN, Role.BUSINESS_UNIT})
AUDIT_VIEWERS = frozenset({Role.AUDITOR, Role.PARTNERSHIP_ADMIN})
CALENDAR_EDITORS = frozenset({Role.PARTNERSHIP_ADMIN, Role.BUSINESS_UNIT})
PROCEDURE_EDITORS = frozenset({Role.PARTNERSHIP_ADMIN})
MESSAGE_VIEWERS = frozenset({Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN})

URL_POLICY: dict[str, Policy] = {
    # Service health and signing in.
    "core:healthz": PUBLIC,
    "accounts:sign-in": PUBLIC,
    "accounts:signed-out": PUBLIC,
    "accounts:sign-out": SIGNED_IN,
    # Home and the partnership switcher work for a signed-in person with no partnership yet.
    "core:home": SIGNED_IN,
    "partnerships:switch": SIGNED_IN,
    # Partnership pages.
    "partnerships:overview": ANY_MEMBER,
    "partnerships:people": members(*PEOPLE_VIEWERS),
    "audit:trail": members(*AUDIT_VIEWERS),
    "calendars:closure-days": ANY_MEMBER,
    "calendars:closure-day-add": members(*CALENDAR_EDITORS),
    "calendars:closure-day-remove": members(*CALENDAR_EDITORS),
    "procedure:overview": ANY_MEMBER,
    "procedure:clock-edit": members(*PROCEDURE_EDITORS),
    "procedure:criterion-edit": members(*PROCEDURE_EDITORS),
    "messaging:undeliverable": members(*MESSAGE_VIEWERS),
}


def policy_for(view_name: str | None) -> Policy | None:
    if view_name is None:
        return None
    return URL_POLICY.get(view_name)
