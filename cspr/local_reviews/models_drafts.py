"""The local review's drafts of the report, the organisations' comments on them, and the business unit's record that
new information suggests a national review (procedure §4.6, §6.7, §7.1).

* :class:`ReportDraft` — one upload of the report: numbered per review (draft 1, 2, …), its file kept by the one file
  store (checksummed there, encrypted at rest), never replaced or removed; the reviewer may say one is final.
* :class:`CommentRequest` — the business unit asks one organisation involved in the case for factual-accuracy
  comments on one draft, by a date; :class:`CommentReminder` rows record the reminder before that date and the
  chaser after it (once each per due date), written by the case clocks' sweep.
* :class:`DraftComments` — the organisation's comments on that draft, once, sealed (they may name people).
* :class:`NationalSuggestion` — new information during the local review (from the decision to hold it, perhaps before
  it started, to the draft report) suggests a national review: why (sealed), and the day the partnership concluded
  it, which makes the letter to the Panel due. The case stays where it is until the Panel answers.
"""

from __future__ import annotations

import uuid

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.kernel.records import NamedById, Reminder, account
from cspr.kernel.sealing import sealed_text

__all__ = ["CommentReminder", "CommentRequest", "DraftComments", "NationalSuggestion", "ReportDraft"]


class ReportDraft(models.Model):
    """A draft of the review's report as uploaded: its number, its file, who uploaded it in which role, and when."""

    review = models.ForeignKey("local_reviews.LocalReview", on_delete=models.PROTECT, related_name="drafts")
    number = models.PositiveIntegerField()
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = account()
    uploaded_role = models.CharField(max_length=40, help_text="The role the draft was uploaded in.")
    uploaded_at = models.DateTimeField()
    final_at = models.DateTimeField(null=True, blank=True, help_text="When it was said to be the final draft.")
    final_by = account(optional=True)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_draft_per_number"),
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(final_at__isnull=False), name="one_final_draft_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"Draft {self.number} (review {self.review_id})"


class CommentRequest(NamedById):
    """One organisation asked for factual-accuracy comments on one draft, by a date."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(ReportDraft, on_delete=models.PROTECT, related_name="comment_requests")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    requested_by = account()
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["draft", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "organisation"], name="one_comment_request_per_organisation")
        ]
        indexes = [models.Index(fields=["organisation", "due_on", "id"], name="comment_request_inbox_idx")]


class CommentReminder(Reminder):
    """A reminder that an organisation's comments are due soon, or a chaser that they are overdue: once per request,
    kind and due date."""

    request = models.ForeignKey(CommentRequest, on_delete=models.CASCADE, related_name="reminders")

    # The same kinds, named as the organisation reads them.
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Reminder"
        OVERDUE = "overdue", "Chaser"

    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [Reminder.once_per_due_date("request", name="one_reminder_per_comment_request_kind")]


class DraftComments(SealedRecord):
    """An organisation's factual-accuracy comments on a draft: submitted once, never changed."""

    request = models.OneToOneField(CommentRequest, on_delete=models.PROTECT, related_name="comments")
    comments_sealed = sealed_text("The organisation's comments on the draft (sealed).", blank=False)

    class Meta(SealedRecord.Meta):
        verbose_name = "comments on a draft"
        verbose_name_plural = "comments on drafts"


class NationalSuggestion(SealedRecord):
    """The business unit's record that new information during the local review suggests a national review (§4.6)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="national_suggestions")
    stage = models.CharField(max_length=40, help_text="The case's stage when it was recorded.")
    suggested_on = models.DateField(help_text="The day the partnership concluded it; the letter to the Panel's date.")
    reason_sealed = sealed_text(
        "What the new information is and why it suggests a national review (sealed).", blank=False
    )

    class Meta(SealedRecord.Meta):
        verbose_name = "national review suggestion"
