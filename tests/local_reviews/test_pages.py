"""The local review's pages, through the test client with real roles: starting it, the terms of reference with a
question for each open parallel process (kept as typed when refused, and refused as stale with both texts shown), a
version's differences from the one before, marking a milestone done, and the case page's section and deadlines with
its query count flat."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspr.cases.models import Case, CaseClock, ParallelProcess
from cspr.core.forms import govuk_date
from cspr.domain.local_review import MilestoneStatus
from cspr.local_reviews import selectors
from cspr.local_reviews.models import LocalReview, TermsOfReference
from tests.cases.test_case_page_queries import OVERVIEW_MOST
from tests.local_reviews.support import (
    HANDLING,
    commissioned,
    milestone,
    reviewer_reaches,
    save_terms,
    start,
    to_local_review,
    when,
)
from tests.rapid_reviews.support import BU, CHAIR, acting_as
from tests.support import ClientAs, date_fields, text

# The pages' "today" (their date checks and the milestones' statuses): Friday 18 December 2026.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(when(18), tick=False)]


def page(case: Case, rest: str = "") -> str:
    return f"/cases/{case.reference}/local-review/{rest}"


def terms_form(case: Case, **changes: str) -> dict[str, str]:
    answers = {
        "method": "systems",
        **date_fields("period_from", date(2025, 1, 1)),
        **date_fields("period_to", date(2026, 11, 1)),
        "lines_of_enquiry": "How agencies shared what they saw",
        "practitioners": "A learning event for the practitioners.",
        "family": "The reviewer meets the parents with an advocate.",
        "proportionality": "Two years, since the family moved here.",
    }
    for process in ParallelProcess.objects.filter(case=case).exclude(status="concluded"):
        answers[f"process_{process.pk}"] = HANDLING
    return {**answers, **changes}


def test_the_business_unit_starts_the_review_from_the_case_page(client_as: ClientAs) -> None:
    case = to_local_review()
    client = client_as(BU)
    shown = text(client.get(f"/cases/{case.reference}/"))
    assert "A local review was decided on 2 December 2026. It has not started yet." in shown
    assert page(case, "start/") in shown
    form = text(client.get(page(case, "start/")))
    assert "the Executive Group's ratification of the rapid review" in form
    refused = client.post(
        page(case, "start/"),
        {**date_fields("started_on", date(2026, 12, 14)), "joint": "yes", "joint_partnership": "Westmoor (demo)"},
    )
    assert refused.status_code == 400
    assert "Enter the other partnership's contact" in text(refused)
    assert "Westmoor (demo)" in text(refused)
    done = client.post(
        page(case, "start/"),
        {
            **date_fields("started_on", date(2026, 12, 14)),
            "joint": "yes",
            "joint_partnership": "Westmoor (demo)",
            "joint_contact": "Review manager, 01632 960 123",
            "joint_lead": "other",
        },
        follow=True,
    )
    shown = text(done)
    assert "The local review has started" in shown
    assert "The other partnership leads" in shown
    assert "Review manager, 01632 960 123" in shown
    assert LocalReview.objects.get(case=case).joint_lead == "other"
    # A second start goes back to the review.
    assert client.get(page(case, "start/")).status_code == 302


def test_a_chair_reads_the_review_but_is_offered_nothing_to_keep_and_cannot_post(client_as: ClientAs) -> None:
    case = to_local_review()
    start(case)
    client = client_as(CHAIR)
    shown = text(client.get(page(case)))
    assert "Local child safeguarding practice review" in shown
    assert "Write the terms of reference" not in shown
    assert "Mark done" not in shown
    assert client.post(page(case, "checkpoints/add/"), {"kind": "progress"}).status_code == 403


@pytest.mark.parametrize("email", ["contributor.health@example.org", "auditor@example.org", "notifier@example.org"])
def test_roles_without_a_part_in_it_do_not_reach_the_page(client_as: ClientAs, email: str) -> None:
    case = to_local_review()
    start(case)
    assert client_as(email).get(page(case)).status_code in (403, 404)


def test_the_commissioned_reviewer_reads_their_own_review_but_not_its_checkpoints_nor_any_other(
    client_as: ClientAs,
) -> None:
    from cspr.local_reviews import services

    case = commissioned(to_local_review())
    start(case)
    save_terms(case)
    services.checkpoint_record(
        acting=acting_as(BU),
        case=case,
        held_on=date(2026, 12, 17),
        kind="quality",
        rating="concerns",
        note="The reviewer's first chronology summary missed the school's records.",
        at=when(17),
    )
    reviewer = client_as("reviewer@example.org")
    assert reviewer.get(page(case)).status_code == 404  # commissioned here without a grant: nothing reached
    reviewer_reaches(case)
    shown = text(reviewer.get(page(case)))
    assert "Terms of reference" in shown
    assert "Progress and quality checkpoints" not in shown
    assert "See the register of parallel processes" not in shown  # no link to a page they may not open
    assert "Drafts of the report" in shown
    assert "See the register of parallel processes" in text(client_as(BU).get(page(case)))
    assert "missed the school" not in shown
    assert reviewer.get(page(case, "terms-of-reference/1/")).status_code == 200
    assert reviewer.post(page(case, "checkpoints/add/"), {"kind": "progress"}).status_code == 403
    assert "Progress and quality checkpoints" in text(client_as(BU).get(page(case)))
    other = to_local_review(route="discretionary")
    start(other)
    assert reviewer.get(page(other)).status_code == 404


def test_a_case_without_a_local_review_has_no_local_review_page(client_as: ClientAs) -> None:
    assert client_as(BU).get("/cases/NVALE-2026-003/local-review/").status_code == 404


def test_the_terms_ask_about_each_open_process_and_keep_what_was_typed_when_refused(client_as: ClientAs) -> None:
    case = to_local_review()
    start(case)
    client = client_as(BU)
    form = text(client.get(page(case, "terms-of-reference/")))
    assert "How does the review handle the criminal trial?" in form
    assert "Northvale Crown Court (demo)" in form
    trial = ParallelProcess.objects.get(case=case, kind="criminal_trial")
    backwards = {**date_fields("period_from", date(2026, 11, 2)), f"process_{trial.pk}": "", "method": "other"}
    refused = client.post(page(case, "terms-of-reference/"), terms_form(case, **backwards))
    assert refused.status_code == 400
    shown = text(refused)
    assert "Say how the review handles the criminal trial" in shown
    assert "The end of the period under review must be the same as or after its start" in shown  # in the same round
    assert "Say what the other method is" in shown
    assert "The reviewer meets the parents with an advocate." in shown
    assert not TermsOfReference.objects.filter(review__case=case).exists()
    saved = client.post(page(case, "terms-of-reference/"), {**terms_form(case), "opened_version": "0"}, follow=True)
    assert "A new version of the terms of reference is saved" in text(saved)
    assert TermsOfReference.objects.get(review__case=case).number == 1


def test_a_save_from_an_older_version_is_refused_showing_what_is_saved_beside_what_was_typed(
    client_as: ClientAs,
) -> None:
    case = to_local_review()
    start(case)
    save_terms(case, family="Saved first: the family is met at home.")
    response = client_as(BU).post(
        page(case, "terms-of-reference/"), {**terms_form(case, family="Typed second: a letter."), "opened_version": "0"}
    )
    assert response.status_code == 409
    shown = text(response)
    assert "Saved first: the family is met at home." in shown
    assert "Typed second: a letter." in shown
    assert TermsOfReference.objects.filter(review__case=case).count() == 1


def test_a_version_shows_what_changed_since_the_one_before(client_as: ClientAs) -> None:
    case = to_local_review()
    start(case)
    save_terms(case)
    save_terms(case, day=16, proportionality="Three years, since the first referral.")
    shown = text(client_as(CHAIR).get(page(case, "terms-of-reference/2/")))
    assert "What changed since version 1" in shown
    assert "Three years, since the first referral." in shown
    assert "Two years before the incident" in shown
    assert "Unchanged: method, period under review" in shown
    assert client_as(CHAIR).get(page(case, "terms-of-reference/3/")).status_code == 404


def test_agreeing_through_the_page_starts_the_review_and_a_milestone_is_marked_done(client_as: ClientAs) -> None:
    case = commissioned(to_local_review())
    start(case)
    save_terms(case)
    client = client_as(BU)
    assert "Record the agreement" in text(client.get(page(case)))
    agreed = client.post(page(case, "terms-of-reference/1/agree/"), date_fields("agreed_on", date(2026, 12, 16)))
    assert agreed.status_code == 302, text(agreed)
    assert Case.objects.get(pk=case.pk).stage == "review_in_progress"
    event = milestone(case, "practitioner_event")
    future = client.post(page(case, f"milestones/{event.pk}/done/"), date_fields("done_on", date(2026, 12, 25)))
    assert future.status_code == 400
    done = client.post(page(case, f"milestones/{event.pk}/done/"), date_fields("done_on", date(2026, 12, 17)))
    assert done.status_code == 302
    assert milestone(case, "practitioner_event").done_on == date(2026, 12, 17)


def test_the_case_page_shows_the_milestones_among_the_deadlines_within_its_budget(client_as: ClientAs) -> None:
    case = commissioned(to_local_review())
    start(case)
    client = client_as(BU)

    def count() -> int:
        client.get(f"/cases/{case.reference}/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/cases/{case.reference}/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    shown = text(client.get(f"/cases/{case.reference}/"))
    assert "Local review: first draft" in shown
    assert "The local review started on 14 December 2026" in shown
    before = count()
    assert before <= OVERVIEW_MOST
    save_terms(case)
    save_terms(case, day=16)
    for milestone_kind in ("information_gathered", "first_draft"):
        target = milestone(case, milestone_kind)
        target.done_on = date(2026, 12, 17)
        target.save(update_fields=["done_on"])
    assert count() == before
    assert "version 2, not agreed yet" in text(client.get(f"/cases/{case.reference}/"))


def test_once_the_case_has_moved_past_the_review_its_milestones_are_no_longer_deadlines(client_as: ClientAs) -> None:
    case = to_local_review()
    start(case)
    Case.objects.filter(pk=case.pk).update(stage="signed_off")
    shown = text(client_as(BU).get(f"/cases/{case.reference}/"))
    assert "The local review started on 14 December 2026" in shown
    assert "Local review: first draft" not in shown


def _between(shown: str, start: str, end: str) -> str:
    """The words of a page from ``start`` up to ``end`` (a row of a table)."""
    return shown[shown.index(start) : shown.index(end, shown.index(start))]


def test_a_milestone_due_in_one_working_day_is_due_soon_as_the_clocks_say_it(client_as: ClientAs) -> None:
    case = commissioned(to_local_review())
    start(case)
    target = milestone(case, "terms_agreed")
    target.due_on = date(2026, 12, 21)  # the Monday after Friday 18 December: one working day left
    target.save(update_fields=["due_on"])

    rows = {row.kind: row for row in selectors.case_milestones(case=case, today=date(2026, 12, 18))}
    assert rows["terms_agreed"].status is MilestoneStatus.DUE_SOON
    assert rows["terms_agreed"].days_left_words == "1 working day left"
    assert rows["information_gathered"].status is MilestoneStatus.DUE
    assert rows["information_gathered"].days_left_words.endswith("working days left")
    later = {row.kind: row for row in selectors.case_milestones(case=case, today=date(2026, 12, 22))}
    assert later["terms_agreed"].status is MilestoneStatus.OVERDUE
    assert later["terms_agreed"].days_left_words == "1 working day overdue"

    client = client_as(BU)
    client.get(f"/cases/{case.reference}/")
    with CaptureQueriesContext(connection) as captured:
        case_page = client.get(f"/cases/{case.reference}/")
    assert len(captured.captured_queries) <= OVERVIEW_MOST  # the calendar read once, with the clocks
    row = _between(text(case_page), "Local review: terms of reference agreed", "</tr>")
    assert "Due soon" in row
    assert "1 working day left" in row

    review_page = text(client.get(page(case)))
    assert "Due soon: terms of reference agreed (1 working day left)." in review_page
    row = _between(review_page, "Terms of reference agreed <span", "</tr>")
    assert "Due soon" in row
    assert "1 working day left" in row


def test_a_milestone_moved_past_the_publication_deadline_is_kept_with_a_warning_and_flagged(
    client_as: ClientAs,
) -> None:
    case = commissioned(to_local_review())
    start(case)
    publication = CaseClock.objects.get(case=case, clock_id="publication").effective_due
    final = milestone(case, "final_draft")
    assert final.due_on < publication
    client = client_as(BU)
    url = page(case, f"milestones/{final.pk}/move/")
    assert f"The report is due to be published by {govuk_date(publication)} (§7.8)." in text(client.get(url))

    within = client.post(url, {**date_fields("due_on", publication), "reason": "The reviewer is ill."}, follow=True)
    assert "after the report's publication deadline" not in text(within)

    after = publication + timedelta(days=14)
    moved = client.post(url, {**date_fields("due_on", after), "reason": "The trial was adjourned."}, follow=True)
    assert moved.redirect_chain == [(page(case), 302)]
    shown = text(moved)
    assert "The milestone's due date is moved" in shown
    assert (
        f"Final draft is now due on {govuk_date(after)}, after the report's publication deadline of "
        f"{govuk_date(publication)} (§7.8)."
    ) in shown
    assert 'class="govuk-notification-banner"' in moved.content.decode()  # the warning, beside the success banner
    assert milestone(case, "final_draft").due_on == after
    row = _between(shown, "Final draft <span", "</tr>")
    assert "After the publication deadline" in row
    assert f"The report is due to be published by {govuk_date(publication)}" in row
    assert "Due after the report's publication deadline" in shown
