"""The commissioned reviewer reaches their own case and nothing else, through the one scoping function, and only
while their grant is open: until sign-off, until the day the business unit set, or until it ended it."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseAccess
from cspr.cases.selectors import cases_visible
from cspr.cases.services import case_advance, case_route
from cspr.core.policy import policy_for
from cspr.domain.roles import Role
from cspr.partnerships.scoping import scope_for
from cspr.reviewers import services
from tests.cases.test_case_page_queries import OVERVIEW_MOST
from tests.core.test_url_policy import named_patterns
from tests.rapid_reviews.support import BU, acting_as, person
from tests.reviewers.support import (
    DEMO_REVIEWS,
    EXECUTIVE,
    LOCAL_REVIEW_CASE,
    MONDAY,
    OTHER_CASE,
    REVIEWER_EMAIL,
    commissioned,
    invitation_link,
)
from tests.support import DEMO_IDENTIFYING, ClientAs

pytestmark = pytest.mark.django_db


def visible(email: str, case: Case) -> list[str]:
    scoped = cases_visible(scope=scope_for(person(email)), partnership_id=case.partnership_id)
    return sorted(scoped.values_list("reference", flat=True))


def theirs(*references: str) -> list[str]:
    """What the demo's reviewer sees: these cases besides the demo's own local reviews, which they review too."""
    return sorted([*references, *DEMO_REVIEWS])


def main(response: Any) -> str:
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _value(converter: Any) -> Any:
    name = type(converter).__name__
    return {"IntConverter": 1, "UUIDConverter": uuid.uuid4()}.get(name, "x")


def case_pages(reference: str) -> list[tuple[str, str]]:
    """Every page about one case (a URL with the case's reference), with made-up ids for anything else it names."""
    pages = []
    for name, pattern in named_patterns():
        if not isinstance(pattern, URLPattern) or policy_for(name) is None or policy_for(name).api:  # type: ignore[union-attr]
            continue
        converters = dict(pattern.pattern.converters)
        names = set(pattern.pattern.regex.groupindex)
        if "reference" not in names:
            continue
        kwargs = {key: _value(converters[key]) if key in converters else "x" for key in names}
        kwargs["reference"] = reference
        pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


@time_machine.travel(MONDAY, tick=False)
def test_the_reviewer_lists_only_their_case_and_every_page_of_another_case_is_refused(client_as: ClientAs) -> None:
    case = commissioned()
    assert visible(REVIEWER_EMAIL, case) == theirs(LOCAL_REVIEW_CASE)
    client = client_as(REVIEWER_EMAIL)
    listing = main(client.get(reverse("cases:list")))
    assert LOCAL_REVIEW_CASE in listing
    assert OTHER_CASE not in listing
    assert set(re.findall(r"NVALE-2026-\d+", listing)) == set(theirs(LOCAL_REVIEW_CASE))
    pages = case_pages(OTHER_CASE)
    assert len(pages) > 30
    wrong = []
    for name, path in pages:
        status = client.get(path).status_code
        allowed_by_role = policy_for(name).allows(  # type: ignore[union-attr]
            authenticated=True, is_superuser=False, roles_here=frozenset({Role.REVIEWER})
        )
        if status != 404 and (allowed_by_role or status != 403):
            wrong.append(f"{name}: {status}")
    assert wrong == []


@time_machine.travel(MONDAY, tick=False)
def test_on_their_own_case_the_reviewer_sees_the_overview_and_not_the_record_documents_or_rapid_review(
    client_as: ClientAs, django_assert_max_num_queries: Any
) -> None:
    case = commissioned()
    client = client_as(REVIEWER_EMAIL)
    client.get(reverse("cases:list"))  # a warm session, as the case page's query test has
    with django_assert_max_num_queries(OVERVIEW_MOST):
        overview = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    assert overview.status_code == 200
    page = main(overview)
    assert "Rowan Achterberg" in page  # the reviewer panel names the commissioned reviewer
    assert [name for name in DEMO_IDENTIFYING if name in page] == []
    closed = [
        name
        for name, path in case_pages(case.reference)
        if not name.startswith(("cases:detail",)) and client.get(path).status_code not in (403, 404)
    ]
    assert closed == []


@time_machine.travel(MONDAY, tick=False)
def test_sign_off_ends_the_reviewers_access(client_as: ClientAs) -> None:
    case = commissioned()
    with transaction.atomic():
        case = case_advance(
            acting=acting_as(BU), case=case, transition="start_review", facts={"terms_of_reference_agreed": True}
        )
        case = case_advance(acting=acting_as(BU), case=case, transition="receive_draft", facts={})
    assert visible(REVIEWER_EMAIL, case) == theirs(LOCAL_REVIEW_CASE)  # through the draft report
    with transaction.atomic():
        case = case_advance(
            acting=acting_as(EXECUTIVE), case=case, transition="sign_off", facts={"recommendations_recorded": True}
        )
    assert visible(REVIEWER_EMAIL, case) == theirs()
    access = CaseAccess.objects.get(case=case)
    assert access.ending == CaseAccess.Ending.STAGE
    assert access.ended_at is not None
    event = AuditEvent.objects.filter(verb="case.access_ended").latest("id")
    assert event.details["stage"] == "signed_off"
    assert (
        client_as(REVIEWER_EMAIL).get(reverse("cases:detail", kwargs={"reference": case.reference})).status_code == 404
    )


@time_machine.travel(MONDAY, tick=False)
def test_withdrawing_the_case_ends_the_access_too() -> None:
    case = commissioned()
    case_route(
        acting=acting_as(BU),
        case=case,
        transition="withdraw",
        reason="Entered in error: the same incident is on another case.",
    )
    assert visible(REVIEWER_EMAIL, case) == theirs()
    assert CaseAccess.objects.get(case=case).ending == CaseAccess.Ending.STAGE


def test_access_ends_on_the_day_the_business_unit_set() -> None:
    with time_machine.travel(MONDAY, tick=False):
        case = commissioned()
        with pytest.raises(services.CaseActionRefused) as today:
            services.reviewer_access_ends_on_set(acting=acting_as(BU), case=case, ends_on=date(2026, 12, 7))
        assert today.value.field == "ends_on"
        services.reviewer_access_ends_on_set(acting=acting_as(BU), case=case, ends_on=date(2026, 12, 9))
        assert visible(REVIEWER_EMAIL, case) == theirs(LOCAL_REVIEW_CASE)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert visible(REVIEWER_EMAIL, case) == theirs(LOCAL_REVIEW_CASE)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        assert visible(REVIEWER_EMAIL, case) == theirs()
    assert AuditEvent.objects.filter(verb="case.access_end_date_set").latest("id").details["ends_on"] == "2026-12-09"


@time_machine.travel(MONDAY, tick=False)
def test_the_business_unit_ends_the_access_at_once_audited_and_only_the_business_unit(client_as: ClientAs) -> None:
    case = commissioned()
    with pytest.raises(services.CaseActionRefused):
        services.reviewer_access_end(acting=acting_as(EXECUTIVE), case=case)
    reviewer_client = client_as(REVIEWER_EMAIL)
    detail = reverse("cases:detail", kwargs={"reference": case.reference})
    assert reviewer_client.get(detail).status_code == 200
    services.reviewer_access_end(acting=acting_as(BU), case=case)
    assert reviewer_client.get(detail).status_code == 404
    event = AuditEvent.objects.filter(verb="case.access_ended").latest("id")
    assert event.details["ending"] == "business_unit"
    assert event.membership_id is not None
    with pytest.raises(services.CaseActionRefused, match="already ended"):
        services.reviewer_access_end(acting=acting_as(BU), case=case)


@time_machine.travel(MONDAY, tick=False)
def test_a_new_reviewer_reaches_their_case_once_they_accept_the_invitation(client_as: ClientAs) -> None:
    case = commissioned(email="birch.reviews@example.org", name="Birch Reviews")
    link = invitation_link("birch.reviews@example.org")
    visitor = Client()
    answer = visitor.post(
        link,
        {"full_name": "Birch Reviews", "password": "correct-horse-battery", "password_again": "correct-horse-battery"},
    )
    assert answer.status_code == 302
    assert visible("birch.reviews@example.org", case) == [LOCAL_REVIEW_CASE]
    client = client_as("birch.reviews@example.org")
    assert client.get(reverse("cases:detail", kwargs={"reference": case.reference})).status_code == 200
    assert client.get(reverse("cases:detail", kwargs={"reference": OTHER_CASE})).status_code == 404
    # The demo's reviewer, an account already but not commissioned here, sees only the demo's reviews they hold.
    assert visible(REVIEWER_EMAIL, case) == theirs()


def test_an_invitation_that_expired_is_sent_again_and_only_the_new_link_reaches_the_case(client_as: ClientAs) -> None:
    with time_machine.travel(MONDAY, tick=False):
        case = commissioned(email="birch.reviews@example.org", name="Birch Reviews")
        first = invitation_link("birch.reviews@example.org")
    with time_machine.travel(MONDAY + timedelta(days=10), tick=False):
        client = client_as(BU)
        page = client.get(reverse("reviewers:commissioning", kwargs={"reference": case.reference}))
        assert "the invitation expired on 14 December 2026" in page.content.decode()
        answer = client.post(reverse("reviewers:access-invite-again", kwargs={"reference": case.reference}), {})
        assert answer.status_code == 302
        second = invitation_link("birch.reviews@example.org")
        assert second != first
        event = AuditEvent.objects.filter(verb="case.access_invited_again").latest("id")
        assert event.details["invitation_id"] != event.details["withdrawn_invitation_id"]
        passwords = {"password": "correct-horse-battery", "password_again": "correct-horse-battery"}
        refused = Client().post(first, {"full_name": "Birch Reviews", **passwords})
        assert refused.status_code != 302
        assert Client().post(second, {"full_name": "Birch Reviews", **passwords}).status_code == 302
        assert visible("birch.reviews@example.org", case) == [LOCAL_REVIEW_CASE]
        # An account now: there is nothing to send again.
        with pytest.raises(services.CaseActionRefused, match="account already"):
            services.reviewer_invitation_send_again(acting=acting_as(BU), case=case)
