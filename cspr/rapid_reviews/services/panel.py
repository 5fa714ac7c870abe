"""The Panel (§4.5-4.6, §8.5): the Executive's rationale for disagreeing with the PRG sent to it, the ratified rapid
review sent to it, and what it said back (or the information sent back to it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import case_advance, makes_transitions
from cspr.domain.rapid_review import MIN_REASON, text_length
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future, now
from cspr.rapid_reviews.models import PanelResponse, PanelSubmission, RapidReview, Ratification, RationaleSent
from cspr.rapid_reviews.services.common import (
    IN_THE_RECORD,
    TEXTS,
    allowed,
    case_locked,
    local_review_agreed_tell,
    not_before,
    ratified_review,
    save_stopping_clock,
)

NO_DISAGREEMENT = "The Executive Group agreed with the PRG, so there is no rationale to send."
RATIONALE_ALREADY_SENT = "The rationale was already recorded as sent on {sent_on}."
UNKNOWN_RESPONSE = "Choose what the Panel said."
DETAILS_NEEDED = "Enter the Panel's rationale or what it asked for (at least {minimum} characters)."
INFORMATION_DUE_NEEDED = "Enter the date the Panel needs the information by."
RESPONSE_NOT_NOW = "That response cannot be recorded at this stage of the case."

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


@dataclass(frozen=True)
class ToPanel:
    """Something about to be recorded as sent to the Panel: the case (locked), its ratified rapid review, and when."""

    case: Case
    review: RapidReview
    ratification: Ratification
    at: datetime


@contextmanager
def _sent_to_panel(acting: Acting, case: Case, *, sent_on: date, at: datetime | None, verb: str) -> Iterator[ToPanel]:
    """What every record of something sent to the Panel shares: the rule, a date not in the future, and in one
    transaction the case locked and its ratified review for the block, then the audit event ``verb``."""
    grant = allowed(acting, "rapid_reviews.correspond_with_panel", case)
    at = now(at)
    not_future(sent_on, today=local_today(at), field="sent_on")
    with transaction.atomic():
        case = case_locked(case)
        review, ratification = ratified_review(case)
        yield ToPanel(case, review, ratification, at)
        audit_case(acting, verb, case, grant=grant, sent_on=sent_on)


def rationale_sent_record(
    *, acting: Acting, case: Case, sent_on: date, late_reason: str = "", at: datetime | None = None
) -> RationaleSent:
    """The date the Executive's rationale for disagreeing went to the Panel (§4.5); stops its clock."""
    with _sent_to_panel(acting, case, sent_on=sent_on, at=at, verb="rapid_review.rationale_sent") as sent:
        if not sent.ratification.disagrees_with_prg:
            raise CaseActionRefused(NO_DISAGREEMENT)
        previous = RationaleSent.objects.filter(review=sent.review).first()
        if previous is not None:
            raise CaseActionRefused(RATIONALE_ALREADY_SENT.format(sent_on=f"{previous.sent_on:%-d %B %Y}"))
        row = RationaleSent(review=sent.review, sent_on=sent_on, recorded_by=acting.user, recorded_at=sent.at)
        save_stopping_clock(
            acting, sent.case, row, clock_id="discrepancy_rationale_to_panel", met_on=sent_on, late_reason=late_reason
        )
    return row


@makes_transitions("submit_to_panel", "await_panel")
def panel_submission_record(
    *, acting: Acting, case: Case, sent_on: date, late_reason: str = "", at: datetime | None = None
) -> PanelSubmission:
    """The ratified rapid review was sent to the Panel: stops ``rapid_review_to_panel`` and awaits the Panel."""
    with _sent_to_panel(acting, case, sent_on=sent_on, at=at, verb="rapid_review.sent_to_panel") as sent:
        not_before(sent_on, sent.ratification.ratified_on, what="the ratification", field="sent_on")
        submission = PanelSubmission(review=sent.review, sent_on=sent_on, recorded_by=acting.user, recorded_at=sent.at)
        save_stopping_clock(
            acting, sent.case, submission, clock_id="rapid_review_to_panel", met_on=sent_on, late_reason=late_reason
        )
        case = case_advance(acting=acting, case=sent.case, transition="submit_to_panel", facts={}, at=sent.at)
        case_advance(acting=acting, case=case, transition="await_panel", facts={}, at=sent.at)
    return submission


@makes_transitions(*RESPONSE_TRANSITIONS.values())
def panel_response_record(
    *,
    acting: Acting,
    case: Case,
    kind: str,
    received_on: date,
    details: str = "",
    information_due_on: date | None = None,
    at: datetime | None = None,
) -> PanelResponse:
    """Record what the Panel said (§8.5), or the information sent back to it, and move the case on."""
    grant = allowed(acting, "rapid_reviews.correspond_with_panel", case)
    at = now(at)
    try:
        response_kind = PanelResponse.Kind(kind)
    except ValueError:
        raise CaseActionRefused(UNKNOWN_RESPONSE, field="kind") from None
    not_future(received_on, today=local_today(at), field="received_on")
    details = TEXTS.clean("details", details)
    if response_kind in RESPONSES_NEEDING_DETAILS and text_length(details) < MIN_REASON:
        raise CaseActionRefused(DETAILS_NEEDED.format(minimum=MIN_REASON), field="details")
    if response_kind == PanelResponse.Kind.INFORMATION_REQUESTED and information_due_on is None:
        raise CaseActionRefused(INFORMATION_DUE_NEEDED, field="information_due_on")
    with transaction.atomic():
        case = case_locked(case)
        review = RapidReview.objects.filter(case=case).first()
        first_sent = PanelSubmission.objects.filter(review=review).order_by("sent_on").first() if review else None
        if review is None or first_sent is None:
            raise CaseActionRefused(RESPONSE_NOT_NOW, field="kind")
        not_before(
            received_on, first_sent.sent_on, what="the date the rapid review went to the Panel", field="received_on"
        )
        response = PanelResponse(
            review=review,
            kind=response_kind.value,
            received_on=received_on,
            information_due_on=information_due_on
            if response_kind == PanelResponse.Kind.INFORMATION_REQUESTED
            else None,
            recorded_by=acting.user,
            recorded_at=at,
        )
        response.seal("details", details)
        response.save(force_insert=True)
        local = response_kind == PanelResponse.Kind.LOCAL_REVIEW
        case_advance(
            acting=acting,
            case=case,
            transition=RESPONSE_TRANSITIONS[response_kind],
            facts={},
            reason=f"{response_kind.label}. {IN_THE_RECORD}",
            at=at,
            decision_on=received_on if local and case.decision_on is None else None,
        )
        audit_case(
            acting,
            "rapid_review.panel_response_recorded",
            case,
            grant=grant,
            kind=response_kind.value,
            received_on=received_on,
            information_due_on=response.information_due_on,
        )
        if local:
            local_review_agreed_tell(acting=acting, case=case, review=review, at=at, grant=grant)
    return response
