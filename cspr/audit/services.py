"""Writing to the audit trail. Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64

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
IDENTIFYING_DETAIL_REFUSED = "Audit details must not hold identifying details (key '{key}')."


class IdentifyingDetailInAudit(ValueError):
    pass


def _check_details(details: Any, path: str = "") -> None:
    if isinstance(details, dict):
        for key, value in details.items():
            if str(key).lower() in IDENTIFYING_KEYS:
                raise IdentifyingDetailInAudit(IDENTIFYING_DETAIL_REFUSED.format(key=f"{path}{key}"))
            _check_details(value, f"{path}{key}.")
    elif isinstance(details, list | tuple):
        for item in details:
            _check_details(item, path)


def event_hash(*, previous_hash: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers, in a form that reads back identically from the database."""
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "membership": event.membership_id,
        "partnership": event.partnership_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "ip_address": event.ip_address,
    }


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
    actor: Any,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    partnership: Any = None,
    membership: Any = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the trail, chained to the one before it.

    Runs inside the caller's transaction (or its own), so the event is kept
    exactly when the change it describes is kept.
    """
    details = details or {}
    _check_details(details)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH, "length": 0}
        )
        event = AuditEvent(
            occurred_at=timezone.now().replace(microsecond=0),
            actor=actor,
            membership=membership,
            partnership=partnership,
            verb=verb,
            object_type=object_type,
            object_id=str(object_id),
            details=json.loads(json.dumps(details, default=str)),
            ip_address=client_ip(request),
            previous_hash=head.last_hash,
        )
        event.hash = event_hash(previous_hash=head.last_hash, payload=event_payload(event))
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_hash=event.hash, length=models.F("length") + 1)
    return event
