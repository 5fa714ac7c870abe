"""The OpenAPI document: valid, public, complete, and no documentation page that would load a CDN's scripts."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.test import Client

from cspr.cases.models import FamilyDecision
from cspr.partnerships.models import Partnership

ENDPOINTS = {
    ("/api/v1/", "get"),
    ("/api/v1/notifications", "post"),
    ("/api/v1/cases", "get"),
    ("/api/v1/cases/{reference}", "get"),
    ("/api/v1/cases/{reference}/clocks", "get"),
    ("/api/v1/cases/{reference}/information-requests", "get"),
    ("/api/v1/cases/{reference}/rapid-review", "get"),
    ("/api/v1/cases/{reference}/parallel-processes", "get"),
    ("/api/v1/cases/{reference}/local-review", "get"),
}


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_and_lists_every_endpoint(document: dict[str, Any]) -> None:
    schemathesis.openapi.from_dict(document).validate()
    assert document["openapi"].startswith("3.")
    found = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert found == ENDPOINTS


def test_every_endpoint_needs_the_bearer_token_and_documents_its_errors(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert list(schemes.values()) == [{"type": "http", "scheme": "bearer"}]
    for path, method in ENDPOINTS:
        operation = document["paths"][path][method]
        assert operation["security"] == [{name: []} for name in schemes]
        assert {"401", "403", "422"} <= set(operation["responses"]), path
        assert operation["operationId"]
        assert operation["summary"]


def test_the_notification_schema_refuses_unknown_fields_and_bounds_numbers(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("NotificationIn", "ChildIn", "HouseholdMemberIn"):
        assert schemas[name]["additionalProperties"] is False, name
    age = schemas["ChildIn"]["properties"]["age_years"]["anyOf"][0]
    assert (age["minimum"], age["maximum"]) == (0, 25)
    assert schemas["NotificationIn"]["properties"]["children"]["minItems"] == 1
    aware = schemas["NotificationIn"]["properties"]["la_aware_on"]  # a date, or null for a referral
    assert {"type": "string", "format": "date"} in [
        {key: option.get(key) for key in ("type", "format")} for option in aware["anyOf"]
    ]
    assert "nature" in schemas["NotificationIn"]["properties"]
    assert schemas["NotificationIn"]["properties"]["nature"]["enum"]


def test_there_is_no_swagger_page_loading_scripts_from_elsewhere(demo: dict[str, Partnership]) -> None:
    assert Client().get("/api/v1/docs").status_code == 404


def test_the_family_told_decision_lists_every_decision_the_family_may_be_told(document: dict[str, Any]) -> None:
    described = document["components"]["schemas"]["FamilyToldOut"]["properties"]["decision"]["description"]
    assert [code for code in FamilyDecision.values if code not in described] == []
