"""The partnership's register of reviewers and their commissioning for local reviews (procedure §6.1-6.2).

A :class:`Reviewer` is an independent person the business unit may commission: a name, an organisation or practice,
an e-mail address, a phone number, and a short note of their experience. Name and contact details are a
professional's, kept in clear like a notifier's (the reviewer is named in the published report, §7.3); the note of
experience may name people or past cases and is sealed (ADR 0009).

A :class:`Commission` is one proposal to commission a reviewer for a case's local review: each §6.2 competency with
its evidence (:class:`CompetencyEvidence`, sealed), the organisations the reviewer declared working for or with
recently (:class:`DeclaredInterest`) and any other interests in words (sealed), the fee and the purchase order. It is
commissioned at once when the checks are complete; a real or perceived conflict keeps it proposed until an Executive
member overrides the conflict with a reason (:class:`ConflictOverride`, sealed, immutable). Once commissioned it
holds the reviewer's access to the case (``cases.CaseAccess``) and its invoices (:class:`Invoice`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cspr.cases.models import SealedRecord
from cspr.domain.reviewers import COMPETENCIES
from cspr.kernel.records import NamedById, Recorded, account
from cspr.kernel.sealing import SealedModel, sealed_text

__all__ = ["Commission", "CompetencyEvidence", "ConflictOverride", "DeclaredInterest", "Invoice", "Reviewer"]

COMPETENCY_CHOICES = [(competency.code, competency.label) for competency in COMPETENCIES]


class Reviewer(SealedModel):
    """An independent reviewer on one partnership's register."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="reviewers")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True, help_text="Their organisation or practice, if any.")
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    experience_sealed = sealed_text("A short note of their experience (sealed).")
    added_by = account()
    added_at = models.DateTimeField()
    changed_by = account(optional=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "email"], name="one_reviewer_per_email_per_partnership")
        ]


class Commission(SealedModel):
    """One proposal to commission a reviewer for a case's local review, and once commissioned, the commission."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Not commissioned: a conflict of interest waits for an override"
        COMMISSIONED = "commissioned", "Commissioned"
        SET_ASIDE = "set_aside", "Set aside: another reviewer was commissioned"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviewer_commissions")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="commissions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    other_interests_sealed = sealed_text("Other interests the reviewer declared, in words (sealed).")
    perceived_conflict = models.BooleanField(
        default=False, help_text="The business unit judged the other interests a perceived conflict of interest."
    )
    fee = models.DecimalField(max_digits=10, decimal_places=2)
    purchase_order = models.CharField(max_length=40)
    proposed_by = account()
    proposed_at = models.DateTimeField()
    commissioned_by = account(optional=True)
    commissioned_at = models.DateTimeField(null=True, blank=True)
    access = models.OneToOneField(
        "cases.CaseAccess", null=True, blank=True, on_delete=models.PROTECT, related_name="commission"
    )

    class Meta:
        ordering = ["case", "proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="commissioned"), name="one_commissioned_reviewer_per_case"
            )
        ]


class CompetencyEvidence(SealedModel):
    """The evidence for one §6.2 competency of a proposed reviewer (sealed: it may name people or past cases)."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="evidence")
    competency = models.CharField(max_length=20, choices=COMPETENCY_CHOICES)
    evidence_sealed = sealed_text("The evidence (sealed).", blank=False)

    class Meta:
        ordering = ["commission", "id"]
        constraints = [models.UniqueConstraint(fields=["commission", "competency"], name="one_evidence_per_competency")]


class DeclaredInterest(NamedById):
    """An organisation the reviewer declared working for or with recently, and whether the case involved it when
    the declaration was checked (a real conflict)."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="interests")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    involved = models.BooleanField(default=False)

    class Meta:
        ordering = ["commission", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "organisation"], name="one_interest_per_organisation")
        ]


class ConflictOverride(SealedRecord):
    """An Executive member's decision that the reviewer may be commissioned despite the conflict, and why."""

    commission = models.OneToOneField(Commission, on_delete=models.PROTECT, related_name="override")
    reason_sealed = sealed_text("Why the conflict does not prevent the commission (sealed).", blank=False)


class Invoice(Recorded):
    """An invoice from the commissioned reviewer: its number, amount, the day it came and the day it was paid."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    received_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    paid_recorded_by = account(optional=True)
    paid_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["commission", "received_on", "id"]
        constraints = [models.UniqueConstraint(fields=["commission", "number"], name="one_invoice_per_number")]

    def __str__(self) -> str:
        return f"Invoice {self.number} of commission {self.commission_id}"
