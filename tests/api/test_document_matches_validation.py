"""The OpenAPI document states what the validation checks: what it calls valid is accepted, what it calls invalid
is refused (the fuzz test drives this across the whole API; these pin the cases it found)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cspr.cases import notification as rules
from tests.api.conftest import VALID_PAYLOAD, payload, post_json

URL = "/api/v1/notifications"


def child(**changes: Any) -> dict[str, Any]:
    data = {key: value for key, value in VALID_PAYLOAD["children"][0].items() if key != "date_of_birth"}
    return {**data, **changes}


@pytest.mark.parametrize(("age", "status"), [(7, 201), (7.0, 201), (7.5, 422), (True, 422), ("7", 422), (-1, 422)])
def test_an_age_is_a_json_whole_number_as_the_document_says(
    api_as: Callable[..., Client], age: object, status: int
) -> None:
    response = post_json(api_as("notifier@example.org"), URL, payload(children=[child(age_years=age)]))
    assert response.status_code == status, response.content


def test_the_document_states_the_patterns_the_validation_checks(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    notification = document["components"]["schemas"]["NotificationIn"]
    fields = notification["properties"]
    assert fields["notifier_name"]["pattern"] == r"\S"
    assert rules.EMAIL_PATTERN.strip("^$") in fields["notifier_email"]["pattern"]
    assert rules.PHONE_PATTERN.strip("^$") in fields["notifier_phone"]["pattern"]
    assert re.fullmatch(fields["incident_time"]["pattern"], "21:15")
    assert not re.fullmatch(fields["incident_time"]["pattern"], "24:00")
    assert document["components"]["schemas"]["HouseholdMemberIn"]["properties"]["name"]["pattern"] == r"\S"
    # The rules across fields are stated in words.
    for words in ("what_is_known", "serious_harm_description", "case_outline", "placement_type", "check digit"):
        assert words in notification["description"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("notifier_email", "not an address"), ("notifier_phone", "call me"), ("notifier_name", "   ")],
)
def test_answers_the_document_calls_invalid_are_refused_naming_the_field(
    api_as: Callable[..., Client], field: str, value: str
) -> None:
    response = post_json(api_as("notifier@example.org"), URL, payload(**{field: value}))
    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize("year", ["0001", "1950", "2011"])
def test_a_clock_date_too_early_names_the_clocks_range_whatever_the_year(
    api_as: Callable[..., Client], year: str
) -> None:
    response = post_json(api_as("notifier@example.org"), URL, payload(incident_on=f"{year}-06-01"))
    assert response.status_code == 422
    messages = [error["msg"] for error in response.json()["detail"] if error["loc"] == ["body", "incident_on"]]
    assert messages
    assert messages[0].startswith("The incident date must be between 12 January 2012 and")
