"""Every list page reads one page of rows from the database: its queries do not grow with the data, and a full
first page weighs the same with 30 cases as with 300."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.services import audit_record
from cspr.cases.models import Case
from cspr.cases.models_drafts import NotificationDraft
from cspr.messaging.models import OutboundMessage
from cspr.messaging.services import message_queue
from cspr.partnerships.models import Membership, Organisation, OrganisationType, Partnership, PartnershipOrganisation
from cspr.returns.models import InformationRequest
from tests.support import ClientAs
from tests.volume import copy_demo_cases

pytestmark = pytest.mark.django_db

BU = "business.unit@example.org"
POLICE = "police.lead@example.org"
NOTIFIER = "notifier@example.org"
ADMIN = "admin@example.org"
DEMO_CASE = "NVALE-2026-003"
Grow = Callable[[int], None]


def _get(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries), response.content.decode()


def _assert_flat(client: Client, path: str, grow: Grow) -> None:
    grow(3)
    client.get(path)  # the first request of a session may write to it
    few, _ = _get(client, path)
    grow(27)
    many, _ = _get(client, path)
    assert many == few, f"{path}: {few} queries with 3 more rows, {many} with 30"


def _grow_cases(northvale: Partnership) -> Grow:
    def grow(count: int) -> None:
        copy_demo_cases(partnership=northvale, copies=count, business_unit_email=BU)

    return grow


def _grow_board(northvale: Partnership) -> Grow:
    case = Case.objects.get(reference=DEMO_CASE)
    sender = User.objects.get(email=BU)

    def grow(count: int) -> None:
        for _ in range(count):
            number = Organisation.objects.count()
            organisation = Organisation.objects.create(name=f"Agency {number} (demo)", type=OrganisationType.OTHER)
            PartnershipOrganisation.objects.create(partnership=northvale, organisation=organisation)
            InformationRequest.objects.create(
                case=case,
                partnership=northvale,
                organisation=organisation,
                due_on=timezone.localdate() + timedelta(days=10),
                sent_by=sender,
                sent_at=timezone.now(),
            )

    return grow


def _grow_drafts(northvale: Partnership) -> Grow:
    owner = User.objects.get(email=NOTIFIER)

    def grow(count: int) -> None:
        now = timezone.now()
        NotificationDraft.objects.bulk_create(
            NotificationDraft(partnership=northvale, owner=owner, started_at=now, updated_at=now, current_step="")
            for _ in range(count)
        )

    return grow


def _grow_audit(northvale: Partnership) -> Grow:
    def grow(count: int) -> None:
        for number in range(count):
            audit_record(actor=None, verb="test.listed", object_type="test", object_id=number, partnership=northvale)

    return grow


def _grow_undelivered(northvale: Partnership) -> Grow:
    def grow(count: int) -> None:
        with transaction.atomic():
            ids = [
                message_queue(
                    to=f"person{number}@example.org",
                    subject="A case was updated",
                    body="Sign in.",
                    kind="test",
                    partnership=northvale,
                ).pk
                for number in range(count)
            ]
        OutboundMessage.objects.filter(pk__in=ids).update(flagged_undeliverable_at=timezone.now())

    return grow


def _grow_people(northvale: Partnership) -> Grow:
    def grow(count: int) -> None:
        for _ in range(count):
            number = User.objects.count()
            person = User.objects.create_user(email=f"reviewer{number}@example.org", full_name=f"Reviewer {number}")
            Membership.objects.create(user=person, partnership=northvale, role="reviewer")

    return grow


LISTS: dict[str, tuple[str, Callable[[], str], Callable[[Partnership], Grow]]] = {
    "case list": (BU, lambda: reverse("cases:list"), _grow_cases),
    "case list searched": (BU, lambda: reverse("cases:list") + "?q=Child+A&stage=&year=", _grow_cases),
    "inbox": (POLICE, lambda: reverse("returns:inbox"), _grow_cases),
    "board": (BU, lambda: reverse("returns:board", kwargs={"reference": DEMO_CASE}), _grow_board),
    "drafts": (NOTIFIER, lambda: reverse("notify:drafts"), _grow_drafts),
    "audit trail": (ADMIN, lambda: reverse("audit:trail"), _grow_audit),
    "undelivered messages": (BU, lambda: reverse("messaging:undeliverable"), _grow_undelivered),
    "people": (ADMIN, lambda: reverse("partnerships:people"), _grow_people),
}


@pytest.mark.parametrize("name", LISTS)
def test_a_list_pages_queries_stay_the_same_as_its_rows_grow(
    name: str, demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    email, path, grow = LISTS[name]
    _assert_flat(client_as(email), path(), grow(demo["northvale"]))


_PAGER = re.compile(r'<nav class="govuk-pagination".*?</nav>', re.DOTALL)


def _weigh(client: Client, path: str) -> tuple[int, int]:
    """The page's size without its pager, and the pager's number of links."""
    _, html = _get(client, path)
    [pager] = _PAGER.findall(html)
    return len(_PAGER.sub("", html).encode()), pager.count("govuk-pagination__item")


@pytest.mark.parametrize(("email", "url_name"), [(BU, "cases:list"), (POLICE, "returns:inbox")])
def test_a_full_first_page_weighs_the_same_with_30_cases_and_with_300(
    email: str, url_name: str, demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    client = client_as(email)
    path = reverse(url_name)
    grow = _grow_cases(demo["northvale"])
    grow(30)
    client.get(path)
    small, small_links = _weigh(client, path)
    grow(270)
    large, large_links = _weigh(client, path)
    assert abs(large - small) <= 8, f"{small} bytes with 30 cases, {large} with 300"  # "35 cases" or "305 cases"
    assert small_links <= large_links <= 7
