"""The national review's pages, through the test client with real roles: the page says plainly that the case is
Panel-led and what to do next, the forms keep what was typed when refused, the case page's section links to it, and
a finished review lets the case move on to learning and actions."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cspr.cases.models import Case
from cspr.domain.lifecycle import NATIONAL_REVIEW_UNFINISHED, Stage
from cspr.national_reviews.models import EngagementEntry, NationalReview, ProvisionItem
from tests.national_reviews.support import DEMO_NATIONAL, RATIONALE, to_national_review, when
from tests.rapid_reviews.support import BU, CHAIR
from tests.support import ClientAs, assert_shows, date_fields, text

pytestmark = pytest.mark.django_db

PAGE = f"/cases/{DEMO_NATIONAL}/national-review/"


def test_the_page_says_the_review_is_panel_led_with_the_panels_rationale_the_log_and_the_items(
    client_as: ClientAs,
) -> None:
    assert_shows(
        text(client_as(BU).get(PAGE)),
        "Panel-led national review",
        "8 October 2026",  # the Panel's decision
        "recurring theme it wants to look at",  # its rationale, from its response
        "Dr Imogen Notreal",
        "Agreed on 20 October 2026",
        "The merged chronology went to the Panel",
        "2 November 2026 by Vale and Moor Police (demo)",
        "Outstanding",
        "Provide what the Panel asked for: 1 item outstanding.",
        "Record the national review's outcome",
    )


def test_a_chair_reads_the_page_but_is_offered_nothing_to_record_and_cannot_post(client_as: ClientAs) -> None:
    client = client_as(CHAIR)
    shown = text(client.get(PAGE))
    assert "Panel-led national review" in shown
    assert "Log engagement" not in shown
    assert client.post(PAGE + "engagement/", {"kind": "other"}).status_code == 403


@pytest.mark.parametrize("email", ["contributor.health@example.org", "auditor@example.org", "admin@example.org"])
def test_roles_without_a_part_in_it_do_not_reach_the_page(client_as: ClientAs, email: str) -> None:
    assert client_as(email).get(PAGE).status_code in (403, 404)


def test_a_case_the_panel_is_not_reviewing_has_no_national_review_page(client_as: ClientAs) -> None:
    assert client_as(BU).get("/cases/NVALE-2026-003/national-review/").status_code == 404


def test_the_case_page_says_the_case_is_panel_led_and_links_to_the_review(client_as: ClientAs) -> None:
    shown = text(client_as(BU).get(f"/cases/{DEMO_NATIONAL}/"))
    assert "This case is Panel-led." in shown
    assert "decided on 8 October 2026 to hold a national review" in shown
    assert PAGE in shown
    assert NATIONAL_REVIEW_UNFINISHED in shown  # why it cannot move to learning and actions yet
    # A contributor sees the stage, not the section.
    contributor = text(client_as("police.lead@example.org").get(f"/cases/{DEMO_NATIONAL}/"))
    assert "This case is Panel-led." not in contributor


def test_a_refused_engagement_keeps_what_was_typed(client_as: ClientAs) -> None:
    response = client_as(BU).post(
        PAGE + "engagement/",
        {
            **date_fields("happened_on", date(2026, 10, 1)),
            "kind": "draft_shared",
            "note": "The draft went to the agencies for factual accuracy.",
        },
    )
    assert response.status_code == 400
    shown = text(response)
    assert "Date of the engagement must be the same as or after the Panel's decision (8 October 2026)" in shown
    assert "The draft went to the agencies for factual accuracy." in shown
    assert not EngagementEntry.objects.filter(kind="draft_shared", review__case__reference=DEMO_NATIONAL).exists()


def test_each_question_is_named_in_its_messages_as_its_label_names_it(client_as: ClientAs) -> None:
    client = client_as(BU)
    engagement = text(client.post(PAGE + "engagement/", {"kind": "draft_shared", "note": "x" * 2001}))
    assert "Enter the date of the engagement" in engagement
    assert "What happened and what was agreed must be 2,000 characters or fewer" in engagement
    outstanding = ProvisionItem.objects.get(review__case__reference=DEMO_NATIONAL, provided_on__isnull=True)
    provided = text(client.post(PAGE + f"items/{outstanding.pk}/provided/", {}))
    assert "Enter the date it was provided" in provided


@time_machine.travel(when(21), tick=False)
def test_a_date_before_the_reports_says_which_date_it_is(client_as: ClientAs) -> None:
    case = to_national_review()
    report_on = {**date_fields("report_on", date(2026, 12, 17)), "findings": "Findings."}
    early = date(2026, 12, 16)
    refused = client_as(BU).post(
        f"/cases/{case.reference}/national-review/outcome/",
        {**report_on, **date_fields("published_on", early), **date_fields("finished_on", early)},
    )
    assert refused.status_code == 400
    assert "Date the Panel published the report must be the same as or after the date of the report" in text(refused)
    finished = client_as(BU).post(
        f"/cases/{case.reference}/national-review/outcome/",
        {**report_on, **date_fields("finished_on", early)},
    )
    assert "Date the national review finished must be the same as or after the date of the report" in text(finished)


def test_an_outstanding_item_is_marked_provided_through_its_page(client_as: ClientAs) -> None:
    outstanding = ProvisionItem.objects.get(review__case__reference=DEMO_NATIONAL, provided_on__isnull=True)
    client = client_as(BU)
    page = PAGE + f"items/{outstanding.pk}/provided/"
    assert "A list of the practitioners" in text(client.get(page))
    organisation = outstanding.review.case.partnership.organisation_links.first()
    assert organisation is not None
    response = client.post(
        page,
        {**date_fields("provided_on", date(2026, 11, 20)), "provided_by": str(organisation.organisation_id)},
    )
    assert response.status_code == 302, text(response)
    outstanding.refresh_from_db()
    assert outstanding.provided_on is not None


@time_machine.travel(when(21), tick=False)
def test_finishing_through_the_page_lets_the_case_move_to_learning_and_actions(client_as: ClientAs) -> None:
    case = to_national_review()
    client = client_as(BU)
    page = f"/cases/{case.reference}/national-review/"
    assert RATIONALE in text(client.get(page))
    refused = client.post(page + "outcome/", {"findings": "Records did not follow the family."})
    assert refused.status_code == 400
    assert "Records did not follow the family." in text(refused)
    done = client.post(
        page + "outcome/",
        {
            **date_fields("report_on", date(2026, 12, 17)),
            "findings": "Records did not follow the family.",
            **date_fields("finished_on", date(2026, 12, 18)),
        },
        follow=True,
    )
    shown = text(done)
    assert "The national review is recorded as finished" in shown
    assert "move the case to learning and actions" in shown
    assert NationalReview.objects.get(case=case).finished_on is not None
    # The forms are closed now.
    assert client.get(page + "engagement/").status_code == 302
    moved = client.post(f"/cases/{case.reference}/route/start_learning_and_actions/", {"reason": ""})
    assert moved.status_code == 302, text(moved)
    assert Case.objects.get(pk=case.pk).stage == Stage.LEARNING_AND_ACTIONS
    # The case page then offers to record how the learning actions ended (this page used to fail here).
    assert "Record how the learning actions ended" in text(client.get(f"/cases/{case.reference}/"))


def test_the_overview_of_a_panel_led_case_stays_within_the_case_pages_budget_however_long_the_log(
    client_as: ClientAs,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.cases.test_case_page_queries import BUDGETS, OVERVIEW_MOST
    from tests.national_reviews.support import log

    def counts() -> dict[str, int]:
        found = {}
        for email in BUDGETS:
            client = client_as(email)
            client.get(f"/cases/{DEMO_NATIONAL}/")  # a warm session
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/cases/{DEMO_NATIONAL}/").status_code == 200
            found[email] = len(captured.captured_queries)
        return found

    before = counts()
    assert max(before.values()) <= OVERVIEW_MOST, before
    case = Case.objects.get(reference=DEMO_NATIONAL)
    for day in (3, 4):
        log(case, kind="involvement", day=day)
    assert counts() == before
