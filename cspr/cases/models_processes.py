"""The register of parallel processes of a case (procedure §8.8, §9): the criminal investigation, the trial, the
inquest and the other reviews and proceedings running beside the case, and the liaison with them (§9.4).

A process is a plain fact (its kind, status and key dates) with free text around it: the contact (a person's name
and how to reach them), the terms of a reporting restriction or court order, the effect on the review and notes.
That text may name people and is sealed (ADR 0009); the lead organisation's name is an organisation's and stays
in clear. A process is changed in place, each save moving its ``version`` on (no silent overwrite, ADR 0013);
liaison entries are immutable records.
"""

from __future__ import annotations

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.kernel.records import Updated, account
from cspr.kernel.sealing import SealedModel, sealed_text

__all__ = ["LiaisonEntry", "ParallelProcess"]


class ParallelProcess(SealedModel, Updated):
    class Kind(models.TextChoices):
        CRIMINAL_INVESTIGATION = "criminal_investigation", "Criminal investigation"
        CRIMINAL_TRIAL = "criminal_trial", "Criminal trial"
        CORONERS_INQUEST = "coroners_inquest", "Coroner's inquest"
        CHILD_DEATH_JAR = "child_death_jar", "Child death review: Joint Agency Response"
        CHILD_DEATH_CDOP = "child_death_cdop", "Child death review: Child Death Overview Panel"
        DOMESTIC_HOMICIDE_REVIEW = "domestic_homicide_review", "Domestic homicide review"
        SAFEGUARDING_ADULT_REVIEW = "safeguarding_adult_review", "Safeguarding adult review"
        MAPPA_REVIEW = "mappa_review", "MAPPA review"
        MENTAL_HEALTH_INVESTIGATION = "mental_health_investigation", "Mental health independent investigation"
        FAMILY_COURT = "family_court", "Family court"
        CIVIL_PROCEEDINGS = "civil_proceedings", "Civil proceedings"
        REGULATORY = "regulatory", "Regulatory or disciplinary"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CONCLUDED = "concluded", "Concluded"

    class Effect(models.TextChoices):
        NONE = "none", "None"
        INFORMATION_LIMITED = "information_limited", "Information sharing limited"
        INVOLVEMENT_DELAYED = "involvement_delayed", "Practitioner or family involvement delayed"
        PUBLICATION_HELD = "publication_held", "Publication held until it concludes"
        OTHER = "other", "Other"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="parallel_processes")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    lead_organisation = models.CharField(max_length=200, blank=True, help_text="An organisation's name (in clear).")
    contact_sealed = sealed_text("The contact's name and how to reach them (sealed).")
    status = models.CharField(max_length=20, choices=Status.choices)
    next_hearing_on = models.DateField(null=True, blank=True)
    expected_end_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    restricted = models.BooleanField(default=False, help_text="A reporting restriction or court order applies.")
    restriction_terms_sealed = sealed_text("The restriction's or order's terms (sealed).")
    effect = models.CharField(max_length=30, choices=Effect.choices, default=Effect.NONE)
    effect_note_sealed = sealed_text("The effect on the review, when 'other' (sealed).")
    notes_sealed = sealed_text()
    version = models.PositiveIntegerField(default=1, help_text="Moved on by every change (ADR 0013).")
    created_by = account()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = "parallel process"


class LiaisonEntry(SealedRecord):
    """One discussion with a parallel process's lead (the early police/CPS discussion of §9.4 and later ones):
    when, with whom and what was agreed. Recorded once, never changed."""

    process = models.ForeignKey(ParallelProcess, on_delete=models.PROTECT, related_name="liaison")
    held_on = models.DateField()
    with_whom_sealed = sealed_text("With whom (sealed).", blank=False)
    agreed_sealed = sealed_text("What was agreed (sealed).", blank=False)

    class Meta(SealedRecord.Meta):
        verbose_name = "liaison entry"
        verbose_name_plural = "liaison entries"
