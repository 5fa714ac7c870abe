"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from cspr.audit.chain import GENESIS_HASH, event_mac, event_payload, same, unkeyed_hash
from cspr.audit.checkpoints import BadLine, Checkpoint, checkpoint_path, checkpoints_read
from cspr.audit.keyring import audit_keys
from cspr.audit.models import AuditChainHead, AuditEvent


def audit_events_for_partnership(*, partnership_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partnership_id=partnership_id).select_related("actor").order_by("-id")


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    problem: str
    # "event" (one row), "head" (the head row), "checkpoint" (the checkpoint store), "truncated" (the newest
    # events are missing: the one kind a signed restore can acknowledge) or "diverged" (the trail is not the
    # one the checkpoints recorded).
    kind: str = "event"
    recorded_length: int | None = None


@dataclass(frozen=True)
class ChainSummary:
    length: int
    checkpoints: int
    newest_checkpoint: int


def _expected_heads(lines: Iterator[Checkpoint | BadLine], problems: list[ChainProblem]) -> dict[int, list[Checkpoint]]:
    """Each position a signed checkpoint vouches for, with the checkpoints that name it.

    A restore line drops what earlier lines expected beyond the head it restored to: those events went
    with the restore, and the restore itself is signed. Lines after it are expected in full again.
    """
    expected: dict[int, list[Checkpoint]] = {}
    for line in lines:
        if isinstance(line, BadLine):
            problems.append(ChainProblem(None, f"checkpoint line {line.line} {line.problem}", "checkpoint"))
            continue
        if line.kind == "restore" and line.restored_to is not None:
            for position in [position for position in expected if position > line.restored_to]:
                del expected[position]
        expected.setdefault(line.length, []).append(line)
    return expected


def audit_chain_problems(summary: list[ChainSummary] | None = None) -> Iterator[ChainProblem]:
    """Walk the whole trail and report every link, signature and checkpoint that does not verify.

    Events are walked in id order. Each keyed event's MAC covers its position, the MAC before it, its key
    id and content; events from before the chain was keyed are checked as plain hashes, and may only come
    before the first keyed event (which seals them). The signed checkpoints outside the database then say
    whether the trail once went further, or was other than it is now.
    """
    keys = audit_keys()
    problems: list[ChainProblem] = []
    lines = checkpoints_read()
    expected = _expected_heads(lines, problems) if lines is not None else {}
    yield from problems
    seen: dict[int, tuple[int, str]] = {}
    previous = GENESIS_HASH
    position = 0
    keyed = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        position += 1
        if event.previous_hash != previous:
            yield ChainProblem(event.id, "does not follow the event before it (a row was removed, added or reordered)")
        payload = event_payload(event)
        if not event.key_id:
            if keyed:
                yield ChainProblem(event.id, "is not signed, yet comes after signed events (it was added or altered)")
            elif unkeyed_hash(previous_hash=event.previous_hash, payload=payload) != event.hash:
                yield ChainProblem(event.id, "its content does not match its hash (the row was changed)")
        else:
            keyed = True
            key = keys.get(event.key_id)
            if key is None:
                yield ChainProblem(
                    event.id, f"is signed with key '{event.key_id}', which is not configured (AUDIT_CHAIN_KEYS)"
                )
            else:
                mac = event_mac(
                    key=key, key_id=event.key_id, position=position, previous_hash=event.previous_hash, payload=payload
                )
                if not same(mac, event.hash):
                    yield ChainProblem(
                        event.id,
                        "does not match its signature (the row was changed, moved, or signed with another key)",
                    )
        if position in expected:
            seen[position] = (event.id, event.hash)
        previous = event.hash
    if position and not keyed:
        yield ChainProblem(None, f"none of the {position} events is signed: run migrations to seal them", "head")
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != previous or head.length != position):
        yield ChainProblem(None, "the chain head does not match the newest event (a row was removed)", "head")
    yield from _checkpoint_problems(expected, seen, position, lines is not None)
    if summary is not None:
        newest = max(expected, default=0)
        summary.append(
            ChainSummary(length=position, checkpoints=sum(map(len, expected.values())), newest_checkpoint=newest)
        )


def _checkpoint_problems(
    expected: dict[int, list[Checkpoint]], seen: dict[int, tuple[int, str]], length: int, store_exists: bool
) -> Iterator[ChainProblem]:
    if length and not store_exists:
        yield ChainProblem(
            None,
            f"no checkpoint store was found at {checkpoint_path()}: whether the newest events were removed "
            "cannot be checked (is AUDIT_CHECKPOINT_DIR right?)",
            "checkpoint",
        )
    beyond = [position for position in expected if position > length]
    if beyond:
        furthest = max(beyond)
        when = expected[furthest][-1].at
        yield ChainProblem(
            None,
            f"the trail ends at event {length}, but a signed checkpoint of {when} records {furthest}: "
            f"the newest {furthest - length} event(s) were removed, and no signed restore acknowledges it",
            "truncated",
            recorded_length=furthest,
        )
    diverged = sorted(
        position
        for position, checkpoints in expected.items()
        if 0 < position <= length and any(not same(seen[position][1], cp.last_hash) for cp in checkpoints)
    )
    if diverged:
        first = diverged[0]
        yield ChainProblem(
            seen[first][0],
            f"is not the event a signed checkpoint recorded at position {first} ({len(diverged)} position(s) differ): "
            "events were removed or replaced and the trail written on from there",
            "diverged",
        )
