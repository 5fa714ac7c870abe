"""The local review's API answer names the commissioned reviewer, from the register of reviewers."""

from __future__ import annotations

import pytest
import time_machine

from cspr.partnerships.models import Partnership
from tests.api.support import api_client_for
from tests.reviewers.support import WHEN, commissioned, to_local_review

pytestmark = pytest.mark.django_db


@time_machine.travel(WHEN, tick=False)
def test_the_local_review_names_the_reviewer_once_commissioned(demo: dict[str, Partnership]) -> None:
    case = to_local_review()
    client = api_client_for("business.unit@example.org", demo["northvale"])
    assert client.get(f"/api/v1/cases/{case.reference}/local-review").json()["reviewer"] is None
    commissioned(case)
    assert client.get(f"/api/v1/cases/{case.reference}/local-review").json()["reviewer"] == "Rowan Achterberg"
