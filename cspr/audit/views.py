"""The audit trail, read-only, for the partnership the person is working in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.audit.selectors import audit_events_for_partnership
from cspr.core.pagination import paginate
from cspr.core.routes import Routes
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page

routes = Routes()

PAGE_SIZE = 50


@routes.page("", name="trail")
@partnership_page("audit.view_trail", refusal="not allowed to read the audit trail")
def trail(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    page, pagination = paginate(request, audit_events_for_partnership(partnership_id=partnership.id), PAGE_SIZE)
    rows = [
        [
            {"text": timezone.localtime(event.occurred_at).strftime("%-d %b %Y %H:%M")},
            {"text": event.actor.full_name if event.actor else "Not signed in"},
            {"text": event.verb},
            {"text": f"{event.object_type} {event.object_id}".strip() or "—"},
        ]
        for event in page
    ]
    return render(request, "audit/trail.html", {"partnership": partnership, "rows": rows, "pagination": pagination})
