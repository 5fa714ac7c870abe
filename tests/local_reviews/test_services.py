"""The local review's services: each allowed to the business unit only, refused at the wrong stage or with missing
answers, audited without words, sealed and atomic; the publication clock from the decision on every route; terms of
reference kept in versions that each say how every open parallel process is handled; the first agreement starting the
review; milestones proposed, done, moved and reminded of by the clocks' sweep."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock, CaseTransition, ParallelProcess
from cspr.cases.reminders import clock_reminders_send
from cspr.domain.lifecycle import Stage
from cspr.kernel.edits import StaleEdit
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case
from cspr.local_reviews import services
from cspr.local_reviews.models import Checkpoint, LocalReview, MilestoneMove, MilestoneReminder, TermsOfReference
from cspr.messaging.models import OutboundMessage
from tests.local_reviews.support import (
    HANDLING,
    LINES,
    agree,
    commissioned,
    milestone,
    police_investigation,
    save_terms,
    start,
    to_local_review,
    when,
)
from tests.rapid_reviews.support import BU, CHAIR, EXEC_LA, acting_as, the_case
from tests.support import fails_after_call, leaves_nothing_written

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CONTACT = "Morwenna Fakeley, review manager, 01632 960 123"


@pytest.mark.parametrize(
    ("route", "decided_on", "publication_due"),
    [
        ("executive", date(2026, 12, 2), date(2027, 6, 2)),
        ("panel", date(2026, 12, 10), date(2027, 6, 10)),
        ("discretionary", date(2026, 12, 9), date(2027, 6, 9)),
    ],
)
def test_the_review_starts_on_the_route_its_decision_came_by_and_publication_is_due_six_months_after_the_decision(
    route: str, decided_on: date, publication_due: date
) -> None:
    case = to_local_review(route=route)
    assert case.stage == Stage.LOCAL_REVIEW
    assert case.decision_on == decided_on
    clock = CaseClock.objects.get(case=case, clock_id="publication")
    assert (clock.start, clock.due, clock.applicable) == (decided_on, publication_due, True)
    review = start(case)
    assert (review.route, review.decided_on) == (route, decided_on)
    event = AuditEvent.objects.get(verb="local_review.started", object_id=str(review.pk))
    assert event.details["route"] == route


def test_the_milestones_are_proposed_from_the_start_on_working_days() -> None:
    review = start(to_local_review())
    due = dict(review.milestones.values_list("kind", "due_on"))
    assert due == {
        "terms_agreed": date(2027, 1, 11),
        "information_gathered": date(2027, 2, 8),
        "practitioner_event": date(2027, 3, 8),
        "family_meetings": date(2027, 3, 8),
        "first_draft": date(2027, 4, 5),
        "final_draft": date(2027, 4, 30),  # twenty weeks is the May Day bank holiday: the Friday before
    }
    assert all(row.proposed_on == row.due_on for row in review.milestones.all())


@pytest.mark.parametrize("email", [CHAIR, EXEC_LA, "independent.chair@example.org", "auditor@example.org"])
def test_only_the_business_unit_starts_the_review(email: str) -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused):
        start(case, email=email)
    assert not LocalReview.objects.filter(case=case).exists()


def test_the_review_starts_once_only_at_the_local_review_stage_and_not_before_the_decision() -> None:
    with pytest.raises(CaseActionRefused, match="not at the local review stage"):
        start(the_case())
    case = to_local_review()
    with pytest.raises(CaseActionRefused, match="the decision to hold the review"):
        start(case, day=1)
    start(case)
    with pytest.raises(CaseActionRefused, match="started on 14 December 2026"):
        start(case)


def test_a_joint_review_names_the_other_partnership_its_contact_sealed_and_who_leads() -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused) as refused:
        start(case, joint=True, joint_partnership="Westmoor Safeguarding Partnership (demo)")
    assert refused.value.field == "joint_contact"
    with pytest.raises(CaseActionRefused) as refused:
        start(case, joint=True, joint_partnership="Westmoor (demo)", joint_contact=CONTACT, joint_lead="both")
    assert refused.value.field == "joint_lead"
    review = start(
        case,
        joint=True,
        joint_partnership="Westmoor Safeguarding Partnership (demo)",
        joint_contact=CONTACT,
        joint_lead="other",
    )
    assert (review.joint, review.joint_lead) == (True, "other")
    assert review.unseal("joint_contact") == CONTACT
    assert "Fakeley" not in review.joint_contact_sealed
    event = AuditEvent.objects.get(verb="local_review.started", object_id=str(review.pk))
    assert "Fakeley" not in str(event.details)


def test_a_review_of_this_partnership_alone_keeps_no_joint_details() -> None:
    review = start(to_local_review(), joint=False, joint_partnership="Westmoor (demo)", joint_contact=CONTACT)
    assert (review.joint, review.joint_partnership, review.unseal("joint_contact")) == (False, "", "")


# -- terms of reference -----------------------------------------------------------------------------------------------


def test_saving_the_terms_needs_the_handling_of_every_open_parallel_process() -> None:
    case = to_local_review()
    start(case)
    trial = ParallelProcess.objects.get(case=case, kind="criminal_trial")
    with pytest.raises(CaseActionRefused) as refused:
        save_terms(case, handling={})
    assert refused.value.field.startswith("process_")
    assert "Say how the review handles the criminal" in refused.value.message
    assert not TermsOfReference.objects.filter(review__case=case).exists()
    terms = save_terms(case)
    assert terms.number == 1
    handled = {row.process_id: row for row in terms.handling.all()}
    assert trial.pk in handled
    assert handled[trial.pk].unseal("handling") == HANDLING
    assert handled[trial.pk].process_status == "active"
    # A concluded process needs no handling.
    ParallelProcess.objects.filter(case=case).update(status="concluded")
    second = save_terms(case, handling={})
    assert (second.number, second.handling.count()) == (2, 0)


def test_each_save_is_a_new_version_sealed_and_audited_without_its_words() -> None:
    case = to_local_review()
    start(case)
    first = save_terms(case)
    second = save_terms(case, method="other", method_other="A practitioner-led learning review", opened=1)
    assert [terms.number for terms in TermsOfReference.objects.filter(review__case=case).order_by("number")] == [1, 2]
    first.refresh_from_db()
    assert first.method == "systems"
    assert first.unseal_list("lines_of_enquiry") == LINES.split("\n")
    assert second.unseal("method_other") == "A practitioner-led learning review"
    assert "weight" not in first.lines_of_enquiry_sealed
    event = AuditEvent.objects.get(verb="local_review.terms_saved", object_id=str(second.pk))
    assert event.details["number"] == 2
    assert "practitioner" not in str(event.details).lower()


def test_a_save_made_from_an_older_version_is_refused_and_writes_nothing() -> None:
    case = to_local_review()
    start(case)
    save_terms(case, opened=0)
    with pytest.raises(StaleEdit):
        save_terms(case, opened=0)
    assert TermsOfReference.objects.filter(review__case=case).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "guesswork"}, "method"),
        ({"method": "other"}, "method_other"),
        ({"period_from": date(2026, 11, 2), "period_to": date(2026, 11, 1)}, "period_to"),
        ({"lines_of_enquiry": " \n \n"}, "lines_of_enquiry"),
        ({"family": "   "}, "family"),
    ],
)
def test_the_terms_are_refused_with_the_field_to_put_right(changes: dict[str, Any], field: str) -> None:
    case = to_local_review()
    start(case)
    with pytest.raises(CaseActionRefused) as refused:
        save_terms(case, **changes)
    assert refused.value.field == field


def test_the_first_agreement_waits_for_the_reviewer_then_starts_the_review() -> None:
    case = to_local_review()
    start(case)
    save_terms(case)
    with pytest.raises(CaseActionRefused, match="Commission the reviewer first"):
        agree(case)
    case = commissioned(case)
    terms = agree(case)
    assert terms.agreed_by is not None
    assert (terms.agreed_on, terms.agreed_by.email, terms.agreed_role) == (date(2026, 12, 16), BU, "business_unit")
    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.REVIEW_IN_PROGRESS
    moved = CaseTransition.objects.get(case=case, transition="start_review")
    assert moved.actor_role == "business_unit"
    assert milestone(case, "terms_agreed").done_on == date(2026, 12, 16)
    with pytest.raises(CaseActionRefused, match="was agreed on 16 December 2026"):
        agree(case)


def test_a_new_version_after_agreement_needs_agreeing_again_and_only_the_latest_can_be() -> None:
    case = commissioned(to_local_review())
    start(case)
    save_terms(case)
    agree(case)
    save_terms(case, day=17, proportionality="Three years, since the first referral.")
    with pytest.raises(CaseActionRefused, match="Only the latest version"):
        agree(case, 1, day=17)
    second = agree(case, 2, day=17)
    assert second.agreed_on == date(2026, 12, 17)
    assert CaseTransition.objects.filter(case=case, transition="start_review").count() == 1
    assert milestone(case, "terms_agreed").done_on == date(2026, 12, 16)  # the first agreement's date stands


def test_a_process_added_to_the_register_after_the_version_was_saved_must_be_handled_before_agreeing() -> None:
    case = commissioned(to_local_review())
    start(case)
    save_terms(case)
    police_investigation(case)
    with pytest.raises(CaseActionRefused, match="added to the case's register since this version was saved"):
        agree(case)
    save_terms(case, day=16)
    assert agree(case, 2).agreed_on == date(2026, 12, 16)


@pytest.mark.parametrize("email", [CHAIR, EXEC_LA, "independent.chair@example.org"])
def test_only_the_business_unit_keeps_the_terms(email: str) -> None:
    case = commissioned(to_local_review())
    start(case)
    with pytest.raises(CaseActionRefused):
        save_terms(case, email=email)
    save_terms(case)
    with pytest.raises(CaseActionRefused):
        agree(case, email=email)


def test_starting_and_agreeing_are_atomic() -> None:
    case = commissioned(to_local_review())
    failing = mock.patch("cspr.local_reviews.services.audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        start(case)
    start(case)
    save_terms(case)
    with leaves_nothing_written(mock.patch("cspr.kernel.kit.audit_case", fails_after_call(audit_case))):
        agree(case)
    assert Case.objects.get(pk=case.pk).stage == Stage.REVIEWER_COMMISSIONED


# -- supervision ------------------------------------------------------------------------------------------------------


def test_a_milestone_is_done_once_and_moved_only_with_a_reason_kept_sealed() -> None:
    case = to_local_review()
    start(case)
    first_draft = milestone(case, "first_draft")

    def move(day: date, reason: str) -> MilestoneMove:
        return services.milestone_move(
            acting=acting_as(BU), case=case, milestone_id=first_draft.pk, due_on=day, reason=reason, at=when(18)
        )

    with pytest.raises(CaseActionRefused, match="Enter why the due date moves"):
        move(date(2027, 5, 3), " ")
    with pytest.raises(CaseActionRefused, match="same as the current one"):
        move(date(2027, 4, 5), "No change.")
    moved = move(date(2027, 5, 4), "The trial was adjourned to April, so the practitioners' event is later.")
    assert (moved.from_on, moved.to_on) == (date(2027, 4, 5), date(2027, 5, 4))
    assert "adjourned" not in moved.reason_sealed
    assert milestone(case, "first_draft").due_on == date(2027, 5, 4)
    event = AuditEvent.objects.get(verb="local_review.milestone_moved", object_id=str(first_draft.pk))
    assert event.details["to_on"] == "2027-05-04"
    done = services.milestone_done(
        acting=acting_as(BU), case=case, milestone_id=first_draft.pk, done_on=date(2026, 12, 18), at=when(18)
    )
    assert done.done_on == date(2026, 12, 18)
    with pytest.raises(CaseActionRefused, match="done on 18 December 2026"):
        move(date(2027, 5, 5), "Too late to move.")
    with pytest.raises(CaseActionRefused):
        services.milestone_done(
            acting=acting_as(CHAIR),
            case=case,
            milestone_id=milestone(case, "final_draft").pk,
            done_on=date(2026, 12, 18),
        )


def test_a_checkpoint_is_recorded_with_its_rating_and_sealed_note() -> None:
    case = to_local_review()
    start(case)

    def record(**changes: object) -> Checkpoint:
        answers: dict[str, object] = {
            "held_on": date(2026, 12, 18),
            "kind": "progress",
            "rating": "concerns",
            "note": "The police have not yet agreed which practitioners may be met.",
            **changes,
        }
        return services.checkpoint_record(acting=acting_as(BU), case=case, at=when(18), **answers)  # type: ignore[arg-type]

    with pytest.raises(CaseActionRefused, match="how the review stands"):
        record(rating="fine")
    with pytest.raises(CaseActionRefused, match="the day the review started"):
        record(held_on=date(2026, 12, 11))
    checkpoint = record()
    assert (checkpoint.kind, checkpoint.rating) == ("progress", "concerns")
    assert checkpoint.unseal("note").startswith("The police")
    event = AuditEvent.objects.get(verb="local_review.checkpoint_recorded", object_id=str(checkpoint.pk))
    assert event.details["rating"] == "concerns"


def test_nothing_is_kept_on_a_review_that_has_not_started_or_once_the_case_has_moved_on() -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused, match="Start the local review first"):
        save_terms(case)
    start(case)
    Case.objects.filter(pk=case.pk).update(stage=Stage.SIGNED_OFF)
    with pytest.raises(CaseActionRefused, match="not in progress at this stage"):
        save_terms(case)


# -- reminders, by the clocks' sweep -------------------------------------------------------------------------------


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LONDON)


def test_the_clocks_sweep_reminds_of_a_milestone_due_soon_then_overdue_once_each_and_again_when_moved() -> None:
    case = to_local_review()
    start(case)
    terms = milestone(case, "terms_agreed")  # due Monday 11 January 2027
    OutboundMessage.objects.all().delete()
    clock_reminders_send(now=noon(date(2027, 1, 8)))
    kinds = list(MilestoneReminder.objects.filter(milestone=terms).values_list("kind", flat=True))
    assert kinds == ["due_soon"]
    message = OutboundMessage.objects.get(
        subject__endswith=": Local review: terms of reference agreed", subject__startswith=f"{case.reference}: "
    )
    assert message.subject == f"{case.reference}: due by 11 January 2027: Local review: terms of reference agreed"
    assert "Child A" in message.body
    assert message.to == BU
    # It asks for the milestone to be marked done on the local review's page, and links there.
    assert "local review's page" in message.body
    assert reverse("local_reviews:overview", kwargs={"reference": case.reference}) in message.body
    clock_reminders_send(now=noon(date(2027, 1, 8)))
    clock_reminders_send(now=noon(date(2027, 1, 12)))
    clock_reminders_send(now=noon(date(2027, 1, 13)))
    kinds = list(MilestoneReminder.objects.filter(milestone=terms).values_list("kind", flat=True))
    assert kinds == ["due_soon", "overdue"]
    event = AuditEvent.objects.filter(verb="case.deadline_reminder_sent", details__milestone=terms.pk).latest("id")
    assert event.details["kind"] == "overdue"
    services.milestone_move(
        acting=acting_as(BU),
        case=case,
        milestone_id=terms.pk,
        due_on=date(2027, 1, 25),
        reason="The reviewer's start was delayed by the police.",
        at=noon(date(2027, 1, 13)),
    )
    clock_reminders_send(now=noon(date(2027, 1, 26)))
    assert MilestoneReminder.objects.filter(milestone=terms, kind="overdue").count() == 2


def test_a_done_milestone_and_a_case_that_moved_on_are_not_reminded_of() -> None:
    case = to_local_review()
    start(case)
    terms = milestone(case, "terms_agreed")
    services.milestone_done(
        acting=acting_as(BU), case=case, milestone_id=terms.pk, done_on=date(2026, 12, 18), at=when(18)
    )
    clock_reminders_send(now=noon(date(2027, 6, 1)))
    assert not MilestoneReminder.objects.filter(milestone=terms).exists()
    assert MilestoneReminder.objects.filter(milestone__review__case=case).count() == 5  # the others, overdue by then
    Case.objects.filter(pk=case.pk).update(stage=Stage.WITHDRAWN)
    services_moved = milestone(case, "final_draft")
    services_moved.due_on = date(2027, 6, 10)
    services_moved.save(update_fields=["due_on"])
    clock_reminders_send(now=noon(date(2027, 7, 1)))
    assert MilestoneReminder.objects.filter(milestone__review__case=case).count() == 5
