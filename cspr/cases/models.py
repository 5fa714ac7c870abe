"""The case record: one serious incident, its children and household, decisions, duties, clocks and documents.

Identifying details of children and families are never stored in clear. Each is sealed with
:mod:`cspr.kernel.crypto` into a ``*_sealed`` column, bound to ``cases.<model>.<field>.<row uuid>``, so a value copied
into another row or field does not decrypt. Free text that may name people (what is known, the outline, the place,
and every reason, note and title typed into the case: ADR 0009 lists them) is sealed the same way. Read them with
``unseal``, only for a reader the rules allow; each read is audited (:mod:`cspr.kernel.sealing`).

Decisions, transitions and duties are immutable rows: ``save`` refuses an update and ``delete`` refuses outright.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone

from cspr.domain.lifecycle import Stage
from cspr.domain.rules import is_closed
from cspr.files.models import StoredFileRow
from cspr.kernel.records import ImmutableModel, Recorded, Reminder, account, choices_of
from cspr.kernel.sealing import (
    SealedFieldsMixin,  # noqa: F401  (the first migrations name the mixin here)
    SealedModel,
    sealed_text,
)

STAGE_CHOICES = choices_of(Stage)


class SealedRecord(SealedModel, ImmutableModel, Recorded):
    """The base of an immutable, sealed record of something done (a duty, a decision, a date sent, a response): who
    recorded it in the service and when. Records a case or review has many of are listed in the order they were
    recorded: a model with a Meta of its own keeps that order by extending ``SealedRecord.Meta`` (the records made
    once per review do not, and have no order)."""

    class Meta:
        abstract = True
        ordering = ["recorded_at", "id"]


class Case(SealedModel):
    class Location(models.TextChoices):
        IN_AREA = "in_area", "In the local authority's area"
        OUTSIDE_ENGLAND_RESIDENT = "outside_england_resident", "Outside England; the child normally lives in the area"
        ELSEWHERE = "elsewhere", "Elsewhere in England"

    reference = models.CharField(max_length=40, unique=True)
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="cases")
    year = models.PositiveIntegerField(help_text="The year in the reference (submission, Europe/London).")
    sequence = models.PositiveIntegerField()
    stage = models.CharField(max_length=40, choices=STAGE_CHOICES)
    preset = models.CharField(max_length=40, help_text="The procedure preset the case's clocks follow.")
    as_referral = models.BooleanField(default=False, help_text="Told by an agency (§3.8), not notified by the LA.")
    created_by = account()
    submitted_by_organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    source_draft = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The form draft this case was submitted from: one draft makes at most one case.",
    )

    # The notifier: a professional contact, not the child or family.
    notifier_name = models.CharField(max_length=200)
    notifier_role = models.CharField(max_length=200)
    notifier_phone = models.CharField(max_length=200)
    notifier_email = models.CharField(max_length=200)

    # Key event dates: calendar dates in Europe/London (DESIGN §3).
    aware_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    panel_notified_on = models.DateField(null=True, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    planned_publication_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)

    # The incident: plain facts that identify nobody ...
    incident_on = models.DateField()
    incident_time = models.CharField(max_length=5, blank=True)
    location = models.CharField(max_length=30, choices=Location.choices)
    nature = models.CharField(max_length=30)
    abuse_or_neglect = models.CharField(max_length=10)
    care_leaver_age = models.PositiveSmallIntegerField(null=True, blank=True)
    media_interest = models.BooleanField(default=False)
    other_la_area = models.CharField(max_length=200, blank=True)
    agencies_involved_sealed = sealed_text("Agencies as the notifier named them: a JSON list, sealed.")
    involved_organisations = models.ManyToManyField(
        "partnerships.Organisation", blank=True, related_name="+", help_text="The named agencies we recognise."
    )
    parallel_processes_sealed = sealed_text("Parallel processes as the notifier named them: a JSON list, sealed.")
    # ... and free text that may identify, sealed.
    incident_place_sealed = models.TextField(blank=True)
    what_is_known_sealed = models.TextField(blank=True)
    serious_harm_description_sealed = models.TextField(blank=True)
    case_outline_sealed = models.TextField(blank=True)
    media_details_sealed = models.TextField(blank=True)

    assessment = models.JSONField(default=dict, help_text="The criteria engine's outcome, in plain words.")
    executive_disagrees_with_prg = models.BooleanField(
        default=False, help_text="Set at ratification: the discrepancy rationale clock then applies (§4.5)."
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "sequence"], name="case_sequence_unique"),
        ]
        # The case list: newest first in one partnership, optionally of one stage or year (and the year filter's
        # distinct years). Each index ends with the list's ORDER BY, so a page is read in order, never sorted.
        indexes = [
            models.Index(fields=["partnership", "submitted_at", "id"], name="case_list_idx"),
            models.Index(fields=["partnership", "stage", "submitted_at", "id"], name="case_list_stage_idx"),
            models.Index(fields=["partnership", "year", "submitted_at", "id"], name="case_list_year_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def is_closed(self) -> bool:
        """Whether the case is at a closed stage (the domain's answer, for lists and templates)."""
        return is_closed(self.stage)

    @property
    def submitted_on(self) -> date:
        """The day the case came in, in Europe/London."""
        return timezone.localdate(self.submitted_at)


class CasePerson(SealedModel):
    """The base of a person the case names (a child, a household member): their place in the case's list and the
    identifying details kept for everyone the case names, sealed. The model adds its foreign key to the case."""

    position = models.PositiveSmallIntegerField()
    name_sealed = models.TextField(blank=True)
    date_of_birth_sealed = models.TextField(blank=True)
    address_sealed = models.TextField(blank=True)

    class Meta:
        abstract = True


class Child(CasePerson):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    pseudonym = models.CharField(max_length=20)

    other_names_sealed = models.TextField(blank=True)
    nhs_number_sealed = models.TextField(blank=True)
    disability_details_sealed = models.TextField(blank=True)
    identity_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Keyed hash of name and date of birth, for duplicates."
    )

    unborn = models.BooleanField(default=False)
    not_yet_identified = models.BooleanField(default=False)
    age_years = models.PositiveSmallIntegerField(null=True, blank=True, help_text="At the incident.")
    sex = models.CharField(max_length=10, blank=True, choices=Sex.choices)
    ethnicity = models.CharField(max_length=200, blank=True)
    disability = models.CharField(max_length=10, blank=True)
    area = models.CharField(max_length=200, blank=True)
    looked_after = models.BooleanField(default=False)
    placement_type = models.CharField(max_length=200, blank=True)
    child_protection_plan = models.BooleanField(default=False)
    child_in_need = models.BooleanField(default=False)
    care_leaver = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="child_position_unique")]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def legal_status(self) -> list[str]:
        """The legal status in words (never identifying)."""
        words = []
        if self.looked_after:
            words.append(f"Looked after ({self.placement_type})" if self.placement_type else "Looked after")
        if self.child_protection_plan:
            words.append("Child protection plan")
        if self.child_in_need:
            words.append("Child in need")
        if self.care_leaver:
            words.append("Care leaver")
        return words


class HouseholdMember(CasePerson):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="household")
    relationship = models.CharField(max_length=40)

    class Meta:
        ordering = ["case", "position"]

    def __str__(self) -> str:
        return f"Household member {self.position + 1} ({self.relationship})"


class LocalAuthorityDecision(SealedModel, ImmutableModel):
    """The local authority's decision whether to notify the Panel (§3.5). Theirs: a correction is a new row.

    The officer's name and role stay in clear: a professional named in their working role, whom the partnership
    must be able to contact; the reason may name the child or family, so it is sealed.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="la_decisions")
    decided_on = models.DateField()
    notify_panel = models.BooleanField()
    reason_sealed = sealed_text("Why the local authority decided so (sealed).", blank=False)
    decided_by = account(help_text="The person who recorded the decision in the service.")
    decided_by_organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of_la = models.BooleanField(
        default=False, help_text="Recorded by the business unit on the local authority's behalf."
    )
    la_officer_name = models.CharField(max_length=200, blank=True, help_text="The LA officer who decided.")
    la_officer_role = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "local authority decision"


class CaseTransition(SealedModel, ImmutableModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    actor = account()
    actor_role = models.CharField(max_length=30, blank=True, help_text="The role the actor took it in.")
    at = models.DateTimeField()
    from_stage = models.CharField(max_length=40, choices=STAGE_CHOICES)
    to_stage = models.CharField(max_length=40, choices=STAGE_CHOICES)
    transition = models.CharField(max_length=60)
    reason_sealed = sealed_text()
    grounds = models.JSONField(default=list, blank=True, help_text="§5.6 grounds, for a discretionary review.")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "case transition"


class CaseClock(SealedModel):
    """One clock on one case, instantiated from the preset when its starting event date becomes known."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    clock_id = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the preset.")
    title = models.CharField(max_length=200)
    start = models.DateField()
    due = models.DateField()
    basis = models.CharField(max_length=20)
    sentence = models.CharField(max_length=300)
    section = models.CharField(max_length=100, blank=True)
    applicable = models.BooleanField(default=True)
    provisional = models.BooleanField(default=False)
    met_on = models.DateField(null=True, blank=True)
    late_reason_sealed = sealed_text()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason_sealed = sealed_text()
    extension_agreed_by_sealed = sealed_text("Who agreed the extension, as typed (sealed).")

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "clock_id"], name="one_clock_per_case")]

    @property
    def effective_due(self) -> Any:
        return self.extended_to or self.due


class DutyKind(models.TextChoices):
    PANEL_NOTIFIED = "panel_notified", "The Panel was notified"
    PARTNERS_INFORMED = "partners_informed", "The safeguarding partners were informed"
    SOS_OFSTED_NOTIFIED = "sos_ofsted_notified", "The Secretary of State and Ofsted were notified"
    OTHER_AREA_INFORMED = "other_area_informed", "Another area was informed"


DUTY_CLOCKS: dict[str, str | None] = {
    DutyKind.PANEL_NOTIFIED: "panel_notification",
    DutyKind.PARTNERS_INFORMED: "partners_notified",
    DutyKind.SOS_OFSTED_NOTIFIED: "sos_ofsted_notification",
    DutyKind.OTHER_AREA_INFORMED: None,
}


class DutyRecord(SealedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="duties")
    kind = models.CharField(max_length=30, choices=DutyKind.choices)
    done_on = models.DateField()
    panel_reference = models.CharField(max_length=100, blank=True)
    other_area_sealed = sealed_text("The other area informed, as typed (sealed).")
    late_reason_sealed = sealed_text()

    class Meta(SealedRecord.Meta):
        verbose_name = "duty record"


class FamilyDecision(models.TextChoices):
    """The decision or moment the family is told about (§5.3, §8.6)."""

    NOT_NOTIFIABLE = "not_notifiable", "The decision not to notify the Panel (not notifiable)"
    CRITERIA_NOT_MET = "criteria_not_met", "The case does not meet the criteria for a review"
    PRG_DECISION = "prg_decision", "The rapid review's recommendation"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"
    LOCAL_REVIEW = "local_review", "A local review will be held"
    NATIONAL_REVIEW = "national_review", "The Panel will hold a national review"
    CLOSURE = "closure", "The case is closed"
    OTHER = "other", "Another decision"


FAMILY_MOMENTS: dict[str, FamilyDecision] = {
    Stage.NOT_NOTIFIABLE: FamilyDecision.NOT_NOTIFIABLE,
    Stage.CLOSED_CRITERIA_NOT_MET: FamilyDecision.CRITERIA_NOT_MET,
    Stage.PRG_DECIDED: FamilyDecision.PRG_DECISION,
    Stage.NO_FURTHER_REVIEW: FamilyDecision.NO_FURTHER_REVIEW,
    Stage.LOCAL_REVIEW: FamilyDecision.LOCAL_REVIEW,
    Stage.NATIONAL_REVIEW: FamilyDecision.NATIONAL_REVIEW,
    Stage.CLOSED: FamilyDecision.CLOSURE,
    Stage.CLOSED_NOT_NOTIFIABLE: FamilyDecision.CLOSURE,
}
"""The stages whose arrival is a decision the family may be told about, and what it is called. Every one but the
PRG's recommendation (which the Panel's answer follows) must be told: until it is, the case shows the family as still
to be told (``FAMILY_MUST_HEAR``)."""

FAMILY_MUST_HEAR = frozenset(stage for stage in FAMILY_MOMENTS if stage != Stage.PRG_DECIDED)


class FamilyTold(SealedRecord):
    """Who told the family a decision on the case and its reasons, when, how and what they were told (§5.3, §8.6):
    one row each time, whichever path the case took."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Phone"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_told")
    decision = models.CharField(max_length=30, choices=FamilyDecision.choices)
    told_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    method_other_sealed = sealed_text("How, when the method is 'other' (sealed).")
    # A professional named in their working role: in clear, as the notifier and the LA officer are (ADR 0009).
    told_by = models.CharField(max_length=200, help_text="The professional who told them, and their role.")
    what_was_said_sealed = sealed_text("What the family was told about the decision and its reasons (sealed).")

    class Meta(SealedRecord.Meta):
        verbose_name = "family told"
        verbose_name_plural = "family told"


class FamilyNotYetTold(SealedRecord):
    """Why the family has not been told a decision yet (for example, the police asked to wait during a criminal
    investigation). Superseded by a :class:`FamilyTold` recorded after it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_not_yet_told")
    decision = models.CharField(max_length=30, choices=FamilyDecision.choices)
    reason_sealed = sealed_text("Why the family has not been told yet (sealed).")

    class Meta(SealedRecord.Meta):
        verbose_name = "family not yet told"
        verbose_name_plural = "family not yet told"


class CaseDocument(StoredFileRow):
    """A file about the case: kept by the file store (``stored_file``: its title, name, kind, size, checksum, who
    uploaded it and when, the contents encrypted at rest; ADR 0016) and served only through a permission check.

    The row holds what is the case's own: which case the file belongs to. A document sent with a notification is
    the notification's stored file, adopted by the case when it was submitted (no second copy of its contents).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")


class CaseLink(SealedModel):
    class Kind(models.TextChoices):
        POSSIBLE_DUPLICATE = "possible_duplicate", "Possible duplicate"
        DUPLICATE = "duplicate", "Same incident or child (linked)"
        JOINT_WORKING = "joint_working", "Joint working with another partnership"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    other_case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    other_partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_area = models.CharField(max_length=200, blank=True, help_text="The other area as the notifier named it.")
    note_sealed = sealed_text()
    created_by = account(optional=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="A possible duplicate linked or dismissed.")

    class Meta:
        ordering = ["created_at", "id"]


class CaseReferenceCounter(models.Model):
    """The last sequence number given out per partnership and year (gap-free: it rolls back with its case)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="one_counter_per_year")]

    def __str__(self) -> str:
        return f"{self.partnership_id}/{self.year}: {self.last}"


class ClockReminder(Reminder):
    """A reminder sent to the business unit that a case's clock is nearly due or overdue: once per clock, kind
    and due date (an extension moves the due date, so the new date is reminded of again)."""

    clock = models.ForeignKey(CaseClock, on_delete=models.CASCADE, related_name="reminders")

    class Meta:
        constraints = [Reminder.once_per_due_date("clock", name="one_reminder_per_clock_kind_due")]


# Access to one case granted to one person beyond their role (the commissioned reviewer; ADR 0020), and notification
# drafts (owned by the notification form, issue 5 contract), live in their own modules.
from cspr.cases.models_access import CaseAccess  # noqa: E402, F401
from cspr.cases.models_drafts import NotificationDraft  # noqa: E402, F401

# The register of parallel processes (procedure §8.8, §9) lives in its own module.
from cspr.cases.models_processes import LiaisonEntry, ParallelProcess  # noqa: E402, F401
