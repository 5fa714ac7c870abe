"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.audit.services import GENESIS_HASH, event_hash, event_payload


def audit_events_for_partnership(*, partnership_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partnership_id=partnership_id).select_related("actor").order_by("-id")


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    problem: str


def audit_chain_problems() -> Iterator[ChainProblem]:
    """Walk the whole trail and report every link that does not verify."""
    previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.previous_hash != previous:
            yield ChainProblem(event.id, "does not follow the event before it (a row was removed or reordered)")
        expected = event_hash(previous_hash=event.previous_hash, payload=event_payload(event))
        if expected != event.hash:
            yield ChainProblem(event.id, "its content does not match its hash (the row was changed)")
        previous = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != previous or head.length != count):
        yield ChainProblem(None, "the newest events are missing (the chain head records more than the table holds)")
