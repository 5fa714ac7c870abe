"""Writing to the audit trail. Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.chain import GENESIS_HASH, event_mac, event_payload
from cspr.audit.checkpoints import checkpoint_after_commit
from cspr.audit.keyring import current_audit_key
from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.audit.selectors import audit_chain_problems

# Audit details describe what happened, never who the child or family are. A key
# that names an identifying detail is refused outright rather than trusted.
IDENTIFYING_KEYS = frozenset(
    {
        "name",
        "names",
        "first_name",
        "last_name",
        "surname",
        "full_name",
        "other_names",
        "date_of_birth",
        "dob",
        "address",
        "postcode",
        "nhs_number",
        "child_name",
        "family_name",
    }
)
# Free text typed into a case (reasons, notes, titles, actions) is sealed (ADR 0009) and never copied into the trail,
# which the partnership admin and the auditor read. A reason the service writes itself (why a request was refused,
# why sessions ended) goes under other keys, so these are refused wherever they appear.
FREE_TEXT_KEYS = frozenset(
    {
        "note",
        "notes",
        "title",
        "late_reason",
        "extension_reason",
        "agreed_by",
        "extension_agreed_by",
        "explanation",
        "what",
        "what_was_said",
        "method_other",
        "other_area",
        "rationale",
        "grounds_text",
        "agencies_involved",
        "parallel_processes",
        "original_name",
        "filename",
    }
)
IDENTIFYING_DETAIL_REFUSED = "Audit details must not hold identifying details (key '{key}')."
FREE_TEXT_REFUSED = "Audit details must not hold free text typed into a case (key '{key}')."


class IdentifyingDetailInAudit(ValueError):
    pass


def _check_details(details: Any, path: str = "") -> None:
    if isinstance(details, dict):
        for key, value in details.items():
            if str(key).lower() in IDENTIFYING_KEYS:
                raise IdentifyingDetailInAudit(IDENTIFYING_DETAIL_REFUSED.format(key=f"{path}{key}"))
            if str(key).lower() in FREE_TEXT_KEYS:
                raise IdentifyingDetailInAudit(FREE_TEXT_REFUSED.format(key=f"{path}{key}"))
            _check_details(value, f"{path}{key}.")
    elif isinstance(details, list | tuple):
        for item in details:
            _check_details(item, path)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind ``TRUSTED_PROXY_COUNT`` proxies of our own, the entry they added to
    X-Forwarded-For (counted from the right, so a client cannot forge it); otherwise REMOTE_ADDR.

    The audit trail and the sign-in lockout (``AXES_CLIENT_IP_CALLABLE``) both use it, so both see the person
    rather than the proxy.
    """
    if request is None:
        return None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies][:45] or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    partnership: Any = None,  # a Partnership, or its id
    membership: Any = None,  # a Membership, or its id
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the trail, chained to the one before it.

    Runs inside the caller's transaction (or its own), so the event is kept
    exactly when the change it describes is kept. Services call it through the service kit
    (``cspr.kernel.kit.audit``), which hands it the acting person, membership and ``ip_address``;
    ``request`` remains for the callers not yet converted to the kit.
    """
    details = details or {}
    _check_details(details)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return _append(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
        **({"partnership_id": partnership} if isinstance(partnership, int) else {"partnership": partnership}),
        **({"membership_id": membership} if isinstance(membership, int) else {"membership": membership}),
        ip_address=ip_address,
    )


def _append(*, restored_to: int | None = None, **fields: Any) -> AuditEvent:
    """Lock the head, sign the event under the newest key, move the head on, and checkpoint after commit.

    The checkpoint is written by ``transaction.on_commit``: an event rolled back with its change (or with
    a savepoint around it) leaves no checkpoint behind.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH, "length": 0}
        )
        key_id, key = current_audit_key()
        position = head.length + 1
        details = json.loads(json.dumps(fields.pop("details"), default=str))
        event = AuditEvent(
            occurred_at=timezone.now().replace(microsecond=0),
            details=details,
            previous_hash=head.last_hash,
            key_id=key_id,
            **fields,
        )
        event.hash = event_mac(
            key=key, key_id=key_id, position=position, previous_hash=head.last_hash, payload=event_payload(event)
        )
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_hash=event.hash, length=models.F("length") + 1)
        kind = "event" if restored_to is None else "restore"
        transaction.on_commit(
            partial(checkpoint_after_commit, length=position, last_hash=event.hash, kind=kind, restored_to=restored_to)
        )
    return event


class AuditRestoreRefused(Exception):
    pass


class ActingPerson(Protocol):
    """What acknowledging a restore needs of ``cspr.kernel.acting.Acting`` (audit imports no app above it)."""

    @property
    def user(self) -> Any: ...

    @property
    def client_ip(self) -> str | None: ...


RESTORE_NEEDS_SUPERUSER = "Only an active superuser can acknowledge a restore of the audit trail."
RESTORE_NEEDS_REASON = "Give the reason for the restore (for example, which backup and why)."
RESTORE_OTHER_PROBLEMS = (
    "The audit trail has problems a restore does not explain ({count}; see verify_audit_chain). "
    "A restore acknowledges only that the newest events were lost; it never excuses a changed, removed or "
    "unsigned event, or a damaged checkpoint."
)


def audit_restore_acknowledge(*, acting: ActingPerson, reason: str) -> AuditEvent:
    """After the database was restored from a backup: record, signed, that the trail now ends at its head.

    Writes an ``audit.restored`` event naming the head it restored to, then (after commit) a ``restore``
    checkpoint, so the events lost with the restore are no longer expected. Refused unless the acting
    person is an active superuser and every other part of the trail verifies.
    """
    actor = acting.user
    if actor is None or not getattr(actor, "is_superuser", False) or not getattr(actor, "is_active", False):
        raise AuditRestoreRefused(RESTORE_NEEDS_SUPERUSER)
    reason = " ".join(reason.split())
    if not reason:
        raise AuditRestoreRefused(RESTORE_NEEDS_REASON)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH, "length": 0}
        )
        problems = list(audit_chain_problems())
        others = [problem for problem in problems if problem.kind != "truncated"]
        if others:
            raise AuditRestoreRefused(RESTORE_OTHER_PROBLEMS.format(count=len(others)))
        recorded = max((problem.recorded_length or 0 for problem in problems), default=head.length)
        return _append(
            actor=actor,
            verb="audit.restored",
            object_type="",
            object_id="",
            details={"restored_to": head.length, "checkpoints_recorded": recorded, "reason": reason},
            partnership=None,
            membership=None,
            ip_address=acting.client_ip,
            restored_to=head.length,
        )
