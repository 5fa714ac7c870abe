"""The arithmetic of the audit chain: what each event's MAC and each checkpoint's MAC cover.

Pure functions over plain values, so the services, the selectors, the checkpoint store and the
migration that signed the older, unkeyed trail all compute exactly the same thing.

An event's MAC is HMAC-SHA256, under the key its ``key_id`` names, over its position in the chain,
the MAC of the event before it, its key id and its content. Events written before the chain was keyed
carry an empty ``key_id`` and a plain SHA-256 hash; the first keyed event after them seals them
(its MAC covers the last unkeyed hash, which covers everything before it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Protocol

GENESIS_HASH = "0" * 64
EVENT_DOMAIN = b"cspr.audit.event.v2|"
CHECKPOINT_DOMAIN = b"cspr.audit.checkpoint.v1|"


class EventFields(Protocol):
    """What the MAC covers, as both the model and a migration's historical model provide it."""

    occurred_at: Any
    actor_id: Any
    membership_id: Any
    partnership_id: Any
    verb: str
    object_type: str
    object_id: str
    details: Any
    ip_address: Any


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def event_payload(event: EventFields) -> dict[str, Any]:
    """The fields the MAC covers, in a form that reads back identically from the database."""
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


def unkeyed_hash(*, previous_hash: str, payload: dict[str, Any]) -> str:
    """How events were chained before the chain was keyed (kept to verify those events)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{text}".encode()).hexdigest()


def event_mac(*, key: bytes, key_id: str, position: int, previous_hash: str, payload: dict[str, Any]) -> str:
    message = canonical({"position": position, "previous": previous_hash, "key_id": key_id, "event": payload})
    return hmac.new(key, EVENT_DOMAIN + message, hashlib.sha256).hexdigest()


def checkpoint_mac(*, key: bytes, record: dict[str, Any]) -> str:
    """The MAC of a checkpoint record (every field but ``mac`` itself)."""
    fields = {name: value for name, value in record.items() if name != "mac"}
    return hmac.new(key, CHECKPOINT_DOMAIN + canonical(fields), hashlib.sha256).hexdigest()


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
