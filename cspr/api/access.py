"""Who is calling the API: the bearer token alone, never the browser's session cookie.

``cspr.web.middleware.AccessPolicyMiddleware`` calls :func:`api_request_check` for every URL pattern whose policy
is an API policy (``Policy(api=True)``), before any view runs. It answers 401 (JSON) for a missing, unknown,
revoked or disabled token, 403 (JSON) for a token whose role the policy does not allow, and otherwise puts the
token's :class:`ApiAccess` on the request, replacing whatever the session said: ``request.user`` becomes the
token's person, ``request.scope`` a scope holding the token's ONE membership and ``request.acting`` the value the
endpoints hand to services (that person and scope, ``via="api"``). Every refusal is audited (``access.refused``),
without the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, JsonResponse

from cspr.accounts.models import User
from cspr.api.models import ApiToken
from cspr.api.services import api_token_use
from cspr.audit.services import audit_record, client_ip
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.kernel.text import printable
from cspr.partnerships.models import Membership, OrganisationType, Partnership
from cspr.partnerships.scoping import Grant, Scope, acting_for

__all__ = ["ApiAccess", "api_acting", "api_refuse", "api_request_check", "printable"]

AUTH_NEEDED = "Authentication needed: send 'Authorization: Bearer <token>'."
TOKEN_REFUSED = "The token is not valid: it is unknown, revoked, or its membership is disabled."  # noqa: S105 - not a secret
ROLE_REFUSED = "This token's role cannot use this endpoint."


@dataclass(frozen=True)
class ApiAccess:
    """What one request's token may do: one membership, nothing else."""

    token: ApiToken
    membership: Membership
    scope: Scope
    acting: Acting

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def partnership(self) -> Partnership:
        return self.membership.partnership

    @property
    def role(self) -> Role:
        return Role(self.membership.role)

    @property
    def is_la_notifier(self) -> bool:
        """A notifier for a local authority: what it pushes is the LA's notification, anything else a referral."""
        organisation = self.membership.organisation
        return (
            self.role is Role.NOTIFIER
            and organisation is not None
            and organisation.type == OrganisationType.LOCAL_AUTHORITY
        )


def membership_scope(membership: Membership) -> Scope:
    """A scope holding this one membership only (never the person's other memberships, never superuser powers)."""
    grant = Grant(
        membership_id=membership.pk,
        partnership_id=membership.partnership_id,
        role=Role(membership.role),
        organisation_id=membership.organisation_id,
    )
    return Scope(user_id=membership.user_id, is_superuser=False, grants=(grant,))


def api_acting(membership: Membership, *, address: str | None = None) -> Acting:
    """Who acts in one API call: the token's person, with the token's one membership, from ``address``."""
    return acting_for(
        membership.user,
        partnership_id=membership.partnership_id,
        client_ip=address,
        via="api",
        scope=membership_scope(membership),
    )


def api_refuse(
    request: HttpRequest, *, reason: str, status: int, message: str, access: ApiAccess | None = None, token: Any = None
) -> JsonResponse:
    """Record a refused API request and answer with ``{"detail": message}``."""
    known = access.token if access is not None else token
    membership = known.membership if known is not None else None
    details: dict[str, Any] = {
        "path": printable(request.path),
        "method": printable(request.method or ""),
        "reason": reason,
        "status": status,
        "api": True,
    }
    if known is not None:
        details["api_token_id"] = known.pk
    audit_record(
        actor=membership.user if membership is not None else None,
        verb="access.refused",
        details=details,
        partnership=membership.partnership if membership is not None else None,
        membership=membership,
        ip_address=client_ip(request),
    )
    response = JsonResponse({"detail": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"' + (
            ', error="invalid_token"' if reason != "no token" else ""
        )
    response["Cache-Control"] = "no-store"
    return response


def _presented_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_request_check(request: HttpRequest, *, policy: Any) -> JsonResponse | None:
    """Authenticate the request by its bearer token and apply the URL's policy (``None``: go ahead)."""
    presented = _presented_token(request)
    if presented is None:
        return api_refuse(request, reason="no token", status=401, message=AUTH_NEEDED)
    check = api_token_use(presented=presented)
    if check.token is None:
        return api_refuse(request, reason=check.reason, status=401, message=TOKEN_REFUSED, token=check.known_token)
    membership = check.token.membership
    acting = api_acting(membership, address=client_ip(request))
    access = ApiAccess(token=check.token, membership=membership, scope=acting.scope, acting=acting)
    # The token, and only the token, says who this is: a session cookie sent alongside changes nothing.
    request.user = membership.user
    request.scope = access.scope  # type: ignore[attr-defined]
    request.acting = acting  # type: ignore[attr-defined]
    request.partnership_id = membership.partnership_id  # type: ignore[attr-defined]
    request.partnership = membership.partnership  # type: ignore[attr-defined]
    request.api_access = access  # type: ignore[attr-defined]
    if not policy.allows(
        authenticated=True, is_superuser=False, roles_here=access.scope.roles_in(membership.partnership_id)
    ):
        return api_refuse(
            request, reason="role not allowed on this endpoint", status=403, message=ROLE_REFUSED, access=access
        )
    return None
