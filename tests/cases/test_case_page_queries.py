"""The case's pages read each of their rows once, however many of their sections show them, and their query counts
do not grow with the case. The overview, the page a case opens on, stays under 15 queries for everyone.

What one request for the overview runs (a warm session, the business unit with the rapid review under way; the
others read fewer of these):

* the request itself (4): the session, the user, the second-factor device, the person's memberships (the scope);
* the case (1), read with its partnership (the header's too), its rapid review and that review's one-to-one
  outcomes, its PRG meeting, the counts of its information requests, its household's relationships and whether the
  local authority's decision is recorded and notified the Panel;
* one read per kind of row it shows: children, the working calendar and preset (one query for four tables), clocks
  (3), and for those who may link cases the open possible duplicates (1); the rapid review's partners (1) and, once
  the review is written, its sign-offs, Panel responses, family told and learning actions (4: how complete the
  record is comes from its outline, not its rows); a contributor's own information requests (1); a notifier's
  local-authority organisations (1); for a person in more than one partnership, the header's switcher (1).

It shows no free text but a deadline's own reasons, so opening a case writes no audit event of sealed reads. The
other pages read what they show: the notification and decisions (duties, the local authority's decisions, the
household, the typed lists: and the audit event of those sealed reads, 5 statements here inside the test's
transaction), the history (transitions and the audit events of the timeline) and the documents and links.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.services import audit_record
from cspr.calendars.models import ClockOverride, ClosureDay
from cspr.cases import models, selectors
from cspr.domain.presets import get_preset
from cspr.files.models import Purpose, StoredFile
from cspr.kernel.kit import pseudonym
from cspr.kernel.sealing import sealed_field_names
from cspr.partnerships.models import Organisation, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import scope_for
from cspr.rapid_reviews.models import LearningAction
from cspr.returns.models import InformationRequest, RequestStatus
from tests.cases.support import NOTIFIER
from tests.rapid_reviews.support import EXEC_LA, sign, the_case, to_prg_decided
from tests.support import ClientAs

pytestmark = pytest.mark.django_db

# A demo case at the rapid review stage: the case's own sections and the rapid review's and returns' panels.
REFERENCE = "NVALE-2026-003"
CASE_PAGE = f"/cases/{REFERENCE}/"

BUSINESS_UNIT = "business.unit@example.org"
PRG_CHAIR = "prg.chair@example.org"
INDEPENDENT_CHAIR = "independent.chair@example.org"
CONTRIBUTOR = "contributor.health@example.org"
POLICE_LEAD = "police.lead@example.org"  # an agency contributor in both demo partnerships
AUDITOR = "auditor@example.org"
ADMIN = "admin@example.org"

# The case's pages: the part of the address after /cases/<reference>/.
PAGES = {
    "overview": "",
    "notification and decisions": "notification-and-decisions/",
    "history": "history/",
    "documents and links": "documents/",
}
OVERVIEW_MOST = 14
"""The most the overview runs, for anyone, on either case below."""

# Per person: the overview (the demo case as seeded: the PRG meeting scheduled, agencies' returns outstanding; the
# same case with its rapid review written, decided by the PRG and being signed off), then the other pages (either).
BUDGETS: dict[str, tuple[int, int, int, int, int]] = {
    BUSINESS_UNIT: (10, 14, 12, 14, 7),
    PRG_CHAIR: (9, 13, 12, 14, 7),
    INDEPENDENT_CHAIR: (9, 13, 12, 14, 7),
    NOTIFIER: (10, 10, 12, 14, 7),
    CONTRIBUTOR: (9, 9, 12, 14, 7),
    POLICE_LEAD: (10, 10, 13, 15, 8),
    AUDITOR: (8, 8, 7, 9, 7),
    ADMIN: (8, 8, 7, 9, 7),
}


def budget(email: str, page: str, *, under_way: bool) -> int:
    seeded, written, *others = BUDGETS[email]
    if page == "overview":
        return written if under_way else seeded
    return dict(zip(list(PAGES)[1:], others, strict=True))[page]


def tables_read(queries: list[dict[str, Any]]) -> Counter[str]:
    """How many SELECTs read from each table (by the table after the statement's own FROM: a table read in a
    subquery or a function's parentheses counts for nothing, it is part of the statement that holds it)."""
    found: Counter[str] = Counter()
    for query in queries:
        sql = query["sql"]
        while re.search(r"\([^()]*\)", sql):
            sql = re.sub(r"\([^()]*\)", "", sql)
        match = re.match(r'\s*SELECT .*? FROM "(\w+)"', sql, re.DOTALL)
        if match:
            found[match.group(1)] += 1
    return found


def page_queries(client: Client, page: str = "overview") -> list[dict[str, Any]]:
    """The statements of one request for one of the case's pages (the session already warm)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CASE_PAGE + PAGES[page])
    assert response.status_code == 200
    return captured.captured_queries


def counts(client: Client) -> dict[str, int]:
    """How many statements each of the case's pages runs, each asked for once before to warm what a first view
    warms (the session's last-seen time)."""
    found = {}
    for page in PAGES:
        client.get(CASE_PAGE + PAGES[page])
        found[page] = len(page_queries(client, page))
    return found


def rapid_review_under_way() -> models.Case:
    """The demo case with its rapid review written and decided by the PRG, one partner signed off."""
    case = to_prg_decided(the_case())
    sign(case, EXEC_LA)
    return models.Case.objects.get(pk=case.pk)


def test_the_overview_stays_under_fifteen_queries_for_everyone() -> None:
    """The budgets below are each checked against a real request; this holds the table to the bar."""
    assert max(max(seeded, written) for seeded, written, *_ in BUDGETS.values()) <= OVERVIEW_MOST


@pytest.mark.parametrize("under_way", [False, True], ids=["returns-outstanding", "rapid-review-under-way"])
@pytest.mark.parametrize("email", list(BUDGETS))
def test_each_person_keeps_to_their_budget_on_every_page(client_as: ClientAs, email: str, under_way: bool) -> None:
    if under_way:
        rapid_review_under_way()
    client = client_as(email)
    for page, count in counts(client).items():
        assert count <= budget(email, page, under_way=under_way), f"{page}: {_listing(page_queries(client, page))}"


@pytest.mark.parametrize("email", [BUSINESS_UNIT, PRG_CHAIR, NOTIFIER, CONTRIBUTOR, AUDITOR])
def test_the_case_page_reads_its_case_decisions_and_clocks_once(client_as: ClientAs, email: str) -> None:
    rapid_review_under_way()
    client = client_as(email)
    for page in PAGES:
        client.get(CASE_PAGE + PAGES[page])
        _reads_each_row_once(tables_read(page_queries(client, page)), page)


def _reads_each_row_once(read: Counter[str], page: str) -> None:
    for table in (
        "cases_case",
        "cases_child",
        "cases_householdmember",
        "cases_localauthoritydecision",
        "cases_caseclock",
        "cases_dutyrecord",
        "cases_caselink",
        "partnerships_partnership",
        "partnerships_membership",
        "partnerships_organisation",
        "accounts_user",
        "django_session",
        "rapid_reviews_rapidreview",
        "rapid_reviews_prgmeeting",
        "rapid_reviews_learningaction",
        "returns_informationrequest",
        "partnerships_partnershiporganisation",
        "calendars_importedholidayyear",
        "calendars_importedbankholiday",
        "calendars_closureday",
        "calendars_clockoverride",
    ):
        assert read[table] <= 1, f"{page}: {table} read {read[table]} times"
    assert read["cases_case"] == 1
    # Read with the case (joined or a subquery of its query), never on their own.
    for table in ("cases_householdmember", "rapid_reviews_rapidreview", "rapid_reviews_prgmeeting"):
        assert read[table] == 0, f"{page}: {table} read on its own"
    # The partnership came with the case; the calendar's four tables in one query.
    assert read["partnerships_partnership"] == 0
    assert read["calendars_closureday"] == read["calendars_clockoverride"] == read["calendars_importedbankholiday"] == 0


@pytest.mark.parametrize("email", list(BUDGETS))
@pytest.mark.parametrize("under_way", [False, True], ids=["returns-outstanding", "rapid-review-under-way"])
def test_the_count_stays_flat_as_the_case_grows(client_as: ClientAs, email: str, under_way: bool) -> None:
    case = rapid_review_under_way() if under_way else the_case()
    client = client_as(email)
    # One row of every kind first (the demo case has no documents, so its documents page reads no sealed title and
    # writes no audit event of sealed reads), then three more of each: the counts must not move.
    grow(case, times=1)
    before = counts(client)
    grow(case, times=3)
    assert counts(client) == before


def test_the_grown_case_still_shows_what_was_added(client_as: ClientAs) -> None:
    """The rows added by ``grow`` are on the pages, so the flat counts above are of pages that read them."""
    case = the_case()
    grow(case, times=3)
    client = client_as(BUSINESS_UNIT)
    overview = client.get(CASE_PAGE).content.decode()
    children = models.Child.objects.filter(case=case).count()
    for position in range(children):
        assert pseudonym(position) in overview
    asked = InformationRequest.objects.filter(case=case).count()
    assert f"{asked} organisations asked" in overview
    documents = client.get(CASE_PAGE + PAGES["documents and links"]).content.decode()
    assert "Added document 3" in documents
    assert documents.count("Joint working with another partnership") >= 3
    record = client.get(CASE_PAGE + PAGES["notification and decisions"]).content.decode()
    assert record.count("Earlier decision, replaced by the one above") >= 3


# -- growing a case ------------------------------------------------------------------------------------------------


def grow(case: models.Case, *, times: int) -> None:
    """Add ``times`` rows of every kind the case page reads: children, household, documents, links, transitions,
    clocks, decisions, duties, timeline events, information requests, learning actions, closure days, overrides."""
    last_child = models.Child.objects.filter(case=case).order_by("-position").first()
    assert last_child is not None
    start = last_child.position + 1
    for number in range(times):
        _copy(last_child, position=start + number, pseudonym=pseudonym(start + number))
    member = models.HouseholdMember.objects.filter(case=case).order_by("-position").first()
    if member is not None:
        for number in range(times):
            _copy(member, position=member.position + 1 + number)
    for row in (
        models.CaseTransition.objects.filter(case=case).order_by("-at").first(),
        models.LocalAuthorityDecision.objects.filter(case=case).order_by("-recorded_at").first(),
        models.DutyRecord.objects.filter(case=case).order_by("-recorded_at").first(),
        LearningAction.objects.filter(case=case).order_by("-id").first(),
    ):
        if row is not None:
            for _ in range(times):
                _copy(row)
    clock = models.CaseClock.objects.filter(case=case).order_by("-position").first()
    assert clock is not None
    for number in range(times):
        _copy(clock, clock_id=f"added_{clock.position + 1 + number}", position=clock.position + 1 + number)
    business_unit = User.objects.get(email=BUSINESS_UNIT)
    now = timezone.now()
    others = models.Case.objects.filter(partnership_id=case.partnership_id).exclude(pk=case.pk).order_by("id")
    southmoor = Partnership.objects.get(code="SMOOR")
    # Numbered on from the rows an earlier call added, so the case can be grown more than once.
    done = models.CaseDocument.objects.filter(case=case).count()
    for number in range(done, done + times):
        stored_file = StoredFile(
            partnership_id=case.partnership_id,
            purpose=Purpose.CASE_DOCUMENT,
            storage_name=f"added/{case.pk}/{number}.pdf",
            content_type="application/pdf",
            size=1000 + number,
            sha256="0" * 64,
            key_id="files2",
            uploaded_by=business_unit,
            uploaded_at=now + timedelta(minutes=number),
        )
        stored_file.seal("title", f"Added document {number + 1}")
        stored_file.seal("original_name", f"added-{number + 1}.pdf")
        stored_file.save()
        models.CaseDocument.objects.create(case=case, stored_file=stored_file)
        models.CaseLink.objects.create(
            case=case, kind=models.CaseLink.Kind.DUPLICATE, other_case=others[number], created_at=now
        )
        models.CaseLink.objects.create(
            case=case,
            kind=models.CaseLink.Kind.JOINT_WORKING,
            other_partnership=southmoor,
            other_area="Southmoor",
            created_at=now,
        )
        audit_record(actor=business_unit, verb="case.document_attached", obj=case, partnership=case.partnership_id)
        organisation = Organisation.objects.create(name=f"Added agency {number + 1} (test)", type="other")
        PartnershipOrganisation.objects.create(
            partnership_id=case.partnership_id, organisation=organisation, is_statutory_agency=True
        )
        InformationRequest.objects.create(
            case=case,
            partnership_id=case.partnership_id,
            organisation=organisation,
            due_on=date(2026, 12, 1),
            status=list(RequestStatus)[number % len(RequestStatus)],
            sent_by=business_unit,
            sent_at=now,
        )
        ClosureDay.objects.create(partnership_id=case.partnership_id, date=date(2027, 2, 1 + number), description="x")
    used = set(ClockOverride.objects.filter(partnership_id=case.partnership_id).values_list("clock_id", flat=True))
    for clock_id, amount in list(get_preset(case.preset).local_defaults.items())[:times]:
        if clock_id not in used:
            ClockOverride.objects.create(
                partnership_id=case.partnership_id, clock_id=clock_id, amount=amount, reason="The same, set locally."
            )


def _copy(row: Any, **changes: Any) -> Any:
    """A new row like ``row``: its own id and uuid, its sealed values sealed again under the new uuid."""
    model = type(row)
    sealed = sealed_field_names(model)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != "uuid" and field.name.removesuffix("_sealed") not in sealed
    ]
    copy = model(**{field.attname: getattr(row, field.attname) for field in fields}, uuid=uuid.uuid4())
    for name in sealed:
        copy.seal(name, row.unseal(name))
    for name, value in changes.items():
        setattr(copy, name, value)
    if "recorded_at" in {field.name for field in fields}:
        copy.recorded_at = row.recorded_at + timedelta(seconds=1)
    copy.save()
    return copy


def _listing(queries: list[dict[str, Any]]) -> str:
    return f"{len(queries)} queries:\n" + "\n".join(query["sql"][:160] for query in queries)


def test_the_sealed_copies_read_back(demo: Any) -> None:
    """``_copy`` seals under the copy's own uuid, so a reader of the page can decrypt what ``grow`` added."""
    child = models.Child.objects.filter(case__reference=REFERENCE).order_by("position").first()
    assert child is not None
    top = models.Child.objects.filter(case=child.case).aggregate(top=Max("position"))["top"]
    copy = _copy(child, position=top + 1, pseudonym=pseudonym(top + 1))
    assert copy.unseal("name") == child.unseal("name")


def test_the_household_read_with_the_case_keeps_its_order(demo: Any) -> None:
    """Read with the case (one text column) or on its own, the household's relationships come in the same order,
    ten members and more included (position 10 after 9, not after 1)."""
    case = the_case()
    member = models.HouseholdMember.objects.filter(case=case).order_by("-position").first()
    assert member is not None
    relationships = ["mother", "father", "carer", "sibling", "other"]
    for number in range(12):
        _copy(member, position=member.position + 1 + number, relationship=relationships[number % len(relationships)])
    plain = selectors.case_household_relationships(case=case)
    assert len(plain) >= 13
    scope = scope_for(User.objects.get(email=BUSINESS_UNIT))
    found = selectors.case_get(
        scope=scope,
        partnership_id=case.partnership_id,
        reference=REFERENCE,
        annotations=selectors.case_page_annotations(),
    )
    assert found is not None
    selectors.case_for_page(found)
    with CaptureQueriesContext(connection) as read:
        assert selectors.case_household_relationships(case=found) == plain
    assert read.captured_queries == []
