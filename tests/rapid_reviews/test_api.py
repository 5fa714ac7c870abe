"""GET /api/v1/cases/{reference}/rapid-review: the rapid review without identifying details."""

from __future__ import annotations

import json

import pytest

from cspr.partnerships.models import Partnership
from tests.api.support import api_client_for
from tests.rapid_reviews.support import EXEC_LA, REFERENCE, SECRET_TEXT, SUMMARY, the_case, to_ratified

pytestmark = pytest.mark.django_db
PATH = f"/api/v1/cases/{REFERENCE}/rapid-review"


def test_the_rapid_review_is_read_with_judgements_decisions_and_dates(demo: dict[str, Partnership]) -> None:
    to_ratified(the_case())
    response = api_client_for(EXEC_LA, demo["northvale"]).get(PATH)
    assert response.status_code == 200
    body = response.json()
    assert body["record"]["complete"] is True
    assert {item["judgement"] for item in body["record"]["judgements"]} == {"met"}
    assert body["prg_decision"]["local_review"] is True
    assert body["ratification"]["ratified_on"] == "2026-12-02"
    assert body["decision_on"] == "2026-12-02"
    assert len(body["sign_offs"]) == 3
    assert body["partners_to_sign"] == []
    assert [child["pseudonym"] for child in body["record"]["children"]] == ["Child A", "Child B"]
    text = json.dumps(body)
    assert SECRET_TEXT not in text
    assert SUMMARY[:40] not in text


def test_a_case_without_a_rapid_review_answers_with_an_empty_record(demo: dict[str, Partnership]) -> None:
    body = api_client_for("prg.member@example.org", demo["northvale"]).get(PATH).json()
    assert body["record"]["complete"] is False
    assert body["meeting"]["held_on"] is None  # the demo has it scheduled
    assert body["prg_decision"] is None


def test_another_partnerships_token_gets_not_found(demo: dict[str, Partnership]) -> None:
    response = api_client_for("southmoor.business.unit@example.org", demo["southmoor"]).get(PATH)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_reviewer_token_is_refused(demo: dict[str, Partnership]) -> None:
    assert api_client_for("reviewer@example.org", demo["northvale"]).get(PATH).status_code == 403


@pytest.mark.parametrize("email", ["notifier@example.org", "contributor.health@example.org", "auditor@example.org"])
def test_agency_and_audit_tokens_cannot_read_the_rapid_review(demo: dict[str, Partnership], email: str) -> None:
    # A contributor may see the case, but not the PRG's judgements, the partners' sign-offs or the family contact.
    assert api_client_for(email, demo["northvale"]).get(PATH).status_code == 403
