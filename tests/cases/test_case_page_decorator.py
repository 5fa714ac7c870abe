"""``case_page`` finds the case once, in the person's scope, and refuses (audited, 404) outside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import rules
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases import selectors
from cspr.cases.models import Case
from cspr.cases.pages import NOT_FOUND, case_page
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import scope_for

pytestmark = pytest.mark.django_db

REFERENCE = "NVALE-2026-003"
NEVER = "tests.never"


@pytest.fixture
def never_rule() -> Iterator[str]:
    rules.add_rule(NEVER, rules.always_deny)
    yield NEVER
    rules.remove_rule(NEVER)


def request_as(email: str, partnership_code: str) -> HttpRequest:
    person = User.objects.get(email=email)
    request = RequestFactory().get(f"/cases/{REFERENCE}/")
    request.user = person
    request.scope = scope_for(person)  # type: ignore[attr-defined]
    request.partnership_id = Partnership.objects.get(code=partnership_code).pk  # type: ignore[attr-defined]
    return request


def test_the_view_receives_the_case_found_in_the_persons_scope(demo: Any) -> None:
    calls: list[tuple[Case, str]] = []

    @case_page("cases.view_case")
    def view(request: HttpRequest, case: Case, extra: str) -> HttpResponse:
        calls.append((case, extra))
        return HttpResponse("ok")

    response = view(request_as("business.unit@example.org", "NVALE"), reference=REFERENCE, extra="x")
    assert response.status_code == 200
    assert [(case.reference, extra) for case, extra in calls] == [(REFERENCE, "x")]


def test_a_case_of_another_partnership_is_a_404_and_the_refusal_is_audited(demo: Any) -> None:
    @case_page()
    def view(request: HttpRequest, case: Case) -> HttpResponse:
        raise AssertionError("the view must not run")

    before = AuditEvent.objects.filter(verb="access.refused").count()
    response = view(request_as("southmoor.business.unit@example.org", "SMOOR"), reference=REFERENCE)
    assert response.status_code == 404
    refused = AuditEvent.objects.filter(verb="access.refused").order_by("-id")
    assert refused.count() == before + 1
    assert refused[0].details["reason"] == NOT_FOUND


def test_a_person_without_the_pages_rule_is_refused_with_its_reason(demo: Any, never_rule: str) -> None:
    @case_page(never_rule, refusal="may not do this")
    def view(request: HttpRequest, case: Case) -> HttpResponse:
        raise AssertionError("the view must not run")

    response = view(request_as("business.unit@example.org", "NVALE"), reference=REFERENCE)
    assert response.status_code == 404
    refused = AuditEvent.objects.filter(verb="access.refused").order_by("-id").first()
    assert refused is not None
    assert refused.details["reason"] == "may not do this"


def test_only_a_read_only_page_shares_the_rows_it_reads(demo: Any) -> None:
    marked: list[bool] = []

    def probe(request: HttpRequest, case: Case) -> HttpResponse:
        marked.append(selectors.case_children(case=case) is selectors.case_children(case=case))
        return HttpResponse("ok")

    case_page(read_only=True)(probe)(request_as("business.unit@example.org", "NVALE"), reference=REFERENCE)
    case_page()(probe)(request_as("business.unit@example.org", "NVALE"), reference=REFERENCE)
    assert marked == [True, False]
