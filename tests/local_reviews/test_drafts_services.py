"""The report's drafts, the organisations' comments and the national review suggested: allowed to whom the procedure
says, refused otherwise, audited without words, sealed and atomic; the first draft moving the case on; comments
asked, reminded, chased and collated per organisation; the letter to the Panel due once a national review is
suggested, the case staying where it is."""

from __future__ import annotations

import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseTransition
from cspr.cases.reminders import clock_reminders_send
from cspr.cases.selectors import cases_visible
from cspr.demo.partnerships import SHARED_POLICE
from cspr.domain.lifecycle import Stage
from cspr.domain.roles import Role
from cspr.files.models import StoredFile
from cspr.kernel.documents import FileRejected
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case
from cspr.letters.selectors import case_letters_due
from cspr.local_reviews import services_drafts
from cspr.local_reviews.models import Milestone
from cspr.local_reviews.models_drafts import CommentReminder, DraftComments, NationalSuggestion, ReportDraft
from cspr.local_reviews.selectors_drafts import comment_rows, inbox_items, organisation_choices, organisations_to_ask
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Organisation
from cspr.partnerships.scoping import scope_for
from cspr.rapid_reviews.models import RapidReview
from tests.cases.upload_samples import uploads
from tests.local_reviews.support import when
from tests.local_reviews.support_drafts import (
    COMMENTS,
    CONTRIBUTOR,
    DUE,
    POLICE_LEAD,
    REVIEWER,
    ask,
    board,
    in_progress,
    nobody_to_receive,
    upload,
    word,
)
from tests.rapid_reviews.support import BU, CHAIR, acting_as
from tests.support import fails_after_call, leaves_nothing_written, private_storage

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

PSEUDONYM = re.compile(r"Child [A-Z]+\b")
JAN_6 = datetime(2027, 1, 6, 9, 0, tzinfo=LONDON)
JAN_11 = datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)
JAN_12 = datetime(2027, 1, 12, 9, 0, tzinfo=LONDON)
WHY = "The police found that the same adult harmed children in three other areas (DS Rhiannon Fakeworth)."


@pytest.fixture(autouse=True)
def storage(settings: object, tmp_path: object) -> object:
    return private_storage(settings, tmp_path)


def submit(
    case: Case, request_uuid: object, *, email: str = CONTRIBUTOR, day: int = 21, text: str = COMMENTS
) -> DraftComments:
    return services_drafts.comments_submit(
        acting=acting_as(email), case=case, request_uuid=request_uuid, comments=text, at=when(day)
    )


# -- drafts -----------------------------------------------------------------------------------------------------------


def test_the_reviewers_first_draft_moves_the_case_to_the_draft_report_and_marks_its_milestone_done() -> None:
    case = in_progress()
    assert case.stage == Stage.REVIEW_IN_PROGRESS
    draft = upload(case)
    case.refresh_from_db()
    assert case.stage == Stage.DRAFT_REPORT
    row = CaseTransition.objects.get(case=case, transition="receive_draft")
    assert row.actor_role == "reviewer"
    assert (draft.number, draft.uploaded_role) == (1, "reviewer")
    assert draft.stored_file.purpose == "review_draft"
    assert len(draft.stored_file.sha256) == 64
    assert Milestone.objects.get(review__case=case, kind="first_draft").done_on == date(2026, 12, 17)
    event = AuditEvent.objects.filter(verb="local_review.draft_uploaded").latest("id")
    assert event.details["number"] == 1
    assert event.details["sha256"] == draft.stored_file.sha256
    assert "Draft report" not in str(event.details)  # never the file's name


def test_a_second_draft_is_kept_beside_the_first_never_replacing_it() -> None:
    case = in_progress()
    first = upload(case)
    second = upload(case, email=BU, day=18, file=word())
    assert [row.number for row in ReportDraft.objects.filter(review__case=case)] == [1, 2]
    assert first.stored_file_id != second.stored_file_id
    assert StoredFile.objects.filter(pk=first.stored_file_id).exists()
    assert CaseTransition.objects.filter(case=case, transition="receive_draft").count() == 1
    assert second.uploaded_role == "business_unit"


@pytest.mark.parametrize("email", [CHAIR, CONTRIBUTOR])
def test_only_the_reviewer_and_the_business_unit_upload_drafts(email: str) -> None:
    case = in_progress()
    with pytest.raises(CaseActionRefused):
        upload(case, email=email)
    assert not ReportDraft.objects.filter(review__case=case).exists()


def test_a_draft_must_be_word_or_pdf() -> None:
    case = in_progress()
    name, content = uploads()["html named pdf"]
    with pytest.raises(FileRejected):
        upload(case, file=SimpleUploadedFile("notes.txt", b"Just some notes."))
    with pytest.raises(FileRejected):
        upload(case, file=SimpleUploadedFile(name, content))
    assert not ReportDraft.objects.filter(review__case=case).exists()


def test_no_draft_before_the_review_is_in_progress() -> None:
    case = in_progress()
    Case.objects.filter(pk=case.pk).update(stage=Stage.REVIEWER_COMMISSIONED)
    with pytest.raises(CaseActionRefused, match="once the review is in progress"):
        upload(Case.objects.get(pk=case.pk))


def test_an_upload_that_fails_after_the_stage_change_leaves_nothing_written() -> None:
    case = in_progress()
    failing = mock.patch.object(services_drafts, "audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        upload(case)


def test_the_reviewer_says_which_draft_is_final_and_the_final_draft_milestone_is_done() -> None:
    case = in_progress()
    upload(case)
    upload(case, day=18, file=word())
    with pytest.raises(CaseActionRefused, match="Only the latest draft"):
        services_drafts.draft_mark_final(acting=acting_as(REVIEWER), case=case, number=1, at=when(19))
    services_drafts.draft_mark_final(acting=acting_as(REVIEWER), case=case, number=2, at=when(19))
    assert ReportDraft.objects.get(review__case=case, number=2).final_at is not None
    assert Milestone.objects.get(review__case=case, kind="final_draft").done_on == date(2026, 12, 19)
    with pytest.raises(CaseActionRefused, match="final draft already"):
        services_drafts.draft_mark_final(acting=acting_as(BU), case=case, number=2, at=when(19))
    assert AuditEvent.objects.filter(verb="local_review.draft_final").count() == 1


def test_opening_a_draft_is_audited_with_the_readers_purpose_under_a_neutral_name() -> None:
    case = in_progress()
    upload(case)
    download = services_drafts.draft_open(acting=acting_as(REVIEWER), case=case, number=1)
    assert download.content.startswith(b"%PDF-")
    assert download.filename == f"{case.reference}-draft-1.pdf"
    event = AuditEvent.objects.filter(verb="local_review.draft_downloaded").latest("id")
    assert event.details["reason"] == services_drafts.READER_REASONS[Role.REVIEWER]
    assert event.details["number"] == 1


def test_a_reviewer_reaches_no_other_cases_drafts() -> None:
    case = in_progress()
    upload(case)
    other = Case.objects.get(reference="NVALE-2026-003")
    with pytest.raises(CaseActionRefused):
        services_drafts.draft_open(acting=acting_as(REVIEWER), case=other, number=1)


# -- comments ---------------------------------------------------------------------------------------------------------


def test_an_organisation_is_asked_told_by_reference_only_and_finds_the_request_in_its_inbox() -> None:
    case = in_progress()
    upload(case)
    (_request,) = ask(case)
    message = OutboundMessage.objects.filter(
        kind="local_review.comments_requested", subject__startswith=f"{case.reference}:"
    ).get()
    assert message.to == CONTRIBUTOR
    assert case.reference in message.body
    assert not PSEUDONYM.search(message.body)
    event = AuditEvent.objects.filter(verb="local_review.comments_requested", details__reference=case.reference).get()
    assert event.details["organisations"] == [board().pk]
    # The Board was already involved: nothing new to record.
    assert not AuditEvent.objects.filter(verb="case.organisations_involved", details__reference=case.reference)
    items = inbox_items(scope_for(User.objects.get(email=CONTRIBUTOR)))
    assert [item.reference for item in items] == [case.reference]
    assert inbox_items(scope_for(User.objects.get(email=POLICE_LEAD))) == []


def test_asking_is_the_business_units_and_refused_for_an_organisation_not_involved_or_asked_already() -> None:
    case = in_progress()
    upload(case)
    police = Organisation.objects.get(name=SHARED_POLICE)
    with pytest.raises(CaseActionRefused):
        services_drafts.comments_request(
            acting=acting_as(REVIEWER), case=case, number=1, organisations=[board().pk], due_on=DUE, at=when(18)
        )
    with pytest.raises(CaseActionRefused, match="involved"):
        services_drafts.comments_request(
            acting=acting_as(BU), case=case, number=1, organisations=[police.pk], due_on=DUE, at=when(18)
        )
    with pytest.raises(CaseActionRefused, match="after today"):
        ask(case, due_on=date(2026, 12, 18))
    ask(case)
    with pytest.raises(CaseActionRefused, match="asked about draft 1 already"):
        ask(case)


def test_the_organisations_offered_are_those_not_yet_asked_about_the_draft() -> None:
    case = in_progress()
    draft = upload(case)
    assert board().pk in dict(organisations_to_ask(case=case, draft=draft))
    ask(case)
    assert board().pk not in dict(organisations_to_ask(case=case, draft=draft))
    # Asked about draft 1, the Board may still be asked about draft 2.
    second = upload(case, day=19, file=word())
    assert board().pk in dict(organisations_to_ask(case=case, draft=second))


def test_asking_an_organisation_nobody_can_receive_tells_the_business_unit_by_reference_only() -> None:
    case = in_progress()
    draft = upload(case)
    nobody_to_receive(board())
    ask(case)
    assert not OutboundMessage.objects.filter(
        kind="local_review.comments_requested", subject__startswith=f"{case.reference}:"
    ).exists()
    told = OutboundMessage.objects.filter(kind="local_review.nobody_to_comment", subject__startswith=case.reference)
    assert sorted(told.values_list("to", flat=True)) == [BU]
    (message,) = told
    assert case.reference in message.body
    assert f"/cases/{case.reference}/local-review/drafts/1/" in message.body
    assert not PSEUDONYM.search(message.body)
    assert board().name not in message.subject + message.body
    assert [row.nobody_to_receive for row in comment_rows(draft=draft, reveal=False)] == [True]


def test_the_sweep_tells_the_business_unit_when_nobody_can_receive_the_reminder() -> None:
    case = in_progress()
    draft = upload(case)
    ask(case)
    assert [row.nobody_to_receive for row in comment_rows(draft=draft, reveal=False)] == [False]
    nobody_to_receive(board())
    clock_reminders_send(now=JAN_6)
    assert list(CommentReminder.objects.values_list("kind", flat=True)) == ["due_soon"]
    sent = OutboundMessage.objects.filter(kind__startswith="case.clock_", subject__startswith=f"{case.reference}:")
    assert list(sent.values_list("to", flat=True)) == [BU]
    assert "nobody there can receive the request" in sent[0].body
    assert f"/cases/{case.reference}/local-review/drafts/1/" in sent[0].body
    assert board().name not in sent[0].body
    assert not PSEUDONYM.search(sent[0].body)


def test_an_agency_only_the_rapid_review_named_may_be_asked_and_then_sees_the_case() -> None:
    case = in_progress()
    upload(case)
    police = Organisation.objects.get(name=SHARED_POLICE)
    # The rapid review's record of the agencies involved (§4.3) names the police, whom the notification did not.
    review, _ = RapidReview.objects.get_or_create(
        case=case, defaults={"updated_by": User.objects.get(email=BU), "updated_at": when(10)}
    )
    review.agencies_involved.add(police)
    assert police.pk in dict(organisation_choices(case=case))
    lead = scope_for(User.objects.get(email=POLICE_LEAD))
    assert not cases_visible(scope=lead, partnership_id=case.partnership_id).filter(pk=case.pk).exists()

    services_drafts.comments_request(
        acting=acting_as(BU), case=case, number=1, organisations=[police.pk], due_on=DUE, at=when(18)
    )

    # Asked, the police are involved in the case as an organisation asked for information is: their contributors
    # see it and find the request in their inbox. Why is recorded, by ids only.
    assert cases_visible(scope=lead, partnership_id=case.partnership_id).filter(pk=case.pk).exists()
    assert [item.reference for item in inbox_items(lead)] == [case.reference]
    event = AuditEvent.objects.get(verb="case.organisations_involved", details__reference=case.reference)
    assert (event.details["organisations"], event.details["because"]) == ([police.pk], "comments_requested")


def test_the_organisations_comments_are_sealed_collated_for_the_draft_and_sent_once() -> None:
    case = in_progress()
    draft = upload(case)
    (request,) = ask(case)
    row = submit(case, request.uuid)
    assert "Fakely" not in row.comments_sealed
    assert [each.comments for each in comment_rows(draft=draft, reveal=True)] == [COMMENTS]
    assert comment_rows(draft=draft, reveal=False)[0].comments != COMMENTS
    event = AuditEvent.objects.filter(verb="local_review.comments_submitted", details__reference=case.reference).get()
    assert "Fakely" not in str(event.details)
    assert OutboundMessage.objects.filter(
        kind="local_review.comments_submitted", subject__startswith=f"{case.reference}:"
    ).exists()
    with pytest.raises(CaseActionRefused, match="sent its comments"):
        submit(case, request.uuid, day=22)


def test_another_organisations_contributor_cannot_comment_or_read_the_draft() -> None:
    case = in_progress()
    upload(case)
    (request,) = ask(case)
    for email in (POLICE_LEAD, BU):
        with pytest.raises(CaseActionRefused):
            submit(case, request.uuid, email=email)
        with pytest.raises(CaseActionRefused):
            services_drafts.comment_draft_open(acting=acting_as(email), case=case, request_uuid=request.uuid)
    download = services_drafts.comment_draft_open(acting=acting_as(CONTRIBUTOR), case=case, request_uuid=request.uuid)
    assert download.content.startswith(b"%PDF-")
    event = AuditEvent.objects.filter(verb="local_review.draft_downloaded").latest("id")
    assert event.details["reason"] == services_drafts.COMMENTER_REASON


def test_comments_that_fail_to_be_audited_leave_nothing_written() -> None:
    case = in_progress()
    upload(case)
    (request,) = ask(case)
    failing = mock.patch.object(services_drafts, "audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        submit(case, request.uuid)


def test_the_clocks_sweep_reminds_the_organisation_before_the_date_and_chases_it_after_once_each() -> None:
    case = in_progress()
    upload(case)
    ask(case)
    clock_reminders_send(now=JAN_6)
    clock_reminders_send(now=JAN_6)
    clock_reminders_send(now=JAN_11)
    clock_reminders_send(now=JAN_12)
    kinds = list(CommentReminder.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["due_soon", "overdue"]
    sent = OutboundMessage.objects.filter(to=CONTRIBUTOR, kind__startswith="case.clock_").order_by("id")
    assert [message.kind for message in sent] == ["case.clock_due_soon", "case.clock_overdue"]
    assert all(not PSEUDONYM.search(message.body) and case.reference in message.body for message in sent)
    assert "/comments/" in sent[0].body


def test_answered_requests_are_not_chased() -> None:
    case = in_progress()
    upload(case)
    (request,) = ask(case)
    submit(case, request.uuid)
    clock_reminders_send(now=JAN_11)
    assert not CommentReminder.objects.exists()


# -- new information suggests a national review (§4.6) ---------------------------------------------------------------


def test_suggesting_a_national_review_is_sealed_audited_makes_the_letter_due_and_leaves_the_case_where_it_is() -> None:
    case = in_progress()
    before = [kind.code for kind, _ in case_letters_due(case=case)]
    assert "national-review-suggested-panel" not in before
    row = services_drafts.national_review_suggest(
        acting=acting_as(BU), case=case, suggested_on=date(2026, 12, 17), reason=WHY, at=when(18)
    )
    assert "Fakeworth" not in row.reason_sealed
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW_IN_PROGRESS
    due = {kind.code: day for kind, day in case_letters_due(case=case)}
    assert due["national-review-suggested-panel"] == date(2026, 12, 17)
    event = AuditEvent.objects.filter(verb="local_review.national_review_suggested").get()
    assert event.details["stage"] == "review_in_progress"
    assert "Fakeworth" not in str(event.details)


@pytest.mark.parametrize("email", [REVIEWER, CHAIR, CONTRIBUTOR])
def test_only_the_business_unit_records_that_a_national_review_is_suggested(email: str) -> None:
    case = in_progress()
    with pytest.raises(CaseActionRefused):
        services_drafts.national_review_suggest(
            acting=acting_as(email), case=case, suggested_on=date(2026, 12, 17), reason=WHY, at=when(18)
        )
    assert not NationalSuggestion.objects.exists()


def test_a_national_review_is_suggested_only_during_the_local_review_with_a_reason() -> None:
    case = in_progress()
    with pytest.raises(CaseActionRefused, match="Enter what the new information is"):
        services_drafts.national_review_suggest(
            acting=acting_as(BU), case=case, suggested_on=date(2026, 12, 17), reason="  ", at=when(18)
        )
    Case.objects.filter(pk=case.pk).update(stage=Stage.SIGNED_OFF)
    with pytest.raises(CaseActionRefused, match="only during a local review"):
        services_drafts.national_review_suggest(
            acting=acting_as(BU),
            case=Case.objects.get(pk=case.pk),
            suggested_on=date(2026, 12, 17),
            reason=WHY,
            at=when(18),
        )


def test_a_suggestion_that_fails_to_be_audited_leaves_nothing_written() -> None:
    case = in_progress()
    failing = mock.patch.object(services_drafts, "audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        services_drafts.national_review_suggest(
            acting=acting_as(BU), case=case, suggested_on=date(2026, 12, 17), reason=WHY, at=when(18)
        )
