"""Against a real SMTP server (aiosmtpd on 127.0.0.1): messages wait while it is down and arrive once when it is up."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller

from cspr.messaging.backends import SmtpBackend
from cspr.messaging.models import MessageStatus, OutboundMessage
from cspr.messaging.worker import Worker

from .conftest import T0, QueueFunc


class Collector:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(parsed)
        return "250 Message accepted for delivery"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_port(settings: Any) -> int:
    """Point the default mailer at a local port where no server listens yet."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[tuple[Controller, Collector]]:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    yield controller, collector
    with contextlib.suppress(AssertionError):  # never started
        controller.stop()


def test_while_the_smtp_server_is_down_messages_wait_and_then_arrive_exactly_once_each(
    queue: QueueFunc, smtp_server: tuple[Controller, Collector]
) -> None:
    controller, collector = smtp_server
    with time_machine.travel(T0, tick=False):
        messages = [queue(to=f"person{n}@example.org", subject=f"Case TVALE-2026-00{n}") for n in range(3)]
    worker = Worker(worker_id="w1", backend=SmtpBackend())

    with time_machine.travel(T0 + timedelta(seconds=1), tick=False):
        down = worker.run_pass()
    assert (down.claimed, down.retried, down.sent) == (3, 3, 0)
    for message in OutboundMessage.objects.all():
        assert message.status == MessageStatus.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at == T0 + timedelta(seconds=31)
        assert "refused" in message.last_error.lower()

    with time_machine.travel(T0 + timedelta(seconds=20), tick=False):
        assert worker.run_pass().claimed == 0, "not due again yet"

    controller.start()
    with time_machine.travel(T0 + timedelta(seconds=31), tick=False):
        up = worker.run_pass()
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        later = worker.run_pass()

    assert (up.sent, later.claimed) == (3, 0)
    received_ids = sorted(str(parsed["Message-ID"]) for parsed in collector.received)
    assert received_ids == sorted(message.message_id for message in messages), "each arrived exactly once"
    assert {str(parsed["To"]) for parsed in collector.received} == {f"person{n}@example.org" for n in range(3)}
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {(MessageStatus.SENT, 2)}


def test_a_recipient_the_smtp_server_refuses_outright_fails_permanently(
    queue: QueueFunc, smtp_server: tuple[Controller, Collector]
) -> None:
    controller, collector = smtp_server
    controller.start()
    refused = queue(to="nobody@example.org")
    accepted = queue(to="somebody@example.org")
    result = Worker(worker_id="w1", backend=SmtpBackend()).run_pass()
    assert (result.failed, result.sent) == (1, 1)
    refused = OutboundMessage.objects.get(pk=refused.pk)
    assert refused.status == MessageStatus.FAILED
    assert refused.flagged_undeliverable_at is not None
    assert "550" in refused.last_error
    assert OutboundMessage.objects.get(pk=accepted.pk).status == MessageStatus.SENT
    assert [str(parsed["To"]) for parsed in collector.received] == ["somebody@example.org"]
