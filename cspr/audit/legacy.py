"""Bringing a trail written before the chain was keyed into the keyed chain (migration 0004).

The older events keep their rows exactly as written (their plain SHA-256 links are evidence in their
own right, and the append-only trigger stays in force). Their chain is verified first; then one signed
``audit.chain_sealed`` event is appended whose MAC covers the last unkeyed hash, and through it every
event before. From then on, changing an old event means changing that hash, which the seal's signature
no longer matches. A broken old chain is refused, not sealed: sealing it would bless the damage.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cspr.audit.chain import GENESIS_HASH, event_mac, event_payload, unkeyed_hash
from cspr.audit.checkpoints import checkpoint_after_commit
from cspr.audit.keyring import current_audit_key


class UnkeyedChainBroken(Exception):
    pass


def seal_unkeyed_chain(*, event_model: Any, head_model: Any, using: str = "default") -> int | None:
    """Verify the events written before keying and seal them with one signed event; its id, or None.

    Nothing to do (None) when the trail is empty or already keyed. ``event_model`` and ``head_model``
    may be a migration's historical models.
    """
    events = event_model.objects.using(using)
    if not events.exists() or events.exclude(key_id="").exists():
        return None
    previous = GENESIS_HASH
    count = 0
    for event in events.order_by("id").iterator(chunk_size=2000):
        count += 1
        expected = unkeyed_hash(previous_hash=event.previous_hash, payload=event_payload(event))
        if event.previous_hash != previous or expected != event.hash:
            raise UnkeyedChainBroken(
                f"Audit event {event.id} does not verify in the trail written before the chain was keyed; "
                "it is not sealed. Investigate (manage.py verify_audit_chain on the previous release) first."
            )
        previous = event.hash
    head = head_model.objects.using(using).filter(id=1).first()
    if head is None or head.length != count or head.last_hash != previous:
        raise UnkeyedChainBroken(
            "The audit chain head does not match the newest event written before the chain was keyed "
            "(events were removed); the trail is not sealed. Investigate first."
        )
    key_id, key = current_audit_key()
    seal = event_model(
        occurred_at=timezone.now().replace(microsecond=0),
        verb="audit.chain_sealed",
        object_type="",
        object_id="",
        details={"unkeyed_events": count, "unkeyed_head": previous},
        ip_address=None,
        previous_hash=previous,
        key_id=key_id,
    )
    position = count + 1
    seal.hash = event_mac(
        key=key, key_id=key_id, position=position, previous_hash=previous, payload=event_payload(seal)
    )
    seal.save(using=using, force_insert=True)
    head_model.objects.using(using).filter(id=1).update(last_hash=seal.hash, length=position)
    transaction.on_commit(
        lambda: checkpoint_after_commit(length=position, last_hash=seal.hash, kind="seal"), using=using
    )
    return int(seal.id)
