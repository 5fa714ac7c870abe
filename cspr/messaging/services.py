"""Writing to the outbox, and the worker's steps for delivering what is in it.

``message_queue`` is the one function other apps call: it adds a row in the caller's
transaction, so the message exists exactly when the change it tells about is kept.
It never sends. The worker (``cspr.messaging.worker``) claims due rows with a leased
conditional UPDATE, one row at a time, which behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.messaging.models import (
    DELIVERABLE_STATUSES,
    KIND_MAX_LENGTH,
    RECIPIENT_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    UNDELIVERED_STATUSES,
    MessageStatus,
    OutboundMessage,
)

if TYPE_CHECKING:
    from cspr.partnerships.models import Partnership

logger = logging.getLogger(__name__)

RECIPIENT_MISSING = "A message needs a recipient e-mail address."
RECIPIENT_INVALID = "The recipient is not a valid e-mail address."
SUBJECT_MISSING = "A message needs a subject."
SUBJECT_TOO_LONG = f"A message subject must be {SUBJECT_MAX_LENGTH} characters or fewer."
BODY_MISSING = "A message needs a body."
KIND_INVALID = 'A message kind is a short lower-case word or dotted name, e.g. "invitation" or "case.notified".'
NUL_REFUSED = "Messages cannot contain NUL characters."
HEADER_INJECTION_REFUSED = "The recipient and subject must be one line each (no line breaks)."
TRANSACTION_REQUIRED = (
    "message_queue() must be called inside the calling service's transaction.atomic() block, "
    "so the message is kept exactly when the change it tells about is kept."
)

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
# Everything str.splitlines() treats as a line break: any of them in a header is an injection attempt.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

# The worker's timing. A lease must outlast sending one batch (SMTP timeout x batch size).
LEASE = timedelta(minutes=5)
BATCH_SIZE = 20
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
UNDELIVERABLE_AFTER = timedelta(hours=24)
LAST_ERROR_LENGTH = 300


class TransactionRequired(RuntimeError):
    pass


def new_message_id() -> str:
    """A globally unique RFC 5322 Message-ID, fixed when the message is queued."""
    domain = getattr(settings, "CSPR_MESSAGE_ID_DOMAIN", "cspr.invalid")
    return f"<{uuid.uuid4().hex}@{domain}>"


def _refuse_nul(*values: str) -> None:
    if any("\x00" in value for value in values):
        raise ValueError(NUL_REFUSED)


def _refuse_line_breaks(*values: str) -> None:
    if any(LINE_BREAKS.intersection(value) for value in values):
        raise ValueError(HEADER_INJECTION_REFUSED)


SECRET_REMOVED = "(Removed once sent: this message held a one-time link.)"  # noqa: S105 - words, not a secret


def message_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    partnership: Partnership | None = None,
    html_body: str = "",
    holds_secret: bool = False,
) -> OutboundMessage:
    """Add one e-mail to the outbox, in the caller's transaction. Never sends.

    The content is the caller's: it must carry a case reference and pseudonym at most,
    never a child's or family member's identifying details. ``holds_secret`` marks a body that
    carries a one-time link (an invitation, a password reset): it is blanked once sent, so the
    outbox table does not keep working links.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionRequired(TRANSACTION_REQUIRED)
    _refuse_nul(to, subject, body, kind, html_body)
    _refuse_line_breaks(to, subject)
    to = to.strip()
    subject = subject.strip()
    if not to:
        raise ValueError(RECIPIENT_MISSING)
    if len(to) > RECIPIENT_MAX_LENGTH:
        raise ValueError(RECIPIENT_INVALID)
    try:
        validate_email(to)
    except ValidationError:
        raise ValueError(RECIPIENT_INVALID) from None
    if not subject:
        raise ValueError(SUBJECT_MISSING)
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValueError(SUBJECT_TOO_LONG)
    if not body.strip():
        raise ValueError(BODY_MISSING)
    if len(kind) > KIND_MAX_LENGTH or not KIND_PATTERN.match(kind):
        raise ValueError(KIND_INVALID)
    now = timezone.now()
    return OutboundMessage.objects.create(
        partnership=partnership,
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        kind=kind,
        message_id=new_message_id(),
        holds_secret=holds_secret,
        status=MessageStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, doubling, at most an hour."""
    if attempts < 1:
        return FIRST_RETRY
    # Cap the exponent first so a huge attempt count cannot overflow.
    delay = FIRST_RETRY * (2 ** min(attempts - 1, 20))
    return min(delay, MAX_RETRY)


def error_summary(error: BaseException) -> str:
    """A short, one-line description of a failure for ``last_error``. Backends never put the body in it."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:LAST_ERROR_LENGTH]


def _due(now: datetime) -> Q:
    return Q(status__in=DELIVERABLE_STATUSES, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def message_claim_batch(
    *, worker_id: str, now: datetime | None = None, limit: int = BATCH_SIZE, lease: timedelta = LEASE
) -> list[OutboundMessage]:
    """Claim up to ``limit`` due messages for this worker, each with a lease.

    Each row is claimed with its own conditional UPDATE that repeats the "still free"
    condition; a row count of 1 means this worker won it. Two workers can pick the same
    candidates, but only one UPDATE matches. Runs in autocommit, one short statement a row.
    """
    now = now or timezone.now()
    candidates = list(
        OutboundMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]
    )
    won: list[int] = []
    for message_pk in candidates:
        updated = OutboundMessage.objects.filter(_due(now), id=message_pk).update(
            claimed_until=now + lease, claimed_by=worker_id
        )
        if updated == 1:
            won.append(message_pk)
    return list(OutboundMessage.objects.filter(id__in=won, claimed_by=worker_id).order_by("next_attempt_at", "id"))


def message_start_attempt(
    *, message: OutboundMessage, worker_id: str, now: datetime | None = None, lease: timedelta = LEASE
) -> bool:
    """Just before handing the message to the backend: count the attempt and renew the lease.

    Refused (False) when another worker has taken the message over meanwhile, or it was sent:
    the caller must then not send it.
    """
    now = now or timezone.now()
    updated = OutboundMessage.objects.filter(
        id=message.pk, claimed_by=worker_id, status__in=DELIVERABLE_STATUSES
    ).update(status=MessageStatus.SENDING, attempts=F("attempts") + 1, claimed_until=now + lease)
    if updated != 1:
        return False
    message.refresh_from_db(fields=["status", "attempts", "claimed_until"])
    return True


def message_mark_sent(*, message: OutboundMessage, now: datetime | None = None) -> bool:
    """The backend accepted the message. Marked sent whoever holds the lease now, so nobody sends it again."""
    now = now or timezone.now()
    sent = {"status": MessageStatus.SENT, "sent_at": now, "claimed_until": None, "claimed_by": "", "last_error": ""}
    if message.holds_secret:
        sent.update(body=SECRET_REMOVED, html_body="")
    updated = OutboundMessage.objects.filter(id=message.pk, status__in=DELIVERABLE_STATUSES).update(**sent)
    message.refresh_from_db(fields=[*sent])
    return updated == 1


def message_schedule_retry(
    *, message: OutboundMessage, worker_id: str, error: str, now: datetime | None = None
) -> bool:
    """A temporary failure: release the lease and try again after the back-off."""
    now = now or timezone.now()
    updated = OutboundMessage.objects.filter(id=message.pk, claimed_by=worker_id, status=MessageStatus.SENDING).update(
        status=MessageStatus.PENDING,
        next_attempt_at=now + retry_delay(message.attempts),
        last_error=error[:LAST_ERROR_LENGTH],
        claimed_until=None,
        claimed_by="",
    )
    message.refresh_from_db()
    return updated == 1


def _flag_undeliverable(*, message: OutboundMessage, now: datetime, reason: str) -> bool:
    """Flag the message once and audit it, in one transaction. False if it was already flagged."""
    with transaction.atomic():
        updated = OutboundMessage.objects.filter(id=message.pk, flagged_undeliverable_at__isnull=True).update(
            flagged_undeliverable_at=now
        )
        if updated != 1:
            return False
        message.refresh_from_db()
        audit_record(
            actor=None,
            verb="message.undeliverable",
            obj=message,
            partnership=message.partnership,
            details={
                "kind": message.kind,
                "message_id": message.message_id,
                "reason": reason,
                "status": message.status,
                "attempts": message.attempts,
                "last_error": message.last_error,
                "queued_at": message.created_at.isoformat(),
            },
        )
    return True


def message_fail_permanently(
    *, message: OutboundMessage, worker_id: str, error: str, now: datetime | None = None
) -> bool:
    """The backend said the message can never be delivered (e.g. an unknown mailbox): stop and flag it at once."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = OutboundMessage.objects.filter(
            id=message.pk, claimed_by=worker_id, status=MessageStatus.SENDING
        ).update(status=MessageStatus.FAILED, last_error=error[:LAST_ERROR_LENGTH], claimed_until=None, claimed_by="")
        if updated != 1:
            return False
        _flag_undeliverable(message=message, now=now, reason="refused permanently")
    message.refresh_from_db()
    return True


def messages_flag_undeliverable(*, now: datetime | None = None) -> int:
    """Flag, once each, messages still undelivered a day after they were queued. Returns how many."""
    now = now or timezone.now()
    overdue = OutboundMessage.objects.filter(
        status__in=UNDELIVERED_STATUSES,
        flagged_undeliverable_at__isnull=True,
        created_at__lte=now - UNDELIVERABLE_AFTER,
    ).order_by("id")
    flagged = 0
    for message in overdue:
        if _flag_undeliverable(message=message, now=now, reason="not delivered within 24 hours"):
            logger.warning("Message %s (%s) not delivered after 24 hours", message.message_id, message.kind)
            flagged += 1
    return flagged
