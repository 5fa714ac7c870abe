"""Dates the clocks cannot count from are 422s naming the field; a far date already stored never makes a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from cspr.calendars.selectors import clock_date_range
from cspr.cases.models import Case, CaseClock
from tests.api.conftest import VALID_PAYLOAD, payload, post_json

URL = "/api/v1/notifications"
FAR = date(2039, 1, 10)


def _errors(response: Any) -> dict[tuple[Any, ...], str]:
    return {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}


@pytest.mark.parametrize("field", ["la_aware_on", "incident_on"])
@pytest.mark.parametrize("value", ["0001-01-01", "1850-06-01", "2011-12-31", "2039-01-10", "9999-12-31"])
def test_a_date_that_starts_a_clock_outside_the_calendar_is_a_422_naming_the_field(
    api_as: Callable[..., Client], field: str, value: str
) -> None:
    before = Case.objects.count()
    response = post_json(api_as("notifier@example.org"), URL, payload(**{field: value}))
    assert response.status_code == 422, response.content
    errors = _errors(response)
    assert ("body", field) in errors
    assert "must be" in errors[("body", field)]
    assert Case.objects.count() == before


def test_the_earliest_date_is_named_in_the_message(api_as: Callable[..., Client]) -> None:
    first = clock_date_range()[0]
    response = post_json(api_as("notifier@example.org"), URL, payload(incident_on="2000-01-01"))
    assert _errors(response)[("body", "incident_on")] == (
        f"The incident date must be between {first.day} {first:%B %Y} and today"
    )


@pytest.mark.parametrize("value", ["1850-06-01", "2027-12-18", "0001-01-01", "9999-12-31"])
def test_a_date_of_birth_outside_1900_to_today_is_a_422_naming_the_field(
    api_as: Callable[..., Client], value: str
) -> None:
    child = {**VALID_PAYLOAD["children"][0], "date_of_birth": value, "age_years": None}
    member = {**VALID_PAYLOAD["household"][0], "date_of_birth": value}
    response = post_json(api_as("notifier@example.org"), URL, payload(children=[child], household=[member]))
    assert response.status_code == 422, response.content
    errors = _errors(response)
    assert ("body", "children", 0, "date_of_birth") in errors
    assert ("body", "household", 0, "date_of_birth") in errors


def test_a_clock_extended_beyond_the_calendar_reads_in_words_in_the_clocks_api(
    api_as: Callable[..., Client], notified_case: str
) -> None:
    CaseClock.objects.filter(case__reference=notified_case, clock_id="prg_meeting").update(extended_to=FAR)
    response = api_as("business.unit@example.org").get(f"/api/v1/cases/{notified_case}/clocks")
    assert response.status_code == 200, response.content
    clock = {clock["clock_id"]: clock for clock in response.json()["clocks"]}["prg_meeting"]
    assert clock["due"] == "2039-01-10"
    assert clock["status"] == "running"
    assert clock["working_days_left"] is None
    assert clock["note"].startswith("The working days left cannot be counted: the due date falls after the calendar")
    assert api_as("business.unit@example.org").get(f"/api/v1/cases/{notified_case}").status_code == 200


def test_the_openapi_document_says_which_dates_are_accepted(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    first = clock_date_range()[0]
    for field in ("incident_on", "la_aware_on"):
        description = schemas["NotificationIn"]["properties"][field]["description"]
        assert first.isoformat() in description
        assert "422 naming the field" in description
    assert "1900-01-01 and today" in schemas["ChildIn"]["properties"]["date_of_birth"]["description"]
    assert "1900-01-01 and today" in schemas["HouseholdMemberIn"]["properties"]["date_of_birth"]["description"]
