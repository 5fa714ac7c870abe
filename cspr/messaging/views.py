"""Messages the worker could not deliver, for the partnership the person is working in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.core.pagination import paginate
from cspr.core.refusals import refuse
from cspr.messaging.models import MessageStatus
from cspr.messaging.selectors import undeliverable_messages
from cspr.partnerships.selectors import partnership_get

PAGE_SIZE = 50

STATUS_WORDS = {
    MessageStatus.PENDING: "Still trying",
    MessageStatus.SENDING: "Still trying",
    MessageStatus.FAILED: "Refused: will not be retried",
}


def undeliverable(request: HttpRequest) -> HttpResponse:
    partnership = partnership_get(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    if partnership is None or not request.user.has_perm("messaging.view_undeliverable", partnership):
        return refuse(request, reason="not allowed to see undelivered messages")
    flagged = undeliverable_messages(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    page, pagination = paginate(request, flagged, PAGE_SIZE)
    rows = [
        [
            {"text": message.to},
            {"text": message.subject},
            {"text": message.kind},
            {"text": timezone.localtime(message.created_at).strftime("%-d %b %Y %H:%M")},
            {"text": str(message.attempts), "format": "numeric"},
            {"text": message.last_error or "—"},
            {"text": STATUS_WORDS.get(MessageStatus(message.status), message.get_status_display())},
        ]
        for message in page
    ]
    context = {"partnership": partnership, "rows": rows, "pagination": pagination}
    return render(request, "messaging/undeliverable.html", context)
