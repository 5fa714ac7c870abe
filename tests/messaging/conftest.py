"""Shared helpers for the outbox tests: a partnership, queueing in a transaction, and backends that fail on cue."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from cspr.messaging.backends import DeliveryError, MailBackend, PermanentDeliveryError
from cspr.messaging.models import OutboundMessage
from cspr.messaging.periodic import _REGISTRY
from cspr.messaging.services import message_queue
from cspr.partnerships.models import Partnership

# A fixed instant, so no test depends on today's date.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def partnership(db: None) -> Partnership:
    # The demo seeded for the run queued messages of its own; these tests count only theirs.
    OutboundMessage.objects.all().delete()
    return Partnership.objects.create(name="Testvale Safeguarding Partnership", code="TVALE", local_authority_areas="X")


QueueFunc = Callable[..., OutboundMessage]


@pytest.fixture
def queue(partnership: Partnership) -> QueueFunc:
    """Queue a message the way a service does: inside its own transaction."""

    def queue_one(**overrides: Any) -> OutboundMessage:
        fields: dict[str, Any] = {
            "to": "lead@example.org",
            "subject": "Case TVALE-2026-001: information requested",
            "body": "Please sign in to the service to see the request.",
            "kind": "case.notified",
            "partnership": partnership,
        }
        fields.update(overrides)
        with transaction.atomic():
            return message_queue(**fields)

    return queue_one


class RecordingBackend(MailBackend):
    """Records every message handed to it; fails while ``failing`` is set. Safe to share between threads."""

    def __init__(self, *, failing: Exception | None = None) -> None:
        self.failing = failing
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> None:
        if self.failing is not None:
            raise self.failing
        with self._lock:
            self.sent.append(message.message_id)


@pytest.fixture
def recording() -> RecordingBackend:
    return RecordingBackend()


@pytest.fixture
def failing() -> RecordingBackend:
    return RecordingBackend(failing=DeliveryError("mail server unavailable"))


@pytest.fixture
def refusing() -> RecordingBackend:
    return RecordingBackend(failing=PermanentDeliveryError("recipient refused by the mail server (550)"))


@pytest.fixture(autouse=True)
def no_leftover_periodic_jobs() -> Iterator[None]:
    """Tests see only the periodic jobs they register (not the apps' own, such as the returns reminders),
    and none survives into the next test."""
    before = dict(_REGISTRY)
    _REGISTRY.clear()
    yield
    _REGISTRY.clear()
    _REGISTRY.update(before)
