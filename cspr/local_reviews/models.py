"""The local child safeguarding practice review of a case (procedure §5.5, §6.1-6.7).

One :class:`LocalReview` per case, started by the business unit once the case is at the local review stage: how the
decision came (read from the case's path), the day the review started, and whether it is held jointly with another
partnership (§5.5: its name, its contact, who leads). Later parts of the review (drafts, the family's involvement,
practitioner events, the reviewer's commission) hang off the same row.

* :class:`TermsOfReference` — the method and scope (§6.3-6.5), one row per version, never overwritten; each version
  says how every parallel process open on the case's register is handled (:class:`ProcessHandling`, §9.4) and is
  agreed by the partnership once (who, in which role, on what date).
* :class:`Milestone` — the supervision milestones (§6.7), proposed from the start date; a move of its due date is an
  immutable :class:`MilestoneMove` with its reason, and reminders are :class:`MilestoneReminder` rows (once per kind
  and due date), written by the case clocks' sweep.
* :class:`Checkpoint` — the business unit's record of the review's progress and quality (§6.7).

Free text that may name someone (the other partnership's contact, every answer of the terms of reference, the
handling of a process, why a milestone moved, a checkpoint's note) is sealed (ADR 0009).
"""

from __future__ import annotations

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.domain.local_review import JointLead, Method, MilestoneKind, Route
from cspr.kernel.records import Reminder, SavedVersion, account, choices_of
from cspr.kernel.sealing import SealedModel, sealed_text

__all__ = [
    "Checkpoint",
    "LocalReview",
    "Milestone",
    "MilestoneMove",
    "MilestoneReminder",
    "ProcessHandling",
    "TermsOfReference",
]


class LocalReview(SealedModel):
    """The partnership's record of the local review of one case, from its start."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="local_review")
    route = models.CharField(max_length=20, choices=choices_of(Route), help_text="How the decision came.")
    decided_on = models.DateField(help_text="The decision date (the case's, which starts the publication clock).")
    started_on = models.DateField(help_text="The day the review started; the milestones are proposed from it.")
    joint = models.BooleanField(default=False, help_text="Held jointly with another partnership (§5.5).")
    joint_partnership = models.CharField(max_length=200, blank=True, help_text="The other partnership's name.")
    joint_contact_sealed = sealed_text("The other partnership's contact, on one line (sealed).")
    joint_lead = models.CharField(max_length=10, choices=choices_of(JointLead), blank=True)
    started_by = account()
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = "local review"


class TermsOfReference(SealedModel, SavedVersion):
    """One version of the terms of reference: saved once, never changed but for its agreement, recorded once."""

    review = models.ForeignKey(LocalReview, on_delete=models.PROTECT, related_name="terms")
    method = models.CharField(max_length=30, choices=choices_of(Method))
    method_other_sealed = sealed_text("The method in words, when 'other' (sealed).")
    period_from = models.DateField()
    period_to = models.DateField()
    lines_of_enquiry_sealed = sealed_text("The key lines of enquiry, a list (sealed).", blank=False)
    practitioners_sealed = sealed_text("How practitioners will be involved (sealed).", blank=False)
    family_sealed = sealed_text("How the family will be involved (sealed).", blank=False)
    proportionality_sealed = sealed_text("Why the review's scope is proportionate (sealed).", blank=False)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = account(optional=True)
    agreed_role = models.CharField(max_length=40, blank=True, help_text="The role the agreement was recorded in.")
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "number"]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="one_terms_version_per_number")]


class ProcessHandling(SealedModel):
    """How one version of the terms of reference handles a parallel process that was open when it was saved."""

    terms = models.ForeignKey(TermsOfReference, on_delete=models.PROTECT, related_name="handling")
    process = models.ForeignKey("cases.ParallelProcess", on_delete=models.PROTECT, related_name="+")
    process_kind = models.CharField(max_length=40, help_text="The process's kind when the version was saved.")
    process_status = models.CharField(max_length=20, help_text="The process's status when the version was saved.")
    handling_sealed = sealed_text("How the review handles the process (sealed).", blank=False)

    class Meta:
        ordering = ["terms", "process_id"]
        constraints = [models.UniqueConstraint(fields=["terms", "process"], name="one_handling_per_process")]


class Milestone(models.Model):
    """A step of the review the partnership supervises, with its due date and, once done, the date it was done."""

    review = models.ForeignKey(LocalReview, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(max_length=30, choices=choices_of(MilestoneKind))
    position = models.PositiveSmallIntegerField()
    proposed_on = models.DateField(help_text="The due date first proposed from the start date.")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = account(optional=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "position"]
        constraints = [models.UniqueConstraint(fields=["review", "kind"], name="one_milestone_of_each_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (review {self.review_id})"


class MilestoneMove(SealedRecord):
    """A milestone's due date moved by the business unit: from, to, and why."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="moves")
    from_on = models.DateField()
    to_on = models.DateField()
    reason_sealed = sealed_text("Why the due date moved (sealed).", blank=False)

    class Meta(SealedRecord.Meta):
        verbose_name = "milestone move"


class MilestoneReminder(Reminder):
    """A reminder sent that a milestone is nearly due or overdue: once per milestone, kind and due date."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reminders")

    class Meta:
        constraints = [Reminder.once_per_due_date("milestone", name="one_reminder_per_milestone_kind_due")]


class Checkpoint(SealedRecord):
    """A check of the review's progress or quality by the business unit (§6.7): when, what kind, how it stands."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress"
        QUALITY = "quality", "Quality"

    class Rating(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        CONCERNS = "concerns", "Concerns"
        OFF_TRACK = "off_track", "Off track"

    review = models.ForeignKey(LocalReview, on_delete=models.PROTECT, related_name="checkpoints")
    held_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rating = models.CharField(max_length=10, choices=Rating.choices)
    note_sealed = sealed_text("What was found and agreed (sealed).", blank=False)

    class Meta(SealedRecord.Meta):
        verbose_name = "checkpoint"


# The drafts of the report, the organisations' comments and the national review suggested live in their own module.
from cspr.local_reviews.models_drafts import (  # noqa: E402, F401
    CommentReminder,
    CommentRequest,
    DraftComments,
    NationalSuggestion,
    ReportDraft,
)

# Practitioners, the family, the explainers and the thread with the reviewer (§6.6-6.7), kept in their own module.
from cspr.local_reviews.models_people import (  # noqa: E402
    ExplainerVersion,
    FamilyEntry,
    PractitionerEvent,
    ReviewerMessage,
)

__all__ += ["ExplainerVersion", "FamilyEntry", "PractitionerEvent", "ReviewerMessage"]
