"""Reading cases and clocks: only the token's own membership's cases, never identifying details."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.domain.presets import BNES_2020, get_preset
from cspr.domain.rules import closed_stages
from cspr.partnerships.models import Partnership
from tests.api.conftest import IDENTIFYING_VALUES, payload, post_json

IDENTIFYING_KEYS = {"name", "other_names", "date_of_birth", "address", "nhs_number", "household"}
CLOCK_FIELDS = {
    "note",
    "clock_id",
    "title",
    "starts_at",
    "start_date",
    "due",
    "extended",
    "rule",
    "section",
    "statutory",
    "basis",
    "status",
    "status_label",
    "met_on",
    "working_days_left",
    "applicable",
    "provisional",
}


def keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)


def assert_nothing_identifying(response: Any) -> None:
    text = response.content.decode()
    for value in IDENTIFYING_VALUES:
        assert value not in text
    assert not IDENTIFYING_KEYS & set(keys(response.json()))


def test_the_case_list_is_the_partnerships_cases_without_identifying_details(
    api_as: Callable[..., Client], demo: dict[str, Partnership], notified_case: str, southmoor_case: str
) -> None:
    response = api_as("business.unit@example.org").get("/api/v1/cases")
    assert response.status_code == 200
    body = response.json()
    references = [case["reference"] for case in body["results"]]
    assert notified_case in references
    assert southmoor_case not in references
    assert body["count"] == Case.objects.filter(partnership=demo["northvale"]).count()
    assert all(reference.startswith("NVALE-") for reference in references)
    ours = next(case for case in body["results"] if case["reference"] == notified_case)
    assert ours["pseudonyms"] == ["Child A", "Child B"]
    assert ours["stage"] == "notification_assessed"
    assert ours["stage_label"]
    assert ours["key_dates"]["aware"] == "2026-12-17"
    assert ours["key_dates"]["incident"] == "2026-12-16"
    assert ours["links"] == {
        "self": f"/api/v1/cases/{notified_case}",
        "clocks": f"/api/v1/cases/{notified_case}/clocks",
        "web": f"/cases/{notified_case}/",
    }
    assert_nothing_identifying(response)
    assert response["Cache-Control"] == "no-store"


def test_the_case_list_pages_and_filters(api_as: Callable[..., Client], notified_case: str) -> None:
    client = api_as("business.unit@example.org")
    everything = client.get("/api/v1/cases").json()
    first = client.get("/api/v1/cases?page_size=1").json()
    assert first["count"] == everything["count"] >= 2
    assert first["pages"] == everything["count"]
    assert len(first["results"]) == 1
    assert first["previous"] is None
    assert first["next"] == "/api/v1/cases?page=2&page_size=1"
    second = client.get(first["next"]).json()
    assert second["previous"] == "/api/v1/cases?page=1&page_size=1"
    assert second["results"][0]["reference"] != first["results"][0]["reference"]
    beyond = client.get(f"/api/v1/cases?page={everything['count'] + 1}&page_size=1").json()
    assert beyond["results"] == []
    assert beyond["next"] is None
    assessed = client.get("/api/v1/cases?stage=notification_assessed&year=2026").json()
    assert notified_case in [case["reference"] for case in assessed["results"]]
    assert {case["stage"] for case in assessed["results"]} == {"notification_assessed"}
    assert notified_case not in str(client.get("/api/v1/cases?year=2025").json())
    for bad in ["page=0", "page=99999999999999999999999", "page_size=101", "page=x", "stage=nope", "year=1e9"]:
        response = client.get(f"/api/v1/cases?{bad}")
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_a_case_in_detail_has_pseudonyms_and_facts_but_nothing_identifying(
    api_as: Callable[..., Client], notified_case: str
) -> None:
    response = api_as("business.unit@example.org").get(f"/api/v1/cases/{notified_case}")
    assert response.status_code == 200
    case = response.json()
    assert case["reference"] == notified_case
    assert case["open"] is True
    assert [child["pseudonym"] for child in case["children"]] == ["Child A", "Child B"]
    assert case["children"][0]["age_years"] == 8
    assert case["children"][0]["child_protection_plan"] is True
    assert case["children"][1]["unborn"] is True
    assert case["nature"] == "serious_harm"
    assert case["preset"] == "bnes-2020"
    assert case["involved_organisations"] == ["Northvale Integrated Care Board (demo)"]
    assert case["assessment"]["notifiable_to_panel"] is True
    assert_nothing_identifying(response)
    # Nor the notification's free text, which may name people.
    for text in ("taken to hospital", "Head injury", "partner was seen", "police investigation", "Nadia"):
        assert text not in response.content.decode()


def test_another_partnerships_case_is_a_404_that_is_audited(
    api_as: Callable[..., Client], notified_case: str, southmoor_case: str
) -> None:
    client = api_as("business.unit@example.org")
    for path in (f"/api/v1/cases/{southmoor_case}", f"/api/v1/cases/{southmoor_case}/clocks"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No case with this reference is visible to this token."}
        event = AuditEvent.objects.filter(verb="access.refused").latest("id")
        assert event.details["status"] == 404
        assert event.details["path"] == path
    # And Southmoor's business unit cannot see Northvale's case.
    southmoor = api_as("southmoor.business.unit@example.org", "southmoor")
    assert southmoor.get(f"/api/v1/cases/{notified_case}").status_code == 404
    assert notified_case not in str(southmoor.get("/api/v1/cases").json())
    assert southmoor.get(f"/api/v1/cases/{southmoor_case}").status_code == 200


def test_a_token_acts_with_its_one_membership_even_for_someone_in_two_partnerships(
    api_as: Callable[..., Client], southmoor_case: str
) -> None:
    """The police lead referred the Southmoor case; their Northvale token still cannot see it."""
    northvale_token = api_as("police.lead@example.org", "northvale")
    assert northvale_token.get(f"/api/v1/cases/{southmoor_case}").status_code == 404
    assert southmoor_case not in str(northvale_token.get("/api/v1/cases").json())
    southmoor_token = api_as("police.lead@example.org", "southmoor")
    assert southmoor_token.get(f"/api/v1/cases/{southmoor_case}").status_code == 200


def test_an_agency_contributor_sees_only_its_organisations_cases(
    api_as: Callable[..., Client], notified_case: str
) -> None:
    notifier = api_as("notifier@example.org")
    other = post_json(notifier, "/api/v1/notifications", payload(agencies_involved=[])).json()["reference"]
    health = api_as("contributor.health@example.org")
    assert health.get(f"/api/v1/cases/{notified_case}").status_code == 200
    assert health.get(f"/api/v1/cases/{other}").status_code == 404
    listed = [case["reference"] for case in health.get("/api/v1/cases").json()["results"]]
    assert notified_case in listed
    assert other not in listed


def test_unknown_and_malformed_references(api_as: Callable[..., Client]) -> None:
    client = api_as("business.unit@example.org")
    assert client.get("/api/v1/cases/NVALE-2026-999").status_code == 404
    for bad in ["nvale-2026-001", "NVALE-2026-1", "NVALE-2026-001%00", "%00", "NVALE-2026-" + "9" * 40]:
        response = client.get(f"/api/v1/cases/{bad}")
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["path", "reference"]


def test_reads_need_a_role_that_may_see_cases(api_as: Callable[..., Client], notified_case: str) -> None:
    reviewer = api_as("reviewer@example.org")
    for path in ("/api/v1/cases", f"/api/v1/cases/{notified_case}", f"/api/v1/cases/{notified_case}/clocks"):
        assert reviewer.get(path).status_code == 403
    auditor = api_as("auditor@example.org")
    assert auditor.get(f"/api/v1/cases/{notified_case}").status_code == 200


def test_the_clocks_use_the_preset_clock_ids_in_order(api_as: Callable[..., Client], notified_case: str) -> None:
    response = api_as("business.unit@example.org").get(f"/api/v1/cases/{notified_case}/clocks")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == notified_case
    assert body["preset"] == "bnes-2020"
    assert body["today"] == "2026-12-18"
    clocks = body["clocks"]
    assert [clock["clock_id"] for clock in clocks] == list(BNES_2020.clock_ids)
    assert all(set(clock) == CLOCK_FIELDS for clock in clocks)
    by_id = {clock["clock_id"]: clock for clock in clocks}
    panel = by_id["panel_notification"]
    assert panel["starts_at"] == "aware"
    assert panel["start_date"] == "2026-12-17"
    assert panel["due"] == "2026-12-24"
    assert panel["statutory"] is True
    assert panel["basis"] == "statutory"
    assert panel["status"] == "running"
    assert panel["working_days_left"] == 4
    assert panel["met_on"] is None
    assert panel["rule"] == "within 5 working days of the local authority becoming aware of the incident"
    assert by_id["sos_ofsted_notification"]["status"] == "not_applicable"
    assert by_id["information_returns"]["basis"] == "local"
    assert by_id["information_returns"]["statutory"] is False
    assert by_id["prg_meeting"]["starts_at"] == "notified"
    assert by_id["prg_meeting"]["start_date"] == "2026-12-18"
    publication = by_id["publication"]
    assert publication["status"] == "not_started"
    assert publication["due"] is None
    assert publication["starts_at"] == "decision"
    assert_nothing_identifying(response)


def test_a_wt_2023_partnerships_clocks_follow_its_preset(api_as: Callable[..., Client], southmoor_case: str) -> None:
    client = api_as("southmoor.business.unit@example.org", "southmoor")
    clocks = client.get(f"/api/v1/cases/{southmoor_case}/clocks").json()["clocks"]
    assert [clock["clock_id"] for clock in clocks] == list(get_preset("wt-2023").clock_ids)
    prg = next(clock for clock in clocks if clock["clock_id"] == "prg_meeting")
    assert prg["starts_at"] == "panel_notified"
    assert prg["status"] == "not_started"


@pytest.mark.parametrize("stage", sorted(stage.value for stage in closed_stages()))
def test_a_case_at_a_closed_stage_is_not_open_in_the_list_and_in_detail(
    api_as: Callable[..., Client], notified_case: str, stage: str
) -> None:
    Case.objects.filter(reference=notified_case).update(stage=stage)
    client = api_as("business.unit@example.org")
    assert client.get(f"/api/v1/cases/{notified_case}").json()["open"] is False
    listed = {case["reference"]: case for case in client.get("/api/v1/cases").json()["results"]}
    assert listed[notified_case]["open"] is False


def test_every_demo_case_says_its_stage_whether_it_is_open_and_what_the_family_has_been_told(
    api_as: Callable[..., Client],
) -> None:
    client = api_as("business.unit@example.org")
    cases = {case["reference"]: case for case in client.get("/api/v1/cases?page_size=100").json()["results"]}
    assert {reference: (case["stage"], case["open"]) for reference, case in cases.items()} == {
        "NVALE-2026-001": ("not_notifiable", True),
        "NVALE-2026-002": ("closed_not_notifiable", False),
        "NVALE-2026-003": ("rapid_review", True),
        "NVALE-2026-004": ("referral_received", True),
        "NVALE-2026-005": ("notification_assessed", True),
        "NVALE-2026-006": ("withdrawn", False),
        "NVALE-2026-007": ("not_notifiable", True),
        "NVALE-2026-008": ("closed_criteria_not_met", False),
        "NVALE-2026-009": ("no_further_review", True),
        "NVALE-2026-010": ("closed", False),
        "NVALE-2026-011": ("national_review", True),
        "NVALE-2026-012": ("closed", False),
        "NVALE-2026-013": ("local_review", True),
        "NVALE-2026-014": ("reviewer_commissioned", True),
        "NVALE-2026-015": ("review_in_progress", True),
        "NVALE-2026-016": ("draft_report", True),
        "NVALE-2026-017": ("awaiting_panel", True),
    }
    closed = client.get("/api/v1/cases/NVALE-2026-002").json()["family"]
    assert closed["told"] == [{"decision": "closure", "told_on": "2026-10-28", "method": "in_person"}]
    assert closed["to_tell"] is None
    not_told = client.get("/api/v1/cases/NVALE-2026-001").json()["family"]
    assert not_told == {
        "told": [],
        "to_tell": {"decision": "not_notifiable", "since": "2026-10-07", "reason_recorded": False},
    }
    assert "child death review continues" not in str(closed)  # what was said stays out
