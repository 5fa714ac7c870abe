"""Information requests to agencies and their returns (procedure §4.1).

One :class:`InformationRequest` per (case, organisation). The organisation answers with an :class:`AgencyReturn`,
one row per version: a submitted version is locked, and a later change is a new version with a reason, so every
version an agency submitted stays on record. Free text that may name people (the specific questions, the return's
narrative, chronology events and sources, reasons, attachment titles) is sealed exactly as the case record seals it
(:class:`cspr.kernel.sealing.SealedModel`, bound to ``returns.<model>.<field>.<row uuid>``).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cspr.files.models import StoredFileRow
from cspr.kernel.records import NamedById, account
from cspr.kernel.sealing import SealedModel


class RequestStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SUBMITTED = "submitted", "Submitted"
    NOT_INVOLVED = "not_involved", "Not involved"


CLOSED_STATUSES = frozenset({RequestStatus.SUBMITTED, RequestStatus.NOT_INVOLVED})


class InformationRequest(SealedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="information_requests")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    questions_sealed = models.TextField(blank=True, help_text="Specific questions for this agency (sealed).")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.NOT_STARTED)
    sent_by = account()
    sent_at = models.DateTimeField()
    assigned_to = account(optional=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    not_involved_at = models.DateTimeField(null=True, blank=True)
    not_involved_by = account(optional=True)
    not_involved_reason_sealed = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="one_information_request_per_organisation")
        ]
        # The inbox: an organisation's requests in a partnership, in the inbox's order (status, due date, id).
        indexes = [
            models.Index(fields=["partnership", "organisation", "status", "due_on", "id"], name="request_inbox_idx")
        ]

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def came_in_on(self) -> date | None:
        """The day the organisation's answer came in (first submission, or marked not involved)."""
        moment = self.first_submitted_at or self.not_involved_at
        return timezone.localdate(moment) if moment else None


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", "Reminder before the due date"
    CHASER = "chaser", "Chaser after the due date"
    MANUAL = "manual", "Chased by the business unit"


class RequestReminder(NamedById):
    """One reminder or chaser e-mailed about a request. The automatic ones go once per request (constraint)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()
    sent_by = account(optional=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"], condition=~Q(kind="manual"), name="one_automatic_reminder_of_each_kind"
            )
        ]


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SUBMITTED = "submitted", "Submitted"


RETURN_TEXT_FIELDS = (
    "services",
    "key_contacts",
    "involvement",
    "key_practice_episodes",
    "immediate_actions",
    "early_learning",
    "equality_considerations",
)


class AgencyReturn(SealedModel):
    """One version of an organisation's return. Submitted versions never change."""

    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="returns")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    involved_from = models.DateField(null=True, blank=True)
    involved_to = models.DateField(null=True, blank=True)
    services_sealed = models.TextField(blank=True)
    key_contacts_sealed = models.TextField(blank=True)
    involvement_sealed = models.TextField(blank=True)
    key_practice_episodes_sealed = models.TextField(blank=True)
    immediate_actions_sealed = models.TextField(blank=True)
    early_learning_sealed = models.TextField(blank=True)
    equality_considerations_sealed = models.TextField(blank=True)
    revision_reason_sealed = models.TextField(blank=True, help_text="Why this version replaces the one before.")
    edit_version = models.PositiveIntegerField(
        default=0,
        help_text="Moves on with every save of the return's text, across versions: a form opened at an earlier "
        "number cannot overwrite it (cspr.kernel.edits).",
    )
    edited_by = account(optional=True)
    edited_at = models.DateTimeField(null=True, blank=True, help_text="When the text was last saved.")
    started_by = account()
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sign_off_requested_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = account(optional=True)
    submitted_by = account(optional=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="one_return_per_version")]

    @property
    def locked(self) -> bool:
        return self.status == ReturnStatus.SUBMITTED


class ChronologyEntry(SealedModel):
    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="entries")
    happened_on = models.DateField()
    event_sealed = models.TextField()
    source_sealed = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order of entry, for entries on the same day.")

    class Meta:
        ordering = ["happened_on", "position", "id"]


class ReturnAttachment(StoredFileRow):
    """A file attached to a return version, kept by the file store (``stored_file``: title, name, kind, contents
    encrypted at rest; ADR 0016). A later version of the return carries the same files as rows of its own pointing
    at the same stored file, so a file goes only when no version holds it any more (``PROTECT``)."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="attachments")


class OrganisationLead(NamedById):
    """The organisation's designated lead for this partnership: signs off its returns before they go."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    user = account()
    designated_by = account(optional=True)
    designated_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="one_lead_per_organisation")
        ]
