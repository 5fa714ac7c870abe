"""GET /api/v1/cases/{reference}/parallel-processes: kind, status and key dates, never the register's words."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.accounts.models import User
from cspr.cases.services import parallel_process_add
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from tests.api.support import api_client_for, api_policy_case

pytestmark = pytest.mark.django_db

TERMS = "Nothing may identify Quince Notarealname"
CONTACT = "DS Pretendworth, 01632 960 555"


def test_the_register_answers_kind_status_and_dates_without_free_text(demo: dict[str, Partnership]) -> None:
    case = api_policy_case(demo["northvale"])
    parallel_process_add(
        acting=acting_for(User.objects.get(email="business.unit@example.org")),
        case=case,
        kind="criminal_trial",
        status="active",
        contact=CONTACT,
        next_hearing_on=date(2027, 2, 8),
        restricted=True,
        restriction_terms=TERMS,
        notes="Quince's father is charged",
    )
    client = api_client_for("prg.chair@example.org", demo["northvale"])
    response = client.get(f"/api/v1/cases/{case.reference}/parallel-processes")
    assert response.status_code == 200
    body = response.json()
    assert body["parallel_processes"] == [
        {
            "kind": "criminal_trial",
            "kind_label": "Criminal trial",
            "status": "active",
            "status_label": "Active",
            "next_hearing_on": "2027-02-08",
            "expected_end_on": None,
            "concluded_on": None,
        }
    ]
    assert "Quince" not in response.content.decode()
    assert "Pretendworth" not in response.content.decode()


def test_a_role_outside_the_register_is_refused(demo: dict[str, Partnership]) -> None:
    case = api_policy_case(demo["northvale"])
    client = api_client_for("notifier@example.org", demo["northvale"])
    assert client.get(f"/api/v1/cases/{case.reference}/parallel-processes").status_code == 403
