"""The partnership's part in the Panel's national review of a case (§8.5-8.7), written by the business unit.

The record starts (:func:`national_review_start`) the first time anything is recorded about the national review that
follows the Panel's latest national-review response; every other service starts it if need be, in its own
transaction. Then: the Panel's contact, the log of engagement (a scoping discussion may record the scope and
methodology agreed), what the Panel asked the partnership to provide and when each was provided, and the outcome,
which finishes the review. The lifecycle table lets the case move on to learning and actions only after that
(:func:`cspr.national_reviews.selectors.national_review_facts`); the move itself is the case's routing.

Every write needs the case at the national review stage and the review not finished. Dates are not in the future,
nothing is dated before the Panel's decision, an item is not provided before it was asked for, and the report is not
published before its date. The free text is cleaned by the one text policy and sealed (ADR 0009); the audit trail
keeps kinds, dates and ids, never the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import case_locked
from cspr.domain.lifecycle import Stage
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import local_today, not_future, now
from cspr.kernel.text import NOTE, ONE_LINE, REASON, FieldTexts
from cspr.national_reviews import selectors
from cspr.national_reviews.models import EngagementEntry, NationalReview, ProvisionItem
from cspr.national_reviews.rules import ROLES
from cspr.partnerships.models import PartnershipOrganisation
from cspr.partnerships.scoping import Grant
from cspr.rapid_reviews.models import PanelResponse

RECORD = "national_reviews.record"

NOT_NATIONAL = "The case is not at the national review stage, so there is no national review to record."
FINISHED = "The national review was finished on {day}: nothing more can be recorded about it."
UNKNOWN_KIND = "Select what kind of engagement it was"
NOTE_NEEDED = "Enter what happened and what was agreed"
SCOPE_ONLY_WHEN_SCOPING = "Only a discussion of the scope and methodology can record them as agreed"
WHAT_NEEDED = "Enter what the Panel asked for"
ITEM_NOT_FOUND = "There is no such item on this national review."
ALREADY_PROVIDED = "That item was recorded as provided on {day}."
ORGANISATION_NEEDED = "Select the organisation that provided it"
FINDINGS_NEEDED = "Enter a summary of the findings for the partnership"
DATE_BEFORE = "{date} must be the same as or after {what} ({day})"
CONTACT_UNCHANGED = "That is already the Panel's contact."

TEXTS = FieldTexts(
    {
        ONE_LINE: {"panel_contact": "The Panel's contact", "what": "What the Panel asked for"},
        NOTE: {"note": "What happened and what was agreed"},
        REASON: {"findings": "The summary of the findings"},
    },
    refused=CaseActionRefused,
)
"""How the national review's free-text inputs are named in messages, under the limit of their kind (the forms use
the same words)."""

DATES = {
    "happened_on": "Date of the engagement",
    "requested_on": "Date the Panel asked for it",
    "due_on": "Date it is needed by",
    "provided_on": "Date it was provided",
    "report_on": "Date of the national review's report",
    "published_on": "Date the Panel published the report",
    "finished_on": "Date the national review finished",
}
"""How the national review's dates are named in messages and on the forms (with "(optional)" where they are)."""


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _not_before(day: date | None, earlier: date | None, *, what: str, field: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise CaseActionRefused(DATE_BEFORE.format(date=DATES[field], what=what, day=_day(earlier)), field=field)


@dataclass(frozen=True, kw_only=True)
class Writing(kit.CaseWrite):
    """What every write about the national review works on: who is acting, the case (locked), the Panel's decision,
    the record (started if it was not), the membership allowing it and the moment."""

    case: Case
    decision: PanelResponse
    review: NationalReview


def _grant(acting: Acting, case: Case) -> Grant | None:
    return kit.allowed(acting, RECORD, case, ROLES[RECORD])


def _started(acting: Acting, case: Case, *, grant: Grant | None, at: datetime) -> Writing:
    """Inside the caller's transaction: the case locked at the national review stage, and its record, started now
    (audited) if it was not."""
    case = case_locked(case)
    decision = selectors.panel_decision(case=case)
    if case.stage != Stage.NATIONAL_REVIEW or decision is None:
        raise CaseActionRefused(NOT_NATIONAL)
    existing = selectors.national_review_get(response=decision)
    review = existing or NationalReview(
        case=case, panel_response=decision, started_by=kit.person(acting), started_at=at
    )
    writing = Writing(acting=acting, case=case, decision=decision, review=review, grant=grant, at=at)
    if existing is None:
        kit.inserted(review)
        writing.audit("national_review.started", review, decided_on=decision.received_on, panel_response=decision.pk)
    return writing


def _open(acting: Acting, case: Case, *, grant: Grant | None, at: datetime) -> Writing:
    """:func:`_started`, refused once the review is finished."""
    writing = _started(acting, case, grant=grant, at=at)
    if writing.review.finished_on is not None:
        raise CaseActionRefused(FINISHED.format(day=_day(writing.review.finished_on)))
    return writing


def _after_decision(writing: Writing, day: date, *, field: str) -> None:
    """Nothing about the national review is dated before the Panel decided to hold it."""
    _not_before(day, writing.decision.received_on, what="the Panel's decision", field=field)


def national_review_start(*, acting: Acting, case: Case, at: datetime | None = None) -> NationalReview:
    """Start the partnership's record of the national review the Panel decided on (nothing happens if it has
    started already)."""
    grant = _grant(acting, case)
    with transaction.atomic():
        return _started(acting, case, grant=grant, at=now(at)).review


def national_review_contact_set(
    *, acting: Acting, case: Case, panel_contact: str, at: datetime | None = None
) -> NationalReview:
    """Record who at the Panel is the partnership's contact or reviewer for the national review (blank: none)."""
    grant = _grant(acting, case)
    panel_contact = TEXTS.clean("panel_contact", panel_contact)
    with transaction.atomic():
        writing = _open(acting, case, grant=grant, at=now(at))
        review = writing.review
        if review.unseal("panel_contact") == panel_contact:
            raise CaseActionRefused(CONTACT_UNCHANGED, field="panel_contact")
        review.seal("panel_contact", panel_contact)
        review.save(update_fields=["panel_contact_sealed"])
        writing.audit("national_review.contact_set", review, given=bool(panel_contact))
    return review


def national_review_engagement_log(
    *,
    acting: Acting,
    case: Case,
    kind: str,
    happened_on: date,
    note: str,
    scope_agreed: bool = False,
    at: datetime | None = None,
) -> EngagementEntry:
    """Log a step of the partnership's engagement with the national review (§8.7); a discussion of the scope and
    methodology may record them as agreed on its date."""
    grant = _grant(acting, case)
    at = now(at)
    if kind not in EngagementEntry.Kind.values:
        raise CaseActionRefused(UNKNOWN_KIND, field="kind")
    if scope_agreed and kind != EngagementEntry.Kind.SCOPING:
        raise CaseActionRefused(SCOPE_ONLY_WHEN_SCOPING, field="scope_agreed")
    not_future(happened_on, today=local_today(at), field="happened_on")
    note = TEXTS.needed("note", note, NOTE_NEEDED)
    with transaction.atomic():
        writing = _open(acting, case, grant=grant, at=at)
        _after_decision(writing, happened_on, field="happened_on")
        entry = kit.inserted(
            EngagementEntry(
                review=writing.review, happened_on=happened_on, kind=kind, recorded_by=acting.user, recorded_at=at
            ),
            note=note,
        )
        if scope_agreed and writing.review.scope_agreed_on is None:
            writing.review.scope_agreed_on = happened_on
            writing.review.save(update_fields=["scope_agreed_on"])
        writing.audit(
            "national_review.engagement_logged",
            entry,
            kind=kind,
            happened_on=happened_on,
            scope_agreed_on=writing.review.scope_agreed_on,
        )
    return entry


def national_review_item_add(
    *,
    acting: Acting,
    case: Case,
    what: str,
    requested_on: date,
    due_on: date | None = None,
    at: datetime | None = None,
) -> ProvisionItem:
    """Add something the Panel asked the partnership to provide: what (no names), when it asked, and by when."""
    grant = _grant(acting, case)
    at = now(at)
    what = TEXTS.needed("what", what, WHAT_NEEDED)
    not_future(requested_on, today=local_today(at), field="requested_on")
    _not_before(due_on, requested_on, what="the date it was asked for", field="due_on")
    with transaction.atomic():
        writing = _open(acting, case, grant=grant, at=at)
        _after_decision(writing, requested_on, field="requested_on")
        item = kit.inserted(
            ProvisionItem(
                review=writing.review, requested_on=requested_on, due_on=due_on, added_by=acting.user, added_at=at
            ),
            what=what,
        )
        writing.audit(
            "national_review.item_added",
            item,
            requested_on=requested_on,
            due_on=due_on,
        )
    return item


def national_review_item_provided(
    *,
    acting: Acting,
    case: Case,
    item_id: int,
    provided_on: date,
    provided_by: int | None,
    at: datetime | None = None,
) -> ProvisionItem:
    """Record that an item the Panel asked for was provided: when, and by which of the partnership's organisations."""
    grant = _grant(acting, case)
    at = now(at)
    not_future(provided_on, today=local_today(at), field="provided_on")
    with transaction.atomic():
        writing = _open(acting, case, grant=grant, at=at)
        item = ProvisionItem.objects.select_for_update().filter(pk=item_id, review=writing.review).first()
        if item is None:
            raise CaseActionRefused(ITEM_NOT_FOUND)
        if item.provided_on is not None:
            raise CaseActionRefused(ALREADY_PROVIDED.format(day=_day(item.provided_on)))
        _not_before(provided_on, item.requested_on, what="the date it was asked for", field="provided_on")
        link = (
            PartnershipOrganisation.objects.filter(
                partnership_id=writing.case.partnership_id, organisation_id=provided_by
            ).first()
            if provided_by is not None
            else None
        )
        if link is None:
            raise CaseActionRefused(ORGANISATION_NEEDED, field="provided_by")
        item.provided_on = provided_on
        item.provided_by_id = link.organisation_id
        item.provided_recorded_by = acting.user
        item.provided_recorded_at = at
        item.save(update_fields=["provided_on", "provided_by", "provided_recorded_by", "provided_recorded_at"])
        writing.audit(
            "national_review.item_provided",
            item,
            provided_on=provided_on,
            organisation=link.organisation_id,
        )
    return item


def national_review_finish(
    *,
    acting: Acting,
    case: Case,
    report_on: date,
    findings: str,
    finished_on: date,
    published_on: date | None = None,
    at: datetime | None = None,
) -> NationalReview:
    """Record the national review's outcome (its report, when the Panel published it, a summary of the findings for
    the partnership) and that it finished: the case may then move on to learning and actions."""
    grant = _grant(acting, case)
    at = now(at)
    today = local_today(at)
    for field, day in (("report_on", report_on), ("published_on", published_on), ("finished_on", finished_on)):
        if day is not None:
            not_future(day, today=today, field=field)
    _not_before(published_on, report_on, what="the date of the report", field="published_on")
    _not_before(finished_on, report_on, what="the date of the report", field="finished_on")
    findings = TEXTS.needed("findings", findings, FINDINGS_NEEDED)
    with transaction.atomic():
        writing = _open(acting, case, grant=grant, at=at)
        _after_decision(writing, report_on, field="report_on")
        review = writing.review
        review.report_on = report_on
        review.published_on = published_on
        review.finished_on = finished_on
        review.finished_by = acting.user
        review.finished_at = at
        review.seal("findings", findings)
        review.save(
            update_fields=["report_on", "published_on", "finished_on", "finished_by", "finished_at", "findings_sealed"]
        )
        writing.audit(
            "national_review.finished",
            review,
            report_on=report_on,
            published_on=published_on,
            finished_on=finished_on,
            outstanding_items=review.items.filter(provided_on__isnull=True).count(),
        )
    return review
