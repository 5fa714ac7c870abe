"""What the rapid review's services share: the messages more than one of them gives, the free-text table, the
lifecycle's moments the record belongs to, the rule check and the membership that allows an action, the date
checks, writing a dated step that stops a clock, and telling the Panel, Ofsted and DfE that a local review will be
held."""

from __future__ import annotations

from datetime import date, datetime

from cspr.cases.models import Case
from cspr.cases.services import case_clock_met, case_locked
from cspr.domain import rules as domain_rules
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future
from cspr.kernel.text import NARRATIVE, ONE_LINE, PLACE, FieldTexts
from cspr.partnerships.models import ContactKind, PartnershipOrganisation
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import member_emails
from cspr.rapid_reviews.models import (
    LocalReviewNotice,
    PanelSubmission,
    PrgDecision,
    RapidReview,
    Ratification,
    RationaleSent,
)
from cspr.rapid_reviews.rules import ROLES

# -- messages more than one service gives (module constants: tests match the exact words) ----------------------------

NOT_AT_RAPID_REVIEW = "The rapid review record can be changed only while the case is at the rapid review stage."
DATE_BEFORE = "The date must be the same as or after {what} ({day})."
MEETING_NOT_SCHEDULED = "Schedule the PRG meeting first."
NOT_RATIFIED = "The Executive Group must ratify the rapid review first."
UNKNOWN_ORGANISATION = "Choose an organisation of this partnership."

TEXTS = FieldTexts(
    {
        NARRATIVE: {
            "arrangements": "The safeguarding arrangements",
            "facts_summary": "The summary of the facts",
            "key_practice_episodes": "Key practice episodes",
            "equality_analysis": "The equality analysis",
            "reason": "The reason",
            "local_grounds": "The grounds for the decision",
            "national_reasons": "The reasons for the recommendation on a national review",
            "further_learning": "Potential for further learning",
            "no_further_learning": "Why no further learning is expected",
            "immediate_learning": "Immediate learning",
            "actions": "The action",
            "omissions": "Why an agency was not involved",
            "agenda": "The agenda",
            "late_reason": "The reason it was late",
            "minutes": "The minutes",
            "actions_agreed": "The actions agreed",
            "attendance": "Why an agency was absent",
            "rationale": "Your rationale",
            "details": "The Panel's rationale",
            "what_was_said": "What they were told",
            "closed_reason": "Why the action is closed without being done",
        },
        PLACE: {"where": "Where the meeting is"},
        ONE_LINE: {
            "method_other": "How they were told",
            "told_by": "Who told them",
            "title": "What the paper is",
        },
    },
    refused=CaseActionRefused,
)
"""How the record's free-text inputs are named in messages, under the limit of their kind (the forms use the same
words)."""

# The lifecycle transitions whose moment a record belongs to: the lifecycle table says which stages they leave.
PRG_DECISION = "record_prg_decision"
"""The rapid review record is open while the PRG's decision is still to come."""
CLOSE_CRITERIA_NOT_MET = "close_criteria_not_met"
PANEL_WAITING = ("panel_requests_information", "provide_information")
"""The case waits for the Panel while it can ask for information, or be sent what it asked."""

# The reasons are sealed in the rapid review's own records; the case's transition row (shown on the timeline to
# everyone who can see the case) points to them rather than copying them out in clear.
IN_THE_RECORD = "The reasons are recorded in the rapid review."


# -- who may act, and through which membership -----------------------------------------------------------------------


def allowed(acting: Acting, rule: str, case: Case) -> Grant | None:
    """Refuse unless ``rule`` allows the person acting on the case; the membership that allows it (the rule's roles:
    ``cspr.rapid_reviews.rules.ROLES``)."""
    return kit.allowed(acting, rule, case, ROLES[rule])


# -- dates -----------------------------------------------------------------------------------------------------------


def day_or_today(day: date | None, *, at: datetime, field: str) -> date:
    """The date a step was taken: the one given, else the day of ``at``; refused when in the future."""
    day = day or local_today(at)
    not_future(day, today=local_today(at), field=field)
    return day


def not_before(day: date, earlier: date, *, what: str, field: str) -> None:
    """A step cannot be dated before the step it follows (a clock would otherwise be met before it started)."""
    if day < earlier:
        raise CaseActionRefused(DATE_BEFORE.format(what=what, day=f"{earlier.day} {earlier:%B %Y}"), field=field)


# -- rows ------------------------------------------------------------------------------------------------------------


def case_locked_at_rapid_review(case: Case) -> Case:
    """The case, locked; refused unless it is at the rapid review stage (the PRG's decision still to come), the only
    time the meeting and the record can change."""
    case = case_locked(case)
    if not domain_rules.open_for(case.stage, PRG_DECISION):
        raise CaseActionRefused(NOT_AT_RAPID_REVIEW)
    return case


def review_for_update(case: Case, *, acting: Acting, at: datetime) -> RapidReview:
    """The case's rapid review, locked; made (empty) the first time anything is recorded in it."""
    review = RapidReview.objects.select_for_update().filter(case=case).first()
    if review is None:
        review = RapidReview(case=case, updated_by=acting.user, updated_at=at)
        review.save(force_insert=True)
    return review


def ratified_review(case: Case) -> tuple[RapidReview, Ratification]:
    """The case's rapid review and its ratification; refused while the Executive has not ratified it."""
    review = RapidReview.objects.filter(case=case).first()
    ratification = Ratification.objects.filter(review=review).first() if review else None
    if review is None or ratification is None:
        raise CaseActionRefused(NOT_RATIFIED)
    return review, ratification


def save_stopping_clock(
    acting: Acting,
    case: Case,
    row: PrgDecision | Ratification | RationaleSent | PanelSubmission,
    *,
    clock_id: str,
    met_on: date,
    late_reason: str,
) -> None:
    """Write ``row``, a new dated step of the case, with its reason for being late (cleaned and sealed in the row),
    and stop the case's clock ``clock_id`` as met on ``met_on``: ``case_clock_met`` refuses a late date without a
    reason, and the row rolls back with it. Inside the caller's transaction, with the case locked."""
    late_reason = TEXTS.clean("late_reason", late_reason)
    row.seal("late_reason", late_reason)
    row.save(force_insert=True)
    case_clock_met(acting=acting, case=case, clock_id=clock_id, met_on=met_on, late_reason=late_reason)


def partnership_organisation_ids(case: Case) -> set[int]:
    return set(
        PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id).values_list(
            "organisation_id", flat=True
        )
    )


# -- §4.7 ------------------------------------------------------------------------------------------------------------


def local_review_agreed_tell(
    *, acting: Acting, case: Case, review: RapidReview, at: datetime, grant: Grant | None
) -> LocalReviewNotice | None:
    """§4.7: the Panel, Ofsted and the DfE are to be told a local review will be held, by letter through the
    partnership's own secure route (issue: no e-mail from the service goes to anyone without an account). The
    business unit is told by e-mail that the letters are waiting on the case's letters page; the reference only.
    Once per case.

    Part of the ratification or of the Panel's response that decided it (``grant``: the membership that allowed
    that), inside its transaction.
    """
    if LocalReviewNotice.objects.filter(review=review).exists():
        return None
    recipients = sorted([ContactKind.PANEL, ContactKind.OFSTED, ContactKind.DFE])
    kit.tell_case(
        case=case,
        to=member_emails(partnership_id=case.partnership_id, roles=[Role.BUSINESS_UNIT]),
        about="letters to send, a local review will be held",
        news=f"The partnership will hold a local child safeguarding practice review of case {case.reference}. The "
        "Panel, Ofsted and the Department for Education must be told (§4.7): their letters are ready on the case's "
        "letters page.",
        then="Sign in to prepare them, send them through the partnership's secure route, and record each as sent",
        link=kit.link("letters:case", reference=case.reference),
        kind="rapid_review.local_review_agreed",
    )
    notice = LocalReviewNotice(review=review, recipients=[str(kind) for kind in recipients], sent_at=at)
    notice.save(force_insert=True)
    audit_case(acting, "rapid_review.local_review_notified", case, grant=grant, recipients=notice.recipients)
    return notice
