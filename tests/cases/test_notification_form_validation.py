"""Report a serious incident: every page's validation, in GOV.UK's words, and nothing typed is ever lost."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from cspr.calendars.selectors import clock_date_range
from cspr.cases.models_drafts import NotificationDraft
from cspr.cases.notification import NHS_NUMBER_INVALID
from cspr.core.forms import govuk_date
from tests.cases.notification_form_support import (
    NOTIFY,
    add_item,
    answer_everything,
    aware_day,
    child_a,
    date_parts,
    error_messages,
    incident_day,
    page_answers,
    page_url,
    save,
    start_draft,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporting(client_as: Callable[[str], Client]) -> tuple[Client, str]:
    client = client_as("notifier@example.org")
    return client, start_draft(client)


def errors_on(client: Client, draft: str, step: str, data: dict[str, Any]) -> list[str]:
    response = save(client, draft, step, data)
    assert response.status_code == 400, (step, response.status_code)
    page = response.content.decode()
    assert "<title>Error:" in page
    return error_messages(response)


def stored(draft: str, step: str) -> dict[str, Any]:
    return NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers["pages"][step]


def test_your_details(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    empty = {"notifier_name": "", "notifier_role": "", "notifier_phone": "", "notifier_email": ""}
    assert errors_on(client, draft, "about-you", empty) == [
        "Enter your full name",
        "Enter your job title or role",
        "Enter a telephone number",
        "Enter an e-mail address",
    ]
    wrong = {**page_answers()["about-you"], "notifier_phone": "call me", "notifier_email": "not an address"}
    assert errors_on(client, draft, "about-you", wrong) == [
        "Enter a telephone number, like 01632 960 001 or +44 808 157 0192",
        "Enter an e-mail address in the correct format, like name@example.org",
    ]


def test_nul_characters_and_absurd_lengths_are_refused_with_a_message(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    answers = page_answers()["about-you"]
    assert errors_on(client, draft, "about-you", {**answers, "notifier_name": "Nadia\x00Fenwick"}) == [
        "Your full name must not contain control characters"
    ]
    assert errors_on(client, draft, "about-you", {**answers, "notifier_role": "x" * 201}) == [
        "Your job title or role must be 200 characters or fewer"
    ]
    huge = "y" * 200_000
    assert errors_on(client, draft, "outline", {"case_outline": huge}) == [
        "The case outline must be 20,000 characters or fewer"
    ]
    assert errors_on(client, draft, "outline", {"case_outline": "fine\x00"}) == [
        "The case outline must not contain control characters"
    ]
    # Dates, radios and boxes: a NUL or a number too big for any calendar is a message, not a crash.
    assert errors_on(
        client, draft, "aware", {"la_aware_on-day": "1\x00", "la_aware_on-month": "1", "la_aware_on-year": "2026"}
    ) == ["Date the local authority became aware must not contain control characters"]
    assert errors_on(
        client, draft, "aware", {"la_aware_on-day": "9" * 30, "la_aware_on-month": "1", "la_aware_on-year": "2026"}
    ) == ["Date the local authority became aware must be a real date"]
    assert errors_on(client, draft, "nature", {"nature": "serious_harm\x00"}) == ["Select what happened"]
    assert errors_on(client, draft, "nature", {"nature": "care_leaver_death", "care_leaver_age": "9" * 40}) == [
        "The care leaver's age must be between 0 and 120"
    ]
    assert errors_on(client, draft, "agencies", {"agencies": ["\x00"]}) == ["Select from the options shown"]


def test_when_the_local_authority_became_aware(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    assert errors_on(client, draft, "aware", {}) == ["Enter the date the local authority became aware"]
    tomorrow = today() + timedelta(days=1)
    assert errors_on(client, draft, "aware", date_parts("la_aware_on", tomorrow)) == [
        "Date the local authority became aware must be today or in the past"
    ]
    no_month = {"la_aware_on-day": "3", "la_aware_on-month": "", "la_aware_on-year": "2026"}
    assert errors_on(client, draft, "aware", no_month) == ["Date the local authority became aware must include a month"]
    assert errors_on(
        client, draft, "aware", {"la_aware_on-day": "31", "la_aware_on-month": "2", "la_aware_on-year": "2026"}
    ) == ["Date the local authority became aware must be a real date"]
    assert errors_on(
        client, draft, "aware", {"la_aware_on-day": "3", "la_aware_on-month": "2", "la_aware_on-year": "26"}
    ) == ["Year must include 4 numbers"]
    assert errors_on(
        client, draft, "aware", {"la_aware_on-day": "3", "la_aware_on-month": "2", "la_aware_on-year": "1850"}
    ) == [f"Date the local authority became aware must be between {govuk_date(clock_date_range()[0])} and today"]
    # The error summary links to the box in error.
    response = save(client, draft, "aware", no_month)
    assert 'href="#id_la_aware_on-month"' in response.content.decode()


def test_a_referrer_who_says_the_local_authority_knows_gives_the_date(client_as: Callable[[str], Client]) -> None:
    client = client_as("contributor.health@example.org")
    draft = start_draft(client)
    assert errors_on(client, draft, "aware", {}) == [
        "Select whether the local authority already knows about the incident"
    ]
    assert errors_on(client, draft, "aware", {"la_knows": "yes"}) == ["Enter the date the local authority became aware"]
    assert save(client, draft, "aware", {"la_knows": "no"}).status_code == 302


def test_the_incident(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    assert errors_on(client, draft, "incident", {}) == [
        "Enter the date of the incident",
        "Select where the incident happened",
    ]
    answers = page_answers()["incident"]
    assert errors_on(client, draft, "incident", {**answers, "incident_time": "25:61"}) == [
        "Enter the time as hours and minutes on the 24-hour clock, like 14:30"
    ]
    assert errors_on(client, draft, "incident", {**answers, "location": "on the moon"}) == [
        "Select where the incident happened"
    ]
    # After the local authority's date is known, the incident cannot come after it.
    save(client, draft, "aware", date_parts("la_aware_on", aware_day()))
    later = {**answers, **date_parts("incident_on", today())}
    (message,) = errors_on(client, draft, "incident", later)
    assert message.startswith(
        "Date of the incident must be the same as or before the date the local authority became aware"
    )
    # A time written "9.05" is kept as 09:05.
    assert save(client, draft, "incident", {**answers, "incident_time": "9.05"}).status_code == 302


def test_what_happened_abuse_or_neglect_and_the_serious_harm(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    assert errors_on(client, draft, "nature", {}) == ["Select what happened"]
    assert errors_on(client, draft, "nature", {"nature": "care_leaver_death"}) == [
        "Enter the care leaver's age when they died"
    ]
    assert errors_on(client, draft, "nature", {"nature": "care_leaver_death", "care_leaver_age": "nineteen"}) == [
        "The care leaver's age must be a whole number, like 7"
    ]
    # An age typed under another answer does not count (or block) once that answer is not chosen.
    assert save(client, draft, "nature", {"nature": "death", "care_leaver_age": "nineteen"}).status_code == 302
    assert errors_on(client, draft, "abuse-or-neglect", {}) == ["Select whether abuse or neglect is known or suspected"]
    assert errors_on(client, draft, "abuse-or-neglect", {"abuse_or_neglect": "yes"}) == [
        "Enter what is known or suspected about the abuse or neglect"
    ]
    assert save(client, draft, "abuse-or-neglect", {"abuse_or_neglect": "unknown"}).status_code == 302
    save(client, draft, "nature", {"nature": "serious_harm"})
    assert errors_on(client, draft, "serious-harm", {"serious_harm_description": "  "}) == [
        "Enter a description of the serious harm"
    ]


def test_a_child(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    response = add_item(client, draft, "children", {"name": ""})
    assert response.status_code == 400
    assert error_messages(response) == ["Enter the child's name, or say that the child is unborn or not yet identified"]
    # The child now exists in the draft (incomplete), and the page posts to it, not to a new one.
    answers = NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers
    assert answers.get("children", []) == []  # nothing typed: nothing kept
    response = add_item(
        client,
        draft,
        "children",
        {
            "identity": ["unborn"],
            **date_parts("date_of_birth", incident_day()),
            "age_years": "30",
            "nhs_number": "123 456 7890",
            "legal_status": ["looked_after"],
            "sex": "unknown",
            "address": "x" * 1001,
        },
    )
    assert response.status_code == 400
    assert error_messages(response) == [
        "An unborn child cannot have a date of birth",
        "Age must be between 0 and 25",
        "Select the child's sex",
        "Address must be 1,000 characters or fewer",
        NHS_NUMBER_INVALID,
        "Enter the placement type of the looked-after child",
    ]
    key = NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers["children"][0]["key"]
    assert f'action="/cases/notify/drafts/{draft}/children/{key}/"' in response.content.decode()
    # Born after the incident; both a date of birth and an age.
    save(client, draft, "incident", page_answers()["incident"])
    after = child_a(**date_parts("date_of_birth", today()))
    response = client.post(f"{NOTIFY}drafts/{draft}/children/{key}/", {**after, "age_years": "3", "action": "continue"})
    messages = error_messages(response)
    assert messages[0].startswith("Date of birth must be the same as or before the date of the incident")
    assert messages[1] == "Give the date of birth or the age, not both"


def test_a_household_member_and_the_add_another_questions(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    response = add_item(client, draft, "household", {"name": "", "relationship": ""})
    assert error_messages(response) == ["Enter their full name", "Select their relationship to the child"]
    response = client.post(page_url(draft, "children"), {"action": "continue"})
    assert error_messages(response) == ["Select yes if you need to add another child"]
    response = client.post(page_url(draft, "children"), {"add_another": "no", "action": "continue"})
    assert error_messages(response) == ["Add at least one child"]
    response = client.post(page_url(draft, "household"), {"action": "continue"})
    assert error_messages(response) == [
        "Select yes if you need to add a parent, carer, sibling or other household member"
    ]
    # Nobody in the household is a valid answer.
    assert client.post(page_url(draft, "household"), {"add_another": "no", "action": "continue"}).status_code == 302


def test_the_other_pages(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    assert errors_on(client, draft, "other-area", {}) == [
        "Select whether the child lives in another local authority area"
    ]
    assert errors_on(client, draft, "other-area", {"lives_elsewhere": "yes"}) == [
        "Enter the local authority area where the child lives"
    ]
    assert errors_on(client, draft, "agencies", {"agencies": ["An agency that is not in the partnership"]}) == [
        "Select from the options shown"
    ]
    assert errors_on(client, draft, "agencies", {"other_agencies": "x" * 201}) == [
        "Each agency must be 200 characters or fewer"
    ]
    assert errors_on(client, draft, "agencies", {"other_agencies": "\n".join(f"Agency {n}" for n in range(41))}) == [
        "Enter no more than 40 agencies"
    ]
    assert errors_on(client, draft, "parallel-processes", {"processes": ["a séance"]}) == [
        "Select from the options shown"
    ]
    assert errors_on(client, draft, "outline", {"case_outline": ""}) == ["Enter an outline of the case"]
    assert errors_on(client, draft, "media", {}) == ["Select whether there is media interest"]
    # None known is an answer.
    assert save(client, draft, "agencies", {}).status_code == 302
    assert save(client, draft, "parallel-processes", {}).status_code == 302


def test_nothing_typed_is_lost_on_an_error(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    typed = {**page_answers()["incident"], "incident_place": "Behind the <school> & library", "incident_time": "26:00"}
    response = save(client, draft, "incident", typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="26:00"' in page
    assert html.escape("Behind the <school> & library", quote=True) in page
    assert f'value="{incident_day().day}"' in page
    # ... and it is in the draft too: leaving now (or being signed out) loses nothing.
    assert stored(draft, "incident")["incident_place"] == ["Behind the <school> & library"]
    assert stored(draft, "incident")["incident_time"] == ["26:00"]
    again = client.get(page_url(draft, "incident")).content.decode()
    assert 'value="26:00"' in again
    assert "There is a problem" not in again  # coming back shows the answers, not the errors


def test_save_and_come_back_later_keeps_answers_that_are_not_finished(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    response = save(client, draft, "about-you", {"notifier_name": "Nadia Fenwick"}, action="save")
    assert response.status_code == 302
    assert response["Location"] == f"{NOTIFY}drafts/"
    listing = client.get(response["Location"]).content.decode()
    assert "Your answers are saved" in listing
    assert stored(draft, "about-you")["notifier_name"] == ["Nadia Fenwick"]
    assert client.get(f"{NOTIFY}drafts/{draft}/")["Location"] == page_url(draft, "about-you")


def test_the_page_script_saves_in_the_background(reporting: tuple[Client, str]) -> None:
    """What frontend/js/notify-autosave.js sends as the person types: saved, answered with 204."""
    client, draft = reporting
    response = save(client, draft, "outline", {"case_outline": "Half a sent"}, action="autosave")
    assert response.status_code == 204
    assert stored(draft, "outline")["case_outline"] == ["Half a sent"]
    response = client.post(f"{NOTIFY}drafts/{draft}/children/add/", {**child_a(), "action": "autosave"})
    assert response.status_code == 204
    key = NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers["children"][0]["key"]
    # The script posts the next save to the child it has just created.
    assert response["X-Draft-Item"] == f"/cases/notify/drafts/{draft}/children/{key}/"


def test_changes_to_one_page_do_not_undo_another(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    answer_everything(client, draft, children=1)
    save(client, draft, "media", {"media_interest": "yes", "media_details": "Local paper"}, query="?change=1")
    save(client, draft, "outline", {"case_outline": "Changed outline"}, query="?change=1")
    answers = NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers
    assert answers["pages"]["media"]["media_details"] == ["Local paper"]
    assert answers["pages"]["outline"]["case_outline"] == ["Changed outline"]
    assert len(answers["children"]) == 1


def test_a_death_goes_straight_from_abuse_or_neglect_to_the_children(reporting: tuple[Client, str]) -> None:
    client, draft = reporting
    save(client, draft, "nature", {"nature": "serious_harm"})
    response = save(client, draft, "nature", {"nature": "death"})
    assert response["Location"] == page_url(draft, "abuse-or-neglect")
    response = save(client, draft, "abuse-or-neglect", {"abuse_or_neglect": "yes", "what_is_known": "Suspected."})
    assert response["Location"] == page_url(draft, "children")
    # Leaving now, the draft resumes on the children, never on a page that no longer applies.
    assert NotificationDraft.objects.get(uuid=uuid.UUID(draft)).current_step == "children"
    assert client.get(f"{NOTIFY}drafts/{draft}/")["Location"] == page_url(draft, "children")


@pytest.mark.parametrize("year", ["0001", "1850", "2011", "9999"])
def test_an_incident_or_awareness_date_the_clocks_cannot_count_from_is_refused_and_kept(
    reporting: tuple[Client, str], year: str
) -> None:
    client, draft = reporting
    first = govuk_date(clock_date_range()[0])
    for step, field, subject in (
        ("incident", "incident_on", "Date of the incident"),
        ("aware", "la_aware_on", "Date the local authority became aware"),
    ):
        data = {f"{field}-day": "1", f"{field}-month": "6", f"{field}-year": year}
        response = save(client, draft, step, data)
        assert response.status_code == 400
        expected = (
            f"{subject} must be today or in the past"
            if year == "9999"
            else f"{subject} must be between {first} and today"
        )
        assert error_messages(response)[0] == expected
        assert f'value="{year}"' in response.content.decode()


@pytest.mark.parametrize("when", ["1850", "next year", "0001", "9999"])
def test_a_date_of_birth_outside_1900_to_today_is_refused_and_kept(reporting: tuple[Client, str], when: str) -> None:
    client, draft = reporting
    year = str(today().year + 1) if when == "next year" else when
    child = child_a(**{"date_of_birth-day": "1", "date_of_birth-month": "6", "date_of_birth-year": year})
    response = add_item(client, draft, "children", child)
    assert response.status_code == 400
    assert "Date of birth must be between 1 January 1900 and today" in error_messages(response)
    assert f'value="{year}"' in response.content.decode()
    member = {"name": "Someone", "relationship": "mother", "date_of_birth-day": "1", "date_of_birth-month": "6"}
    response = add_item(client, draft, "household", {**member, "date_of_birth-year": year})
    assert "Date of birth must be between 1 January 1900 and today" in error_messages(response)
