"""The local review of a case (§5.5, §6.1-6.7), written by the business unit.

* :func:`local_review_start` — the review starts once the case is at the local review stage: how the decision came is
  read from the case's path, the day it starts proposes the milestones, and a joint review names the other
  partnership, its contact and who leads (§5.5).
* :func:`terms_of_reference_save` — a new version of the terms of reference (§6.3-6.5), never overwriting the last:
  refused unless it says how each parallel process open on the case's register is handled (§9.4), and refused as
  stale when another version was saved since the form was opened (ADR 0013).
* :func:`terms_of_reference_agree` — the partnership agrees the latest version (the business unit records it, with
  its membership): the first agreement, once the reviewer is commissioned, starts the review (the lifecycle's
  ``start_review``); a later version needs agreeing again.
* :func:`milestone_done`, :func:`milestone_move` and :func:`checkpoint_record` — supervision (§6.7).

The free text is cleaned by the one text policy and sealed (ADR 0009); the audit trail keeps kinds, dates, numbers
and ids, never the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.calendars.selectors import partnership_calendar
from cspr.cases.models import Case
from cspr.cases.services import case_advance, case_locked, makes_transitions
from cspr.domain.lifecycle import Stage
from cspr.domain.local_review import MILESTONES, JointLead, Method, MilestoneKind, proposed_milestones
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.edits import check_not_stale
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future, now
from cspr.kernel.text import NOTE, ONE_LINE, REASON, FieldTexts
from cspr.local_reviews import selectors
from cspr.local_reviews.models import (
    Checkpoint,
    LocalReview,
    Milestone,
    MilestoneMove,
    ProcessHandling,
    TermsOfReference,
)
from cspr.local_reviews.rules import ROLES
from cspr.partnerships.scoping import Grant

KEEP = "local_reviews.keep"

NOT_AT_LOCAL_REVIEW = "The case is not at the local review stage, so a local review cannot be started."
ALREADY_STARTED = "The local review started on {day}."
NOT_STARTED = "Start the local review first."
NOT_WORKING = "The local review is not in progress at this stage of the case, so nothing more can be recorded on it."
NO_DECISION = "The case has no decision to hold a local review, so the review cannot start."
JOINT_PARTNERSHIP_NEEDED = "Enter the name of the other partnership"
JOINT_CONTACT_NEEDED = "Enter the other partnership's contact"
JOINT_LEAD_NEEDED = "Select which partnership leads the review"
UNKNOWN_METHOD = "Select the method the review will follow"
METHOD_OTHER_NEEDED = "Say what the other method is"
PERIOD_ORDER = "The end of the period under review must be the same as or after its start"
LINES_NEEDED = "Enter at least one key line of enquiry"
PRACTITIONERS_NEEDED = "Say how practitioners will be involved"
FAMILY_NEEDED = "Say how the family will be involved"
PROPORTIONALITY_NEEDED = "Say why the review is proportionate to the case"
HANDLING_NEEDED = "Say how the review handles the {process}"
NO_TERMS = "There are no terms of reference to agree yet."
ONLY_LATEST = "Only the latest version of the terms of reference (version {number}) can be agreed."
ALREADY_AGREED = "Version {number} of the terms of reference was agreed on {day}."
REVIEWER_FIRST = "Commission the reviewer first: the terms of reference are agreed with the reviewer (§6.3)."
PROCESS_NOT_HANDLED = (
    "A parallel process was added to the case's register since this version was saved: save a new version that says "
    "how the {process} is handled, then agree it."
)
MILESTONE_NOT_FOUND = "There is no such milestone on this local review."
MILESTONE_DONE = "That milestone was done on {day}."
MOVE_REASON_NEEDED = "Enter why the due date moves"
MOVE_SAME_DATE = "The new due date is the same as the current one ({day})"
UNKNOWN_KIND = "Select what kind of checkpoint it was"
UNKNOWN_RATING = "Select how the review stands"
NOTE_NEEDED = "Enter what was found and agreed"
DATE_BEFORE = "The date must be the same as or after {what} ({day})."

TEXTS = FieldTexts(
    {
        ONE_LINE: {
            "joint_partnership": "The other partnership's name",
            "joint_contact": "The other partnership's contact",
            "method_other": "The other method",
        },
        NOTE: {
            "lines_of_enquiry": "The key lines of enquiry",
            "handling": "How the review handles the process",
            "reason": "Why the due date moves",
            "note": "The note",
        },
        REASON: {
            "practitioners": "How practitioners will be involved",
            "family": "How the family will be involved",
            "proportionality": "Why the review is proportionate",
        },
    },
    refused=CaseActionRefused,
)
"""How the local review's free-text inputs are named in messages, under the limit of their kind (the forms use the
same words)."""

TERMS_TEXTS = ("method_other", "practitioners", "family", "proportionality")


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _not_before(day: date | None, earlier: date | None, *, what: str, field: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise CaseActionRefused(DATE_BEFORE.format(what=what, day=_day(earlier)), field=field)


def _grant(acting: Acting, case: Case) -> Grant | None:
    return kit.allowed(acting, KEEP, case, ROLES[KEEP])


@dataclass(frozen=True, kw_only=True)
class Writing(kit.CaseWrite):
    """What every write to a started local review works on: who is acting, the case (locked), the review, the
    membership that allows it and the moment; its events are ``local_review.<verb>``, about a row of the review."""

    verbs = "local_review."

    case: Case
    review: LocalReview


def _open(
    acting: Acting, case: Case, *, at: datetime | None, rule: str = KEEP, roles: frozenset[Role] | None = None
) -> Writing:
    """Inside the caller's transaction: the case locked at a stage the review is kept at, and its review. ``rule``
    (open to ``roles``) is the business unit's keeping of the review unless the write is another's."""
    grant = kit.allowed(acting, rule, case, roles if roles is not None else ROLES[rule])
    case = case_locked(case)
    review = selectors.local_review_get(case=case)
    if review is None:
        raise CaseActionRefused(NOT_STARTED)
    if case.stage not in selectors.WORKING_STAGES:
        raise CaseActionRefused(NOT_WORKING)
    return Writing(acting=acting, case=case, review=review, grant=grant, at=now(at))


# -- starting ---------------------------------------------------------------------------------------------------------


def local_review_start(
    *,
    acting: Acting,
    case: Case,
    started_on: date | None = None,
    joint: bool = False,
    joint_partnership: str = "",
    joint_contact: str = "",
    joint_lead: str = "",
    at: datetime | None = None,
) -> LocalReview:
    """Start the case's local review on ``started_on`` (today unless given), with its milestones proposed from that
    day; joint with another partnership when the child lived across areas (§5.5), naming it, its contact and who
    leads. How the decision came is read from the case's path, and its date is the case's (the publication clock's)."""
    grant = _grant(acting, case)
    at = now(at)
    started_on = started_on or local_today(at)
    not_future(started_on, today=local_today(at), field="started_on")
    if joint:
        joint_partnership = TEXTS.needed("joint_partnership", joint_partnership, JOINT_PARTNERSHIP_NEEDED)
        joint_contact = TEXTS.needed("joint_contact", joint_contact, JOINT_CONTACT_NEEDED)
        if joint_lead not in JointLead:
            raise CaseActionRefused(JOINT_LEAD_NEEDED, field="joint_lead")
    else:
        joint_partnership = joint_contact = joint_lead = ""
    with transaction.atomic():
        case = case_locked(case)
        if case.stage not in selectors.STARTABLE_STAGES:
            raise CaseActionRefused(NOT_AT_LOCAL_REVIEW)
        existing = selectors.local_review_get(case=case)
        if existing is not None:
            raise CaseActionRefused(ALREADY_STARTED.format(day=_day(existing.started_on)))
        route = selectors.decision_route(case=case)
        if route is None or case.decision_on is None:
            raise CaseActionRefused(NO_DECISION)
        _not_before(started_on, case.decision_on, what="the decision to hold the review", field="started_on")
        review = kit.inserted(
            LocalReview(
                case=case,
                route=route.value,
                decided_on=case.decision_on,
                started_on=started_on,
                joint=joint,
                joint_partnership=joint_partnership,
                joint_lead=joint_lead,
                started_by=kit.person(acting),
                started_at=at,
            ),
            joint_contact=joint_contact,
        )
        proposed = proposed_milestones(started_on, partnership_calendar(partnership_id=case.partnership_id))
        Milestone.objects.bulk_create(
            Milestone(review=review, kind=rule.kind.value, position=position, proposed_on=day, due_on=day)
            for position, rule in enumerate(MILESTONES)
            for day in (proposed[rule.kind],)
        )
        audit_case(
            acting,
            "local_review.started",
            case,
            obj=review,
            grant=grant,
            route=route.value,
            decided_on=case.decision_on,
            started_on=started_on,
            joint=joint,
            joint_lead=joint_lead,
        )
    return review


# -- terms of reference -----------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def terms_of_reference_save(
    *,
    acting: Acting,
    case: Case,
    method: str,
    period_from: date,
    period_to: date,
    lines_of_enquiry: str,
    practitioners: str,
    family: str,
    proportionality: str,
    handling: Mapping[int, str],
    method_other: str = "",
    opened_version: int | None = None,
    at: datetime | None = None,
) -> TermsOfReference:
    """Save a new version of the terms of reference: the method (the systems approach unless agreed otherwise), the
    period under review, the key lines of enquiry (one a line), how practitioners and the family will be involved,
    why the review is proportionate, and how each parallel process open on the register is handled (``handling``, by
    process id). ``opened_version`` is the version the form showed: a save made from an older one is refused."""
    at = now(at)
    if method not in Method:
        raise CaseActionRefused(UNKNOWN_METHOD, field="method")
    texts = {
        name: TEXTS.clean(name, value)
        for name, value in zip(TERMS_TEXTS, (method_other, practitioners, family, proportionality), strict=True)
    }
    if method == Method.OTHER and not texts["method_other"]:
        raise CaseActionRefused(METHOD_OTHER_NEEDED, field="method_other")
    if method != Method.OTHER:
        texts["method_other"] = ""
    not_future(period_to, today=local_today(at), field="period_to")
    if period_to < period_from:
        raise CaseActionRefused(PERIOD_ORDER, field="period_to")
    lines = _lines(TEXTS.clean("lines_of_enquiry", lines_of_enquiry))
    if not lines:
        raise CaseActionRefused(LINES_NEEDED, field="lines_of_enquiry")
    for name, message in (
        ("practitioners", PRACTITIONERS_NEEDED),
        ("family", FAMILY_NEEDED),
        ("proportionality", PROPORTIONALITY_NEEDED),
    ):
        if not texts[name]:
            raise CaseActionRefused(message, field=name)
    with transaction.atomic():
        writing = _open(acting, case, at=at)
        stamp = selectors.terms_stamp(review=writing.review)
        check_not_stale(what="The terms of reference", opened=opened_version, current=stamp)
        processes = selectors.open_processes(case=writing.case)
        handled = {}
        for process in processes:
            words = TEXTS.clean("handling", handling.get(process.id, ""), field=f"process_{process.id}")
            if not words:
                raise CaseActionRefused(
                    HANDLING_NEEDED.format(process=process.kind_label.lower()), field=f"process_{process.id}"
                )
            handled[process.id] = words
        terms = TermsOfReference(
            review=writing.review,
            number=stamp.version + 1,
            method=method,
            period_from=period_from,
            period_to=period_to,
            saved_by=kit.person(acting),
            saved_at=at,
        )
        for name, value in texts.items():
            terms.seal(name, value)
        terms.seal_list("lines_of_enquiry", lines)
        terms.save(force_insert=True)
        for process in processes:
            kit.inserted(
                ProcessHandling(
                    terms=terms,
                    process_id=process.id,
                    process_kind=process.answers["kind"],
                    process_status=process.answers["status"],
                ),
                handling=handled[process.id],
            )
        writing.audit(
            "terms_saved",
            terms,
            number=terms.number,
            method=method,
            period_from=period_from,
            period_to=period_to,
            lines_of_enquiry=len(lines),
            open_processes=[process.id for process in processes],
        )
    return terms


@makes_transitions("start_review")
def terms_of_reference_agree(
    *, acting: Acting, case: Case, number: int, agreed_on: date, at: datetime | None = None
) -> TermsOfReference:
    """Record that the partnership agreed version ``number`` (the latest) of the terms of reference with the reviewer
    on ``agreed_on`` (§6.3). The first agreement starts the review (``start_review``), which needs the reviewer
    commissioned; it also marks the "terms of reference agreed" milestone done, if it was not."""
    at = now(at)
    not_future(agreed_on, today=local_today(at), field="agreed_on")
    with transaction.atomic():
        writing = _open(acting, case, at=at)
        latest = selectors.terms_latest(review=writing.review)
        if latest is None:
            raise CaseActionRefused(NO_TERMS)
        if latest.number != number:
            raise CaseActionRefused(ONLY_LATEST.format(number=latest.number))
        if latest.agreed_on is not None:
            raise CaseActionRefused(ALREADY_AGREED.format(number=number, day=_day(latest.agreed_on)))
        if writing.case.stage == Stage.LOCAL_REVIEW:
            raise CaseActionRefused(REVIEWER_FIRST)
        _not_before(agreed_on, writing.review.decided_on, what="the decision to hold the review", field="agreed_on")
        handled = set(latest.handling.values_list("process_id", flat=True))
        missing = [process for process in selectors.open_processes(case=writing.case) if process.id not in handled]
        if missing:
            raise CaseActionRefused(PROCESS_NOT_HANDLED.format(process=missing[0].kind_label.lower()))
        latest.agreed_on = agreed_on
        latest.agreed_by = kit.person(acting)
        latest.agreed_role = writing.grant.role.value if writing.grant else ""
        latest.agreed_at = at
        latest.save(update_fields=["agreed_on", "agreed_by", "agreed_role", "agreed_at"])
        milestone_reached(case=writing.case, kind=MilestoneKind.TERMS_AGREED, done_on=agreed_on, acting=acting, at=at)
        if writing.case.stage == Stage.REVIEWER_COMMISSIONED:
            case_advance(
                acting=acting,
                case=writing.case,
                transition="start_review",
                facts={"terms_of_reference_agreed": True},
                at=at,
            )
        writing.audit(
            "terms_agreed",
            latest,
            number=number,
            agreed_on=agreed_on,
        )
    return latest


# -- supervision (§6.7) -----------------------------------------------------------------------------------------------


def _milestone_open(acting: Acting, case: Case, milestone_id: int, *, at: datetime) -> tuple[Writing, Milestone]:
    """Inside the caller's transaction: the review open for writing (:func:`_open`) and its milestone, locked; refused
    when the review has no such milestone or it is done."""
    writing = _open(acting, case, at=at)
    milestone = Milestone.objects.select_for_update().filter(pk=milestone_id, review=writing.review).first()
    if milestone is None:
        raise CaseActionRefused(MILESTONE_NOT_FOUND)
    if milestone.done_on is not None:
        raise CaseActionRefused(MILESTONE_DONE.format(day=_day(milestone.done_on)))
    return writing, milestone


def _milestone_saved(writing: Writing, milestone: Milestone, fields: list[str], verb: str, **details: Any) -> None:
    """The milestone's changed ``fields`` saved, and the write's event about it: its kind, with ``details``."""
    milestone.save(update_fields=fields)
    writing.audit(verb, milestone, kind=milestone.kind, **details)


def milestone_reached(*, case: Case, kind: MilestoneKind, done_on: date, acting: Acting, at: datetime) -> bool:
    """Inside the caller's transaction: the review's milestone of ``kind`` marked done on ``done_on`` by the person
    acting, unless it was done already; whether it was marked now (a write that reaches a milestone says so)."""
    marked = Milestone.objects.filter(review__case=case, kind=kind, done_on__isnull=True).update(
        done_on=done_on, done_by=kit.person(acting), done_at=at
    )
    return bool(marked)


def milestone_done(
    *, acting: Acting, case: Case, milestone_id: int, done_on: date, at: datetime | None = None
) -> Milestone:
    """Mark a milestone done on ``done_on`` (not in the future, not before the decision to hold the review)."""
    at = now(at)
    not_future(done_on, today=local_today(at), field="done_on")
    with transaction.atomic():
        writing, milestone = _milestone_open(acting, case, milestone_id, at=at)
        _not_before(done_on, writing.review.decided_on, what="the decision to hold the review", field="done_on")
        milestone.done_on = done_on
        milestone.done_by = kit.person(acting)
        milestone.done_at = at
        done = ["done_on", "done_by", "done_at"]
        _milestone_saved(writing, milestone, done, "milestone_done", due_on=milestone.due_on, done_on=done_on)
    return milestone


def milestone_move(
    *, acting: Acting, case: Case, milestone_id: int, due_on: date, reason: str, at: datetime | None = None
) -> MilestoneMove:
    """Move a milestone's due date, with the reason (kept, sealed, beside the move: who, when, from and to)."""
    at = now(at)
    reason = TEXTS.needed("reason", reason, MOVE_REASON_NEEDED)
    with transaction.atomic():
        writing, milestone = _milestone_open(acting, case, milestone_id, at=at)
        if due_on == milestone.due_on:
            raise CaseActionRefused(MOVE_SAME_DATE.format(day=_day(due_on)), field="due_on")
        _not_before(due_on, writing.review.started_on, what="the day the review started", field="due_on")
        move = kit.inserted(
            MilestoneMove(
                milestone=milestone,
                from_on=milestone.due_on,
                to_on=due_on,
                recorded_by=kit.person(acting),
                recorded_at=at,
            ),
            reason=reason,
        )
        milestone.due_on = due_on
        _milestone_saved(writing, milestone, ["due_on"], "milestone_moved", from_on=move.from_on, to_on=due_on)
    return move


def checkpoint_record(
    *, acting: Acting, case: Case, held_on: date, kind: str, rating: str, note: str, at: datetime | None = None
) -> Checkpoint:
    """Record a check of the review's progress or quality (§6.7): when, which, how it stands, and a note."""
    at = now(at)
    if kind not in Checkpoint.Kind.values:
        raise CaseActionRefused(UNKNOWN_KIND, field="kind")
    if rating not in Checkpoint.Rating.values:
        raise CaseActionRefused(UNKNOWN_RATING, field="rating")
    not_future(held_on, today=local_today(at), field="held_on")
    note = TEXTS.needed("note", note, NOTE_NEEDED)
    with transaction.atomic():
        writing = _open(acting, case, at=at)
        _not_before(held_on, writing.review.started_on, what="the day the review started", field="held_on")
        checkpoint = kit.inserted(
            Checkpoint(
                review=writing.review,
                held_on=held_on,
                kind=kind,
                rating=rating,
                recorded_by=kit.person(acting),
                recorded_at=at,
            ),
            note=note,
        )
        writing.audit(
            "checkpoint_recorded",
            checkpoint,
            kind=kind,
            rating=rating,
            held_on=held_on,
        )
    return checkpoint
