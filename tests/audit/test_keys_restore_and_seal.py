"""Key rotation, a restore from backup, the sealing of events written before keying, and the settings."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.accounts.models import User
from cspr.audit.chain import GENESIS_HASH, event_payload, unkeyed_hash
from cspr.audit.legacy import UnkeyedChainBroken, seal_unkeyed_chain
from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.audit.selectors import audit_chain_problems
from cspr.audit.services import AuditRestoreRefused, audit_record, audit_restore_acknowledge
from cspr.partnerships.scoping import acting_for
from tests.audit.conftest import as_forger, set_head
from tests.production_env import PRODUCTION as PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent.parent
NEW_KEY = ("audit3", b"a third audit key for tests only!"[:32])


def kinds() -> list[str]:
    return [problem.kind for problem in audit_chain_problems()]


@pytest.fixture
def operator(demo: object) -> User:
    return User.objects.create_superuser(email="ops@example.org", password="a-long-operator-password", full_name="O")


def truncate_last(cursor: Any, events: list[AuditEvent], count: int) -> None:
    cursor.execute(
        f"DELETE FROM audit_auditevent WHERE id IN ({', '.join(['%s'] * count)})",  # noqa: S608 - placeholders only
        [event.id for event in events[-count:]],
    )
    set_head(cursor)


# --- Keys -----------------------------------------------------------------------------------------------------------


def test_after_rotation_new_events_use_the_newest_key_and_older_ones_still_verify(
    chain: list[AuditEvent], settings: Any
) -> None:
    older = settings.AUDIT_CHAIN_KEYS
    settings.AUDIT_CHAIN_KEYS = (NEW_KEY, *older)
    event = audit_record(actor=None, verb="test.after_rotation")
    assert event.key_id == "audit3"
    assert chain[-1].key_id == older[0][0]
    assert kinds() == []


def test_an_event_naming_a_key_that_is_not_configured_is_reported_not_a_crash(
    chain: list[AuditEvent], settings: Any, capsys: Any
) -> None:
    settings.AUDIT_CHAIN_KEYS = (NEW_KEY,)  # the key the trail was signed with has gone
    problems = list(audit_chain_problems())
    assert problems
    assert all("which is not configured (AUDIT_CHAIN_KEYS)" in problem.problem for problem in problems)
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")
    assert "not configured" in capsys.readouterr().err


def test_a_checkpoint_store_that_cannot_be_written_keeps_the_event_and_logs_it(
    chain: list[AuditEvent],
    settings: Any,
    tmp_path: Path,
    caplog: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.AUDIT_CHECKPOINT_DIR = blocked
    with (
        caplog.at_level(logging.ERROR, logger="cspr.audit.checkpoints"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = audit_record(actor=None, verb="test.kept")
    assert AuditEvent.objects.filter(id=event.id).exists()
    assert "could not be written" in caplog.text


# --- Restore from backup --------------------------------------------------------------------------------------------


def test_a_signed_restore_acknowledges_the_events_lost_with_the_backup(
    chain: list[AuditEvent], operator: User, django_capture_on_commit_callbacks: Callable[..., Any], capsys: Any
) -> None:
    with as_forger() as cursor:  # the database as an older backup left it
        truncate_last(cursor, chain, 3)
    assert kinds() == ["truncated"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_restored", by="ops@example.org", reason="restored the 02:00 backup after a disk fault")
    assert "acknowledged as lost" in capsys.readouterr().out
    restored = AuditEvent.objects.latest("id")
    assert restored.verb == "audit.restored"
    assert restored.actor == operator
    assert restored.details["restored_to"] == AuditChainHead.objects.get().length - 1
    assert kinds() == []
    call_command("verify_audit_chain")


def test_a_truncation_after_a_restore_is_caught_again(
    chain: list[AuditEvent], operator: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with as_forger() as cursor:
        truncate_last(cursor, chain, 3)
    with django_capture_on_commit_callbacks(execute=True):
        audit_restore_acknowledge(acting=acting_for(operator), reason="restored a backup")
        later = [audit_record(actor=None, verb=f"test.after_restore{step}") for step in range(3)]
    with as_forger() as cursor:
        truncate_last(cursor, later, 2)
    assert kinds() == ["truncated"]


def test_a_restore_without_the_signed_event_is_still_a_truncation(chain: list[AuditEvent]) -> None:
    with as_forger() as cursor:
        truncate_last(cursor, chain, 3)
        # A forger copies an audit.restored row's look without the key: it does not verify.
        forged = AuditEvent(
            occurred_at=chain[0].occurred_at,
            verb="audit.restored",
            details={"restored_to": AuditChainHead.objects.get().length},
            previous_hash=AuditChainHead.objects.get().last_hash,
            key_id=chain[0].key_id,
        )
        forged.hash = unkeyed_hash(previous_hash=forged.previous_hash, payload=event_payload(forged))
        forged.save(force_insert=True)
        set_head(cursor)
    found = kinds()
    assert "event" in found  # the forged row's signature fails
    assert "truncated" in found  # and nothing signed acknowledges the lost events


def test_a_restore_is_refused_when_something_else_fails_to_verify(chain: list[AuditEvent], operator: User) -> None:
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["test.harmless", chain[1].id])
        truncate_last(cursor, chain, 3)
    length = AuditEvent.objects.count()
    with pytest.raises(AuditRestoreRefused, match="never excuses a changed"):
        audit_restore_acknowledge(acting=acting_for(operator), reason="restored a backup")
    assert AuditEvent.objects.count() == length


@pytest.mark.parametrize("who", ["nobody", "not a superuser"])
def test_a_restore_is_refused_unless_an_active_superuser_asks(chain: list[AuditEvent], who: str) -> None:
    by = "nobody@example.org" if who == "nobody" else "auditor@example.org"
    with pytest.raises(CommandError, match="Only an active superuser"):
        call_command("audit_restored", by=by, reason="restored a backup")
    assert not AuditEvent.objects.filter(verb="audit.restored").exists()


def test_a_restore_needs_a_reason(chain: list[AuditEvent], operator: User) -> None:
    with pytest.raises(AuditRestoreRefused, match="Give the reason"):
        audit_restore_acknowledge(acting=acting_for(operator), reason="   ")


# --- Events written before the chain was keyed ----------------------------------------------------------------------


def write_the_old_way(cursor: Any, verbs: list[str]) -> list[AuditEvent]:
    """An empty trail, then events chained as they were before keying (plain SHA-256, no key id)."""
    cursor.execute("DELETE FROM audit_auditevent")
    previous = GENESIS_HASH
    written = []
    for verb in verbs:
        event = AuditEvent(occurred_at=_fixed_time(), verb=verb)
        event.details, event.previous_hash, event.key_id = {"old": True}, previous, ""
        event.hash = unkeyed_hash(previous_hash=previous, payload=event_payload(event))
        event.save(force_insert=True)
        previous = event.hash
        written.append(event)
    cursor.execute("UPDATE audit_auditchainhead SET last_hash = %s, length = %s WHERE id = 1", [previous, len(verbs)])
    return written


def _fixed_time() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_events_written_before_keying_are_sealed_by_one_signed_event(
    demo: object, checkpoint_store: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with as_forger() as cursor:
        old = write_the_old_way(cursor, ["account.signed_in", "case.created", "case.viewed"])
    assert kinds() == ["head", "checkpoint"]  # unsigned, and nothing outside the database vouches for it yet
    with django_capture_on_commit_callbacks(execute=True):
        seal_id = seal_unkeyed_chain(event_model=AuditEvent, head_model=AuditChainHead)
    assert seal_id is not None
    seal = AuditEvent.objects.get(id=seal_id)
    assert seal.verb == "audit.chain_sealed"
    assert seal.details == {"unkeyed_events": 3, "unkeyed_head": old[-1].hash}
    assert [event.hash for event in AuditEvent.objects.filter(id__lt=seal.id)] == [event.hash for event in old]
    assert (checkpoint_store / "audit-checkpoints.jsonl").exists()
    assert kinds() == []
    assert seal_unkeyed_chain(event_model=AuditEvent, head_model=AuditChainHead) is None  # once only


def test_a_sealed_old_event_edited_with_every_old_hash_recomputed_is_caught(
    demo: object, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with as_forger() as cursor:
        old = write_the_old_way(cursor, ["account.signed_in", "case.created", "case.viewed"])
    with django_capture_on_commit_callbacks(execute=True):
        seal_id = seal_unkeyed_chain(event_model=AuditEvent, head_model=AuditChainHead)
    with as_forger() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["case.closed", old[1].id])
        previous = old[0].hash
        for event in AuditEvent.objects.filter(id__gte=old[1].id, id__lt=seal_id).order_by("id"):
            new = unkeyed_hash(previous_hash=previous, payload=event_payload(event))
            cursor.execute(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s", [previous, new, event.id]
            )
            previous = new
        cursor.execute("UPDATE audit_auditevent SET previous_hash = %s WHERE id = %s", [previous, seal_id])
    assert seal_id in [problem.event_id for problem in audit_chain_problems()]


def test_a_broken_old_trail_is_refused_not_sealed(demo: object) -> None:
    with as_forger() as cursor:
        old = write_the_old_way(cursor, ["account.signed_in", "case.created"])
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["case.closed", old[0].id])
    with pytest.raises(UnkeyedChainBroken, match=f"Audit event {old[0].id} does not verify"):
        seal_unkeyed_chain(event_model=AuditEvent, head_model=AuditChainHead)
    assert not AuditEvent.objects.exclude(key_id="").exists()


# --- Settings -------------------------------------------------------------------------------------------------------

# Production's environment without the audit key: each test below supplies its own (or none).
PRODUCTION = {name: value for name, value in PRODUCTION_ENV.items() if name != "AUDIT_CHAIN_KEYS"}


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unwanted = {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "AUDIT_CHAIN_KEYS",
        "AUDIT_CHECKPOINT_DIR",
    }
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (None, "AUDIT_CHAIN_KEYS"),
        ("not-a-key", "Write each key in AUDIT_CHAIN_KEYS as keyid:base64key"),
        ("short:c2hvcnQ", "Key 'short' in AUDIT_CHAIN_KEYS must be 32 bytes"),
        ("prod1:dGVzdC1rZXktb25lLW5vdC1zZWNyZXQtMzJieXRlcyE", "must not reuse a key from FIELD_ENCRYPTION_KEYS"),
    ],
)
def test_production_refuses_to_start_without_a_well_formed_audit_key(keys: str | None, message: str) -> None:
    env = dict(PRODUCTION)
    if keys is not None:
        env["AUDIT_CHAIN_KEYS"] = keys
    result = run_check(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_an_audit_key_and_a_checkpoint_directory() -> None:
    key = base64.urlsafe_b64encode(b"p" * 32).decode()
    result = run_check({**PRODUCTION, "AUDIT_CHAIN_KEYS": f"prod1:{key}"})
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_checkpoint_directory() -> None:
    key = base64.urlsafe_b64encode(b"p" * 32).decode()
    env = {name: value for name, value in PRODUCTION.items() if name != "AUDIT_CHECKPOINT_DIR"}
    result = run_check({**env, "AUDIT_CHAIN_KEYS": f"prod1:{key}"})
    assert result.returncode != 0
    assert "AUDIT_CHECKPOINT_DIR" in result.stderr


def test_local_settings_generate_a_private_audit_key_file_once(tmp_path: Path) -> None:
    from cspr.audit.local_keys import local_audit_keys
    from cspr.kernel.crypto import parse_keys

    first = local_audit_keys(tmp_path)
    assert (tmp_path / "audit-keys.json").stat().st_mode & 0o077 == 0
    assert local_audit_keys(tmp_path) == first
    assert parse_keys(first, setting="AUDIT_CHAIN_KEYS")[0][0] == "local1"
