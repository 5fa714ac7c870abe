"""Reads about the outbox, always through the actor's scope."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from cspr.core.policy import MESSAGE_VIEWERS
from cspr.messaging.models import MessageStatus, OutboundMessage
from cspr.partnerships.scoping import Scope


def undeliverable_messages(*, scope: Scope, partnership_id: int | None) -> QuerySet[OutboundMessage]:
    """This partnership's messages flagged as undeliverable and still not delivered, newest first.

    Empty unless the actor is business unit or partnership admin in that partnership.
    """
    if partnership_id is None or not scope.has_any_role(partnership_id, MESSAGE_VIEWERS):
        return OutboundMessage.objects.none()
    return (
        OutboundMessage.objects.filter(partnership_id=partnership_id, flagged_undeliverable_at__isnull=False)
        .exclude(status=MessageStatus.SENT)
        .order_by("-created_at", "-id")
    )


def message_recently_queued(*, to: str, kind: str, since: datetime) -> bool:
    """Whether a message of this kind went into the outbox for this address at or after ``since``."""
    return OutboundMessage.objects.filter(to__iexact=to, kind=kind, created_at__gte=since).exists()
