"""The partnership's procedure: clocks and criteria, in words, with the partnership's own numbers and wording."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cspr.calendars.services import CalendarChangeRefused, clock_override_set
from cspr.core.form_views import form_page
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.domain.criteria import CRITERIA_BY_CODE
from cspr.domain.presets import PresetOverrideError, UnknownClockError
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page
from cspr.procedure import selectors, services
from cspr.procedure.forms import ClockOverrideForm, CriterionWordingForm

routes = Routes()


@routes.page("", name="overview")
@partnership_page("partnerships.view_partnership", refusal="not a member of the partnership")
def overview(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    context = {
        "partnership": partnership,
        "procedure": selectors.procedure_for(partnership=partnership),
        "can_edit": request.user.has_perm("procedure.edit_procedure", partnership),
    }
    return render(request, "procedure/overview.html", context)


@routes.page("clocks/<slug:clock_id>/", name="clock-edit")
@require_http_methods(["GET", "POST"])
@partnership_page("procedure.edit_procedure", refusal="not allowed to change the procedure")
def clock_edit(request: HttpRequest, partnership: Partnership, clock_id: str) -> HttpResponse:
    procedure = selectors.procedure_for(partnership=partnership)
    clock = next((view for view in procedure.clocks if view.rule.clock_id == clock_id), None)
    if clock is None:
        return refuse(request, reason="no such clock", status=404)
    return form_page(
        request,
        ClockOverrideForm(request.POST or None, initial={"amount": clock.rule.amount}),
        act=lambda acting, data: clock_override_set(
            acting=acting, partnership=partnership, clock_id=clock_id, amount=data["amount"], reason=data["reason"]
        ),
        done=f"{clock.rule.title}: the partnership's number is saved",
        then=reverse("procedure:overview"),
        template="procedure/clock_edit.html",
        context={"partnership": partnership, "clock": clock},
        refusals=(CalendarChangeRefused, PresetOverrideError, UnknownClockError),
        field="amount",
    )


@routes.page("criteria/<slug:code>/", name="criterion-edit")
@require_http_methods(["GET", "POST"])
@partnership_page("procedure.edit_procedure", refusal="not allowed to change the procedure")
def criterion_edit(request: HttpRequest, partnership: Partnership, code: str) -> HttpResponse:
    criterion = CRITERIA_BY_CODE.get(code)
    if criterion is None:
        return refuse(request, reason="no such criterion", status=404)
    current = selectors.criterion_wording(partnership=partnership, code=code)
    return form_page(
        request,
        CriterionWordingForm(request.POST or None, initial={"text": current or ""}),
        act=lambda acting, data: services.criterion_wording_set(
            acting=acting, partnership=partnership, code=code, text=data["text"]
        ),
        done=f"Wording saved for {criterion.section}",
        then=reverse("procedure:overview"),
        template="procedure/criterion_edit.html",
        context={"partnership": partnership, "criterion": criterion},
        refusals=services.WordingRefused,
        field="text",
    )
