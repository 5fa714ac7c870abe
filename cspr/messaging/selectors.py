"""Reads about the outbox, always through the actor's scope."""

from __future__ import annotations

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
