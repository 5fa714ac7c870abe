"""POST /api/v1/notifications: 201 and a case with clocks for good input; 4xx with field errors for anything else."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock
from cspr.cases.notification import NHS_NUMBER_INVALID
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Organisation, Partnership
from tests.api.conftest import IDENTIFYING_VALUES, VALID_PAYLOAD, payload, post_json

URL = "/api/v1/notifications"


def child(**changes: Any) -> dict[str, Any]:
    return {**VALID_PAYLOAD["children"][0], **changes}


def test_a_notifier_token_notifies_and_gets_the_case_reference_and_location(api_as: Callable[..., Client]) -> None:
    response = post_json(api_as("notifier@example.org"), URL, VALID_PAYLOAD)
    assert response.status_code == 201, response.content
    body = response.json()
    reference = body["reference"]
    assert re.fullmatch(r"NVALE-2026-[0-9]{3}", reference)
    assert body["location"] == f"/api/v1/cases/{reference}" == response["Location"]
    assert body["kind"] == "notification"
    assert body["stage"] == "notification_assessed"
    case = Case.objects.get(reference=reference)
    assert not case.as_referral
    assert case.notified_on is not None
    assert [child.pseudonym for child in case.children.all()] == ["Child A", "Child B"]
    clocks = set(CaseClock.objects.filter(case=case).values_list("clock_id", flat=True))
    assert {"panel_notification", "partners_notified", "prg_meeting", "rapid_review_to_panel"} <= clocks
    assert AuditEvent.objects.filter(verb="case.notified", object_id=str(case.pk)).exists()
    for value in IDENTIFYING_VALUES:
        assert value not in response.content.decode()


def test_an_agency_token_refers_and_a_token_without_an_organisation_is_refused(api_as: Callable[..., Client]) -> None:
    response = post_json(api_as("contributor.health@example.org"), URL, VALID_PAYLOAD)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "referral"
    assert response.json()["stage"] == "referral_received"
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.as_referral
    assert case.notified_on is None
    # A PRG member from the fire service is an agency member too: a referral.
    response = post_json(api_as("prg.member@example.org"), URL, VALID_PAYLOAD)
    assert response.status_code == 201
    assert response.json()["kind"] == "referral"
    # The business unit holds no organisation: neither a notification nor a referral.
    before = Case.objects.count()
    response = post_json(api_as("business.unit@example.org"), URL, VALID_PAYLOAD)
    assert response.status_code == 403
    assert "no organisation" in response.json()["detail"]
    assert Case.objects.count() == before
    event = AuditEvent.objects.filter(verb="access.refused").latest("id")
    assert event.details["reason"] == "no organisation"
    assert event.details["status"] == 403


def test_the_audit_event_records_the_tokens_membership_and_the_callers_address(
    api_as: Callable[..., Client], demo: dict[str, Partnership]
) -> None:
    """The person also holds an older membership of another kind: the token's is the one recorded."""
    northvale = demo["northvale"]
    fire = Membership.objects.get(user__email="prg.member@example.org", partnership=northvale)
    health = Organisation.objects.get(name="Northvale Integrated Care Board (demo)")
    contributor = Membership.objects.create(
        user=fire.user, partnership=northvale, role=Role.AGENCY_CONTRIBUTOR, organisation=health
    )
    client = api_as("prg.member@example.org", role=Role.AGENCY_CONTRIBUTOR)
    response = client.post(URL, VALID_PAYLOAD, content_type="application/json", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.submitted_by_organisation_id == health.pk
    event = AuditEvent.objects.get(verb="case.referred", object_id=str(case.pk))
    assert (event.actor_id, event.membership_id, event.ip_address) == (fire.user_id, contributor.pk, "198.51.100.7")


def test_a_case_notified_through_the_api_has_its_clocks_on_the_api(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    reference = post_json(client, URL, VALID_PAYLOAD).json()["reference"]
    clocks = {clock["clock_id"]: clock for clock in client.get(f"/api/v1/cases/{reference}/clocks").json()["clocks"]}
    # Aware Thursday 17 December 2026: five working days later is Thursday 24 December.
    assert clocks["panel_notification"]["due"] == "2026-12-24"
    assert clocks["panel_notification"]["status"] == "running"


def _errors(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert isinstance(body["detail"], list), body
    for error in body["detail"]:
        assert set(error) == {"loc", "msg", "type"}
        assert error["loc"][0] == "body"
        assert error["msg"]
    return list(body["detail"])


TOO_BIG = 10**40

INVALID: list[tuple[str, Any, list[Any]]] = [
    # (what, body, the loc of one expected error)
    ("missing fields", {"children": [child()]}, ["body", "notifier_name"]),
    ("missing children", payload(children=None), ["body", "children"]),
    ("empty children", payload(children=[]), ["body", "children"]),
    ("children not a list", payload(children={"name": "x"}), ["body", "children"]),
    ("too many children", payload(children=[child(date_of_birth=None, age_years=3)] * 21), ["body", "children"]),
    ("unknown field", payload(favourite_colour="blue"), ["body", "favourite_colour"]),
    ("unknown child field", payload(children=[child(shoe_size=3)]), ["body", "children", 0, "shoe_size"]),
    ("NUL in text", payload(notifier_name="Nadia\x00Fenwick"), ["body", "notifier_name"]),
    ("NUL in a child's name", payload(children=[child(name="Quillon\x00")]), ["body", "children", 0, "name"]),
    ("NUL in a list item", payload(agencies_involved=["Police\x00"]), ["body", "agencies_involved", 0]),
    ("lone surrogate", payload(case_outline="\ud800"), ["body", "case_outline"]),
    (
        "huge age",
        payload(children=[child(date_of_birth=None, age_years=TOO_BIG)]),
        ["body", "children", 0, "age_years"],
    ),
    ("age above 25", payload(children=[child(date_of_birth=None, age_years=26)]), ["body", "children", 0, "age_years"]),
    ("negative age", payload(children=[child(date_of_birth=None, age_years=-1)]), ["body", "children", 0, "age_years"]),
    ("huge care leaver age", payload(care_leaver_age=TOO_BIG), ["body", "care_leaver_age"]),
    ("float age", payload(children=[child(date_of_birth=None, age_years=3.5)]), ["body", "children", 0, "age_years"]),
    ("age as text", payload(children=[child(date_of_birth=None, age_years="3")]), ["body", "children", 0, "age_years"]),
    ("number for text", payload(notifier_name=42), ["body", "notifier_name"]),
    ("text for a flag", payload(media_interest="yes"), ["body", "media_interest"]),
    ("number for a flag", payload(media_interest=1), ["body", "media_interest"]),
    ("object for text", payload(notifier_role={"a": 1}), ["body", "notifier_role"]),
    ("too long", payload(notifier_name="x" * 201), ["body", "notifier_name"]),
    ("unknown choice", payload(nature="accident"), ["body", "nature"]),
    ("British date", payload(la_aware_on="17/12/2026"), ["body", "la_aware_on"]),
    ("short date", payload(la_aware_on="2026-12-1"), ["body", "la_aware_on"]),
    ("no such date", payload(la_aware_on="2026-02-30"), ["body", "la_aware_on"]),
    ("date and time", payload(la_aware_on="2026-12-17T10:00:00"), ["body", "la_aware_on"]),
    ("compact date", payload(la_aware_on="20261217"), ["body", "la_aware_on"]),
    ("date as a number", payload(la_aware_on=1797465600), ["body", "la_aware_on"]),
    ("date in the future", payload(la_aware_on="2026-12-19"), ["body", "la_aware_on"]),
    ("aware before the incident", payload(la_aware_on="2026-12-15"), ["body", "la_aware_on"]),
    ("bad NHS number", payload(children=[child(nhs_number="123 456 7890")]), ["body", "children", 0, "nhs_number"]),
    ("no name, not unidentified", payload(children=[child(name="")]), ["body", "children", 0, "name"]),
    ("bad time", payload(incident_time="25:00"), ["body", "incident_time"]),
    ("bad e-mail", payload(notifier_email="nadia"), ["body", "notifier_email"]),
    ("household without relationship", payload(household=[{"name": "A"}]), ["body", "household", 0, "relationship"]),
    ("an array, not an object", [VALID_PAYLOAD], ["body"]),
    ("a string, not an object", json.dumps("notification"), ["body"]),
    (
        "no working-day calendar that far back",
        payload(incident_on="1901-01-01", la_aware_on="1901-01-02", children=[child(date_of_birth="1900-06-01")]),
        ["body", "la_aware_on"],
    ),
]


def test_invalid_notifications_get_field_errors_and_create_nothing(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    for what, body, loc in INVALID:
        response = post_json(client, URL, body)
        assert response.status_code == 422, f"{what}: {response.status_code} {response.content[:300]!r}"
        errors = _errors(response)
        assert loc in [error["loc"] for error in errors], f"{what}: {errors}"
    assert Case.objects.count() == before


def test_a_body_that_is_not_json_is_a_400(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    for body, content_type in [
        ("{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        ("notifier_name=Nadia", "application/x-www-form-urlencoded"),
        ("[" * 100_000, "application/json"),
    ]:
        response = client.post(URL, body, content_type=content_type)
        assert response.status_code == 400, body[:20]
        assert response.json() == {"detail": "Cannot parse request body"}
    assert post_json(client, URL, "").status_code == 422  # no body at all: the fields are missing
    assert Case.objects.count() == before


def test_an_escaped_nul_in_json_is_refused_before_any_database(api_as: Callable[..., Client]) -> None:
    raw = json.dumps(payload(incident_place="Nowhere\u0000Mews"))
    assert "\\u0000" in raw
    response = api_as("notifier@example.org").post(URL, raw, content_type="application/json")
    assert response.status_code == 422
    assert ["body", "incident_place"] in [error["loc"] for error in _errors(response)]


def test_error_messages_say_what_is_wrong_in_words(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    messages = {
        tuple(error["loc"]): error["msg"]
        for error in post_json(client, URL, payload(la_aware_on="17/12/2026", notifier_name="a\x00")).json()["detail"]
    }
    assert messages[("body", "la_aware_on")] == "Enter a date as YYYY-MM-DD, like 2026-03-14"
    assert messages[("body", "notifier_name")] == "Your name must not contain control characters"
    nhs = post_json(client, URL, payload(children=[child(nhs_number="123 456 7890")])).json()["detail"]
    assert nhs == [
        {
            "loc": ["body", "children", 0, "nhs_number"],
            "msg": NHS_NUMBER_INVALID,
            "type": "value_error",
        }
    ]


def test_the_same_child_notified_many_times_never_breaks_the_submission(api_as: Callable[..., Client]) -> None:
    """Each is a possible duplicate of all the others: the warnings must not outgrow an e-mail subject."""
    client = api_as("notifier@example.org")
    for _ in range(20):
        response = post_json(client, URL, VALID_PAYLOAD)
        assert response.status_code == 201


def test_a_referral_may_leave_out_when_the_local_authority_became_aware_but_a_notification_may_not(
    api_as: Callable[..., Client],
) -> None:
    without = {key: value for key, value in VALID_PAYLOAD.items() if key != "la_aware_on"}
    referral = post_json(api_as("contributor.health@example.org"), URL, without)
    assert referral.status_code == 201, referral.content
    case = Case.objects.get(reference=referral.json()["reference"])
    assert case.aware_on == date(2026, 12, 18)  # the day of the referral, as on the web form
    notification = post_json(api_as("notifier@example.org"), URL, without)
    assert notification.status_code == 422
    assert "la_aware_on" in str(notification.json()["detail"])
