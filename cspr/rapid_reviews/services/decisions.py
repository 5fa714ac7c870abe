"""Decisions and ratification: the PRG's decision sent to the Executive (§4.3-4.4), each lead safeguarding
partner's sign-off and the Executive's ratification (§4.4-4.6), closing a case that does not meet the criteria, and
telling the family the decision (§5.3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.selectors import case_pseudonyms_text
from cspr.cases.services import (
    FAMILY_METHOD_OTHER_NEEDED,
    FAMILY_NOTHING_TO_TELL,
    FAMILY_TOLD_BY_NEEDED,
    FAMILY_WHAT_SAID_NEEDED,
    case_advance,
    makes_transitions,
)
from cspr.cases.services import family_told_record as family_told_record
from cspr.domain import rules as domain_rules
from cspr.domain.rapid_review import MIN_REASON, text_length
from cspr.domain.roles import Role
from cspr.domain.text import counted
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import CaseWrite, audit_case, inserted, link, now, require, tell_case
from cspr.partnerships.models import OrganisationType, PartnershipOrganisation
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import member_emails
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import (
    CriteriaNotMetClosure,
    PartnerSignOff,
    PrgDecision,
    RapidReview,
    Ratification,
)
from cspr.rapid_reviews.services.common import (
    IN_THE_RECORD,
    TEXTS,
    allowed,
    case_locked,
    day_or_today,
    local_review_agreed_tell,
    not_before,
    save_stopping_clock,
)

INCOMPLETE = "The rapid review is not complete yet: {items} to attend to."
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
LEAD_PARTNER_KINDS = (
    (OrganisationType.LOCAL_AUTHORITY, "the local authority"),
    (OrganisationType.HEALTH, "health"),
    (OrganisationType.POLICE, "the police"),
)
EXECUTIVE_DECISION_NEEDED = "A partner disagrees with the PRG: say whether a local review will be held."
# Telling the family is the case's record now (cspr.cases.services.family): its service, imported above, and its
# messages, under their old names, for the rapid review's callers.
METHOD_OTHER_NEEDED = FAMILY_METHOD_OTHER_NEEDED
TOLD_BY_NEEDED = FAMILY_TOLD_BY_NEEDED
WHAT_SAID_NEEDED = FAMILY_WHAT_SAID_NEEDED
NO_DECISION_YET = FAMILY_NOTHING_TO_TELL
CLOSE_REASON_NEEDED = "Enter why the case does not meet the criteria (at least {minimum} characters)."


# -- the two decisions that stop a clock and move the case on: the PRG's and the Executive's -------------------------


@dataclass(frozen=True)
class Decision:
    """What differs between the PRG's decision and the ratification: the rule that allows it, the input naming the
    day it was taken, the case's clock it stops and the lifecycle transition it takes."""

    rule: str
    field: str
    clock_id: str
    transition: str


PRG_DECIDES = Decision("rapid_reviews.decide", "decided_on", "rapid_review_to_executive", "record_prg_decision")
EXECUTIVE_RATIFIES = Decision("rapid_reviews.sign_off", "ratified_on", "executive_ratification", "ratify")


@dataclass(frozen=True, kw_only=True)
class Deciding(CaseWrite):
    """A decision being recorded: which, who records it and the membership that allows it, the case and its rapid
    review (both locked; the review ``None`` when nothing was recorded in it), the day decided and when recorded."""

    decision: Decision
    case: Case
    review: RapidReview | None
    day: date
    late_reason: str

    def recorded(self, row: PrgDecision | Ratification, **advance: Any) -> None:
        """Write ``row`` with the reason it is late (if it is), stop the decision's clock as met on the day decided,
        and take its transition (``advance``: the facts and what else :func:`case_advance` takes)."""
        save_stopping_clock(
            self.acting, self.case, row, clock_id=self.decision.clock_id, met_on=self.day, late_reason=self.late_reason
        )
        case_advance(acting=self.acting, case=self.case, transition=self.decision.transition, at=self.at, **advance)


@contextmanager
def _deciding(
    acting: Acting, case: Case, decision: Decision, *, day: date | None, late_reason: str, at: datetime | None
) -> Iterator[Deciding]:
    """What recording either decision shares: its rule, the day decided (today unless given, never in the future),
    and one transaction with the case and its rapid review locked for the block."""
    grant = allowed(acting, decision.rule, case)
    at = now(at)
    day = day_or_today(day, at=at, field=decision.field)
    with transaction.atomic():
        case = case_locked(case)
        review = RapidReview.objects.select_for_update().filter(case=case).first()
        yield Deciding(
            decision=decision,
            acting=acting,
            grant=grant,
            case=case,
            review=review,
            day=day,
            late_reason=late_reason,
            at=at,
        )


@makes_transitions("record_prg_decision")
def prg_decision_record(
    *, acting: Acting, case: Case, decided_on: date | None = None, late_reason: str = "", at: datetime | None = None
) -> PrgDecision:
    """The PRG chair records the PRG's decision and sends the rapid review to the Executive (§4.3-4.4).

    Needs the meeting held and the completeness check passed; stops ``rapid_review_to_executive`` and e-mails the
    Executive members.
    """
    with _deciding(acting, case, PRG_DECIDES, day=decided_on, late_reason=late_reason, at=at) as deciding:
        case, review, decided_on = deciding.case, deciding.review, deciding.day
        meeting = selectors.meeting_get(case=case)
        held = meeting is not None and meeting.held_on is not None
        if not held:
            raise CaseActionRefused(MEETING_NOT_HELD)
        check = selectors.review_completeness(case=case, review=review)
        if review is None or not check.complete:
            count = len(check.problems) or 1
            raise CaseActionRefused(
                INCOMPLETE.format(items=counted(count, "item"), need="needs" if count == 1 else "need")
            )
        decision = PrgDecision(
            review=review,
            decided_on=decided_on,
            local_review=review.local_decision == "yes",
            national_recommendation=review.national_recommendation,
            recorded_by=acting.user,
            recorded_at=deciding.at,
        )
        facts = {"prg_meeting_held": held, "rapid_review_complete": check.complete}
        deciding.recorded(decision, facts=facts, reason=IN_THE_RECORD)
        deciding.audit(
            "rapid_review.prg_decision_recorded",
            local_review=decision.local_review,
            national_recommendation=decision.national_recommendation,
            decided_on=decided_on,
        )
        tell_case(
            case=case,
            to=member_emails(partnership_id=case.partnership_id, roles=[Role.EXECUTIVE_MEMBER]),
            about="the rapid review is ready for the Executive to ratify",
            news=f"The PRG has recorded its decision on case {case.reference} ({case_pseudonyms_text(case=case)}) and "
            "sends the rapid review to the Executive Group (§4.4). Each lead safeguarding partner signs off, then an "
            "Executive member ratifies it.",
            then="Sign in to read the rapid review and sign off",
            link=link("rapid_reviews:overview", reference=case.reference),
            kind="rapid_review.sent_to_executive",
        )
    return decision


# -- ratification (§4.4-4.6) -----------------------------------------------------------------------------------------


def _signing_grant(acting: Acting, case: Case, organisation_id: int) -> Grant | None:
    """The Executive membership a partner signs off through: the person's for that organisation (the oldest, if
    several), or ``None`` when they are no Executive member for it."""
    held = [
        grant
        for grant in acting.scope.grants_in(case.partnership_id)
        if grant.role is Role.EXECUTIVE_MEMBER and grant.organisation_id == organisation_id
    ]
    return min(held, key=lambda grant: grant.membership_id) if held else None


def partner_sign_off(
    *,
    acting: Acting,
    case: Case,
    organisation_id: int,
    agrees: bool,
    rationale: str = "",
    signed_on: date | None = None,
    at: datetime | None = None,
) -> PartnerSignOff:
    """One lead safeguarding partner signs off, through an Executive member of that organisation."""
    require("rapid_reviews.sign_off", acting.scope, case)
    at = now(at)
    signed_on = day_or_today(signed_on, at=at, field="signed_on")
    partners = PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id, is_safeguarding_partner=True)
    if organisation_id not in set(partners.values_list("organisation_id", flat=True)):
        raise CaseActionRefused(NOT_A_PARTNER, field="organisation")
    grant = _signing_grant(acting, case, organisation_id)
    if grant is None:
        raise CaseActionRefused(NOT_FOR_THIS_PARTNER, field="organisation")
    rationale = TEXTS.clean("rationale", rationale)
    if not agrees and text_length(rationale) < MIN_REASON:
        raise CaseActionRefused(RATIONALE_NEEDED.format(minimum=MIN_REASON), field="rationale")
    with transaction.atomic():
        case = case_locked(case)
        if not domain_rules.open_for(case.stage, "ratify"):
            raise CaseActionRefused(NOT_PRG_DECIDED)
        review = RapidReview.objects.get(case=case)
        decision = PrgDecision.objects.filter(review=review).first()
        if decision is not None:
            not_before(signed_on, decision.decided_on, what="the PRG's decision", field="signed_on")
        existing = PartnerSignOff.objects.filter(review=review, organisation_id=organisation_id).first()
        if existing is not None:
            raise CaseActionRefused(ALREADY_SIGNED.format(name=existing.organisation.name))
        sign_off = inserted(
            PartnerSignOff(
                review=review,
                organisation_id=organisation_id,
                agrees=agrees,
                signed_on=signed_on,
                signed_by=acting.user,
                recorded_at=at,
            ),
            rationale=rationale if not agrees else "",
        )
        audit_case(
            acting, "rapid_review.partner_signed_off", case, grant=grant, organisation=organisation_id, agrees=agrees
        )
    return sign_off


@makes_transitions("ratify")
def rapid_review_ratify(
    *,
    acting: Acting,
    case: Case,
    ratified_on: date | None = None,
    local_review: bool | None = None,
    late_reason: str = "",
    at: datetime | None = None,
) -> Ratification:
    """An Executive member ratifies once every lead safeguarding partner has signed off (§4.4-4.6).

    Where every partner agrees, the PRG's decision on a local review stands. Where one disagrees, the Executive
    says what it decided (``local_review``) and the discrepancy clock applies. A local review fixes the case's
    ``decision`` date (DESIGN §3) at the ratification date, and the Panel, Ofsted and DfE are told (§4.7).
    """
    with _deciding(acting, case, EXECUTIVE_RATIFIES, day=ratified_on, late_reason=late_reason, at=at) as deciding:
        case, review, ratified_on = deciding.case, deciding.review, deciding.day
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
        not_before(ratified_on, last_sign_off, what="the last partner's sign-off", field="ratified_on")
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
            ratified_by=acting.user,
            recorded_at=deciding.at,
        )
        deciding.recorded(
            ratification,
            facts={
                "prg_decision_recorded": True,
                "partners_signed_off": True,
                "executive_disagrees_with_prg": any_disagree,
                "disagreement_rationale_recorded": rationale_recorded,
            },
            # The first decision to hold a local review starts the publication clock; a later one does not move it.
            decision_on=ratified_on if outcome and case.decision_on is None else None,
            executive_disagrees_with_prg=any_disagree,
        )
        deciding.audit(
            "rapid_review.ratified", ratified_on=ratified_on, local_review=outcome, disagrees_with_prg=any_disagree
        )
        if outcome:
            local_review_agreed_tell(acting=acting, case=case, review=review, at=deciding.at, grant=deciding.grant)
    return ratification


# -- closing a case that does not meet the criteria ------------------------------------------------------------------


@makes_transitions("close_criteria_not_met")
def criteria_not_met_close(*, acting: Acting, case: Case, reason: str, at: datetime | None = None) -> Case:
    """Close the case because it turns out not to meet the criteria (PRG chair or Executive member), with reasons."""
    grant = allowed(acting, "rapid_reviews.close_criteria_not_met", case)
    reason = TEXTS.clean("reason", reason)
    if text_length(reason) < MIN_REASON:
        raise CaseActionRefused(CLOSE_REASON_NEEDED.format(minimum=MIN_REASON), field="reason")
    at = now(at)
    with transaction.atomic():
        inserted(CriteriaNotMetClosure(case=case, closed_by=acting.user, closed_at=at), reason=reason)
        case = case_advance(
            acting=acting, case=case, transition="close_criteria_not_met", facts={}, reason=IN_THE_RECORD, at=at
        )
        audit_case(acting, "rapid_review.closed_criteria_not_met", case, grant=grant)
    return case
