"""Far dates in returns: chronology entries from 1900 to today, return dates the calendar can count to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cspr.returns import services
from cspr.returns.models import AgencyReturn
from tests.returns.support import DEMO_CASE, POLICE, POLICE_ORGANISATION, demo_request, police_csv_import

pytestmark = pytest.mark.django_db

BU = "business.unit@example.org"


def parts(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": f"{year:04d}"}


def test_an_imported_chronology_row_before_1900_is_reported_by_row_number(demo: Any) -> None:
    rows = [
        ["2026-03-01", "Call-out", "Log"],
        ["1850-01-01", "Far too early", "Log"],
        ["0001-01-01", "Year one", "Log"],
        ["9999-12-31", "Year 9999", "Log"],
    ]
    report = police_csv_import(rows, at=datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Europe/London")))
    assert report.added == 1
    assert [(problem.row, problem.why) for problem in report.problems] == [
        (3, services.ROW_DATE_EARLY),
        (4, services.ROW_DATE_EARLY),
        (5, services.ROW_DATE_FUTURE),
    ]


@pytest.mark.parametrize(("year", "kept"), [(1850, "1850"), (1, "0001"), (9999, "9999")])
def test_a_chronology_entry_outside_1900_to_today_is_refused_naming_the_field(
    client_as: Callable[[str], Client], year: int, kept: str
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    url = reverse("returns:entry-add", kwargs={"request_uuid": police.uuid})
    response = client_as(POLICE).post(url, {"event": "Something happened", **parts("happened_on", 1, 6, year)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Date of the event must be between 1 January 1900 and today" in html
    assert f'value="{kept}"' in html
    assert not AgencyReturn.objects.filter(request=police, entries__happened_on__year=year).exists()


@pytest.mark.parametrize("year", [2039, 9999])
def test_a_return_date_beyond_the_calendar_is_refused_naming_the_field(
    client_as: Callable[[str], Client], year: int
) -> None:
    url = reverse("returns:send", kwargs={"reference": DEMO_CASE})
    response = client_as(BU).post(url, {"organisations": [], **parts("due_on", 10, 1, year)})
    assert response.status_code == 400
    assert "Return date must be between" in response.content.decode()
