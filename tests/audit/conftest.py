"""Audit tests keep their checkpoints in a temporary directory of their own, never a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from cspr.audit.checkpoints import checkpoint_append
from cspr.audit.models import AuditChainHead, AuditEvent
from cspr.audit.services import audit_record


@pytest.fixture(autouse=True)
def checkpoint_store(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return Path(settings.AUDIT_CHECKPOINT_DIR)


@pytest.fixture
def chain(demo: object, django_capture_on_commit_callbacks: Callable[..., Any]) -> list[AuditEvent]:
    """The demo's trail, vouched for by a checkpoint of its head, then six events each checkpointed on commit."""
    head = AuditChainHead.objects.get()
    checkpoint_append(length=head.length, last_hash=head.last_hash)
    with django_capture_on_commit_callbacks(execute=True):
        for step in range(6):
            audit_record(actor=None, verb=f"test.step{step}", details={"step": step})
    return list(AuditEvent.objects.order_by("-id")[:6])[::-1]


@contextmanager
def as_forger() -> Iterator[Any]:
    """A cursor for someone who can write the database directly: on PostgreSQL the append-only trigger is
    disabled first (inside the test's transaction, so it is back in force when the test ends)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks from the test's own inserts must run before the table is altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def set_head(cursor: Any) -> None:
    """What a careful forger does last: make the head row agree with what the table now holds."""
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    cursor.execute(
        "UPDATE audit_auditchainhead SET last_hash = %s, length = %s WHERE id = 1",
        [newest.hash, AuditEvent.objects.count()],
    )
