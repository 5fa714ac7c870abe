"""Messages the worker could not deliver, for the partnership the person is working in."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cspr.core.middleware import refuse
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
    paginator = Paginator(flagged, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
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
    pagination = None
    if paginator.num_pages > 1:
        base = reverse("messaging:undeliverable")
        pagination = {
            "previous": {"href": f"{base}?page={page.previous_page_number()}"} if page.has_previous() else None,
            "next": {"href": f"{base}?page={page.next_page_number()}"} if page.has_next() else None,
        }
    context = {"partnership": partnership, "rows": rows, "pagination": pagination}
    return render(request, "messaging/undeliverable.html", context)
