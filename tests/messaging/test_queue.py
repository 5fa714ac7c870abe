"""Queueing a message: what is refused, and that a message lives and dies with its transaction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from cspr.messaging import services
from cspr.messaging.models import MessageStatus, OutboundMessage
from cspr.messaging.services import message_queue
from cspr.messaging.worker import Worker

from .conftest import QueueFunc


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"to": ""}, services.RECIPIENT_MISSING),
        ({"to": "   "}, services.RECIPIENT_MISSING),
        ({"to": "not an address"}, services.RECIPIENT_INVALID),
        ({"to": "a" * 250 + "@example.org"}, services.RECIPIENT_INVALID),
        ({"subject": ""}, services.SUBJECT_MISSING),
        ({"subject": "x" * 256}, services.SUBJECT_TOO_LONG),
        ({"body": ""}, services.BODY_MISSING),
        ({"kind": ""}, services.KIND_INVALID),
        ({"kind": "Case Notified"}, services.KIND_INVALID),
        ({"subject": "Case\x00A"}, services.NUL_REFUSED),
        ({"body": "Sign in\x00"}, services.NUL_REFUSED),
        ({"html_body": "<p>\x00</p>"}, services.NUL_REFUSED),
        ({"to": "lead@example.org\x00"}, services.NUL_REFUSED),
        ({"subject": "Hello\nBcc: everyone@example.org"}, services.HEADER_INJECTION_REFUSED),
        ({"subject": "Hello\r\nX-Evil: 1"}, services.HEADER_INJECTION_REFUSED),
        ({"subject": "Hello\u2028there"}, services.HEADER_INJECTION_REFUSED),
        ({"to": "lead@example.org\nBcc: everyone@example.org"}, services.HEADER_INJECTION_REFUSED),
    ],
)
def test_queueing_refuses_bad_input_with_a_plain_message(
    queue: QueueFunc, overrides: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(error)):
        queue(**overrides)
    assert not OutboundMessage.objects.exists()


def test_a_queued_message_waits_with_a_unique_rfc_5322_message_id(queue: QueueFunc) -> None:
    first = queue()
    second = queue(to="other@example.org", kind="invitation", partnership=None)
    assert first.status == MessageStatus.PENDING
    assert first.attempts == 0
    assert first.next_attempt_at == first.created_at
    assert first.claimed_until is None
    assert re.fullmatch(r"<[0-9a-f]{32}@cspr\.invalid>", first.message_id)
    assert first.message_id != second.message_id
    assert second.partnership is None


def test_the_message_id_domain_comes_from_the_settings(queue: QueueFunc, settings: Any) -> None:
    settings.CSPR_MESSAGE_ID_DOMAIN = "reviews.example.org"
    assert queue().message_id.endswith("@reviews.example.org>")


def test_queueing_sends_nothing(queue: QueueFunc) -> None:
    queue()
    assert mail.outbox == []


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(queue: QueueFunc) -> None:
    class ChangeFailed(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            queue(subject="Lost with its change")
            raise ChangeFailed

    with pytest.raises(ChangeFailed):
        change_that_fails()
    kept = queue(subject="Kept with its change")

    Worker(worker_id="w1").run_pass()

    assert [email.subject for email in mail.outbox] == ["Kept with its change"]
    assert list(OutboundMessage.objects.values_list("id", flat=True)) == [kept.id]


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused() -> None:
    before = OutboundMessage.objects.count()
    with pytest.raises(services.TransactionRequired, match=r"transaction\.atomic"):
        message_queue(to="lead@example.org", subject="Hello", body="Sign in.", kind="invitation")
    assert OutboundMessage.objects.count() == before
