"""Issuing, revoking and checking API tokens. Issue and revoke are audited; a token is never stored or logged.

Their events name the token's membership (the one it acts with), not a membership of whoever issued or revoked it,
so they are written with ``audit_record`` itself rather than the kit's ``audit``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from cspr.api.models import ApiToken, IdempotentRequest
from cspr.audit.services import audit_record
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Membership

__all__ = [
    "IDEMPOTENCY_WINDOW",
    "LAST_USED_RESOLUTION",
    "TOKEN_PREFIX",
    "Answer",
    "IssuedToken",
    "Once",
    "api_request_once",
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


def api_token_issue(*, acting: Acting, membership: Membership, name: str, now: datetime | None = None) -> IssuedToken:
    """A new token for ``membership``; the caller shows ``secret`` once and forgets it."""
    now = kit.now(now)
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
            created_by=acting.user,
        )
        audit_record(
            actor=acting.user,
            verb="api_token.issued",
            obj=token,
            partnership=membership.partnership,
            membership=membership,
            details={"prefix": prefix, "label": token.name, "role": membership.role},
            ip_address=acting.client_ip,
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, acting: Acting, token: ApiToken, now: datetime | None = None) -> bool:
    """Revoke ``token`` (``False`` if it already was). Takes effect on the next request."""
    now = kit.now(now)
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        if not changed:
            return False
        token.refresh_from_db(fields=["revoked_at"])
        audit_record(
            actor=acting.user,
            verb="api_token.revoked",
            obj=token,
            partnership=token.membership.partnership,
            membership=token.membership,
            details={"prefix": token.prefix, "label": token.name},
            ip_address=acting.client_ip,
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
    now = kit.now(now)
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at <= stale:
        ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
            last_used_at=now
        )
        token.last_used_at = now
    return TokenCheck(token, "")


# -- Idempotency-Key: a retried POST answers as the first one did --------------------------------------------------

IDEMPOTENCY_WINDOW = timedelta(hours=24)
"""How long an answer is kept for a retry with the same key."""
IDEMPOTENCY_KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")
"""1 to 255 visible ASCII characters (a UUID is the usual choice)."""


@dataclass(frozen=True)
class Answer:
    """What an endpoint answered: its status and JSON body."""

    status: int
    body: dict[str, Any]


class Once(StrEnum):
    PERFORMED = "performed"
    REPLAYED = "replayed"
    KEY_REUSED = "key_reused"


def body_fingerprint(body: bytes) -> str:
    """SHA-256 of the JSON body with its keys sorted and spacing removed, so that a client which serialises the
    same request differently on a retry is still recognised; a body that is not JSON is hashed as it is."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode("utf-8")
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def api_request_once(
    *,
    acting: Acting,
    token: ApiToken,
    key: str,
    body: bytes,
    perform: Callable[[], Any],
    now: datetime | None = None,
) -> tuple[Once, Any]:
    """Run ``perform`` at most once for this token and ``Idempotency-Key`` within :data:`IDEMPOTENCY_WINDOW`.

    The key is claimed (a row under a unique constraint) before ``perform`` runs, in the same transaction as what
    it writes: a concurrent retry waits for the first request and then answers as it did. Only a successful
    :class:`Answer` (2xx) is kept; after anything else ``perform`` returns (a refusal it has audited, a 422) the claim
    is removed so that a corrected request may use the key again. The same key
    with another body answers ``(Once.KEY_REUSED, None)`` and is audited; a replay is audited too, as ``acting``
    (the token's person, through the token's membership).
    """
    now = kit.now(now)
    fingerprint = body_fingerprint(body)
    membership = token.membership
    with transaction.atomic():
        IdempotentRequest.objects.filter(token=token, key=key, created_at__lte=now - IDEMPOTENCY_WINDOW).delete()
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    token=token, key=key, body_sha256=fingerprint, status_code=0, created_at=now
                )
        except IntegrityError:
            earlier = IdempotentRequest.objects.get(token=token, key=key)
            outcome = Once.REPLAYED if earlier.body_sha256 == fingerprint else Once.KEY_REUSED
            kit.audit(
                acting,
                "api.idempotent_replay" if outcome is Once.REPLAYED else "api.idempotency_key_reused",
                obj=earlier,
                partnership=membership.partnership,
                grant=acting.grant_for(membership.partnership_id, [Role(membership.role)]),
                api_token_id=token.pk,
                status=earlier.status_code,
            )
            if outcome is Once.KEY_REUSED:
                return outcome, None
            return outcome, Answer(status=earlier.status_code, body=earlier.response)
        answer = perform()
        if isinstance(answer, Answer) and 200 <= answer.status < 300:
            claim.status_code = answer.status
            claim.response = answer.body
            claim.save(update_fields=["status_code", "response"])
        else:
            claim.delete()
    return Once.PERFORMED, answer


def idempotent_requests_expire(*, now: datetime | None = None) -> int:
    """Remove answers older than the window (the worker runs this daily); returns how many went."""
    now = kit.now(now)
    removed, _ = IdempotentRequest.objects.filter(created_at__lte=now - IDEMPOTENCY_WINDOW).delete()
    return removed
