"""The Panel's national review of a case (procedure §8.5-8.7), as the partnership takes part in it.

When the Child Safeguarding Practice Review Panel decides to hold a national review, the case becomes Panel-led:
the Panel runs the review and the partnership engages with it. The Panel's decision, its date and its rationale are
the rapid review's :class:`~cspr.rapid_reviews.models.PanelResponse` (the national review points at it, never copies
its words). The partnership's part is kept here: the Panel's contact for the review, a log of the engagement (the
scope and methodology discussed, information provided, practitioners and the family involved, a draft shared for
factual accuracy), what the Panel asked the partnership to provide and when it was provided, and the outcome (the
report's dates, a summary of the findings for the partnership, the day the review finished).

The contact, the notes, what was asked for and the findings may name people and are sealed (ADR 0009). Log entries
are immutable records; an item is provided once; the outcome is recorded once and finishes the review.
"""

from __future__ import annotations

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.kernel.records import account
from cspr.kernel.sealing import SealedModel, sealed_text

__all__ = ["EngagementEntry", "NationalReview", "ProvisionItem"]


class NationalReview(SealedModel):
    """The partnership's record of one national review: made the first time the business unit records something
    about it, for the Panel's national-review response it follows."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="national_reviews")
    panel_response = models.OneToOneField(
        "rapid_reviews.PanelResponse", on_delete=models.PROTECT, related_name="national_review"
    )
    panel_contact_sealed = sealed_text("The Panel's contact or reviewer for the national review (sealed).")
    scope_agreed_on = models.DateField(null=True, blank=True, help_text="The scope and methodology agreed (§8.7).")
    report_on = models.DateField(null=True, blank=True, help_text="The date of the national review's report.")
    published_on = models.DateField(null=True, blank=True, help_text="When the Panel published the report.")
    findings_sealed = sealed_text("A summary of the findings for the partnership (sealed).")
    finished_on = models.DateField(null=True, blank=True)
    finished_by = account(optional=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = account()
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "started_at", "id"]
        verbose_name = "national review"


class EngagementEntry(SealedRecord):
    """One step of the partnership's engagement with the national review: when, what kind, and a note."""

    class Kind(models.TextChoices):
        SCOPING = "scoping", "Scope and methodology discussed"
        INFORMATION = "information", "Information provided to the Panel"
        INVOLVEMENT = "involvement", "Practitioner or family involvement arranged"
        DRAFT_SHARED = "draft_shared", "Draft shared for factual accuracy"
        OTHER = "other", "Other"

    review = models.ForeignKey(NationalReview, on_delete=models.PROTECT, related_name="engagement")
    happened_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note_sealed = sealed_text("What happened and what was agreed (sealed).", blank=False)

    class Meta(SealedRecord.Meta):
        verbose_name = "engagement entry"
        verbose_name_plural = "engagement entries"


class ProvisionItem(SealedModel):
    """Something the Panel asked the partnership to provide for the review: what, asked on, due, and once provided,
    when and by which organisation."""

    review = models.ForeignKey(NationalReview, on_delete=models.PROTECT, related_name="items")
    what_sealed = sealed_text("What was asked for, without names (sealed all the same).", blank=False)
    requested_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    provided_on = models.DateField(null=True, blank=True)
    provided_by = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = account()
    added_at = models.DateTimeField()
    provided_recorded_by = account(optional=True)
    provided_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "requested_on", "id"]
        verbose_name = "item for the Panel"
