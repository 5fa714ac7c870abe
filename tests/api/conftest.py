"""Fixtures for the API tests: tokens for demo memberships, bearer clients, and a valid notification payload."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cspr.api.services import api_token_issue
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.partnerships.models import Membership, Partnership

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON)
"""Every API test runs at this moment (a Friday), so dates in the payload are in the past and clocks are known."""

# Invented, obviously fictional identifying details: the tests look for them where they must never appear.
CHILD_NAME = "Quillon Apitestworth"
CHILD_OTHER_NAME = "Quill"
CHILD_DOB = "2018-05-09"
CHILD_ADDRESS = "12 Nowhere Mews, Northvale NV8 8ZZ"
CHILD_NHS = "943 476 5919"
MOTHER_NAME = "Saffron Apitestworth"
IDENTIFYING_VALUES = (
    CHILD_NAME,
    "Apitestworth",
    CHILD_OTHER_NAME,
    CHILD_DOB,
    CHILD_ADDRESS,
    "Nowhere Mews",
    "9434765919",
    CHILD_NHS,
    MOTHER_NAME,
)

VALID_PAYLOAD: dict[str, Any] = {
    "notifier_name": "Nadia Fenwick",
    "notifier_role": "Head of safeguarding",
    "notifier_phone": "01234 567890",
    "notifier_email": "notifier@example.org",
    "la_aware_on": "2026-12-17",
    "incident_on": "2026-12-16",
    "incident_time": "21:15",
    "incident_place": "Nowhere Mews, Northvale",
    "location": "in_area",
    "nature": "serious_harm",
    "abuse_or_neglect": "yes",
    "what_is_known": f"{CHILD_NAME} was taken to hospital with injuries.",
    "serious_harm_description": "Head injury needing intensive care.",
    "children": [
        {
            "name": CHILD_NAME,
            "other_names": CHILD_OTHER_NAME,
            "date_of_birth": CHILD_DOB,
            "sex": "male",
            "ethnicity": "White British",
            "disability": "no",
            "address": CHILD_ADDRESS,
            "area": "Northvale",
            "nhs_number": CHILD_NHS,
            "child_protection_plan": True,
        },
        {"name": "", "unborn": True},
    ],
    "household": [{"name": MOTHER_NAME, "relationship": "mother", "address": CHILD_ADDRESS}],
    "agencies_involved": ["Northvale Integrated Care Board (demo)"],
    "parallel_processes": ["police investigation"],
    "case_outline": f"{MOTHER_NAME}'s partner was seen at Nowhere Mews.",
    "media_interest": False,
}


def payload(**changes: Any) -> dict[str, Any]:
    """A deep copy of the valid payload with some top-level fields changed."""
    data = copy.deepcopy(VALID_PAYLOAD)
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def fixed_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


TokenFunc = Callable[..., str]


@pytest.fixture
def token_for(demo: dict[str, Partnership]) -> TokenFunc:
    """Issue a token for a demo person's membership (the Northvale one by default) and return the token itself."""

    def issue(email: str, partnership: str = "northvale", role: Role | None = None) -> str:
        memberships = Membership.objects.filter(user__email=email, partnership=demo[partnership], is_active=True)
        if role is not None:
            memberships = memberships.filter(role=role)
        return api_token_issue(
            acting=system_acting(), membership=memberships.get(), name=f"test token for {email}"
        ).secret

    return issue


def bearer(token: str) -> Client:
    """A client that sends the token on every request (and no session cookie)."""
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api_as(token_for: TokenFunc) -> Callable[..., Client]:
    def client(email: str, partnership: str = "northvale", role: Role | None = None) -> Client:
        return bearer(token_for(email, partnership, role))

    return client


def post_json(client: Client, path: str, body: Any) -> Any:
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def notified_case(api_as: Callable[..., Client]) -> str:
    """A Northvale case notified through the API by the local authority notifier; its reference."""
    response = post_json(api_as("notifier@example.org"), "/api/v1/notifications", VALID_PAYLOAD)
    assert response.status_code == 201, response.content
    return str(response.json()["reference"])


@pytest.fixture
def southmoor_case(api_as: Callable[..., Client]) -> str:
    """A Southmoor case, referred by the police lead who also works in Northvale; its reference."""
    body = payload(agencies_involved=[], notifier_email="police.lead@example.org")
    response = post_json(api_as("police.lead@example.org", "southmoor"), "/api/v1/notifications", body)
    assert response.status_code == 201, response.content
    return str(response.json()["reference"])
