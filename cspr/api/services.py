"""Issuing, revoking and checking API tokens. Issue and revoke are audited; a token is never stored or logged."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cspr.api.models import ApiToken
from cspr.audit.services import audit_record
from cspr.partnerships.models import Membership

__all__ = [
    "LAST_USED_RESOLUTION",
    "TOKEN_PREFIX",
    "IssuedToken",
    "api_token_issue",
    "api_token_revoke",
    "api_token_use",
    "token_hash",
]

TOKEN_PREFIX = "cspr_"  # noqa: S105 - not a secret
"""Every token starts with this, so a leaked token is recognisable (e.g. by secret scanners)."""
SECRET_BYTES = 32
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
"""How much of the token is kept in clear to identify it: ``cspr_`` and 8 of its 43 random characters."""
LAST_USED_RESOLUTION = timedelta(minutes=1)
_TOKEN_SHAPE = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str
    """The token itself: shown once, never stored."""


def api_token_issue(
    *, membership: Membership, name: str, actor: Any = None, now: datetime | None = None
) -> IssuedToken:
    """A new token for ``membership``; the caller shows ``secret`` once and forgets it."""
    now = now or timezone.now()
    with transaction.atomic():
        while True:
            secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
            prefix = secret[:SHOWN_PREFIX_LENGTH]
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        token = ApiToken.objects.create(
            membership=membership,
            name=name.strip(),
            prefix=prefix,
            token_hash=token_hash(secret),
            created_at=now,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            verb="api_token.issued",
            obj=token,
            partnership=membership.partnership,
            membership=membership,
            details={"prefix": prefix, "label": token.name, "role": membership.role},
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, actor: Any = None, now: datetime | None = None) -> bool:
    """Revoke ``token`` (``False`` if it already was). Takes effect on the next request."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        if not changed:
            return False
        token.refresh_from_db(fields=["revoked_at"])
        audit_record(
            actor=actor,
            verb="api_token.revoked",
            obj=token,
            partnership=token.membership.partnership,
            membership=token.membership,
            details={"prefix": token.prefix, "label": token.name},
        )
    return True


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of presenting a token: the token when it may be used, otherwise why not (for the audit)."""

    token: ApiToken | None
    reason: str
    known_token: ApiToken | None = None


def api_token_use(*, presented: str, now: datetime | None = None) -> TokenCheck:
    """Check a presented token and note its use (``last_used_at``, written at most once a minute).

    A token works only while it is not revoked and its membership and person are active.
    """
    if not _TOKEN_SHAPE.match(presented):
        return TokenCheck(None, "not a token this service issued")
    token = (
        ApiToken.objects.select_related("membership__user", "membership__partnership", "membership__organisation")
        .filter(token_hash=token_hash(presented))
        .first()
    )
    if token is None:
        return TokenCheck(None, "unknown token")
    if token.revoked_at is not None:
        return TokenCheck(None, "revoked token", known_token=token)
    membership = token.membership
    if not membership.is_active or not membership.user.is_active:
        return TokenCheck(None, "the token's membership or account is disabled", known_token=token)
    now = now or timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at <= stale:
        ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
            last_used_at=now
        )
        token.last_used_at = now
    return TokenCheck(token, "")
