"""The rapid review of one case (procedure §3.4, §4.2-4.7, §5.3, §8.5): the PRG meeting, the record, the PRG's
decision, each lead safeguarding partner's sign-off, the ratification, the submission to the Panel, the Panel's
responses and telling the family.

Free text that may name the child, the family or others (the facts, the grounds, the minutes...) is sealed with
:mod:`cspr.kernel.crypto` into ``*_sealed`` columns bound to ``rapid_reviews.<model>.<field>.<row uuid>``, as the cases
app does. Text about agencies and actions ("Probation was not involved with the family") is asked for without
names but sealed all the same, with late reasons and paper titles (ADR 0009's list of free text).

Decisions and the dates things were sent are immutable rows: ``save`` refuses an update, ``delete`` refuses.
The record itself (:class:`RapidReview` and its parts) is a working draft until the PRG records its decision.
"""

from __future__ import annotations

from django.db import models

from cspr.cases.models import SealedRecord
from cspr.domain.rapid_review import Judgement
from cspr.files.models import StoredFileRow
from cspr.kernel.records import ImmutableModel, Updated, account, choices_of
from cspr.kernel.sealing import SealedModel, sealed_text


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class NationalRecommendation(models.TextChoices):
    YES = "yes", "Yes: a national review may be needed"
    NO = "no", "No"
    UNCLEAR = "unclear", "Unclear: for the Panel to decide"


# -- the PRG meeting (§3.4, §4.2) -----------------------------------------------------------------------------------


class PrgMeeting(SealedModel):
    class Mode(models.TextChoices):
        VIRTUAL = "virtual", "Virtual (online or by phone)"
        IN_PERSON = "in_person", "In person"

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="prg_meeting")
    scheduled_on = models.DateField()
    starts_at = models.CharField(max_length=5, blank=True, help_text="HH:MM, Europe/London.")
    mode = models.CharField(max_length=20, choices=Mode.choices)
    where = models.CharField(max_length=500, help_text="The room, or the joining link; no names.")
    agenda_sealed = models.TextField(blank=True)
    late_reason_sealed = sealed_text("Why it is after the PRG meeting's due date (sealed).")
    held_on = models.DateField(null=True, blank=True)
    minutes_sealed = models.TextField(blank=True)
    actions_agreed_sealed = models.TextField(blank=True)
    scheduled_by = account()
    scheduled_at = models.DateTimeField()
    held_recorded_by = account(optional=True)
    held_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "PRG meeting"


class MeetingAttendance(SealedModel):
    """One statutory agency (or other organisation) at the meeting: present, absent or not involved (§4.3)."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"
        NOT_INVOLVED = "not_involved", "Not involved with the family"

    meeting = models.ForeignKey(PrgMeeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    explanation_sealed = sealed_text("Why absent or not involved (sealed).")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="one_attendance_per_organisation")
        ]


class MeetingPaper(StoredFileRow):
    """A paper for the PRG meeting, kept by the file store (``stored_file``: title, name, kind, contents encrypted
    at rest; ADR 0016) and shown to the PRG only. The row holds what is the meeting's own: which meeting."""

    meeting = models.ForeignKey(PrgMeeting, on_delete=models.PROTECT, related_name="papers")


# -- the record (§4.3) ------------------------------------------------------------------------------------------------


class RapidReview(SealedModel, Updated):
    """The rapid review record: a draft, saved section by section, until the PRG records its decision."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rapid_review")
    facts_summary_sealed = models.TextField(blank=True)
    key_practice_episodes_sealed = models.TextField(blank=True)
    equality_analysis_sealed = models.TextField(blank=True)
    local_decision = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    local_grounds_sealed = models.TextField(blank=True)
    national_recommendation = models.CharField(max_length=10, choices=NationalRecommendation.choices, blank=True)
    national_criteria = models.JSONField(default=list, blank=True, help_text="Codes of §8.2-8.3 items that apply.")
    national_reasons_sealed = models.TextField(blank=True)
    further_learning_sealed = models.TextField(blank=True)
    no_further_learning_sealed = models.TextField(blank=True)
    immediate_learning_sealed = models.TextField(blank=True)
    agencies_involved = models.ManyToManyField("partnerships.Organisation", blank=True, related_name="+")
    sections_saved = models.JSONField(default=list, blank=True, help_text="Sections saved at least once.")
    section_versions = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per section, the version its form must be opened at to save: {"facts": {"version": 3, '
        '"by": <user id>, "at": "<ISO time>"}} (cspr.kernel.edits).',
    )
    outline = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the completeness check needs of the record, never its words: each text's length, the "
        "judgements, the agencies involved and the actions (cspr.rapid_reviews.outline).",
    )

    class Meta:
        verbose_name = "rapid review"


class ChildSafeguarding(SealedModel):
    """Immediate safeguarding arrangements for one child of the case (§4.3), by pseudonym."""

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="safeguarding")
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    arrangements_sealed = models.TextField(blank=True)

    class Meta:
        ordering = ["child__position"]
        constraints = [models.UniqueConstraint(fields=["review", "child"], name="one_arrangement_per_child")]


class CriterionJudgement(SealedModel):
    """The PRG's judgement on one §5.4 criterion or §5.5 circumstance, with its reason."""

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="judgements")
    code = models.CharField(max_length=60)
    judgement = models.CharField(max_length=10, choices=choices_of(Judgement), blank=True)
    reason_sealed = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "code"], name="one_judgement_per_criterion")]


class AgencyOmission(SealedModel):
    """Why a statutory agency was not involved in the rapid review (§4.3); no names."""

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="omissions")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    reason_sealed = sealed_text()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["review", "organisation"], name="one_omission_per_agency")]


class LearningAction(SealedModel):
    """An action to share immediate learning (§4.3): what, which organisation owns it, by when.

    Kept as its own table so that a view of every case's actions can read them all. The text is asked for without
    names but sealed all the same (ADR 0009): the rapid review's readers read it on the case's actions page, each read
    audited; the owning organisation is named, and its contributors do not see the actions.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CLOSED = "closed", "Closed without being done"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="learning_actions")
    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    what_sealed = sealed_text("The action (sealed).", blank=False)
    owner_organisation = models.ForeignKey(
        "partnerships.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_on = models.DateField(null=True, blank=True, help_text="The day it was done, or closed.")
    closed_reason_sealed = sealed_text("Why it was closed without being done (sealed).")
    resolved_by = account(optional=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=30, default="rapid_review", help_text="Where the action was agreed.")
    created_by = account()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["review", "position", "id"]


# -- decisions (immutable) ------------------------------------------------------------------------------------------


class PrgDecision(SealedRecord):
    """The PRG's decision, fixed when the PRG chair sends the rapid review to the Executive (§4.3-4.4)."""

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="prg_decision")
    decided_on = models.DateField()
    local_review = models.BooleanField()
    national_recommendation = models.CharField(max_length=10, choices=NationalRecommendation.choices)
    late_reason_sealed = sealed_text()

    class Meta:
        verbose_name = "PRG decision"


class PartnerSignOff(SealedModel, ImmutableModel):
    """One lead safeguarding partner's sign-off (§4.4-4.6): agrees with the PRG or not, with a rationale if not."""

    review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="sign_offs")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField()
    rationale_sealed = models.TextField(blank=True)
    signed_on = models.DateField()
    signed_by = account()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "partner sign-off"
        constraints = [models.UniqueConstraint(fields=["review", "organisation"], name="one_sign_off_per_partner")]


class Ratification(SealedModel, ImmutableModel):
    """The Executive Group's ratification (§4.4-4.6): the decision on a local review it stands by."""

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="ratification")
    ratified_on = models.DateField()
    local_review = models.BooleanField(help_text="Whether a local review will be held, as ratified.")
    disagrees_with_prg = models.BooleanField()
    late_reason_sealed = sealed_text()
    ratified_by = account()
    recorded_at = models.DateTimeField()


class SentToPanel(SealedRecord):
    """The base of a record of the date something of the rapid review went to the Panel: once per review (each
    record adds its one-to-one link to the review), with the reason it went late, if it did."""

    sent_on = models.DateField()
    late_reason_sealed = sealed_text()

    class Meta:
        abstract = True


class RationaleSent(SentToPanel):
    """The date the Executive's rationale for disagreeing with the PRG went to the Panel (§4.5)."""

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="rationale_sent")


class PanelSubmission(SentToPanel):
    """The date the ratified rapid review was sent to the Panel (§4.6)."""

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="submission")


class LocalReviewNotice(ImmutableModel):
    """The business unit was told that the Panel, Ofsted and DfE must be written to: a local review will be held
    (§4.7). Once per case; the letters themselves are recorded as sent by ``cspr.letters``."""

    review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="local_review_notice")
    recipients = models.JSONField(default=list, help_text="The contact kinds to be told by letter.")
    sent_at = models.DateTimeField()


class PanelResponse(SealedRecord):
    """What the Panel said, or the information sent back to it (§8.5). One row per response."""

    class Kind(models.TextChoices):
        NATIONAL_REVIEW = "national_review", "The Panel will hold a national review"
        INFORMATION_REQUESTED = "information_requested", "The Panel asked for more information"
        INFORMATION_PROVIDED = "information_provided", "The information was sent to the Panel"
        LOCAL_REVIEW = "local_review", "A local review will be held"
        NO_REVIEW = "no_review", "No further review"

    review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="panel_responses")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    received_on = models.DateField(help_text="When the Panel responded, or when the information was sent.")
    details_sealed = models.TextField(blank=True, help_text="The rationale, or what the Panel asked for.")
    information_due_on = models.DateField(null=True, blank=True)


class CriteriaNotMetClosure(SealedModel, ImmutableModel):
    """Why a case in the rapid review was closed as not meeting the criteria (§4.3). The reasons may name
    people, so they are sealed here and the case's transition row carries only a pointer to them."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="criteria_not_met_closures")
    reason_sealed = models.TextField()
    closed_by = account()
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["closed_at", "id"]
