"""Validating a notification: the rules the web form and the API share."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from unittest import mock

import pytest

from cspr.cases.notification import (
    AWARE_BEFORE_INCIDENT,
    NHS_NUMBER_INVALID,
    NO_CHILDREN,
    OUTLINE_NEEDED,
    PHONE_INVALID,
    PLACEMENT_NEEDED,
    SERIOUS_HARM_NEEDED,
    WHAT_IS_KNOWN_NEEDED,
    ChildData,
    nhs_number_is_valid,
    notification_from_dict,
    notification_to_dict,
    validate_notification,
)
from tests.cases.conftest import make_notification

TODAY = date(2026, 12, 18)
CLOCK_RANGE = (date(2012, 1, 12), date(2037, 12, 31))


@pytest.fixture(autouse=True)
def _clock_range() -> Iterator[None]:
    """The rules ask the calendar which dates the clocks can count from; these tests give them the answer."""
    with mock.patch("cspr.cases.notification.clock_date_range", return_value=CLOCK_RANGE):
        yield


def test_a_complete_notification_has_no_errors() -> None:
    assert validate_notification(make_notification(), today=TODAY) == {}


def test_a_notification_needs_at_least_one_child() -> None:
    assert validate_notification(make_notification(children=()), today=TODAY)["children"] == [NO_CHILDREN]


def test_dates_in_the_future_are_refused_relative_to_the_injected_today() -> None:
    errors = validate_notification(make_notification(incident_on=date(2026, 12, 19)), today=TODAY)
    assert errors["incident_on"] == ["The incident date must be today or in the past"]


def test_the_local_authority_cannot_become_aware_before_the_incident() -> None:
    errors = validate_notification(
        make_notification(incident_on=date(2026, 12, 17), la_aware_on=date(2026, 12, 16)), today=TODAY
    )
    assert errors["la_aware_on"] == [AWARE_BEFORE_INCIDENT]


def test_nul_characters_are_refused_everywhere_including_inside_a_child() -> None:
    data = make_notification(case_outline="a\x00b")
    child = dataclasses.replace(make_notification().children[0], address="x\x00")
    data = dataclasses.replace(data, children=(child,), agencies_involved=("Police\x00",))
    errors = validate_notification(data, today=TODAY)
    assert set(errors) >= {"case_outline", "children.0.address", "agencies_involved.0"}


def test_huge_numbers_and_wrong_types_are_field_errors_not_crashes() -> None:
    child = ChildData(name="", not_yet_identified=True, age_years=10**30)
    data = make_notification(children=(child,), care_leaver_age=-1, incident_time="25:61")
    errors = validate_notification(data, today=TODAY)
    assert set(errors) >= {"children.0.age_years", "care_leaver_age", "incident_time"}
    weird = dataclasses.replace(make_notification(), notifier_name=12, media_interest="yes")  # type: ignore[arg-type]
    assert set(validate_notification(weird, today=TODAY)) >= {"notifier_name", "media_interest"}


def test_nhs_numbers_must_carry_a_valid_check_digit() -> None:
    assert nhs_number_is_valid("943 476 5919")
    assert not nhs_number_is_valid("943 476 5918")
    assert not nhs_number_is_valid("\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19")  # full-width digits
    child = dataclasses.replace(make_notification().children[0], nhs_number="943 476 5918")
    errors = validate_notification(make_notification(children=(child,)), today=TODAY)
    assert errors["children.0.nhs_number"] == [NHS_NUMBER_INVALID]


def test_a_child_needs_a_name_unless_unborn_or_not_yet_identified() -> None:
    errors = validate_notification(make_notification(children=(ChildData(name=""),)), today=TODAY)
    assert "children.0.name" in errors
    assert validate_notification(make_notification(children=(ChildData(name="", unborn=True),)), today=TODAY) == {}


def test_a_care_leavers_death_needs_the_care_leavers_age() -> None:
    errors = validate_notification(make_notification(nature="care_leaver_death"), today=TODAY)
    assert "care_leaver_age" in errors


def test_a_notification_survives_a_round_trip_through_plain_json() -> None:
    data = make_notification()
    assert notification_from_dict(notification_to_dict(data)) == data


def test_the_answers_the_forms_pages_insist_on_are_required_of_the_api_too() -> None:
    child = ChildData(name="", not_yet_identified=True, age_years=4, looked_after=True)
    data = make_notification(
        what_is_known=" ", serious_harm_description="", case_outline="", notifier_phone="call me", children=(child,)
    )
    assert (data.nature, data.abuse_or_neglect) == ("serious_harm", "yes")  # so both accounts are asked for
    errors = validate_notification(data, today=TODAY)
    assert errors["what_is_known"] == [WHAT_IS_KNOWN_NEEDED]
    assert errors["serious_harm_description"] == [SERIOUS_HARM_NEEDED]
    assert errors["case_outline"] == [OUTLINE_NEEDED]
    assert errors["notifier_phone"] == [PHONE_INVALID]
    assert errors["children.0.placement_type"] == [PLACEMENT_NEEDED]


def test_a_death_needs_no_serious_harm_description_and_no_abuse_needs_no_account_of_it() -> None:
    errors = validate_notification(
        make_notification(nature="death", serious_harm_description="", abuse_or_neglect="no", what_is_known=""),
        today=TODAY,
    )
    assert errors == {}
