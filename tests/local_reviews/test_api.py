"""GET /api/v1/cases/{reference}/local-review: milestones and their status, joint working and who leads, the terms of
reference's version and agreement, the parallel processes, and a reviewer left empty; never any free text."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cspr.partnerships.models import Partnership
from tests.api.support import api_client_for
from tests.local_reviews.support import HANDLING, LINES, agree, commissioned, save_terms, start, to_local_review, when

pytestmark = pytest.mark.django_db

CONTACT = "Morwenna Fakeley, review manager"


@time_machine.travel(when(18), tick=False)
def test_the_local_review_answers_its_facts_and_none_of_its_words(demo: dict[str, Partnership]) -> None:
    case = to_local_review()
    client = api_client_for("prg.chair@example.org", demo["northvale"])
    before = client.get(f"/api/v1/cases/{case.reference}/local-review")
    assert before.status_code == 200
    assert before.json()["started"] is False
    assert before.json()["decided_on"] == "2026-12-02"
    start(
        case,
        joint=True,
        joint_partnership="Westmoor Safeguarding Partnership (demo)",
        joint_contact=CONTACT,
        joint_lead="this",
    )
    case = commissioned(case)
    save_terms(case)
    agree(case)
    response = client.get(f"/api/v1/cases/{case.reference}/local-review")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert (body["started"], body["route"], body["started_on"]) == (True, "executive", "2026-12-14")
    assert (body["joint"], body["joint_lead"], body["reviewer"]) == (True, "this", None)
    assert (body["terms_of_reference_version"], body["terms_of_reference_agreed_on"]) == (1, "2026-12-16")
    milestones = {row["kind"]: row for row in body["milestones"]}
    assert milestones["terms_agreed"] == {
        "kind": "terms_agreed",
        "label": "Terms of reference agreed",
        "due_on": "2027-01-11",
        "done_on": "2026-12-16",
        "status": "done",
    }
    assert milestones["first_draft"]["status"] == "due"
    assert {row["kind"] for row in body["parallel_processes"]} >= {"criminal_trial"}
    text = response.content.decode()
    for words in ("Fakeley", "Westmoor", HANDLING[:20], LINES[:20], "learning event"):
        assert words not in text


@time_machine.travel(date(2027, 2, 1), tick=False)
def test_an_overdue_milestone_says_so(demo: dict[str, Partnership]) -> None:
    case = to_local_review()
    start(case)
    client = api_client_for("business.unit@example.org", demo["northvale"])
    body = client.get(f"/api/v1/cases/{case.reference}/local-review").json()
    statuses = {row["kind"]: row["status"] for row in body["milestones"]}
    assert statuses["terms_agreed"] == "overdue"
    assert statuses["information_gathered"] == "due"


def test_a_role_without_a_part_in_the_review_is_refused(demo: dict[str, Partnership]) -> None:
    case = to_local_review()
    client = api_client_for("notifier@example.org", demo["northvale"])
    assert client.get(f"/api/v1/cases/{case.reference}/local-review").status_code == 403
