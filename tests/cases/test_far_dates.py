"""Far dates never break a case: the forms refuse them naming the field, and one already stored reads in words."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.calendars.selectors import clock_date_range
from cspr.cases import services
from cspr.cases.models import Case, CaseClock
from cspr.core.forms import govuk_date
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import LONDON, SubmitFunc
from tests.support import ClientAs

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 12, 21, 10, 0, tzinfo=LONDON)
FAR = date(2039, 1, 10)
BU = "business.unit@example.org"


def url(name: str, case: Case, **kwargs: str) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference, **kwargs})


def parts(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": f"{year:04d}"}


def between_message(subject: str, *, until_today: bool) -> str:
    first, last = clock_date_range()
    return f"{subject} must be between {govuk_date(first)} and {'today' if until_today else govuk_date(last)}"


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("year_month_day", [(2039, 1, 10), (1, 1, 1), (9999, 12, 31)])
def test_an_extension_beyond_the_calendar_is_refused_naming_the_field_and_keeps_what_was_typed(
    submit: SubmitFunc, client_as: ClientAs, year_month_day: tuple[int, int, int]
) -> None:
    case = submit()
    year, month, day = year_month_day
    form = {**parts("extended_to", day, month, year), "reason": "Police disclosure awaited", "agreed_by": "Panel"}
    response = client_as(BU).post(url("extension", case, clock_id="panel_notification"), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert between_message("New due date", until_today=False) in html
    assert 'href="#id_extended_to-day"' in html  # the error summary links to the field
    assert f'value="{year:04d}"' in html
    assert "Police disclosure awaited" in html
    assert CaseClock.objects.get(case=case, clock_id="panel_notification").extended_to is None


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("year", [1, 1850, 9999])
def test_a_duty_done_on_a_date_outside_the_calendar_is_refused_naming_the_field(
    submit: SubmitFunc, client_as: ClientAs, year: int
) -> None:
    case = submit()
    response = client_as(BU).post(url("duty", case), {"kind": "panel_notified", **parts("done_on", 1, 6, year)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Date it was done must be" in html
    assert f'value="{year:04d}"' in html


@time_machine.travel(MONDAY, tick=False)
def test_a_decision_dated_before_the_calendar_is_refused_naming_the_field(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    case = submit()
    form = {"notify_panel": "yes", "reason": "It meets the criteria", **parts("decided_on", 1, 1, 1)}
    response = client_as("notifier@example.org").post(url("la-decision", case), form)
    assert response.status_code == 400
    assert between_message("Date of the decision", until_today=True) in response.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_a_case_with_a_clock_already_extended_beyond_the_calendar_still_shows_every_page(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    case = submit()
    # Saved before the forms refused such dates.
    CaseClock.objects.filter(case=case, clock_id="panel_notification").update(extended_to=FAR)
    client = client_as(BU)
    page = client.get(url("detail", case))
    assert page.status_code == 200
    html = page.content.decode()
    assert "10 January 2039" in html
    assert "The working days left cannot be counted: the due date falls after the calendar" in html
    assert client.get(url("duty", case)).status_code == 200
    assert client.get(url("extension", case, clock_id="panel_notification")).status_code == 200
    assert client.get(url("extension", case, clock_id="partners_notified")).status_code == 200
    duty = client.post(url("duty", case), {"kind": "partners_informed", **parts("done_on", 21, 12, 2026)})
    assert duty.status_code in (200, 302), duty.content.decode().split("govuk-error-summary__list", 1)[-1][:600]
    assert client.get(url("detail", case)).status_code == 200


def test_the_extension_service_refuses_a_date_beyond_the_calendar_and_changes_nothing(
    submit: SubmitFunc, demo: dict[str, object]
) -> None:
    case = submit()
    last = clock_date_range()[1]
    with pytest.raises(CaseActionRefused) as refused:
        services.clock_extension_record(
            acting=acting_for(User.objects.get(email=BU)),
            case=case,
            clock_id="panel_notification",
            extended_to=FAR,
            reason="Awaiting the police",
            agreed_by="Panel case officer",
        )
    assert refused.value.field == "extended_to"
    assert govuk_date(last) in refused.value.message
    assert CaseClock.objects.get(case=case, clock_id="panel_notification").extended_to is None
    assert not AuditEvent.objects.filter(verb="case.clock_extended", object_id=str(case.pk)).exists()
