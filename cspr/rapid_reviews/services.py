"""Writes to a case's rapid review. Every function is keyword-only, checks the actor's scope, runs in one
transaction and records an audit event in it; stage changes go through ``cspr.cases.services.case_advance`` and
clocks stop through ``case_clock_met`` in the same transaction.

Audit details and messages carry the case reference, pseudonyms, codes and dates, never the record's text.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import rules
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.services import audit_record
from cspr.cases import documents
from cspr.cases.errors import CaseActionRefused
from cspr.cases.models import Case, CaseClock, Child
from cspr.cases.services import IdentifyingDetails, case_advance, case_clock_met, identifying_details_view
from cspr.core.edits import EditStamp, check_not_stale
from cspr.core.text import NARRATIVE, ONE_LINE, PLACE, FieldTexts
from cspr.domain import rules as domain_rules
from cspr.domain.clocks import LATE_REASON_MIN, is_late, late_reason_missing
from cspr.domain.criteria import NATIONAL_REVIEW_CIRCUMSTANCES, NATIONAL_REVIEW_CRITERIA
from cspr.domain.rapid_review import JUDGED_CRITERIA, MIN_REASON, Judgement, Section, text_length
from cspr.domain.roles import Role
from cspr.kernel.acting import acting_of
from cspr.messaging.services import message_queue
from cspr.partnerships.models import Contact, ContactKind, OrganisationType, PartnershipOrganisation
from cspr.partnerships.scoping import Scope
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import (
    AgencyOmission,
    ChildSafeguarding,
    CriteriaNotMetClosure,
    CriterionJudgement,
    FamilyTold,
    LearningAction,
    LocalReviewNotice,
    MeetingAttendance,
    MeetingPaper,
    PanelResponse,
    PanelSubmission,
    PartnerSignOff,
    PrgDecision,
    PrgMeeting,
    RapidReview,
    Ratification,
    RationaleSent,
)

# -- messages (module constants: tests match the exact words) --------------------------------------------------------

NOT_ALLOWED = "You cannot do this on this case."
SCOPE_MISMATCH = "The membership used does not belong to the person acting."
NOT_AT_RAPID_REVIEW = "The rapid review record can be changed only while the case is at the rapid review stage."
RECORD_LOCKED = "The PRG has recorded its decision: the rapid review record can no longer be changed."
DATE_IN_FUTURE = "The date must be today or in the past."
MEETING_LATE_REASON = (
    "The meeting is after the date the PRG must meet by ({due}): enter the reason it cannot be sooner "
    "(at least {minimum} characters)."
)
MEETING_WHERE_NEEDED = "Enter where the meeting is, or the link to join it."
MEETING_NOT_SCHEDULED = "Schedule the PRG meeting first."
MEETING_ALREADY_HELD = "The meeting has already been recorded as held."
MEETING_BEFORE_NOTIFIED = "The meeting cannot be before the case was notified."
ATTENDANCE_MISSING = "Say whether {name} attended."
ATTENDANCE_EXPLANATION = "{name} did not attend: explain why (at least {minimum} characters)."
MINUTES_NEEDED = "Enter the minutes of the meeting."
UNKNOWN_SECTION = "There is no part of the rapid review called '{section}'."
UNKNOWN_ORGANISATION = "Choose an organisation of this partnership."
UNKNOWN_CHILD = "That child is not part of this case."
INCOMPLETE = "The rapid review is not complete yet: {count} item(s) still need attention."
MEETING_NOT_HELD = "Record that the PRG meeting was held first (§3.4)."
NOT_PRG_DECIDED = "The PRG's decision must be recorded before the partners sign off."
NOT_A_PARTNER = "Only a lead safeguarding partner of this partnership signs off the rapid review."
NOT_FOR_THIS_PARTNER = "You can sign off only for an organisation you are an Executive member for."
ALREADY_SIGNED = "{name} has already signed off this rapid review."
RATIONALE_NEEDED = (
    "You disagree with the PRG: give the rationale (at least {minimum} characters). It goes to the Panel."
)
PARTNERS_MISSING = "Each lead safeguarding partner must sign off first. Still to sign: {names}."
LEAD_PARTNERS_INCOMPLETE = (
    "A rapid review is ratified by the three lead safeguarding partners: the local authority, health and the "
    "police (§4.4). No sign-off yet from: {kinds}. Ask the partnership admin to check the partners are set up."
)
DATE_BEFORE = "The date must be the same as or after {what} ({day})."
LEAD_PARTNER_KINDS = (
    (OrganisationType.LOCAL_AUTHORITY, "the local authority"),
    (OrganisationType.HEALTH, "health"),
    (OrganisationType.POLICE, "the police"),
)
EXECUTIVE_DECISION_NEEDED = "A partner disagrees with the PRG: say whether a local review will be held."
NO_DISAGREEMENT = "The Executive Group agreed with the PRG, so there is no rationale to send."
NOT_RATIFIED = "The Executive Group must ratify the rapid review first."
RATIONALE_ALREADY_SENT = "The rationale was already recorded as sent on {sent_on}."
UNKNOWN_RESPONSE = "Choose what the Panel said."
DETAILS_NEEDED = "Enter the Panel's rationale or what it asked for (at least {minimum} characters)."
INFORMATION_DUE_NEEDED = "Enter the date the Panel needs the information by."
RESPONSE_NOT_NOW = "That response cannot be recorded at this stage of the case."
METHOD_OTHER_NEEDED = "Say how the family was told."
TOLD_BY_NEEDED = "Enter who told the family, and their role."
WHAT_SAID_NEEDED = "Enter what the family was told about the decision and its reasons (at least {minimum} characters)."
NO_DECISION_YET = "There is no decision to tell the family about yet."
CLOSE_REASON_NEEDED = "Enter why the case does not meet the criteria (at least {minimum} characters)."

TEXTS = FieldTexts(
    {
        "arrangements": ("The safeguarding arrangements", NARRATIVE),
        "facts_summary": ("The summary of the facts", NARRATIVE),
        "key_practice_episodes": ("Key practice episodes", NARRATIVE),
        "equality_analysis": ("The equality analysis", NARRATIVE),
        "reason": ("The reason", NARRATIVE),
        "local_grounds": ("The grounds for the decision", NARRATIVE),
        "national_reasons": ("The reasons for the recommendation on a national review", NARRATIVE),
        "further_learning": ("Potential for further learning", NARRATIVE),
        "no_further_learning": ("Why no further learning is expected", NARRATIVE),
        "immediate_learning": ("Immediate learning", NARRATIVE),
        "actions": ("The action", NARRATIVE),
        "omissions": ("Why an agency was not involved", NARRATIVE),
        "where": ("Where the meeting is", PLACE),
        "agenda": ("The agenda", NARRATIVE),
        "late_reason": ("The reason it was late", NARRATIVE),
        "minutes": ("The minutes", NARRATIVE),
        "actions_agreed": ("The actions agreed", NARRATIVE),
        "attendance": ("Why an agency was absent", NARRATIVE),
        "rationale": ("Your rationale", NARRATIVE),
        "details": ("The Panel's rationale", NARRATIVE),
        "method_other": ("How they were told", ONE_LINE),
        "told_by": ("Who told them", ONE_LINE),
        "what_was_said": ("What they were told", NARRATIVE),
        "title": ("What the paper is", ONE_LINE),
    },
    refused=CaseActionRefused,
)
"""How the record's free-text inputs are named in messages, and their limits (the forms use the same words)."""

# The lifecycle transitions whose moment a record belongs to: the lifecycle table says which stages they leave.
PRG_DECISION = "record_prg_decision"
"""The rapid review record is open while the PRG's decision is still to come."""
CLOSE_CRITERIA_NOT_MET = "close_criteria_not_met"
PANEL_WAITING = ("panel_requests_information", "provide_information")
"""The case waits for the Panel while it can ask for information, or be sent what it asked."""

RESPONSE_TRANSITIONS = {
    PanelResponse.Kind.NATIONAL_REVIEW: "panel_national_review",
    PanelResponse.Kind.INFORMATION_REQUESTED: "panel_requests_information",
    PanelResponse.Kind.INFORMATION_PROVIDED: "provide_information",
    PanelResponse.Kind.LOCAL_REVIEW: "panel_local_review",
    PanelResponse.Kind.NO_REVIEW: "panel_no_review",
}
RESPONSES_NEEDING_DETAILS = frozenset(
    {
        PanelResponse.Kind.NATIONAL_REVIEW,
        PanelResponse.Kind.INFORMATION_REQUESTED,
        PanelResponse.Kind.LOCAL_REVIEW,
        PanelResponse.Kind.NO_REVIEW,
    }
)
NATIONAL_CODES = frozenset(item.code for item in NATIONAL_REVIEW_CRITERIA + NATIONAL_REVIEW_CIRCUMSTANCES)
JUDGED_CODES = frozenset(item.code for item in JUDGED_CRITERIA)


# -- helpers ---------------------------------------------------------------------------------------------------------


# The reasons are sealed in the rapid review's own records; the case's transition row (shown on the timeline to
# everyone who can see the case) points to them rather than copying them out in clear.
IN_THE_RECORD = "The reasons are recorded in the rapid review."


def _now(value: datetime | None) -> datetime:
    return value or timezone.now()


def _today(at: datetime) -> date:
    return timezone.localdate(at)


def _check_scope(actor: Any, scope: Scope) -> Scope:
    if scope.user_id != getattr(actor, "pk", None):
        raise CaseActionRefused(SCOPE_MISMATCH)
    return scope


def _require(rule: str, scope: Scope, case: Case) -> None:
    if not rules.test_rule(rule, scope, case):
        raise CaseActionRefused(NOT_ALLOWED)


def _audit(*, actor: Any, verb: str, case: Case, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        obj=case,
        partnership=case.partnership,
        details={"reference": case.reference, **details},
        request=request,
    )


def _not_future(day: date, *, today: date, field: str) -> None:
    if day > today:
        raise CaseActionRefused(DATE_IN_FUTURE, field=field)


def _not_before(day: date, earlier: date, *, what: str, field: str) -> None:
    """A step cannot be dated before the step it follows (a clock would otherwise be met before it started)."""
    if day < earlier:
        raise CaseActionRefused(DATE_BEFORE.format(what=what, day=f"{earlier.day} {earlier:%B %Y}"), field=field)


def _pseudonyms(case: Case) -> str:
    return ", ".join(Child.objects.filter(case=case).order_by("position").values_list("pseudonym", flat=True))


def _link(case: Case) -> str:
    return f"{settings.SERVICE_URL}{reverse('rapid_reviews:overview', kwargs={'reference': case.reference})}"


def _tell(*, case: Case, to: Iterable[str], subject: str, body: str, kind: str) -> None:
    for address in to:
        message_queue(to=address, subject=subject, body=body, kind=kind, partnership=case.partnership)


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def section_stamp(review: RapidReview | None, section: str) -> EditStamp:
    """The section's current version, and who saved it last and when (version 0: never saved)."""
    entry = (review.section_versions if review is not None else {}).get(section) or {}
    version = int(entry.get("version", 0))
    if not version:
        return EditStamp(version=0)
    saved_by = User.objects.filter(pk=int(entry.get("by") or 0)).only("full_name", "email").first()
    return EditStamp(
        version=version,
        by=(saved_by.full_name or saved_by.email) if saved_by else "",
        at=datetime.fromisoformat(entry["at"]) if entry.get("at") else None,
    )


def _review_for_update(case: Case, *, actor: Any, at: datetime) -> RapidReview:
    review = RapidReview.objects.select_for_update().filter(case=case).first()
    if review is None:
        review = RapidReview(case=case, updated_by=actor, updated_at=at)
        review.save(force_insert=True)
    return review


def _partner_org_ids(case: Case) -> set[int]:
    return set(
        PartnershipOrganisation.objects.filter(
            partnership_id=case.partnership_id, is_safeguarding_partner=True
        ).values_list("organisation_id", flat=True)
    )


def _partnership_org_ids(case: Case) -> set[int]:
    return set(
        PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id).values_list(
            "organisation_id", flat=True
        )
    )


# -- the record, section by section ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    what: str
    owner_organisation_id: int | None
    due_on: date | None


def rapid_review_section_save(
    *,
    actor: Any,
    case: Case,
    section: str,
    values: Mapping[str, Any],
    scope: Scope,
    opened_version: int | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> RapidReview:
    """Save one section of the record as a draft, whatever its completeness (the check says what is missing).

    ``opened_version`` is the section's version the page showed (:func:`section_stamp`); when somebody has saved
    the section since, :class:`cspr.core.edits.StaleEdit` is raised and nothing is written. ``None`` skips the
    check (callers that are not a person's form).

    ``values`` by section: ``safeguarding``: ``arrangements`` {child id: text}; ``facts``: ``facts_summary``,
    ``key_practice_episodes``, ``equality_analysis``; ``criteria``: ``judgements`` {code: (judgement, reason)};
    ``decisions``: ``local_decision``, ``local_grounds``, ``national_recommendation``, ``national_criteria``,
    ``national_reasons``, ``further_learning``, ``no_further_learning``; ``learning``: ``immediate_learning``,
    ``actions`` [ActionInput]; ``agencies``: ``involved`` [organisation id], ``omissions`` {organisation id: text}.
    """
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.edit", scope, case)
    try:
        part = Section(section)
    except ValueError:
        raise CaseActionRefused(UNKNOWN_SECTION.format(section=str(section)[:40])) from None
    at = _now(at)
    with transaction.atomic():
        case = _lock_case(case)
        if not domain_rules.open_for(case.stage, PRG_DECISION):
            raise CaseActionRefused(NOT_AT_RAPID_REVIEW)
        review = _review_for_update(case, actor=actor, at=at)
        if PrgDecision.objects.filter(review=review).exists():
            raise CaseActionRefused(RECORD_LOCKED)
        current = section_stamp(review, part.value)
        check_not_stale(what=f"'{part.heading}'", opened=opened_version, current=current)
        _SAVERS[part](review, case, values, actor, at)
        saved = set(review.sections_saved) | {part.value}
        review.sections_saved = sorted(saved)
        review.section_versions = {
            **review.section_versions,
            part.value: {"version": current.version + 1, "by": actor.pk, "at": at.isoformat()},
        }
        review.updated_by = actor
        review.updated_at = at
        review.save()
        _audit(actor=actor, verb="rapid_review.section_saved", case=case, request=request, section=part.value)
    return review


def _save_safeguarding(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    children = {child.pk: child for child in Child.objects.filter(case=case)}
    for child_id, text in dict(values.get("arrangements", {})).items():
        if int(child_id) not in children:
            raise CaseActionRefused(UNKNOWN_CHILD)
        row = ChildSafeguarding.objects.filter(review=review, child_id=int(child_id)).first()
        if row is None:
            row = ChildSafeguarding(review=review, child_id=int(child_id))
        row.seal("arrangements", TEXTS.clean("arrangements", text, field=f"arrangements_{child_id}"))
        row.save()


def _save_facts(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    for name in ("facts_summary", "key_practice_episodes", "equality_analysis"):
        if name in values:
            review.seal(name, TEXTS.clean(name, values[name]))


def _save_criteria(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    allowed = {item.value for item in Judgement} | {""}
    for code, (judgement, reason) in dict(values.get("judgements", {})).items():
        if code not in JUDGED_CODES or judgement not in allowed:
            raise CaseActionRefused(UNKNOWN_SECTION.format(section=str(code)[:40]))
        row = CriterionJudgement.objects.filter(review=review, code=code).first() or CriterionJudgement(
            review=review, code=code
        )
        row.judgement = judgement
        row.seal("reason", TEXTS.clean("reason", reason, field=f"reason_{code}"))
        row.save()


def _save_decisions(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    if "local_decision" in values:
        review.local_decision = values["local_decision"] if values["local_decision"] in {"yes", "no"} else ""
    if "national_recommendation" in values:
        recommendation = values["national_recommendation"]
        review.national_recommendation = recommendation if recommendation in {"yes", "no", "unclear"} else ""
    if "national_criteria" in values:
        review.national_criteria = sorted(set(values["national_criteria"]) & NATIONAL_CODES)
    for name in ("local_grounds", "national_reasons", "further_learning", "no_further_learning"):
        if name in values:
            review.seal(name, TEXTS.clean(name, values[name]))


def _save_learning(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    if "immediate_learning" in values:
        review.seal("immediate_learning", TEXTS.clean("immediate_learning", values["immediate_learning"]))
    if "actions" in values:
        allowed = _partnership_org_ids(case)
        review.actions.all().delete()
        for position, action in enumerate(values["actions"]):
            if action.owner_organisation_id is not None and action.owner_organisation_id not in allowed:
                raise CaseActionRefused(UNKNOWN_ORGANISATION)
            learning_action = LearningAction(
                case=case,
                review=review,
                position=position,
                owner_organisation_id=action.owner_organisation_id,
                due_on=action.due_on,
                created_by=actor,
                created_at=at,
            )
            learning_action.seal("what", TEXTS.clean("actions", action.what))
            learning_action.save(force_insert=True)


def _save_agencies(review: RapidReview, case: Case, values: Mapping[str, Any], actor: Any, at: datetime) -> None:
    allowed = _partnership_org_ids(case)
    involved = {int(value) for value in values.get("involved", [])}
    if not involved <= allowed:
        raise CaseActionRefused(UNKNOWN_ORGANISATION)
    review.agencies_involved.set(sorted(involved))
    omissions = {int(key): TEXTS.clean("omissions", text) for key, text in dict(values.get("omissions", {})).items()}
    if not set(omissions) <= allowed:
        raise CaseActionRefused(UNKNOWN_ORGANISATION)
    AgencyOmission.objects.filter(review=review).delete()
    for organisation_id, reason in sorted(omissions.items()):
        if organisation_id not in involved and reason:
            omission = AgencyOmission(review=review, organisation_id=organisation_id)
            omission.seal("reason", reason)
            omission.save(force_insert=True)


_SAVERS = {
    Section.SAFEGUARDING: _save_safeguarding,
    Section.FACTS: _save_facts,
    Section.CRITERIA: _save_criteria,
    Section.DECISIONS: _save_decisions,
    Section.LEARNING: _save_learning,
    Section.AGENCIES: _save_agencies,
}


# -- the PRG meeting -------------------------------------------------------------------------------------------------


def meeting_schedule(
    *,
    actor: Any,
    case: Case,
    scheduled_on: date,
    mode: str,
    where: str,
    scope: Scope,
    starts_at: str = "",
    agenda: str = "",
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PrgMeeting:
    """Schedule (or re-schedule) the extraordinary PRG meeting (§3.4). After the ``prg_meeting`` clock's due date
    it needs a reason."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.organise_meeting", scope, case)
    at = _now(at)
    if mode not in PrgMeeting.Mode.values:
        raise CaseActionRefused("Choose whether the meeting is virtual or in person.", field="mode")
    where = TEXTS.clean("where", where)
    if not where or len(where) > 500:
        raise CaseActionRefused(MEETING_WHERE_NEEDED, field="where")
    agenda = TEXTS.clean("agenda", agenda)
    late_reason = TEXTS.clean("late_reason", late_reason)
    with transaction.atomic():
        case = _lock_case(case)
        if not domain_rules.open_for(case.stage, PRG_DECISION):
            raise CaseActionRefused(NOT_AT_RAPID_REVIEW)
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
            meeting = PrgMeeting(case=case, scheduled_by=actor, scheduled_at=at, scheduled_on=scheduled_on)
        meeting.scheduled_on = scheduled_on
        meeting.starts_at = starts_at
        meeting.mode = mode
        meeting.where = where
        meeting.seal("late_reason", late_reason if late else "")
        meeting.seal("agenda", agenda)
        meeting.save()
        _audit(
            actor=actor,
            verb="rapid_review.meeting_scheduled",
            case=case,
            request=request,
            scheduled_on=scheduled_on,
            mode=mode,
            late=late,
        )
    return meeting


@dataclass(frozen=True)
class AttendanceInput:
    organisation_id: int
    status: str
    explanation: str = ""


def meeting_held_record(
    *,
    actor: Any,
    case: Case,
    held_on: date,
    attendance: Iterable[AttendanceInput],
    minutes: str,
    actions_agreed: str,
    scope: Scope,
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PrgMeeting:
    """Record that the PRG met: who came, by organisation (every statutory agency listed; an absence explained),
    the minutes and the actions agreed. Stops the ``prg_meeting`` clock."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.organise_meeting", scope, case)
    at = _now(at)
    _not_future(held_on, today=_today(at), field="held_on")
    minutes = TEXTS.clean("minutes", minutes)
    if not minutes:
        raise CaseActionRefused(MINUTES_NEEDED, field="minutes")
    actions_agreed = TEXTS.clean("actions_agreed", actions_agreed)
    rows = {row.organisation_id: row for row in attendance}
    statutory = selectors.statutory_agencies(partnership_id=case.partnership_id)
    allowed = _partnership_org_ids(case)
    if not set(rows) <= allowed:
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
        case = _lock_case(case)
        meeting = PrgMeeting.objects.select_for_update().filter(case=case).first()
        if meeting is None:
            raise CaseActionRefused(MEETING_NOT_SCHEDULED)
        if meeting.held_on is not None:
            raise CaseActionRefused(MEETING_ALREADY_HELD)
        if not domain_rules.open_for(case.stage, PRG_DECISION):
            raise CaseActionRefused(NOT_AT_RAPID_REVIEW)
        meeting.held_on = held_on
        meeting.held_recorded_by = actor
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
            acting=acting_of(actor, request=request),
            case=case,
            clock_id="prg_meeting",
            met_on=held_on,
            late_reason=TEXTS.clean("late_reason", late_reason) or meeting.unseal("late_reason"),
        )
        _audit(
            actor=actor,
            verb="rapid_review.meeting_held",
            case=case,
            request=request,
            held_on=held_on,
            attended=sorted(oid for oid, row in rows.items() if row.status == MeetingAttendance.Status.ATTENDED),
            absent=sorted(oid for oid, row in rows.items() if row.status != MeetingAttendance.Status.ATTENDED),
        )
    return meeting


def meeting_paper_attach(
    *,
    actor: Any,
    case: Case,
    upload: Any,
    title: str,
    scope: Scope,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> MeetingPaper:
    """Keep a paper for the PRG meeting (checked as case documents are: size, type by content, the scanner hook)."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.organise_meeting", scope, case)
    title = TEXTS.clean("title", title)
    if not title:
        raise CaseActionRefused(documents.TITLE_NEEDED, field="title")
    meeting = selectors.meeting_get(case=case)
    if meeting is None:
        raise CaseActionRefused(MEETING_NOT_SCHEDULED)
    at = _now(at)
    paper_uuid = uuid_module.uuid4()
    with documents.kept(upload=upload, folder=str(case.uuid), name=str(paper_uuid)) as stored, transaction.atomic():
        paper = MeetingPaper(
            uuid=paper_uuid, meeting=meeting, uploaded_by=actor, uploaded_at=at, **stored.model_fields()
        )
        paper.seal("title", title)
        paper.seal("original_name", documents.original_name(upload, "paper"))
        paper.save(force_insert=True)
        _audit(
            actor=actor,
            verb="rapid_review.paper_attached",
            case=case,
            request=request,
            paper=str(paper_uuid),
            **stored.audit_details(),
        )
    return paper


def meeting_paper_download(
    *, actor: Any, case: Case, paper: MeetingPaper, scope: Scope, request: HttpRequest | None = None
) -> documents.Download:
    """Open a meeting paper for a PRG member (§4.2); each download is audited."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.read_papers", scope, case)
    if paper.meeting.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)
    with transaction.atomic():
        _audit(
            actor=actor,
            verb="rapid_review.paper_downloaded",
            case=case,
            request=request,
            paper=str(paper.uuid),
        )
    return documents.Download.of(paper)


# -- the PRG's decision: "Send to the Executive" ----------------------------------------------------------------------


def prg_decision_record(
    *,
    actor: Any,
    case: Case,
    scope: Scope,
    decided_on: date | None = None,
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PrgDecision:
    """The PRG chair records the PRG's decision and sends the rapid review to the Executive (§4.3-4.4).

    Needs the meeting held and the completeness check passed; stops ``rapid_review_to_executive`` and e-mails the
    Executive members.
    """
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.decide", scope, case)
    at = _now(at)
    decided_on = decided_on or _today(at)
    _not_future(decided_on, today=_today(at), field="decided_on")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.select_for_update().filter(case=case).first()
        meeting = selectors.meeting_get(case=case)
        held = meeting is not None and meeting.held_on is not None
        if not held:
            raise CaseActionRefused(MEETING_NOT_HELD)
        check = selectors.review_completeness(case=case, review=review)
        if review is None or not check.complete:
            raise CaseActionRefused(INCOMPLETE.format(count=len(check.problems) or 1))
        decision = PrgDecision(
            review=review,
            decided_on=decided_on,
            local_review=review.local_decision == "yes",
            national_recommendation=review.national_recommendation,
            recorded_by=actor,
            recorded_at=at,
        )
        late_reason = TEXTS.clean("late_reason", late_reason)
        decision.seal("late_reason", late_reason)
        decision.save(force_insert=True)
        case_clock_met(
            acting=acting_of(actor, request=request),
            case=case,
            clock_id="rapid_review_to_executive",
            met_on=decided_on,
            late_reason=late_reason,
        )
        case_advance(
            acting=acting_of(actor, scope=scope, request=request),
            case=case,
            transition="record_prg_decision",
            facts={"prg_meeting_held": held, "rapid_review_complete": check.complete},
            reason=IN_THE_RECORD,
            at=at,
        )
        _audit(
            actor=actor,
            verb="rapid_review.prg_decision_recorded",
            case=case,
            request=request,
            local_review=decision.local_review,
            national_recommendation=decision.national_recommendation,
            decided_on=decided_on,
        )
        _tell(
            case=case,
            to=selectors.executive_emails(partnership_id=case.partnership_id),
            subject=f"{case.reference}: the rapid review is ready for the Executive to ratify",
            body=(
                f"{case.partnership.name}\n\nThe PRG has recorded its decision on case {case.reference} "
                f"({_pseudonyms(case)}) and sends the rapid review to the Executive Group (§4.4). Each lead "
                f"safeguarding partner signs off, then an Executive member ratifies it.\n\n"
                f"Sign in to read the rapid review and sign off: {_link(case)}\n"
            ),
            kind="rapid_review.sent_to_executive",
        )
    return decision


# -- ratification (§4.4-4.6) -----------------------------------------------------------------------------------------


def partner_sign_off(
    *,
    actor: Any,
    case: Case,
    organisation_id: int,
    agrees: bool,
    scope: Scope,
    rationale: str = "",
    signed_on: date | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PartnerSignOff:
    """One lead safeguarding partner signs off, through an Executive member of that organisation."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.sign_off", scope, case)
    at = _now(at)
    signed_on = signed_on or _today(at)
    _not_future(signed_on, today=_today(at), field="signed_on")
    if organisation_id not in _partner_org_ids(case):
        raise CaseActionRefused(NOT_A_PARTNER, field="organisation")
    if organisation_id not in scope.organisation_ids_in(case.partnership_id, roles=[Role.EXECUTIVE_MEMBER]):
        raise CaseActionRefused(NOT_FOR_THIS_PARTNER, field="organisation")
    rationale = TEXTS.clean("rationale", rationale)
    if not agrees and text_length(rationale) < MIN_REASON:
        raise CaseActionRefused(RATIONALE_NEEDED.format(minimum=MIN_REASON), field="rationale")
    with transaction.atomic():
        case = _lock_case(case)
        if not domain_rules.open_for(case.stage, "ratify"):
            raise CaseActionRefused(NOT_PRG_DECIDED)
        review = RapidReview.objects.get(case=case)
        decision = PrgDecision.objects.filter(review=review).first()
        if decision is not None:
            _not_before(signed_on, decision.decided_on, what="the PRG's decision", field="signed_on")
        existing = PartnerSignOff.objects.filter(review=review, organisation_id=organisation_id).first()
        if existing is not None:
            raise CaseActionRefused(ALREADY_SIGNED.format(name=existing.organisation.name))
        sign_off = PartnerSignOff(
            review=review,
            organisation_id=organisation_id,
            agrees=agrees,
            signed_on=signed_on,
            signed_by=actor,
            recorded_at=at,
        )
        sign_off.seal("rationale", rationale if not agrees else "")
        sign_off.save(force_insert=True)
        _audit(
            actor=actor,
            verb="rapid_review.partner_signed_off",
            case=case,
            request=request,
            organisation=organisation_id,
            agrees=agrees,
        )
    return sign_off


def rapid_review_ratify(
    *,
    actor: Any,
    case: Case,
    scope: Scope,
    ratified_on: date | None = None,
    local_review: bool | None = None,
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Ratification:
    """An Executive member ratifies once every lead safeguarding partner has signed off (§4.4-4.6).

    Where every partner agrees, the PRG's decision on a local review stands. Where one disagrees, the Executive
    says what it decided (``local_review``) and the discrepancy clock applies. A local review fixes the case's
    ``decision`` date (DESIGN §3) at the ratification date, and the Panel, Ofsted and DfE are told (§4.7).
    """
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.sign_off", scope, case)
    at = _now(at)
    ratified_on = ratified_on or _today(at)
    _not_future(ratified_on, today=_today(at), field="ratified_on")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.select_for_update().filter(case=case).first()
        decision = PrgDecision.objects.filter(review=review).first() if review else None
        if review is None or decision is None:
            raise CaseActionRefused(NOT_PRG_DECIDED)
        sign_offs = list(PartnerSignOff.objects.filter(review=review))
        partners = selectors.safeguarding_partners(partnership_id=case.partnership_id)
        signed = {row.organisation_id for row in sign_offs}
        missing = [org.name for org in partners if org.pk not in signed]
        if missing or not partners:
            raise CaseActionRefused(PARTNERS_MISSING.format(names=", ".join(missing) or "none set up"))
        signed_kinds = {org.type for org in partners if org.pk in signed}
        absent = [label for kind, label in LEAD_PARTNER_KINDS if kind not in signed_kinds]
        if absent:
            raise CaseActionRefused(LEAD_PARTNERS_INCOMPLETE.format(kinds=", ".join(absent)))
        last_sign_off = max(row.signed_on for row in sign_offs)
        _not_before(ratified_on, last_sign_off, what="the last partner's sign-off", field="ratified_on")
        any_disagree = any(not row.agrees for row in sign_offs)
        rationale_recorded = all(
            text_length(row.unseal("rationale")) >= MIN_REASON for row in sign_offs if not row.agrees
        )
        if any_disagree:
            if local_review is None:
                raise CaseActionRefused(EXECUTIVE_DECISION_NEEDED, field="local_review")
            outcome = local_review
        else:
            outcome = decision.local_review
        ratification = Ratification(
            review=review,
            ratified_on=ratified_on,
            local_review=outcome,
            disagrees_with_prg=any_disagree,
            ratified_by=actor,
            recorded_at=at,
        )
        late_reason = TEXTS.clean("late_reason", late_reason)
        ratification.seal("late_reason", late_reason)
        ratification.save(force_insert=True)
        case_clock_met(
            acting=acting_of(actor, request=request),
            case=case,
            clock_id="executive_ratification",
            met_on=ratified_on,
            late_reason=late_reason,
        )
        case_advance(
            acting=acting_of(actor, scope=scope, request=request),
            case=case,
            transition="ratify",
            facts={
                "prg_decision_recorded": True,
                "partners_signed_off": True,
                "executive_disagrees_with_prg": any_disagree,
                "disagreement_rationale_recorded": rationale_recorded,
            },
            at=at,
            # The first decision to hold a local review starts the publication clock; a later one does not move it.
            decision_on=ratified_on if outcome and case.decision_on is None else None,
            executive_disagrees_with_prg=any_disagree,
        )
        _audit(
            actor=actor,
            verb="rapid_review.ratified",
            case=case,
            request=request,
            ratified_on=ratified_on,
            local_review=outcome,
            disagrees_with_prg=any_disagree,
        )
        if outcome:
            _tell_local_review_agreed(case=case, review=review, at=at, request=request, actor=actor)
    return ratification


def _tell_local_review_agreed(
    *, case: Case, review: RapidReview, at: datetime, request: HttpRequest | None, actor: Any
) -> LocalReviewNotice | None:
    """§4.7: the Panel, Ofsted and DfE are told a local review will be held. Once per case; reference only."""
    if LocalReviewNotice.objects.filter(review=review).exists():
        return None
    kinds = [ContactKind.PANEL, ContactKind.OFSTED, ContactKind.DFE]
    contacts = list(Contact.objects.filter(partnership_id=case.partnership_id, kind__in=kinds).exclude(email=""))
    for contact in contacts:
        message_queue(
            to=contact.email,
            subject=f"{case.partnership.name}: local child safeguarding practice review agreed ({case.reference})",
            body=(
                f"{case.partnership.name}\n\nThe partnership has agreed to hold a local child safeguarding practice "
                f"review of its case {case.reference} (§4.7). The commissioned reviewer will be named when "
                f"appointed.\n\nThis message carries the case reference only.\n"
            ),
            kind="rapid_review.local_review_agreed",
            partnership=case.partnership,
        )
    notice = LocalReviewNotice(review=review, recipients=sorted(contact.kind for contact in contacts), sent_at=at)
    notice.save(force_insert=True)
    _audit(
        actor=actor,
        verb="rapid_review.local_review_notified",
        case=case,
        request=request,
        recipients=notice.recipients,
    )
    return notice


def rationale_sent_record(
    *,
    actor: Any,
    case: Case,
    sent_on: date,
    scope: Scope,
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> RationaleSent:
    """The date the Executive's rationale for disagreeing went to the Panel (§4.5); stops its clock."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.correspond_with_panel", scope, case)
    at = _now(at)
    _not_future(sent_on, today=_today(at), field="sent_on")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.filter(case=case).first()
        ratification = Ratification.objects.filter(review=review).first() if review else None
        if review is None or ratification is None:
            raise CaseActionRefused(NOT_RATIFIED)
        if not ratification.disagrees_with_prg:
            raise CaseActionRefused(NO_DISAGREEMENT)
        previous = RationaleSent.objects.filter(review=review).first()
        if previous is not None:
            raise CaseActionRefused(RATIONALE_ALREADY_SENT.format(sent_on=f"{previous.sent_on:%-d %B %Y}"))
        row = RationaleSent(
            review=review,
            sent_on=sent_on,
            recorded_by=actor,
            recorded_at=at,
        )
        late_reason = TEXTS.clean("late_reason", late_reason)
        row.seal("late_reason", late_reason)
        row.save(force_insert=True)
        case_clock_met(
            acting=acting_of(actor, request=request),
            case=case,
            clock_id="discrepancy_rationale_to_panel",
            met_on=sent_on,
            late_reason=late_reason,
        )
        _audit(actor=actor, verb="rapid_review.rationale_sent", case=case, request=request, sent_on=sent_on)
    return row


# -- the Panel (§4.6, §8.5) --------------------------------------------------------------------------------------------


def panel_submission_record(
    *,
    actor: Any,
    case: Case,
    sent_on: date,
    scope: Scope,
    late_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelSubmission:
    """The ratified rapid review was sent to the Panel: stops ``rapid_review_to_panel`` and awaits the Panel."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.correspond_with_panel", scope, case)
    at = _now(at)
    _not_future(sent_on, today=_today(at), field="sent_on")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.filter(case=case).first()
        ratification = Ratification.objects.filter(review=review).first() if review else None
        if review is None or ratification is None:
            raise CaseActionRefused(NOT_RATIFIED)
        _not_before(sent_on, ratification.ratified_on, what="the ratification", field="sent_on")
        submission = PanelSubmission(
            review=review,
            sent_on=sent_on,
            recorded_by=actor,
            recorded_at=at,
        )
        late_reason = TEXTS.clean("late_reason", late_reason)
        submission.seal("late_reason", late_reason)
        submission.save(force_insert=True)
        case_clock_met(
            acting=acting_of(actor, request=request),
            case=case,
            clock_id="rapid_review_to_panel",
            met_on=sent_on,
            late_reason=late_reason,
        )
        case = case_advance(
            acting=acting_of(actor, scope=scope), case=case, transition="submit_to_panel", facts={}, at=at
        )
        case_advance(
            acting=acting_of(actor, scope=scope, request=request), case=case, transition="await_panel", facts={}, at=at
        )
        _audit(actor=actor, verb="rapid_review.sent_to_panel", case=case, request=request, sent_on=sent_on)
    return submission


def panel_response_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    received_on: date,
    scope: Scope,
    details: str = "",
    information_due_on: date | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelResponse:
    """Record what the Panel said (§8.5), or the information sent back to it, and move the case on."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.correspond_with_panel", scope, case)
    at = _now(at)
    try:
        response_kind = PanelResponse.Kind(kind)
    except ValueError:
        raise CaseActionRefused(UNKNOWN_RESPONSE, field="kind") from None
    _not_future(received_on, today=_today(at), field="received_on")
    details = TEXTS.clean("details", details)
    if response_kind in RESPONSES_NEEDING_DETAILS and text_length(details) < MIN_REASON:
        raise CaseActionRefused(DETAILS_NEEDED.format(minimum=MIN_REASON), field="details")
    if response_kind == PanelResponse.Kind.INFORMATION_REQUESTED and information_due_on is None:
        raise CaseActionRefused(INFORMATION_DUE_NEEDED, field="information_due_on")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.filter(case=case).first()
        first_sent = PanelSubmission.objects.filter(review=review).order_by("sent_on").first() if review else None
        if review is None or first_sent is None:
            raise CaseActionRefused(RESPONSE_NOT_NOW, field="kind")
        _not_before(
            received_on, first_sent.sent_on, what="the date the rapid review went to the Panel", field="received_on"
        )
        response = PanelResponse(
            review=review,
            kind=response_kind.value,
            received_on=received_on,
            information_due_on=information_due_on
            if response_kind == PanelResponse.Kind.INFORMATION_REQUESTED
            else None,
            recorded_by=actor,
            recorded_at=at,
        )
        response.seal("details", details)
        response.save(force_insert=True)
        local = response_kind == PanelResponse.Kind.LOCAL_REVIEW
        case_advance(
            acting=acting_of(actor, scope=scope, request=request),
            case=case,
            transition=RESPONSE_TRANSITIONS[response_kind],
            facts={},
            reason=f"{response_kind.label}. {IN_THE_RECORD}",
            at=at,
            decision_on=received_on if local and case.decision_on is None else None,
        )
        _audit(
            actor=actor,
            verb="rapid_review.panel_response_recorded",
            case=case,
            request=request,
            kind=response_kind.value,
            received_on=received_on,
            information_due_on=response.information_due_on,
        )
        if local:
            _tell_local_review_agreed(case=case, review=review, at=at, request=request, actor=actor)
    return response


def criteria_not_met_close(
    *,
    actor: Any,
    case: Case,
    reason: str,
    scope: Scope,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Close the case because it turns out not to meet the criteria (PRG chair or Executive member), with reasons."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.close_criteria_not_met", scope, case)
    reason = TEXTS.clean("reason", reason)
    if text_length(reason) < MIN_REASON:
        raise CaseActionRefused(CLOSE_REASON_NEEDED.format(minimum=MIN_REASON), field="reason")
    at = _now(at)
    with transaction.atomic():
        closure = CriteriaNotMetClosure(case=case, closed_by=actor, closed_at=at)
        closure.seal("reason", reason)
        closure.save(force_insert=True)
        case = case_advance(
            acting=acting_of(actor, scope=scope, request=request),
            case=case,
            transition="close_criteria_not_met",
            facts={},
            reason=IN_THE_RECORD,
            at=at,
        )
        _audit(actor=actor, verb="rapid_review.closed_criteria_not_met", case=case, request=request)
    return case


# -- telling the family (§5.3) ---------------------------------------------------------------------------------------


def family_told_record(
    *,
    actor: Any,
    case: Case,
    told_on: date,
    method: str,
    told_by: str,
    what_was_said: str,
    scope: Scope,
    method_other: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> FamilyTold:
    """Who told the family the decision and its reasons, when and how: recorded whichever way the decision went."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.record_family_told", scope, case)
    at = _now(at)
    _not_future(told_on, today=_today(at), field="told_on")
    if method not in FamilyTold.Method.values:
        raise CaseActionRefused("Choose how the family was told.", field="method")
    method_other = TEXTS.clean("method_other", method_other)
    if method == FamilyTold.Method.OTHER and not method_other:
        raise CaseActionRefused(METHOD_OTHER_NEEDED, field="method_other")
    told_by = TEXTS.clean("told_by", told_by)
    if not told_by or len(told_by) > 200:
        raise CaseActionRefused(TOLD_BY_NEEDED, field="told_by")
    what_was_said = TEXTS.clean("what_was_said", what_was_said)
    if text_length(what_was_said) < MIN_REASON:
        raise CaseActionRefused(WHAT_SAID_NEEDED.format(minimum=MIN_REASON), field="what_was_said")
    with transaction.atomic():
        case = _lock_case(case)
        review = RapidReview.objects.filter(case=case).first()
        if review is None or not PrgDecision.objects.filter(review=review).exists():
            if not domain_rules.reached_by(case.stage, CLOSE_CRITERIA_NOT_MET):
                raise CaseActionRefused(NO_DECISION_YET)
            review = _review_for_update(case, actor=actor, at=at)
        row = FamilyTold(
            review=review,
            told_on=told_on,
            method=method,
            told_by=told_by,
            recorded_by=actor,
            recorded_at=at,
        )
        row.seal("what_was_said", what_was_said)
        row.seal("method_other", method_other if method == FamilyTold.Method.OTHER else "")
        row.save(force_insert=True)
        _audit(actor=actor, verb="rapid_review.family_told", case=case, request=request, told_on=told_on, method=method)
    return row


# -- the document for the Panel ------------------------------------------------------------------------------------


def rapid_review_document_open(
    *,
    actor: Any,
    case: Case,
    scope: Scope,
    identifying: bool,
    output: str = "docx",
    purpose: str = "",
    purpose_other: str = "",
    request: HttpRequest | None = None,
) -> IdentifyingDetails | None:
    """Audit a download (or print view) of the rapid review. With identifying details, the purpose is required and
    the view of the details is audited as on the identifying-details page; returns them for the document."""
    scope = _check_scope(actor, scope)
    _require("rapid_reviews.identifying_document" if identifying else "rapid_reviews.view", scope, case)
    details = None
    if identifying:
        details = identifying_details_view(
            acting=acting_of(actor, scope=scope, request=request),
            case=case,
            purpose=purpose,
            purpose_other=purpose_other,
        )
    with transaction.atomic():
        _audit(
            actor=actor,
            verb="rapid_review.document_opened",
            case=case,
            request=request,
            identifying=identifying,
            output=output,
        )
    return details


# -- key rotation ------------------------------------------------------------------------------------------------
