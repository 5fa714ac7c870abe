"""A partnership's closure days: they extend local targets only, never statutory clocks."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cspr.calendars import selectors, services
from cspr.calendars.forms import ClosureDayForm
from cspr.core.form_views import form_page
from cspr.core.forms import govuk_date
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import acting_from_request
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page

routes = Routes()


@routes.page("", name="closure-days")
@partnership_page("partnerships.view_partnership", refusal="not a member of the partnership")
def closure_days(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    can_edit = request.user.has_perm("calendars.edit_closure_days", partnership)
    form = ClosureDayForm()
    days = selectors.closure_days_for(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    context = {"partnership": partnership, "days": days, "form": form, "can_edit": can_edit}
    return render(request, "calendars/closure_days.html", context)


@routes.page("add/", name="closure-day-add")
@require_POST
@partnership_page("calendars.edit_closure_days", refusal="not allowed to change closure days")
def closure_day_add(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    return form_page(
        request,
        ClosureDayForm(request.POST),
        act=lambda acting, data: services.closure_day_add(
            acting=acting, partnership=partnership, day=data["date"], description=data["description"]
        ),
        done=lambda closure: f"Closure day added: {govuk_date(closure.date)}",
        then=reverse("calendars:closure-days"),
        template="calendars/closure_days.html",
        context=lambda: {
            "partnership": partnership,
            "days": selectors.closure_days_for(scope=request.scope, partnership_id=partnership.id),  # type: ignore[attr-defined]
            "can_edit": True,
            "page_error": True,
        },
        refusals=services.CalendarChangeRefused,
        field="date",
    )


@routes.page("<int:closure_day_id>/remove/", name="closure-day-remove")
@require_POST
@partnership_page("calendars.edit_closure_days", refusal="not allowed to change closure days")
def closure_day_remove(request: HttpRequest, partnership: Partnership, closure_day_id: int) -> HttpResponse:
    closure = selectors.closure_day_get(
        scope=request.scope,  # type: ignore[attr-defined]
        partnership_id=partnership.id,
        closure_day_id=closure_day_id,
    )
    if closure is None:
        return refuse(request, reason="closure day not in this partnership", status=404)
    services.closure_day_remove(acting=acting_from_request(request), closure_day=closure)
    messages.success(request, f"Closure day removed: {govuk_date(closure.date)}")
    return redirect("calendars:closure-days")
