"""A forger who can write the database directly (raw SQL, trigger disabled) is caught by verify_audit_chain."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.audit.chain import event_mac, event_payload, unkeyed_hash
from cspr.audit.models import AuditEvent
from cspr.audit.selectors import audit_chain_problems
from tests.audit.conftest import as_forger, set_head


def flagged(kind: str | None = None) -> list[int | None]:
    return [problem.event_id for problem in audit_chain_problems() if kind is None or problem.kind == kind]


def assert_command_fails() -> None:
    with pytest.raises(CommandError, match="failed verification"):
        call_command("verify_audit_chain")


def test_the_untouched_trail_verifies_with_its_checkpoints(chain: list[AuditEvent], capsys: Any) -> None:
    assert list(audit_chain_problems()) == []
    call_command("verify_audit_chain")
    assert "verifies" in capsys.readouterr().out


def test_an_edited_event_is_caught(chain: list[AuditEvent]) -> None:
    target = chain[2]
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["test.harmless", target.id])
    assert flagged() == [target.id]
    assert_command_fails()


@pytest.mark.parametrize("method", ["unkeyed", "wrong key", "posing as unsigned"])
def test_an_edited_event_with_every_later_hash_recomputed_is_caught(chain: list[AuditEvent], method: str) -> None:
    target = chain[2]
    forged_key = b"a key the forger made up, 32 by!"
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["test.harmless", target.id])
        previous = AuditEvent.objects.filter(id__lt=target.id).order_by("-id").first().hash  # type: ignore[union-attr]
        position = AuditEvent.objects.filter(id__lt=target.id).count()
        for event in AuditEvent.objects.filter(id__gte=target.id).order_by("id"):
            position += 1
            payload = event_payload(event)
            key_id = "" if method == "posing as unsigned" else event.key_id
            if method == "wrong key":
                new = event_mac(
                    key=forged_key, key_id=key_id, position=position, previous_hash=previous, payload=payload
                )
            else:
                new = unkeyed_hash(previous_hash=previous, payload=payload)
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [previous, new, key_id, event.id],
            )
            previous = new
        set_head(cursor)
    problems = flagged()
    assert target.id in problems
    assert set(problems) <= {event.id for event in chain[2:]}  # nothing before the edit is blamed
    assert_command_fails()


def test_an_event_deleted_from_the_middle_is_caught(chain: list[AuditEvent]) -> None:
    with as_forger() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[2].id])
        set_head(cursor)
    assert chain[3].id in flagged()
    assert_command_fails()


def test_an_event_inserted_in_the_middle_is_caught(chain: list[AuditEvent]) -> None:
    before, after = chain[2], chain[3]
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET id = id + 1000000 WHERE id >= %s", [after.id])
        forged = AuditEvent(
            id=after.id,
            occurred_at=before.occurred_at,
            verb="account.signed_in",
            details={},
            previous_hash=before.hash,
            key_id=before.key_id,
        )
        forged.hash = unkeyed_hash(previous_hash=before.hash, payload=event_payload(forged))
        forged.save(force_insert=True)
        set_head(cursor)
    problems = flagged()
    assert after.id in problems  # the forged row, which cannot be signed
    assert after.id + 1000000 in problems  # the real event after it no longer follows its predecessor
    assert_command_fails()


def test_reordered_events_are_caught(chain: list[AuditEvent]) -> None:
    first, second = chain[2].id, chain[3].id
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, first])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [first, second])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [second, -1])
    assert {first, second} <= set(flagged())
    assert_command_fails()


def test_the_last_three_events_deleted_with_the_head_reset_are_caught_by_the_checkpoints(
    chain: list[AuditEvent],
) -> None:
    with as_forger() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id IN (%s, %s, %s)", [event.id for event in chain[-3:]])
        set_head(cursor)
    problems = list(audit_chain_problems())
    assert [problem.kind for problem in problems] == ["truncated"]  # the rows and the head agree; only the store knows
    assert "the newest 3 event(s) were removed" in problems[0].problem
    assert_command_fails()


def test_a_truncated_trail_that_the_service_then_wrote_on_is_caught(
    chain: list[AuditEvent], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from cspr.audit.services import audit_record

    with as_forger() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id IN (%s, %s, %s)", [event.id for event in chain[-3:]])
        set_head(cursor)
    with django_capture_on_commit_callbacks(execute=True):
        for step in range(5):
            audit_record(actor=None, verb=f"test.later{step}")
    assert [problem.kind for problem in audit_chain_problems()] == ["diverged"]
    assert_command_fails()


def test_a_forged_checkpoint_line_is_reported(chain: list[AuditEvent], checkpoint_store: Path) -> None:
    store = checkpoint_store / "audit-checkpoints.jsonl"
    last = json.loads(store.read_text().splitlines()[-1])
    forged = {**last, "kind": "restore", "restored_to": 1, "length": 2}
    with store.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    problems = list(audit_chain_problems())
    assert [problem.kind for problem in problems] == ["checkpoint"]
    assert "forged or changed" in problems[0].problem


def test_a_missing_checkpoint_store_is_reported(chain: list[AuditEvent], checkpoint_store: Path) -> None:
    (checkpoint_store / "audit-checkpoints.jsonl").unlink()
    assert [problem.kind for problem in audit_chain_problems()] == ["checkpoint"]
    assert_command_fails()
