"""The demo's local reviews: a case at each of the local review's stages up to the draft report, and one review far
enough on to show every part of it, all made through the services from the data file."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cspr.cases.models import Case, CaseClock
from cspr.demo.common import REVIEWER
from cspr.domain.lifecycle import STAGE_PATH, Stage
from cspr.domain.local_review import Route
from cspr.domain.reviewers import COMPETENCIES
from cspr.local_reviews import selectors, selectors_drafts, selectors_people, services_drafts
from cspr.partnerships.models import Partnership
from cspr.reviewers.selectors import commissions_view
from tests.rapid_reviews.support import acting_as
from tests.support import ClientAs, date_fields

pytestmark = pytest.mark.django_db

IN_DRAFT = "NVALE-2026-016"
"""The demo's local review at the draft report, decided by the Executive and agreed by the Panel."""
WAITING_PANEL = "NVALE-2026-017"
"""The demo's rapid review that recommends a local review, sent to the Panel and waiting for its response."""
WAITING_OVERRIDE = "NVALE-2026-013"
"""The demo's discretionary local review whose proposed reviewer declared an interest in an involved organisation."""
TODAY = date(2026, 12, 5)


def _case(reference: str) -> Case:
    return Case.objects.get(reference=reference)


def test_each_stage_of_the_local_review_up_to_the_draft_report_has_a_demo_case(demo: dict[str, Partnership]) -> None:
    (section,) = [section for section in STAGE_PATH if Stage.LOCAL_REVIEW in section.stages]
    stages = section.stages[: section.stages.index(Stage.DRAFT_REPORT) + 1]
    held = set(Case.objects.filter(partnership=demo["northvale"]).values_list("stage", flat=True))
    assert [stage for stage in stages if stage not in held] == []
    assert len(stages) == 4


def test_the_demo_review_in_draft_has_its_reviewer_commissioned_with_every_check(demo: dict[str, Partnership]) -> None:
    case = _case(IN_DRAFT)
    assert case.stage == Stage.DRAFT_REPORT
    review = selectors.local_review_get(case=case)
    assert review is not None
    assert review.route == Route.EXECUTIVE
    (commission,) = commissions_view(case=case, reveal=True)
    assert commission.status == "commissioned"
    assert commission.reviewer == "Rowan Achterberg"
    assert [row.code for row in commission.evidence] == [competency.code for competency in COMPETENCIES]
    assert all(len(row.evidence) > 20 for row in commission.evidence)
    assert commission.interests == (("Northvale Learning Trust (demo)", False),)  # declared, not involved
    assert commission.other_interests
    assert not commission.conflict
    assert commission.fee == Decimal("6500.00")
    assert commission.purchase_order == "NV-PO-2026-0417"
    assert commission.access is not None
    assert commission.access.open


def test_the_demo_review_in_draft_agreed_terms_handling_its_criminal_trial(demo: dict[str, Partnership]) -> None:
    case = _case(IN_DRAFT)
    review = selectors.local_review_get(case=case)
    assert review is not None
    versions = selectors.terms_versions(review=review, reveal=True)
    assert [(terms.number, terms.agreed_on) for terms in versions] == [(1, None), (2, date(2026, 8, 14))]
    (handled,) = versions[-1].handling
    assert (handled.process_label, handled.status_label) == ("Criminal trial", "Active")
    assert "trial" in handled.handling
    assert [row.answers["kind"] for row in selectors.open_processes(case=case)] == ["criminal_trial"]


def test_the_demo_review_in_draft_is_supervised_and_involves_practitioners_and_the_family(
    demo: dict[str, Partnership],
) -> None:
    case = _case(IN_DRAFT)
    review = selectors.local_review_get(case=case)
    assert review is not None
    days = selectors.milestone_days(case=case)
    milestones = {row.kind: row for row in selectors.milestone_rows(review=review, today=TODAY, days=days)}
    assert {kind for kind, row in milestones.items() if row.done_on is not None} == {
        "terms_agreed",
        "information_gathered",
        "practitioner_event",
        "first_draft",
    }
    assert len(milestones["family_meetings"].moves) == 1  # moved for the trial, with its reason
    (event,) = selectors_people.events_revealed(review=review)
    assert set(event.attended) < set(event.invited)
    logged = [
        (person.label, entry.kind)
        for person in selectors_people.family_log_revealed(case=case, review=review)
        for entry in person.entries
    ]
    assert logged == [("Household member 1 (mother)", "invited"), ("Household member 1 (mother)", "consent")]
    thread = selectors_people.thread_revealed(review=review)
    assert [(message.side, message.read_by) for message in thread] == [
        ("business_unit", "Rowan Achterberg"),  # read when the reviewer answered
        ("reviewer", ""),
    ]


def test_the_demo_review_in_draft_has_two_drafts_from_the_reviewer_and_comments_collated_on_the_first(
    demo: dict[str, Partnership],
) -> None:
    case = _case(IN_DRAFT)
    drafts = selectors_drafts.draft_rows(case=case)
    assert [(row.number, row.uploaded_by, row.uploaded_role, row.asked, row.answered) for row in drafts] == [
        (1, "Rowan Achterberg", "Reviewer", 2, 2),
        (2, "Rowan Achterberg", "Reviewer", 0, 0),
    ]
    first = selectors_drafts.draft_get(case=case, number=1)
    assert first is not None
    comments = selectors_drafts.comment_rows(draft=first, reveal=True)
    assert sorted(row.organisation for row in comments) == [
        "Northvale Integrated Care Board (demo)",
        "Vale and Moor Police (demo)",
    ]
    assert all(row.answered and row.comments for row in comments)
    download = services_drafts.draft_open(acting=acting_as(REVIEWER), case=case, number=2)
    assert download.filename == f"{IN_DRAFT}-draft-2.docx"
    with zipfile.ZipFile(io.BytesIO(download.content)) as document:
        assert "Child A (draft 2)" in document.read("word/document.xml").decode()


def test_the_demo_review_waiting_for_its_reviewer_shows_the_conflict_to_override(demo: dict[str, Partnership]) -> None:
    case = _case(WAITING_OVERRIDE)
    assert case.stage == Stage.LOCAL_REVIEW
    assert selectors.local_review_get(case=case) is None  # for the business unit to start
    (proposal,) = commissions_view(case=case, reveal=False)
    assert proposal.status == "proposed"
    assert proposal.conflict
    assert not proposal.overridden
    assert proposal.interests == (("Northvale Integrated Care Board (demo)", True),)


@pytest.mark.time_machine(datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_the_business_unit_takes_the_demo_case_waiting_for_the_panel_from_its_response_to_the_local_review(
    demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    """The issue's first step, as a new user takes it: the Panel agrees, from the page, and the review can start."""
    case = _case(WAITING_PANEL)
    assert case.stage == Stage.AWAITING_PANEL
    ratified = (True, date(2026, 11, 16), date(2027, 5, 14))  # six months on, brought back to a working day
    before = CaseClock.objects.get(case=case, clock_id="publication")
    assert (before.applicable, before.start, before.due) == ratified  # the Executive's decision started it
    business_unit = client_as("business.unit@example.org")
    page = reverse("rapid_reviews:panel-response", kwargs={"reference": WAITING_PANEL})
    assert business_unit.get(page).status_code == 200
    answer = {"kind": "local_review", **date_fields("received_on", date(2026, 12, 7))}
    response = business_unit.post(page, {**answer, "details": "The Panel agrees that a local review should be held."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.LOCAL_REVIEW
    clock = CaseClock.objects.get(case=case, clock_id="publication")
    assert (clock.applicable, clock.start, clock.due) == ratified  # the Panel's agreement does not move it
    assert selectors.local_review_get(case=case) is None  # for the business unit to start
    case_page = business_unit.get(reverse("cases:detail", kwargs={"reference": WAITING_PANEL})).content.decode()
    assert "Start the local review" in case_page


def test_the_reviewer_finds_their_name_and_the_drafts_from_the_demo_reviews_page(
    demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    shown = client_as(REVIEWER).get(f"/cases/{IN_DRAFT}/local-review/").content.decode()
    assert "Rowan Achterberg, commissioned through the register of reviewers" in shown
    assert f'href="/cases/{IN_DRAFT}/local-review/drafts/"' in shown


def test_the_reviewers_home_page_lists_the_reviews_they_are_commissioned_for_and_nothing_else(
    demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    home = client_as(REVIEWER).get("/").content.decode()
    listed = sorted(set(re.findall(r'href="/cases/(NVALE-2026-\d+)/"', home)))  # the case page: started or not
    assert listed == ["NVALE-2026-014", "NVALE-2026-015", "NVALE-2026-016"]  # their commissions reaching the case
    assert (
        "The reviews you are commissioned for" not in client_as("business.unit@example.org").get("/").content.decode()
    )
