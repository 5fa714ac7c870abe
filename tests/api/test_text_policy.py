"""The API refuses text under the one free-text policy, with the form's words, naming the field (422)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from cspr.kernel import text
from tests.api.conftest import payload
from tests.core.test_text_policy import REFUSED

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications"


@pytest.mark.parametrize(("char", "template"), REFUSED)
def test_the_api_answers_422_naming_the_field_with_the_policy_message(
    char: str, template: str, api_as: Callable[..., Client]
) -> None:
    client = api_as("notifier@example.org")
    body = json.dumps(payload(case_outline=f"Outline{char}"))  # a lone surrogate travels as a \\ud800 escape
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    messages = [item["msg"] for item in response.json()["detail"] if item["loc"] == ["body", "case_outline"]]
    assert messages == [template.format(**text.subject_words("The case outline"))]


def test_the_api_stores_text_normalised_as_the_form_does(api_as: Callable[..., Client]) -> None:
    from cspr.cases.models import Case

    client = api_as("notifier@example.org")
    response = client.post(
        URL,
        json.dumps(payload(case_outline="  Seen at home.  \r\n\r\nCafe\u0301 \r\n")),
        content_type="application/json",
    )
    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.unseal("case_outline") == "Seen at home.\n\nCafé"
