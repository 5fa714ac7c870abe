"""Messages the worker could not deliver, for the partnership the person is working in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.core.pagination import paginate
from cspr.core.routes import Routes
from cspr.messaging.models import MessageStatus
from cspr.messaging.selectors import undeliverable_messages
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page

routes = Routes()

PAGE_SIZE = 50

STATUS_WORDS = {
    MessageStatus.PENDING: "Still trying",
    MessageStatus.SENDING: "Still trying",
    MessageStatus.FAILED: "Refused: will not be retried",
}


@routes.page("undeliverable/", name="undeliverable")
@partnership_page("messaging.view_undeliverable", refusal="not allowed to see undelivered messages")
def undeliverable(request: HttpRequest, partnership: Partnership) -> HttpResponse:
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
