"""The register of reviewers and commissioning a reviewer for a case's local review (§6.1-6.2).

The business unit keeps the partnership's register (:func:`reviewer_save`). For a case at the local review stage it
proposes a reviewer (:func:`commission_propose`): every §6.2 competency with its evidence, the organisations the
reviewer declared working for or with recently, any other interests and whether they make a perceived conflict, the fee
and the purchase order. The proposal is kept, and the reviewer commissioned at once when the checks are complete. A real
conflict (a declared organisation the case involves) or a perceived one keeps it waiting: an Executive member may
override the conflict with a reason (:func:`commission_conflict_override`), and the business unit then commissions
(:func:`commission_confirm`).

Commissioning takes the lifecycle's ``commission_reviewer`` transition through :func:`cspr.cases.services.case_advance`
(its guard, ``reviewer_checks_complete``, is the checks' answer), invites the reviewer through the partnership's
invitation flow with the reviewer's role, and grants them access to this case only
(:func:`cspr.cases.services.case_access_grant`), all in one transaction. Then the invoices (:func:`invoice_add`,
:func:`invoice_paid`) and the reviewer's access: an end date, or ended at once.

The free text is cleaned by the one text policy; the note of experience, the evidence, other interests and the
override's reason are sealed (ADR 0009). The audit trail keeps ids, codes and dates, never the words or a name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from cspr.cases.models import Case, CaseAccess
from cspr.cases.services import (
    case_access_end,
    case_access_ends_on_set,
    case_access_grant,
    case_access_invited_again,
    case_advance,
    makes_transitions,
)
from cspr.domain.lifecycle import Stage
from cspr.domain.reviewers import COMPETENCIES, ReviewerChecks
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit, audit_case, link, local_today, not_future, now
from cspr.kernel.text import NOTE, ONE_LINE, REASON, FieldTexts
from cspr.partnerships.models import PartnershipOrganisation
from cspr.partnerships.scoping import Grant
from cspr.partnerships.services import Invited, InvitedFor, invitation_send
from cspr.reviewers import selectors
from cspr.reviewers.models import (
    Commission,
    CompetencyEvidence,
    ConflictOverride,
    DeclaredInterest,
    Invoice,
    Reviewer,
)
from cspr.reviewers.rules import ROLES, register_grant

COMMISSION = "reviewers.commission"
OVERRIDE = "reviewers.override"

NAME_NEEDED = "Enter the reviewer's name"
EMAIL_NEEDED = "Enter the reviewer's e-mail address"
EMAIL_INVALID = "Enter an e-mail address in the correct format, like name@example.com"
EMAIL_TAKEN = "A reviewer with that e-mail address is already on the register"
REVIEWER_NOT_FOUND = "There is no such reviewer on the partnership's register."
REVIEWER_NEEDED = "Select a reviewer from the register"
NOT_LOCAL_REVIEW = "A reviewer is commissioned only while the case is at the local review stage (§6.1)."
EVIDENCE_NEEDED = "Enter the evidence for: {competency}"
UNKNOWN_COMPETENCY = "There is no competency called '{code}'."
ORGANISATION_UNKNOWN = "Select organisations from the partnership's list"
FEE_INVALID = "Enter the fee as an amount in pounds, like 4500 or 4500.50"
PURCHASE_ORDER_NEEDED = "Enter the purchase order number"
COMMISSION_NOT_FOUND = "There is no such commissioning proposal on this case."
NOT_WAITING = "That reviewer is not waiting to be commissioned."
NO_CONFLICT = "That proposal has no conflict of interest to override."
ALREADY_OVERRIDDEN = "That conflict has already been overridden."
REASON_NEEDED = "Enter why the conflict does not prevent the commission"
NO_REVIEWER = "No reviewer is commissioned for this case."
INVOICE_NUMBER_NEEDED = "Enter the invoice number"
INVOICE_NUMBER_TAKEN = "That invoice number is already recorded for this reviewer"
AMOUNT_INVALID = "Enter the amount as an amount in pounds, more than 0, like 1500 or 1500.50"
INVOICE_NOT_FOUND = "There is no such invoice for this case's reviewer."
INVOICE_PAID = "That invoice was recorded as paid on {day}."
PAID_BEFORE_RECEIVED = "The date it was paid must be the same as or after the date it was received ({day})."
NO_ACCESS = "The reviewer has no access to this case to change."

MONEY_MAX = Decimal("99999999.99")

TEXTS = FieldTexts(
    {
        ONE_LINE: {
            "name": "The reviewer's name",
            "organisation": "Their organisation or practice",
        },
        NOTE: {
            "experience": "The note of their experience",
            "evidence": "The evidence",
            "other_interests": "Other interests",
        },
        REASON: {"reason": "The reason"},
        40: {"phone": "Phone number", "purchase_order": "The purchase order number", "number": "The invoice number"},
    },
    refused=CaseActionRefused,
)
"""How the reviewers app's free-text inputs are named in messages, under the limit of their kind (the forms use the
same words)."""


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _money(value: Decimal | str | int | float, *, field: str, message: str, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CaseActionRefused(message, field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX or (positive and amount == 0):
        raise CaseActionRefused(message, field=field)
    return amount


# -- the register ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerDetails:
    """What the register holds about a reviewer, cleaned."""

    name: str
    organisation: str
    email: str
    phone: str
    experience: str


def _details(*, name: str, organisation: str, email: str, phone: str, experience: str) -> ReviewerDetails:
    name = TEXTS.needed("name", name, NAME_NEEDED)
    email = (email or "").strip().lower()
    if not email:
        raise CaseActionRefused(EMAIL_NEEDED, field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise CaseActionRefused(EMAIL_INVALID, field="email") from None
    return ReviewerDetails(
        name=name,
        organisation=TEXTS.clean("organisation", organisation),
        email=email,
        phone=TEXTS.clean("phone", phone),
        experience=TEXTS.clean("experience", experience),
    )


_CLEAR = ("name", "organisation", "email", "phone")
"""The register's details kept in clear, in the order a change lists them."""


def _email_free(partnership_id: int, email: str, *, besides: int | None = None) -> None:
    taken = Reviewer.objects.filter(partnership_id=partnership_id, email__iexact=email)
    if besides is not None:
        taken = taken.exclude(pk=besides)
    if taken.exists():
        raise CaseActionRefused(EMAIL_TAKEN, field="email")


def reviewer_save(
    *,
    acting: Acting,
    partnership_id: int,
    name: str,
    email: str,
    organisation: str = "",
    phone: str = "",
    experience: str = "",
    reviewer_id: int | None = None,
    at: datetime | None = None,
) -> Reviewer:
    """Add an independent reviewer to the partnership's register (§6.1), or with ``reviewer_id`` change one's
    details (their past commissions keep pointing at them)."""
    grant = register_grant(acting, partnership_id)
    details = _details(name=name, organisation=organisation, email=email, phone=phone, experience=experience)
    at = now(at)
    with transaction.atomic():
        if reviewer_id is None:
            reviewer = Reviewer(partnership_id=partnership_id, added_by=kit.person(acting), added_at=at)
        else:
            found = Reviewer.objects.select_for_update().filter(partnership_id=partnership_id, pk=reviewer_id).first()
            if found is None:
                raise CaseActionRefused(REVIEWER_NOT_FOUND)
            reviewer = found
            reviewer.changed_by = kit.person(acting)
            reviewer.changed_at = at
        _email_free(partnership_id, details.email, besides=reviewer.pk)
        changed = [field for field in _CLEAR if getattr(reviewer, field) != getattr(details, field)]
        if reviewer.pk is None or reviewer.unseal("experience") != details.experience:
            changed.append("experience")
        for field in _CLEAR:
            setattr(reviewer, field, getattr(details, field))
        reviewer.seal("experience", details.experience)
        verb = "reviewer.added" if reviewer.pk is None else "reviewer.changed"
        reviewer.save()
        audit(acting, verb, obj=reviewer, partnership=partnership_id, grant=grant, changed=changed)
    return reviewer


# -- commissioning ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What proposing a reviewer came to: the proposal kept, whether the reviewer is commissioned, and if not why."""

    commission: Commission
    commissioned: bool
    blockers: tuple[str, ...]


def _locked_at_local_review(case: Case) -> Case:
    case = Case.objects.select_for_update().select_related("partnership").get(pk=case.pk)
    if case.stage != Stage.LOCAL_REVIEW:
        raise CaseActionRefused(NOT_LOCAL_REVIEW)
    return case


def _cleaned_evidence(evidence: Mapping[str, str]) -> dict[str, str]:
    known = {competency.code for competency in COMPETENCIES}
    for code in evidence:
        if code not in known:
            raise CaseActionRefused(UNKNOWN_COMPETENCY.format(code=code))
    cleaned = {}
    for competency in COMPETENCIES:
        text = TEXTS.clean("evidence", evidence.get(competency.code, ""), field=f"evidence_{competency.code}")
        if not text:
            raise CaseActionRefused(
                EVIDENCE_NEEDED.format(competency=competency.label), field=f"evidence_{competency.code}"
            )
        cleaned[competency.code] = text
    return cleaned


def _partnership_organisations(partnership_id: int, ids: Iterable[int]) -> frozenset[int]:
    wanted = frozenset(int(pk) for pk in ids)
    known = set(
        PartnershipOrganisation.objects.filter(partnership_id=partnership_id, organisation_id__in=wanted).values_list(
            "organisation_id", flat=True
        )
    )
    if wanted - known:
        raise CaseActionRefused(ORGANISATION_UNKNOWN, field="interests")
    return wanted


def commission_propose(
    *,
    acting: Acting,
    case: Case,
    reviewer_id: int | None,
    evidence: Mapping[str, str],
    interests: Iterable[int],
    fee: Decimal | str,
    purchase_order: str,
    other_interests: str = "",
    perceived_conflict: bool = False,
    at: datetime | None = None,
) -> Proposal:
    """Propose a reviewer for the case's local review with the §6.2 checks, the fee and the purchase order; commission
    them at once when the checks are complete, otherwise keep the proposal waiting for an Executive member's
    override of the conflict."""
    grant = kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    at = now(at)
    if reviewer_id is None:
        raise CaseActionRefused(REVIEWER_NEEDED, field="reviewer_id")
    cleaned = _cleaned_evidence(evidence)
    other = TEXTS.clean("other_interests", other_interests)
    amount = _money(fee, field="fee", message=FEE_INVALID)
    order = TEXTS.clean("purchase_order", purchase_order)
    if not order:
        raise CaseActionRefused(PURCHASE_ORDER_NEEDED, field="purchase_order")
    with transaction.atomic():
        case = _locked_at_local_review(case)
        declared = _partnership_organisations(case.partnership_id, interests)
        reviewer = selectors.reviewer_get(partnership_id=case.partnership_id, reviewer_id=reviewer_id)
        if reviewer is None:
            raise CaseActionRefused(REVIEWER_NEEDED, field="reviewer_id")
        involved = selectors.involved_organisation_ids(case=case)
        commission = kit.inserted(
            Commission(
                case=case,
                reviewer=reviewer,
                perceived_conflict=perceived_conflict,
                fee=amount,
                purchase_order=order,
                proposed_by=kit.person(acting),
                proposed_at=at,
            ),
            other_interests=other,
        )
        for code, text in cleaned.items():
            kit.inserted(CompetencyEvidence(commission=commission, competency=code), evidence=text)
        DeclaredInterest.objects.bulk_create(
            DeclaredInterest(commission=commission, organisation_id=pk, involved=pk in involved)
            for pk in sorted(declared)
        )
        checks = ReviewerChecks.of(
            evidenced=cleaned, declared=declared, involved=involved, perceived=perceived_conflict
        )
        audit_case(
            acting,
            "reviewer.commission_proposed",
            case,
            obj=commission,
            grant=grant,
            reviewer=reviewer.pk,
            competencies=sorted(cleaned),
            declared=sorted(declared),
            conflicting=sorted(checks.conflicting),
            perceived_conflict=perceived_conflict,
            fee=str(amount),
        )
        if not checks.complete:
            blockers = checks.blockers(selectors.organisation_names(ids=set(checks.conflicting)))
            audit_case(
                acting,
                "reviewer.commission_refused",
                case,
                obj=commission,
                grant=grant,
                conflicting=sorted(checks.conflicting),
                perceived_conflict=perceived_conflict,
            )
            return Proposal(commission, commissioned=False, blockers=blockers)
        _commissioned(acting, case, commission, checks=checks, grant=grant, at=at)
    return Proposal(commission, commissioned=True, blockers=())


def _waiting(case: Case, commission_id: int) -> Commission:
    commission = Commission.objects.select_for_update().filter(case=case, pk=commission_id).first()
    if commission is None:
        raise CaseActionRefused(COMMISSION_NOT_FOUND)
    if commission.status != Commission.Status.PROPOSED:
        raise CaseActionRefused(NOT_WAITING)
    return commission


def commission_conflict_override(
    *, acting: Acting, case: Case, commission_id: int, reason: str, at: datetime | None = None
) -> ConflictOverride:
    """An Executive member overrides a proposed reviewer's conflict of interest, with a reason: the business unit may
    then commission them."""
    grant = kit.allowed(acting, OVERRIDE, case, ROLES[OVERRIDE])
    at = now(at)
    reason = TEXTS.needed("reason", reason, REASON_NEEDED)
    with transaction.atomic():
        case = _locked_at_local_review(case)
        commission = _waiting(case, commission_id)
        if ConflictOverride.objects.filter(commission=commission).exists():
            raise CaseActionRefused(ALREADY_OVERRIDDEN)
        checks = selectors.commission_checks(
            commission=commission, involved=selectors.involved_organisation_ids(case=case)
        )
        if not checks.conflict:
            raise CaseActionRefused(NO_CONFLICT)
        override = kit.inserted(
            ConflictOverride(commission=commission, recorded_by=kit.person(acting), recorded_at=at), reason=reason
        )
        audit_case(
            acting,
            "reviewer.conflict_overridden",
            case,
            obj=override,
            grant=grant,
            commission=commission.pk,
            conflicting=sorted(checks.conflicting),
            perceived_conflict=checks.perceived,
        )
    return override


def commission_confirm(*, acting: Acting, case: Case, commission_id: int, at: datetime | None = None) -> Commission:
    """Commission a proposed reviewer whose checks are now complete (a conflict overridden); the lifecycle refuses
    one whose conflict stands."""
    grant = kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    at = now(at)
    with transaction.atomic():
        case = _locked_at_local_review(case)
        commission = _waiting(case, commission_id)
        checks = selectors.commission_checks(
            commission=commission, involved=selectors.involved_organisation_ids(case=case)
        )
        _commissioned(acting, case, commission, checks=checks, grant=grant, at=at)
    return commission


def _invite(acting: Acting, case: Case, reviewer: Reviewer, at: datetime) -> Invited:
    """Give the reviewer the reviewer's role in the case's partnership, in one e-mail that says they are commissioned
    for the case (by its reference only) and how to sign in or set up their account."""
    return invitation_send(
        acting=acting,
        partnership=case.partnership,
        email=reviewer.email,
        role=Role.REVIEWER,
        purpose=_commissioned_for(case),
        at=at,
    )


def _commissioned_for(case: Case) -> InvitedFor:
    """What the reviewer's one e-mail says of the commission, before how to sign in: the case's reference only."""
    return InvitedFor(
        subject=f"{case.reference}: {case.partnership.name} commissions you to review this case",
        introduction=(
            f"{case.partnership.name} has commissioned you as the reviewer of the local child safeguarding practice "
            f"review of case {case.reference}. Your access is to this review only. Once you have signed in you will "
            f"find it here:\n\n{link('cases:detail', reference=case.reference)}"
        ),
        kind="reviewers.commissioned",
    )


@makes_transitions("commission_reviewer")
def _commissioned(
    acting: Acting, case: Case, commission: Commission, *, checks: ReviewerChecks, grant: Grant | None, at: datetime
) -> None:
    """Inside the caller's transaction: the case moves on (the lifecycle decides), the other proposals are set aside,
    the reviewer is invited with the reviewer's role and given access to this case only, and told."""
    moved = case_advance(
        acting=acting,
        case=case,
        transition="commission_reviewer",
        facts={"reviewer_checks_complete": checks.complete},
        at=at,
    )
    Commission.objects.filter(case=case, status=Commission.Status.PROPOSED).exclude(pk=commission.pk).update(
        status=Commission.Status.SET_ASIDE
    )
    reviewer = commission.reviewer
    invited = _invite(acting, case, reviewer, at)
    access = case_access_grant(
        acting=acting,
        case=moved,
        granted_for=CaseAccess.GrantedFor.REVIEWER,
        user=invited.user,
        invitation=invited.invitation,
        at=at,
    )
    commission.status = Commission.Status.COMMISSIONED
    commission.commissioned_by = kit.person(acting)
    commission.commissioned_at = at
    commission.access = access
    commission.save(update_fields=["status", "commissioned_by", "commissioned_at", "access"])
    audit_case(
        acting,
        "reviewer.commissioned",
        case,
        obj=commission,
        grant=grant,
        reviewer=reviewer.pk,
        access=access.pk,
        overridden=checks.overridden,
    )


# -- after commissioning: invoices and access ---------------------------------------------------------------------


def _current(case: Case) -> Commission:
    commission = Commission.objects.select_for_update().filter(case=case, status=Commission.Status.COMMISSIONED).first()
    if commission is None:
        raise CaseActionRefused(NO_REVIEWER)
    return commission


def invoice_add(
    *,
    acting: Acting,
    case: Case,
    number: str,
    amount: Decimal | str,
    received_on: date,
    at: datetime | None = None,
) -> Invoice:
    """Record an invoice from the commissioned reviewer: its number, amount and the day it was received."""
    grant = kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    at = now(at)
    number = TEXTS.needed("number", number, INVOICE_NUMBER_NEEDED)
    value = _money(amount, field="amount", message=AMOUNT_INVALID, positive=True)
    not_future(received_on, today=local_today(at), field="received_on")
    with transaction.atomic():
        commission = _current(case)
        if commission.invoices.filter(number=number).exists():
            raise CaseActionRefused(INVOICE_NUMBER_TAKEN, field="number")
        invoice = Invoice(
            commission=commission,
            number=number,
            amount=value,
            received_on=received_on,
            recorded_by=kit.person(acting),
            recorded_at=at,
        )
        invoice.save(force_insert=True)
        audit_case(
            acting,
            "reviewer.invoice_added",
            case,
            obj=invoice,
            grant=grant,
            commission=commission.pk,
            amount=str(value),
            received_on=received_on,
        )
    return invoice


def invoice_paid(*, acting: Acting, case: Case, invoice_id: int, paid_on: date, at: datetime | None = None) -> Invoice:
    """Record the day an invoice of the commissioned reviewer was paid."""
    grant = kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    at = now(at)
    not_future(paid_on, today=local_today(at), field="paid_on")
    with transaction.atomic():
        commission = _current(case)
        invoice = Invoice.objects.select_for_update().filter(commission=commission, pk=invoice_id).first()
        if invoice is None:
            raise CaseActionRefused(INVOICE_NOT_FOUND)
        if invoice.paid_on is not None:
            raise CaseActionRefused(INVOICE_PAID.format(day=_day(invoice.paid_on)))
        if paid_on < invoice.received_on:
            raise CaseActionRefused(PAID_BEFORE_RECEIVED.format(day=_day(invoice.received_on)), field="paid_on")
        invoice.paid_on = paid_on
        invoice.paid_recorded_by = kit.person(acting)
        invoice.paid_recorded_at = at
        invoice.save(update_fields=["paid_on", "paid_recorded_by", "paid_recorded_at"])
        audit_case(acting, "reviewer.invoice_paid", case, obj=invoice, grant=grant, paid_on=paid_on)
    return invoice


def _access_id(case: Case) -> int:
    commission = _current(case)
    if commission.access_id is None:
        raise CaseActionRefused(NO_ACCESS)
    return commission.access_id


def reviewer_access_ends_on_set(
    *, acting: Acting, case: Case, ends_on: date | None, at: datetime | None = None
) -> CaseAccess:
    """Set (or clear) the day the commissioned reviewer's access to the case ends."""
    kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    with transaction.atomic():
        return case_access_ends_on_set(acting=acting, case=case, access_id=_access_id(case), ends_on=ends_on, at=at)


def reviewer_access_end(*, acting: Acting, case: Case, at: datetime | None = None) -> CaseAccess:
    """End the commissioned reviewer's access to the case at once."""
    kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    with transaction.atomic():
        return case_access_end(acting=acting, case=case, access_id=_access_id(case), at=at)


def reviewer_invitation_send_again(*, acting: Acting, case: Case, at: datetime | None = None) -> CaseAccess:
    """Invite the commissioned reviewer again when they never accepted the first invitation (it expired, or was lost):
    one new e-mail, as at commissioning; the old link stops working, and the case's access follows the new one."""
    kit.allowed(acting, COMMISSION, case, ROLES[COMMISSION])
    with transaction.atomic():
        access_id = _access_id(case)
        invited = _invite(acting, case, _current(case).reviewer, now(at))
        return case_access_invited_again(
            acting=acting, case=case, access_id=access_id, user=invited.user, invitation=invited.invitation, at=at
        )
