"""Practitioners and the family in a local review (§6.6), the explainers given to them, and the written thread with
the reviewer (§6.7).

* :class:`PractitionerEvent` — a learning event held for the practitioners: when, which of the partnership's
  organisations were invited and which attended, and what was fed back (sealed).
* :class:`FamilyEntry` — one entry of the family involvement log, about one household member or one child of the
  case: invited, consent, a meeting, what they were told, their expectations, or an explainer given. Everything said
  in it is sealed like identifying details (ADR 0009); the kind of entry and its date stay in clear.
* :class:`ExplainerVersion` — one version of a partnership's plain-English explainer (for a family, a practitioner,
  an agency): every save a new row, never changed; the first may be the service's own wording.
* :class:`ReviewerMessage` — one message in the thread between the business unit and the reviewer (sealed), read
  once by the other side.
"""

from __future__ import annotations

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.kernel.records import SavedVersion, account
from cspr.kernel.sealing import SealedModel, sealed_text

__all__ = ["ExplainerVersion", "FamilyEntry", "PractitionerEvent", "ReviewerMessage"]


class PractitionerEvent(SealedRecord):
    """A learning event for the practitioners who worked with the family, recorded once it was held."""

    review = models.ForeignKey("local_reviews.LocalReview", on_delete=models.PROTECT, related_name="events")
    held_on = models.DateField()
    invited = models.ManyToManyField("partnerships.Organisation", related_name="+")
    attended = models.ManyToManyField("partnerships.Organisation", related_name="+", blank=True)
    feedback_sealed = sealed_text("What the practitioners fed back (sealed).")

    class Meta(SealedRecord.Meta):
        verbose_name = "practitioner event"


class ExplainerVersion(SavedVersion):
    """One version of a partnership's explainer of a kind: its title and words, as saved; never changed."""

    class Kind(models.TextChoices):
        FAMILY = "family", "For a family"
        PRACTITIONER = "practitioner", "For a practitioner invited to a learning event"
        AGENCY = "agency", "For an agency asked for information"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The partnership's own wording, meant to be given out: not sealed.")
    from_service = models.BooleanField(default=False, help_text="The service's own wording, kept as it was given.")

    class Meta:
        ordering = ["partnership", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind", "number"], name="one_explainer_version_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.number}"


class FamilyEntry(SealedRecord):
    """One thing done with or for one member of the family (a household member or a child of the case)."""

    class Kind(models.TextChoices):
        INVITED = "invited", "Invited to take part"
        CONSENT = "consent", "Consent"
        MEETING = "meeting", "A meeting"
        TOLD = "told", "Told about the review"
        EXPECTATIONS = "expectations", "Their expectations"
        EXPLAINER = "explainer", "Given the explainer"

    review = models.ForeignKey("local_reviews.LocalReview", on_delete=models.PROTECT, related_name="family_entries")
    member = models.ForeignKey(
        "cases.HouseholdMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    happened_on = models.DateField()
    explainer = models.ForeignKey(ExplainerVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    how_sealed = sealed_text("How: in person, by letter, by phone… (sealed).")
    consent_sealed = sealed_text("Consent given, declined or withdrawn (sealed).")
    note_sealed = sealed_text("What happened, what they were told, or what they expect (sealed).")
    managed_sealed = sealed_text("How their expectations were managed (sealed).")

    class Meta(SealedRecord.Meta):
        verbose_name = "family involvement entry"
        verbose_name_plural = "family involvement entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=True, child__isnull=False)
                | models.Q(member__isnull=False, child__isnull=True),
                name="family_entry_about_one_person",
            )
        ]


class ReviewerMessage(SealedModel):
    """A message between the business unit and the commissioned reviewer (§6.7: requests in writing)."""

    class Side(models.TextChoices):
        BUSINESS_UNIT = "business_unit", "The business unit"
        REVIEWER = "reviewer", "The reviewer"

    review = models.ForeignKey("local_reviews.LocalReview", on_delete=models.PROTECT, related_name="messages")
    side = models.CharField(max_length=20, choices=Side.choices)
    sent_by = account()
    sent_at = models.DateTimeField()
    body_sealed = sealed_text("The message (sealed).", blank=False)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = account(optional=True)

    class Meta:
        ordering = ["review", "sent_at", "id"]
