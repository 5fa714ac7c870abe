"""The extraordinary PRG meeting (§3.4): scheduled (late needs a reason), then recorded as held with who came."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case, CaseClock
from cspr.cases.services import case_clock_met
from cspr.domain import rules as domain_rules
from cspr.domain.clocks import LATE_REASON_MIN, is_late, late_reason_missing
from cspr.domain.rapid_review import MIN_REASON, text_length
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future, now
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import MeetingAttendance, PrgMeeting
from cspr.rapid_reviews.services.common import (
    MEETING_NOT_SCHEDULED,
    NOT_AT_RAPID_REVIEW,
    PRG_DECISION,
    TEXTS,
    UNKNOWN_ORGANISATION,
    allowed,
    case_locked,
    case_locked_at_rapid_review,
    partnership_organisation_ids,
)

MEETING_LATE_REASON = (
    "The meeting is after the date the PRG must meet by ({due}): enter the reason it cannot be sooner "
    "(at least {minimum} characters)."
)
MEETING_WHERE_NEEDED = "Enter where the meeting is, or the link to join it."
MEETING_ALREADY_HELD = "The meeting has already been recorded as held."
MEETING_BEFORE_NOTIFIED = "The meeting cannot be before the case was notified."
ATTENDANCE_MISSING = "Say whether {name} attended."
ATTENDANCE_EXPLANATION = "{name} did not attend: explain why (at least {minimum} characters)."
MINUTES_NEEDED = "Enter the minutes of the meeting."


def meeting_schedule(
    *,
    acting: Acting,
    case: Case,
    scheduled_on: date,
    mode: str,
    where: str,
    starts_at: str = "",
    agenda: str = "",
    late_reason: str = "",
    at: datetime | None = None,
) -> PrgMeeting:
    """Schedule (or re-schedule) the extraordinary PRG meeting (§3.4). After the ``prg_meeting`` clock's due date
    it needs a reason."""
    grant = allowed(acting, "rapid_reviews.organise_meeting", case)
    at = now(at)
    if mode not in PrgMeeting.Mode.values:
        raise CaseActionRefused("Choose whether the meeting is virtual or in person.", field="mode")
    where = TEXTS.clean("where", where)
    if not where or len(where) > 500:
        raise CaseActionRefused(MEETING_WHERE_NEEDED, field="where")
    agenda = TEXTS.clean("agenda", agenda)
    late_reason = TEXTS.clean("late_reason", late_reason)
    with transaction.atomic():
        case = case_locked_at_rapid_review(case)
        if case.notified_on and scheduled_on < case.notified_on:
            raise CaseActionRefused(MEETING_BEFORE_NOTIFIED, field="scheduled_on")
        clock = CaseClock.objects.filter(case=case, clock_id="prg_meeting", applicable=True).first()
        due = clock.effective_due if clock is not None else None
        late = due is not None and is_late(scheduled_on, due)
        if due is not None and late_reason_missing(scheduled_on, due, late_reason):
            raise CaseActionRefused(
                MEETING_LATE_REASON.format(due=f"{due:%-d %B %Y}", minimum=LATE_REASON_MIN), field="late_reason"
            )
        meeting = PrgMeeting.objects.select_for_update().filter(case=case).first()
        if meeting is not None and meeting.held_on is not None:
            raise CaseActionRefused(MEETING_ALREADY_HELD)
        if meeting is None:
            meeting = PrgMeeting(case=case, scheduled_by=acting.user, scheduled_at=at, scheduled_on=scheduled_on)
        meeting.scheduled_on = scheduled_on
        meeting.starts_at = starts_at
        meeting.mode = mode
        meeting.where = where
        meeting.seal("late_reason", late_reason if late else "")
        meeting.seal("agenda", agenda)
        meeting.save()
        audit_case(
            acting, "rapid_review.meeting_scheduled", case, grant=grant, scheduled_on=scheduled_on, mode=mode, late=late
        )
    return meeting


@dataclass(frozen=True)
class AttendanceInput:
    organisation_id: int
    status: str
    explanation: str = ""


def meeting_held_record(
    *,
    acting: Acting,
    case: Case,
    held_on: date,
    attendance: Iterable[AttendanceInput],
    minutes: str,
    actions_agreed: str,
    late_reason: str = "",
    at: datetime | None = None,
) -> PrgMeeting:
    """Record that the PRG met: who came, by organisation (every statutory agency listed; an absence explained),
    the minutes and the actions agreed. Stops the ``prg_meeting`` clock."""
    grant = allowed(acting, "rapid_reviews.organise_meeting", case)
    at = now(at)
    not_future(held_on, today=local_today(at), field="held_on")
    minutes = TEXTS.needed("minutes", minutes, MINUTES_NEEDED)
    actions_agreed = TEXTS.clean("actions_agreed", actions_agreed)
    rows = {row.organisation_id: row for row in attendance}
    statutory = selectors.statutory_agencies(partnership_id=case.partnership_id)
    if not set(rows) <= partnership_organisation_ids(case):
        raise CaseActionRefused(UNKNOWN_ORGANISATION)
    for organisation in statutory:
        row = rows.get(organisation.pk)
        if row is None or row.status not in MeetingAttendance.Status.values:
            raise CaseActionRefused(ATTENDANCE_MISSING.format(name=organisation.name), field="attendance")
    for organisation_id, row in rows.items():
        if row.status not in MeetingAttendance.Status.values:
            raise CaseActionRefused(UNKNOWN_ORGANISATION, field="attendance")
        if row.status != MeetingAttendance.Status.ATTENDED and text_length(row.explanation) < MIN_REASON:
            name = next((org.name for org in statutory if org.pk == organisation_id), "An organisation")
            raise CaseActionRefused(
                ATTENDANCE_EXPLANATION.format(name=name, minimum=MIN_REASON), field=f"explanation_{organisation_id}"
            )
    with transaction.atomic():
        case = case_locked(case)
        meeting = PrgMeeting.objects.select_for_update().filter(case=case).first()
        if meeting is None:
            raise CaseActionRefused(MEETING_NOT_SCHEDULED)
        if meeting.held_on is not None:
            raise CaseActionRefused(MEETING_ALREADY_HELD)
        if not domain_rules.open_for(case.stage, PRG_DECISION):
            raise CaseActionRefused(NOT_AT_RAPID_REVIEW)
        meeting.held_on = held_on
        meeting.held_recorded_by = acting.user
        meeting.held_recorded_at = at
        meeting.seal("minutes", minutes)
        meeting.seal("actions_agreed", actions_agreed)
        meeting.save()
        MeetingAttendance.objects.filter(meeting=meeting).delete()
        present_rows: list[MeetingAttendance] = []
        for organisation_id, row in sorted(rows.items()):
            present = MeetingAttendance(meeting=meeting, organisation_id=organisation_id, status=row.status)
            attended = row.status == MeetingAttendance.Status.ATTENDED
            present.seal("explanation", "" if attended else TEXTS.clean("attendance", row.explanation))
            present_rows.append(present)
        MeetingAttendance.objects.bulk_create(present_rows)
        case_clock_met(
            acting=acting,
            case=case,
            clock_id="prg_meeting",
            met_on=held_on,
            late_reason=TEXTS.clean("late_reason", late_reason) or meeting.unseal("late_reason"),
        )
        audit_case(
            acting,
            "rapid_review.meeting_held",
            case,
            grant=grant,
            held_on=held_on,
            attended=sorted(oid for oid, row in rows.items() if row.status == MeetingAttendance.Status.ATTENDED),
            absent=sorted(oid for oid, row in rows.items() if row.status != MeetingAttendance.Status.ATTENDED),
        )
    return meeting
