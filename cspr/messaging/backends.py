"""Delivery backends: how the worker hands one outbox row to the outside world.

Chosen by ``settings.CSPR_MAIL_BACKEND``:

- ``"smtp"``: Django's mail framework through the ``MAILERS["default"]`` mailer (SMTP in
  every real environment; the test runner swaps it for Django's in-memory mailer).
- ``"file"``: one ``.eml`` file a message under ``settings.CSPR_MAIL_DIR`` (local development).
- ``"notify"``: GOV.UK Notify, one e-mail template whose ``subject`` and ``body`` are personalised.
- a dotted path to a ``MailBackend`` subclass (tests, or a new provider).

A backend raises ``DeliveryError`` for a failure worth retrying and ``PermanentDeliveryError``
when the message can never be delivered. Error texts must never include the message body.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import tempfile
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, mailers
from django.utils.module_loading import import_string

from cspr.messaging.models import OutboundMessage

logger = logging.getLogger(__name__)

UNKNOWN_BACKEND = "CSPR_MAIL_BACKEND must be 'smtp', 'file', 'notify' or a dotted path to a MailBackend, not {name!r}."
NOTIFY_NOT_CONFIGURED = (
    "The Notify backend needs CSPR_NOTIFY_API_KEY and CSPR_NOTIFY_TEMPLATE_ID "
    "(environment variables NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID)."
)
NOTHING_ACCEPTED = "The mail server accepted nothing."


class DeliveryError(Exception):
    """Not delivered this time; worth trying again later."""


class PermanentDeliveryError(DeliveryError):
    """Can never be delivered as it stands (e.g. the mailbox does not exist)."""


class MailBackend:
    """Sends one message at a time. ``open``/``close`` bracket a batch, for backends that keep a connection."""

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, message: OutboundMessage) -> None:
        raise NotImplementedError


def build_email(message: OutboundMessage) -> EmailMultiAlternatives:
    """The e-mail for one outbox row, carrying the row's own Message-ID so a resend is recognisable."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={
            "Message-ID": message.message_id,
            # RFC 3834: this is an automatic message; out-of-office replies should not answer it.
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


class SmtpBackend(MailBackend):
    """Django's mailer ``MAILERS[alias]``: one SMTP connection for a batch, reopened after a failure."""

    def __init__(self, *, alias: str = "default") -> None:
        self.alias = alias
        self._connection: Any = None

    def open(self) -> None:
        self._connection = mailers[self.alias]
        try:
            self._connection.open()
        except (OSError, smtplib.SMTPException) as error:
            # Each send will try to connect again and record its own failure.
            logger.warning("Cannot connect to the mail server: %s", type(error).__name__)

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.close()
        except (OSError, smtplib.SMTPException):
            logger.debug("Closing the SMTP connection failed", exc_info=True)
        self._connection = None

    def send(self, message: OutboundMessage) -> None:
        if self._connection is None:
            self._connection = mailers[self.alias]
        try:
            accepted = self._connection.send_messages([build_email(message)])
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = [code for code, _ in error.recipients.values()]
            summary = ", ".join(str(code) for code in codes)
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentDeliveryError(f"recipient refused by the mail server ({summary})") from None
            raise DeliveryError(f"recipient refused for now by the mail server ({summary})") from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise DeliveryError(f"mail server answered {error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(f"{type(error).__name__}: {error}") from None
        if not accepted:
            raise DeliveryError(NOTHING_ACCEPTED)


def eml_filename(message_id: str) -> str:
    """A safe file name containing the Message-ID: ``<abc@cspr.invalid>`` → ``abc@cspr.invalid.eml``."""
    return re.sub(r"[^A-Za-z0-9@._-]", "_", message_id.strip("<>")) + ".eml"


class FileBackend(MailBackend):
    """Writes each message as an ``.eml`` file, named after its Message-ID; a resend overwrites the same file."""

    def __init__(self, *, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.CSPR_MAIL_DIR)

    def send(self, message: OutboundMessage) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            data = build_email(message).message().as_bytes()
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".writing-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, self.directory / eml_filename(message.message_id))
        except OSError as error:
            raise DeliveryError(f"{type(error).__name__}: cannot write the message file") from None

    def path_for(self, message: OutboundMessage) -> Path:
        return self.directory / eml_filename(message.message_id)


class NotifyClient(Protocol):
    """What the backend uses of Notify's client: one call, with every argument given by name."""

    def send_email_notification(
        self,
        *,
        email_address: str,
        template_id: str,
        personalisation: dict[str, str],
        reference: str,
        email_reply_to_id: str | None,
    ) -> Any: ...


class NotifyBackend(MailBackend):
    """GOV.UK Notify. The template's subject is ``((subject))`` and its body ``((body))``.

    Notify chooses its own Message-ID; ours goes as the notification's ``reference``.
    A 400 answer (e.g. an invalid address) is permanent; anything else is retried.
    """

    def __init__(
        self, *, client: NotifyClient | None = None, template_id: str | None = None, reply_to_id: str | None = None
    ) -> None:
        self.template_id: str = template_id or str(getattr(settings, "CSPR_NOTIFY_TEMPLATE_ID", ""))
        self.reply_to_id = reply_to_id or getattr(settings, "CSPR_NOTIFY_REPLY_TO_ID", "") or None
        if client is None:
            api_key = getattr(settings, "CSPR_NOTIFY_API_KEY", "")
            if not api_key or not self.template_id:
                raise ImproperlyConfigured(NOTIFY_NOT_CONFIGURED)
            from notifications_python_client.notifications import NotificationsAPIClient

            client = NotificationsAPIClient(api_key, timeout=15)
        if not self.template_id:
            raise ImproperlyConfigured(NOTIFY_NOT_CONFIGURED)
        self.client = client

    def send(self, message: OutboundMessage) -> None:
        from notifications_python_client.errors import APIError

        try:
            self.client.send_email_notification(
                email_address=message.to,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.message_id,
                email_reply_to_id=self.reply_to_id,
            )
        except APIError as error:
            text = f"Notify answered {error.status_code}: {_notify_error_text(error)}"
            if error.status_code == 400:
                raise PermanentDeliveryError(text) from None
            raise DeliveryError(text) from None


def _notify_error_text(error: Any) -> str:
    """Notify's own error messages (never our personalisation), e.g. "email_address Not a valid email address"."""
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in detail)
    return " ".join(str(detail).split())[:200]


BACKENDS: dict[str, type[MailBackend]] = {"smtp": SmtpBackend, "file": FileBackend, "notify": NotifyBackend}


def backend_from_settings() -> MailBackend:
    """The backend ``settings.CSPR_MAIL_BACKEND`` names, ready to use."""
    name = getattr(settings, "CSPR_MAIL_BACKEND", "smtp")
    backend_class = BACKENDS.get(name)
    if backend_class is None:
        if "." not in name:
            raise ImproperlyConfigured(UNKNOWN_BACKEND.format(name=name))
        try:
            backend_class = import_string(name)
        except ImportError as error:
            raise ImproperlyConfigured(UNKNOWN_BACKEND.format(name=name)) from error
    return backend_class()
