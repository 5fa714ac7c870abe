"""The durable outbox: one row per e-mail, written in the transaction of the change it tells about.

A worker (``manage.py run_worker``) delivers the rows; nothing is sent inside a request.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed permanently"


# Statuses a worker may still pick up: "sending" with an expired lease means a worker
# stopped mid-send, so the message may or may not have gone; it is sent again with the
# same Message-ID, which lets a mail client or a reader recognise the duplicate.
DELIVERABLE_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING)
UNDELIVERED_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.FAILED)

RECIPIENT_MAX_LENGTH = 254
SUBJECT_MAX_LENGTH = 255
KIND_MAX_LENGTH = 60


class OutboundMessage(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to = models.EmailField(max_length=RECIPIENT_MAX_LENGTH)
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    kind = models.CharField(max_length=KIND_MAX_LENGTH, help_text='What the message is about, e.g. "invitation".')
    message_id = models.CharField(max_length=255, unique=True, help_text="RFC 5322 Message-ID, fixed at creation.")
    holds_secret = models.BooleanField(
        default=False, help_text="The body carries a one-time link: it is blanked once the message is sent."
    )

    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    flagged_undeliverable_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The worker's claim query: due messages still to be delivered.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            # The undeliverable sweep: old messages not yet delivered nor flagged.
            models.Index(
                fields=["created_at"],
                condition=Q(flagged_undeliverable_at__isnull=True) & Q(status__in=["pending", "sending", "failed"]),
                name="outbox_unflagged_idx",
            ),
            # The business unit's page.
            models.Index(fields=["partnership", "flagged_undeliverable_at"], name="outbox_flagged_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.get_status_display()})"
