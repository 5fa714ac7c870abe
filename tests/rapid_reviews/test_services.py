"""The rapid review's services: what each allows, what it refuses, that it audits, and that it is atomic."""

from __future__ import annotations

import io
from datetime import date
from functools import partial
from typing import Any
from unittest import mock

import pytest
from docx import Document

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock, CaseTransition
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.sealing import sealed_field_names
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import ContactKind
from cspr.rapid_reviews import presenters, selectors, services, wordfile
from cspr.rapid_reviews.models import (
    CriteriaNotMetClosure,
    LearningAction,
    MeetingAttendance,
    PanelResponse,
    PartnerSignOff,
    PrgDecision,
    RapidReview,
)
from tests.cases.support import outbox_and_audit_text, raw_database_text
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    EXEC_HEALTH,
    EXEC_LA,
    EXEC_POLICE,
    MEMBER,
    SECRET_TEXT,
    acting_as,
    at,
    attendance_all,
    complete_record,
    hold,
    panel_response,
    person,
    save,
    schedule,
    scope,
    sign,
    statutory,
    the_case,
    to_awaiting_panel,
    to_prg_decided,
    to_ratified,
)
from tests.support import assert_word_file_is_the_services

pytestmark = pytest.mark.django_db


_FIRST_EVENT: dict[str, int] = {}


@pytest.fixture(autouse=True)
def events_from_here(demo: dict) -> None:
    """Audit events written by this test only (the demo's own come before)."""
    _FIRST_EVENT["id"] = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def verbs() -> list[str]:
    events = AuditEvent.objects.filter(verb__startswith="rapid_review.", id__gt=_FIRST_EVENT["id"])
    return list(events.order_by("id").values_list("verb", flat=True))


def clock(case: Case, clock_id: str) -> CaseClock:
    return CaseClock.objects.get(case=case, clock_id=clock_id)


# -- the record ------------------------------------------------------------------------------------------------------


def test_saving_a_section_keeps_a_draft_sealed_and_audited(demo: dict) -> None:
    case = the_case()
    text = f"{SECRET_TEXT} was found by a neighbour; a long summary of the facts follows here."
    save(case, "facts", {"facts_summary": text})
    review = RapidReview.objects.get(case=case)
    assert review.unseal("facts_summary") == text
    assert review.sections_saved == ["facts"]
    assert verbs() == ["rapid_review.section_saved"]
    assert text not in raw_database_text()
    assert SECRET_TEXT not in outbox_and_audit_text()


def test_an_incomplete_section_is_still_saved_and_the_check_names_what_is_missing(demo: dict) -> None:
    case = the_case()
    save(case, "decisions", {"local_decision": "yes", "local_grounds": "Short."})
    check = selectors.review_completeness(case=case, review=RapidReview.objects.get(case=case))
    assert "The grounds for the decision on a local review are too thin (at least 20 characters)." in [
        problem.message for problem in check.problems
    ]


@pytest.mark.parametrize("email", [EXEC_LA, "notifier@example.org", "independent.chair@example.org"])
def test_only_the_prg_and_the_business_unit_edit_the_record(demo: dict, email: str) -> None:
    with pytest.raises(CaseActionRefused, match="You cannot do this on this case"):
        save(the_case(), "facts", {"facts_summary": "x"}, email=email)


def test_a_member_of_another_partnership_cannot_save_the_record(demo: dict) -> None:
    with pytest.raises(CaseActionRefused):
        save(the_case(), "facts", {"facts_summary": "x"}, email="southmoor.business.unit@example.org")


def test_saving_is_atomic(demo: dict) -> None:
    case = the_case()
    with (
        mock.patch("cspr.rapid_reviews.services.record.audit_case", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        save(case, "learning", {"immediate_learning": "Something learnt early on.", "actions": []})
    assert not RapidReview.objects.filter(case=case).exists()


def test_learning_actions_are_kept_for_the_tracker_with_owner_and_due_date(demo: dict) -> None:
    case = the_case()
    complete_record(case)
    action = LearningAction.objects.get(case=case)
    assert action.owner_organisation is not None
    assert action.due_on == date(2027, 1, 31)
    assert action.status == "open"


def test_an_owner_from_another_partnership_is_refused(demo: dict) -> None:
    from cspr.partnerships.models import Organisation

    other = Organisation.objects.get(name="Southmoor Council Children's Services (demo)")
    with pytest.raises(CaseActionRefused, match="Choose an organisation of this partnership"):
        save(the_case(), "learning", {"actions": [services.ActionInput("Brief the school staff.", other.pk, None)]})


# -- the meeting -----------------------------------------------------------------------------------------------------


def test_a_meeting_after_the_due_date_needs_a_reason(demo: dict) -> None:
    case = the_case()
    with pytest.raises(CaseActionRefused, match="27 November 2026") as refused:
        schedule(case, day=date(2026, 12, 1))
    assert refused.value.field == "late_reason"
    meeting = schedule(case, day=date(2026, 12, 1), late_reason="The police lead is at court all week.")
    assert meeting.unseal("late_reason")


def test_every_statutory_agency_is_listed_and_an_absence_explained(demo: dict) -> None:
    case = the_case()
    schedule(case)
    rows = attendance_all(case)
    with pytest.raises(CaseActionRefused, match="Say whether"):
        services.meeting_held_record(
            acting=acting_as(BU),
            case=case,
            held_on=date(2026, 11, 25),
            attendance=rows[1:],
            minutes="Minutes.",
            actions_agreed="",
            at=at(25, 15),
        )
    absent = [services.AttendanceInput(row.organisation_id, MeetingAttendance.Status.ABSENT, "ill") for row in rows]
    with pytest.raises(CaseActionRefused, match="did not attend: explain why"):
        services.meeting_held_record(
            acting=acting_as(BU),
            case=case,
            held_on=date(2026, 11, 25),
            attendance=absent,
            minutes="Minutes.",
            actions_agreed="",
            at=at(25, 15),
        )


def test_recording_the_meeting_held_stops_the_prg_meeting_clock(demo: dict) -> None:
    case = the_case()
    schedule(case)
    hold(case)
    assert clock(case, "prg_meeting").met_on == date(2026, 11, 25)
    assert MeetingAttendance.objects.filter(meeting__case=case).count() == len(statutory(case))
    assert "rapid_review.meeting_held" in verbs()


def test_a_meeting_cannot_be_recorded_as_held_in_the_future(demo: dict) -> None:
    case = the_case()
    schedule(case)
    with pytest.raises(CaseActionRefused, match="today or in the past"):
        hold(case, held_on=date(2026, 11, 26), when=at(25))


def test_papers_are_kept_checked_and_their_downloads_audited(demo: dict) -> None:
    from tests.rapid_reviews.support import paper

    case = the_case()
    schedule(case)
    kept = paper(case)
    download = services.meeting_paper_download(acting=acting_as(MEMBER), case=case, paper=kept)
    assert download.content == b"Agenda for the PRG."
    assert {"rapid_review.paper_attached", "rapid_review.paper_downloaded"} <= set(verbs())
    with pytest.raises(CaseActionRefused):
        services.meeting_paper_download(acting=acting_as(EXEC_LA), case=case, paper=kept)


# -- the PRG's decision --------------------------------------------------------------------------------------------


def test_the_rapid_review_cannot_go_to_the_executive_until_the_meeting_is_held(demo: dict) -> None:
    case = the_case()
    complete_record(case)
    with pytest.raises(CaseActionRefused, match=r"PRG meeting was held"):
        services.prg_decision_record(acting=acting_as(CHAIR), case=case, at=at(26))


def test_the_rapid_review_cannot_go_to_the_executive_while_items_are_missing(demo: dict) -> None:
    case = the_case()
    schedule(case)
    hold(case)
    save(case, "facts", {"facts_summary": "Too short."})
    with pytest.raises(CaseActionRefused, match=r"not complete yet"):
        services.prg_decision_record(acting=acting_as(CHAIR), case=case, at=at(26))
    assert the_case().stage == "rapid_review"


def test_only_the_prg_chair_sends_the_rapid_review_to_the_executive(demo: dict) -> None:
    case = the_case()
    schedule(case)
    hold(case)
    complete_record(case)
    with pytest.raises(CaseActionRefused):
        services.prg_decision_record(acting=acting_as(MEMBER), case=case, at=at(26))


def test_sending_to_the_executive_records_the_decision_stops_the_clock_and_tells_each_executive(demo: dict) -> None:
    case = to_prg_decided(the_case())
    assert case.stage == "prg_decided"
    decision = PrgDecision.objects.get(review__case=case)
    assert decision.local_review
    assert clock(case, "rapid_review_to_executive").met_on == date(2026, 11, 26)
    transition = CaseTransition.objects.filter(case=case, transition="record_prg_decision").get()
    assert transition.unseal("reason") == services.IN_THE_RECORD  # the grounds stay sealed in the record
    sent = set(OutboundMessage.objects.filter(kind="rapid_review.sent_to_executive").values_list("to", flat=True))
    assert {EXEC_LA, EXEC_HEALTH, EXEC_POLICE} <= sent
    with pytest.raises(CaseActionRefused, match="can be changed only while"):
        save(case, "facts", {"facts_summary": "x"})


def test_the_prg_decision_is_atomic(demo: dict) -> None:
    case = the_case()
    schedule(case)
    hold(case)
    complete_record(case)
    with (
        mock.patch("cspr.rapid_reviews.services.decisions.case_advance", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.prg_decision_record(acting=acting_as(CHAIR), case=case, at=at(26))
    assert not PrgDecision.objects.filter(review__case=case).exists()
    assert clock(case, "rapid_review_to_executive").met_on is None


# -- ratification ------------------------------------------------------------------------------------------------


def test_an_executive_member_signs_off_only_for_their_own_organisation(demo: dict) -> None:
    case = to_prg_decided(the_case())
    health = scope(EXEC_HEALTH).organisation_ids_in(case.partnership_id)
    with pytest.raises(CaseActionRefused, match="only for an organisation you are an Executive member for"):
        services.partner_sign_off(acting=acting_as(EXEC_LA), case=case, organisation_id=next(iter(health)), agrees=True)


def test_a_disagreement_needs_a_rationale(demo: dict) -> None:
    case = to_prg_decided(the_case())
    la = next(iter(scope(EXEC_LA).organisation_ids_in(case.partnership_id)))
    with pytest.raises(CaseActionRefused, match="give the rationale") as refused:
        services.partner_sign_off(
            acting=acting_as(EXEC_LA), case=case, organisation_id=la, agrees=False, rationale="No."
        )
    assert refused.value.field == "rationale"


def test_a_partner_signs_off_once(demo: dict) -> None:
    case = to_prg_decided(the_case())
    sign(case, EXEC_LA)
    with pytest.raises(CaseActionRefused, match="has already signed off"):
        sign(case, EXEC_LA)


def test_the_rapid_review_cannot_be_ratified_before_every_partner_has_signed(demo: dict) -> None:
    case = to_prg_decided(the_case())
    sign(case, EXEC_LA)
    with pytest.raises(CaseActionRefused, match="Still to sign"):
        services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, at=at(2, month=12))


def test_ratification_fixes_the_decision_date_and_tells_the_panel_ofsted_and_dfe(demo: dict) -> None:
    demos = list(OutboundMessage.objects.values_list("pk", flat=True))  # the demo's (its local reviews' among them)
    case = to_ratified(the_case())
    assert case.stage == "executive_ratified"
    assert case.decision_on == date(2026, 12, 2)
    assert not case.executive_disagrees_with_prg
    assert clock(case, "executive_ratification").met_on == date(2026, 12, 2)
    # §4.7 by letter: the business unit (people with accounts) is told the letters are waiting; nobody outside is
    # e-mailed.
    told = OutboundMessage.objects.filter(kind="rapid_review.local_review_agreed").exclude(pk__in=demos)
    assert sorted(told.values_list("to", flat=True)) == ["business.unit@example.org"]
    assert all(case.reference in message.subject for message in told)
    assert all(f"/cases/{case.reference}/letters/" in message.body for message in told)
    outside = ["panel.demo@example.org", "ofsted.demo@example.org", "dfe.demo@example.org"]
    assert not OutboundMessage.objects.filter(to__in=outside).exists()
    assert "rapid_review.local_review_notified" in verbs()
    notice = RapidReview.objects.get(case=case).local_review_notice
    assert sorted(notice.recipients) == ["dfe", "ofsted", "panel"]
    assert ContactKind.SECRETARY_OF_STATE not in notice.recipients


def test_no_local_review_leaves_the_decision_date_unset(demo: dict) -> None:
    demos = list(OutboundMessage.objects.values_list("pk", flat=True))  # the demo's (its local reviews' among them)
    case = to_prg_decided(the_case(), local="no")
    for email in (EXEC_LA, EXEC_HEALTH, EXEC_POLICE):
        sign(case, email)
    services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, at=at(2, month=12))
    case = the_case()
    assert case.decision_on is None
    assert not OutboundMessage.objects.filter(kind="rapid_review.local_review_agreed").exclude(pk__in=demos).exists()


def test_a_disagreeing_partner_makes_the_executive_decide_and_starts_the_rationale_clock(demo: dict) -> None:
    case = to_prg_decided(the_case())
    sign(case, EXEC_LA)
    sign(case, EXEC_HEALTH)
    sign(case, EXEC_POLICE, agrees=False)
    with pytest.raises(CaseActionRefused, match="say whether a local review will be held"):
        services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, at=at(2, month=12))
    services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, local_review=False, at=at(2, month=12))
    case = the_case()
    assert case.executive_disagrees_with_prg
    assert case.decision_on is None
    rationale_clock = clock(case, "discrepancy_rationale_to_panel")
    assert rationale_clock.applicable
    services.rationale_sent_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 3), at=at(3, month=12))
    assert clock(case, "discrepancy_rationale_to_panel").met_on == date(2026, 12, 3)
    assert PartnerSignOff.objects.get(review__case=case, agrees=False).unseal("rationale")


def test_no_rationale_is_sent_when_the_executive_agreed(demo: dict) -> None:
    case = to_ratified(the_case())
    with pytest.raises(CaseActionRefused, match="no rationale to send"):
        services.rationale_sent_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 3), at=at(3, month=12))


# -- the Panel -------------------------------------------------------------------------------------------------------


def test_a_late_submission_needs_a_reason(demo: dict) -> None:
    case = to_ratified(the_case())
    with pytest.raises(CaseActionRefused, match="after its due date") as refused:
        services.panel_submission_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 7), at=at(7, month=12))
    assert refused.value.field == "late_reason"
    assert the_case().stage == "executive_ratified"


def test_an_extension_agreed_with_the_panel_makes_a_later_submission_on_time(demo: dict) -> None:
    from cspr.cases.services import clock_extension_record
    from cspr.partnerships.scoping import acting_for

    case = to_ratified(the_case())
    clock_extension_record(
        acting=acting_for(person(BU), scope=scope(BU)),
        case=case,
        clock_id="rapid_review_to_panel",
        extended_to=date(2026, 12, 9),
        reason="Waiting for the health chronology.",
        agreed_by="The Panel's case officer",
    )
    services.panel_submission_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 7), at=at(7, month=12))
    assert the_case().stage == "awaiting_panel"
    assert clock(case, "rapid_review_to_panel").unseal("late_reason") == ""


def test_the_panel_can_ask_for_information_until_it_decides(demo: dict) -> None:
    case = to_awaiting_panel(the_case())
    asks = "The Panel asks for the police chronology."
    with pytest.raises(CaseActionRefused, match="by"):
        panel_response(case, "information_requested", 7, details=asks)
    panel_response(case, "information_requested", 7, details=asks, information_due_on=date(2026, 12, 14))
    assert the_case().stage == "panel_information_requested"
    panel_response(case, "information_provided", 9)
    assert the_case().stage == "awaiting_panel"
    panel_response(case, "no_review", 15, details="The Panel agrees the learning is captured already.")
    assert the_case().stage == "no_further_review"
    assert PanelResponse.objects.filter(review__case=case).count() == 3


def test_a_national_review_needs_the_panels_rationale(demo: dict) -> None:
    case = to_awaiting_panel(the_case())
    with pytest.raises(CaseActionRefused, match="rationale"):
        panel_response(case, "national_review", 7)


def test_a_response_cannot_be_recorded_before_the_rapid_review_went_to_the_panel(demo: dict) -> None:
    case = to_ratified(the_case())
    with pytest.raises(CaseActionRefused):
        panel_response(case, "no_review", 7, details="The Panel agrees the learning is captured already.")


def test_the_case_can_be_closed_as_not_meeting_the_criteria_with_reasons(demo: dict) -> None:
    case = the_case()
    with pytest.raises(CaseActionRefused, match="at least 20"):
        services.criteria_not_met_close(acting=acting_as(CHAIR), case=case, reason="No.")
    services.criteria_not_met_close(
        acting=acting_as(CHAIR), case=case, reason="The injuries were accidental, the police now say.", at=at(24)
    )
    assert the_case().stage == "closed_criteria_not_met"
    closure = CriteriaNotMetClosure.objects.get(case=case)
    assert closure.unseal("reason") == "The injuries were accidental, the police now say."
    assert "police now say" not in closure.reason_sealed
    transition = CaseTransition.objects.get(case=case, transition="close_criteria_not_met")
    assert transition.unseal("reason") == services.IN_THE_RECORD  # the reasons are not copied out in clear
    services.family_told_record(
        acting=acting_as(BU),
        case=the_case(),
        told_on=date(2026, 11, 25),
        method="phone",
        told_by="Bea Unwin, BU manager",
        what_was_said="That no review will follow, and why.",
        at=at(25),
    )


def test_the_family_is_told_whichever_way_the_decision_went(demo: dict) -> None:
    case = to_prg_decided(the_case(), local="no")
    tell_the_family = partial(
        services.family_told_record,
        acting=acting_as(CHAIR),
        case=case,
        told_on=date(2026, 11, 26),
        told_by="Priya Garrow, PRG chair",
        what_was_said="The decision not to hold a review, and why.",
        at=at(26),
    )
    with pytest.raises(CaseActionRefused, match="Say how"):
        tell_the_family(method="other")
    row = tell_the_family(method="in_person")
    assert row.unseal("what_was_said").startswith("The decision")
    # The case's record now, whichever path the case took: audited as the case's.
    assert AuditEvent.objects.filter(verb="case.family_told", id__gt=_FIRST_EVENT["id"]).exists()


# -- the document ----------------------------------------------------------------------------------------------------


def _docx_text(content: bytes) -> tuple[str, str]:
    document = Document(io.BytesIO(content))
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    header = document.sections[0].header.paragraphs[0].text + document.sections[0].footer.paragraphs[0].text
    return body + "\n" + cells, header


def test_the_word_document_is_marked_and_has_every_item_without_identifying_details(demo: dict) -> None:
    case = to_ratified(the_case())
    record = presenters.record_document(case=case, state=selectors.review_state(case=case))
    data = wordfile.render_docx(record)
    text, marking = _docx_text(data)
    assert marking.count("OFFICIAL-SENSITIVE") == 2
    assert_word_file_is_the_services(data, author=case.partnership.name)
    for number in range(1, 10):
        assert f"\n{number}. " in "\n" + text
    assert "Child A" in text
    assert SECRET_TEXT not in text
    assert "Ratified" in text


def test_the_copy_with_identifying_details_names_the_child_and_audits_the_purpose(demo: dict) -> None:
    case = to_ratified(the_case())
    details = services.rapid_review_document_open(
        acting=acting_as(BU), case=case, identifying=True, purpose="notify_national"
    )
    record = presenters.record_document(case=case, state=selectors.review_state(case=case), identifying=details)
    text, _ = _docx_text(wordfile.render_docx(record))
    assert SECRET_TEXT in text
    assert {"case.identifying_details_viewed", "rapid_review.document_opened"} <= set(
        AuditEvent.objects.values_list("verb", flat=True)
    )
    assert SECRET_TEXT not in outbox_and_audit_text()


def test_the_copy_with_identifying_details_needs_a_purpose(demo: dict) -> None:
    with pytest.raises(CaseActionRefused, match="Select why"):
        services.rapid_review_document_open(acting=acting_as(BU), case=the_case(), identifying=True, purpose="")


def test_after_a_key_rotation_the_records_text_is_resealed_with_the_new_key(demo: dict, settings: Any) -> None:
    from cspr.cases.services import identifying_details_reseal
    from cspr.kernel.crypto import new_key_entry

    case = the_case()
    save(case, "facts", {"facts_summary": "A summary sealed with the old key."})
    newest = new_key_entry("test3")
    settings.FIELD_ENCRYPTION_KEYS = [newest, *settings.FIELD_ENCRYPTION_KEYS]
    # Every sealed text of every rapid review is resealed: this one's summary, and the demo's other reviews' texts.
    values = sum(
        1 for row in RapidReview.objects.all() for name in sealed_field_names(RapidReview) if row.is_recorded(name)
    )
    counts = identifying_details_reseal()
    assert counts["rapid_reviews.rapidreview"] == values
    review = RapidReview.objects.get(case=case)
    assert review.facts_summary_sealed.startswith("v1:test3:")
    settings.FIELD_ENCRYPTION_KEYS = [newest]
    assert review.unseal("facts_summary") == "A summary sealed with the old key."
