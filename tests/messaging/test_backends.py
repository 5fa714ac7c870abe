"""The delivery backends: chosen by settings; the file backend; GOV.UK Notify with a fake client (no network)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import HTTPError

from cspr.messaging.backends import (
    DeliveryError,
    FileBackend,
    NotifyBackend,
    PermanentDeliveryError,
    SmtpBackend,
    backend_from_settings,
    eml_filename,
)
from cspr.messaging.checks import mail_backend_configured
from cspr.messaging.models import MessageStatus, OutboundMessage
from cspr.messaging.worker import Worker

from .conftest import QueueFunc, RecordingBackend

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("smtp", SmtpBackend), ("file", FileBackend), ("tests.messaging.conftest.RecordingBackend", RecordingBackend)],
)
def test_the_backend_is_chosen_by_settings(settings: Any, name: str, expected: type) -> None:
    settings.CSPR_MAIL_BACKEND = name
    assert type(backend_from_settings()) is expected


def test_an_unknown_backend_is_refused_by_the_worker_and_by_manage_py_check(settings: Any) -> None:
    settings.CSPR_MAIL_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        backend_from_settings()
    assert [message.id for message in mail_backend_configured()] == ["messaging.E001"]


def test_the_notify_backend_without_its_key_and_template_is_refused(settings: Any) -> None:
    settings.CSPR_MAIL_BACKEND = "notify"
    settings.CSPR_NOTIFY_API_KEY = ""
    settings.CSPR_NOTIFY_TEMPLATE_ID = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        backend_from_settings()
    assert [message.id for message in mail_backend_configured()] == ["messaging.E002"]


def test_the_default_test_settings_pass_the_mail_check() -> None:
    assert [message.id for message in mail_backend_configured()] == []


def test_the_file_backend_writes_one_eml_file_per_message_named_after_its_message_id(
    queue: QueueFunc, settings: Any, tmp_path: Path
) -> None:
    settings.CSPR_MAIL_BACKEND = "file"
    settings.CSPR_MAIL_DIR = tmp_path / "mail"
    first = queue(html_body="<p>Please sign in.</p>")
    second = queue(to="other@example.org")

    assert Worker(worker_id="w1").run_pass().sent == 2

    files = sorted(path.name for path in (tmp_path / "mail").iterdir())
    assert files == sorted([eml_filename(first.message_id), eml_filename(second.message_id)])
    assert first.message_id.strip("<>") in eml_filename(first.message_id)
    parsed = email.message_from_bytes(
        (tmp_path / "mail" / eml_filename(first.message_id)).read_bytes(), policy=email.policy.default
    )
    assert parsed["Message-ID"] == first.message_id
    assert parsed["To"] == "lead@example.org"
    assert parsed["Subject"] == first.subject
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == first.body  # type: ignore[union-attr]


def test_the_file_backend_overwrites_the_same_file_when_a_message_is_sent_again(
    queue: QueueFunc, tmp_path: Path
) -> None:
    message = queue()
    backend = FileBackend(directory=tmp_path)
    backend.send(message)
    backend.send(message)
    assert [path.name for path in tmp_path.iterdir()] == [eml_filename(message.message_id)]


def test_the_file_backend_reports_a_directory_it_cannot_write_to_as_worth_retrying(
    queue: QueueFunc, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(DeliveryError, match="cannot write"):
        FileBackend(directory=blocker).send(queue())


class FakeResponse:
    def __init__(self, status_code: int, payload: dict[str, Any]) -> None:
        self.status_code = status_code
        self._payload = payload

    def json(self) -> dict[str, Any]:
        return self._payload


class FakeNotifyClient:
    """Stands in for NotificationsAPIClient: records calls, or fails with a Notify-shaped error."""

    def __init__(self, *, fail_with: int | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_with = fail_with

    def send_email_notification(
        self,
        email_address: str,
        template_id: str,
        personalisation: dict[str, Any] | None = None,
        reference: str | None = None,
        email_reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        if self.fail_with is not None:
            errors = {
                400: [{"error": "BadRequestError", "message": "email_address Not a valid email address"}],
                429: [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 3000 requests"}],
                500: [{"error": "Exception", "message": "Internal server error"}],
            }[self.fail_with]
            raise HTTPError(FakeResponse(self.fail_with, {"status_code": self.fail_with, "errors": errors}))  # type: ignore[arg-type]
        self.calls.append(
            {
                "email_address": email_address,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
                "email_reply_to_id": email_reply_to_id,
            }
        )
        return {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": reference}


def test_the_notify_backend_sends_subject_and_body_as_personalisation_with_the_message_id_as_reference(
    queue: QueueFunc,
) -> None:
    client = FakeNotifyClient()
    message = queue()
    result = Worker(worker_id="w1", backend=NotifyBackend(client=client, template_id=TEMPLATE_ID)).run_pass()
    assert result.sent == 1
    assert client.calls == [
        {
            "email_address": "lead@example.org",
            "template_id": TEMPLATE_ID,
            "personalisation": {"subject": message.subject, "body": message.body},
            "reference": message.message_id,
            "email_reply_to_id": None,
        }
    ]
    assert OutboundMessage.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_the_notify_backend_takes_its_template_and_reply_to_from_settings(settings: Any, queue: QueueFunc) -> None:
    settings.CSPR_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.CSPR_NOTIFY_REPLY_TO_ID = "reply-to-id"
    client = FakeNotifyClient()
    NotifyBackend(client=client).send(queue())
    assert client.calls[0]["template_id"] == TEMPLATE_ID
    assert client.calls[0]["email_reply_to_id"] == "reply-to-id"


def test_notify_refusing_the_address_is_permanent_and_its_own_words_are_kept(queue: QueueFunc) -> None:
    backend = NotifyBackend(client=FakeNotifyClient(fail_with=400), template_id=TEMPLATE_ID)
    with pytest.raises(PermanentDeliveryError, match="Notify answered 400: email_address Not a valid email address"):
        backend.send(queue())


@pytest.mark.parametrize("status", [429, 500])
def test_notify_rate_limits_and_outages_are_retried(queue: QueueFunc, status: int) -> None:
    message = queue(body="Private body")
    backend = NotifyBackend(client=FakeNotifyClient(fail_with=status), template_id=TEMPLATE_ID)
    assert Worker(worker_id="w1", backend=backend).run_pass().retried == 1
    message = OutboundMessage.objects.get(pk=message.pk)
    assert message.status == MessageStatus.PENDING
    assert message.last_error.startswith(f"Notify answered {status}")
    assert "Private" not in message.last_error


def test_the_real_notify_client_is_built_from_settings_without_touching_the_network(settings: Any) -> None:
    from notifications_python_client.notifications import NotificationsAPIClient

    settings.CSPR_NOTIFY_API_KEY = (
        "cspr_test-" + "26785a09-ab16-4eb0-8407-a37497a57506" + "-" + "3d844edf-8d35-48ac-975b-e847b4f122b0"
    )
    settings.CSPR_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.CSPR_MAIL_BACKEND = "notify"
    backend = backend_from_settings()
    assert isinstance(backend, NotifyBackend)
    assert isinstance(backend.client, NotificationsAPIClient)
