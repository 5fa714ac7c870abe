"""The API's request and response shapes (pydantic, through django-ninja).

Input is strict, because whatever passes here reaches both databases: unknown fields are refused
(``extra="forbid"``); text goes through the one free-text policy (:mod:`cspr.kernel.text`: no control, bidi
override, noncharacter or tag characters, no lone surrogates; normalised; the same limits and messages as the
form); whole numbers are bounded (a 40-digit age never reaches a
column); booleans are JSON booleans; dates are ``YYYY-MM-DD`` strings and nothing else. Choices come from
:mod:`cspr.cases.notification`, so the API and the form cannot drift apart. Then ``validate_notification`` applies
the rules that need more than one field (dates in order, a name or "not yet identified", the NHS number's check
digit...).

Responses never carry identifying details (names, other names, dates of birth, addresses, NHS numbers) nor the
free text of a notification, which may name people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from cspr.calendars.holiday_sources import build_calendar
from cspr.cases import notification as rules
from cspr.cases.models import FamilyDecision, FamilyTold
from cspr.cases.models_processes import ParallelProcess
from cspr.domain.clocks import clock_date_range
from cspr.domain.lifecycle import Stage
from cspr.domain.presets import CLOCK_RULES
from cspr.domain.rapid_review import Section
from cspr.kernel import text
from cspr.local_reviews.models import MilestoneKind
from cspr.rapid_reviews.models import MeetingAttendance, NationalRecommendation, PanelResponse, PrgMeeting
from cspr.returns.models import RequestStatus

# -- input types -------------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: Any) -> date:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PydanticCustomError("date_format", "Enter a date as YYYY-MM-DD, like 2026-03-14")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", "Enter a real date as YYYY-MM-DD, like 2026-03-14") from None


def _one_of(choices: tuple[tuple[str, str], ...], *, blank: bool = False) -> AfterValidator:
    allowed = [value for value, _ in choices] + ([""] if blank else [])

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError("enum", "Use one of: {allowed}", {"allowed": ", ".join(repr(a) for a in allowed)})
        return value

    return AfterValidator(check)


def _enum_schema(choices: tuple[tuple[str, str], ...], *, blank: bool = False) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": [value for value, _ in choices] + ([""] if blank else [])})


def _free_text(limit: int, subject: str = "") -> AfterValidator:
    """The free-text policy, naming the field as the form and ``validate_notification`` do (a 422 either way)."""

    def check(value: str, info: ValidationInfo) -> str:
        what = subject or rules.ANSWER_SUBJECTS.get(info.field_name or "", "The text")
        problem = text.text_problem(value, subject=what, limit=limit)
        if problem is not None:
            raise PydanticCustomError(problem[1], problem[0])
        return text.normalise(value)

    return AfterValidator(check)


def _schema(limit: int) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "maxLength": limit})


def _stated(pattern: str, limit: int = text.ONE_LINE) -> WithJsonSchema:
    """The document states the pattern that ``validate_notification`` checks (it checks it, with its own message);
    spaces around the answer are allowed, as the form trims them."""
    return WithJsonSchema({"type": "string", "maxLength": limit, "pattern": pattern})


def _trimmed(pattern: str) -> str:
    return r"^\s*" + pattern.removeprefix("^").removesuffix("$") + r"\s*$"


_STR = StringConstraints(strict=True)
ShortText = Annotated[str, _STR, _free_text(text.ONE_LINE), _schema(text.ONE_LINE)]
RequiredText = Annotated[str, _STR, _free_text(text.ONE_LINE), _stated(r"\S")]
PhoneText = Annotated[str, _STR, _free_text(text.ONE_LINE), _stated(_trimmed(rules.PHONE_PATTERN))]
EmailText = Annotated[str, _STR, _free_text(text.ONE_LINE), _stated(_trimmed(rules.EMAIL_PATTERN))]
MemberName = Annotated[str, _STR, _free_text(text.ONE_LINE, "Name"), _stated(r"\S")]
LongText = Annotated[str, _STR, _free_text(text.NARRATIVE), _schema(text.NARRATIVE)]
AddressText = Annotated[str, _STR, _free_text(text.ADDRESS), _schema(text.ADDRESS)]
NhsNumberText = Annotated[str, _STR, _free_text(20), _schema(20)]
TimeText = Annotated[
    str,
    _STR,
    _free_text(5),
    _stated(r"^(" + rules.TIME_PATTERN.removeprefix("^").removesuffix("$") + r")?$", limit=5),
    Field(examples=["21:15"]),
]
IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]

_SHIPPED_CLOCK_RANGE = clock_date_range(build_calendar(), CLOCK_RULES)
CLOCK_DATE_RULE = (
    "It starts the statutory clocks, so it must lie between the first date the working-day calendar can count them "
    f"from ({_SHIPPED_CLOCK_RANGE[0].isoformat()} with the bank holiday lists shipped) and today; a date outside is "
    "refused with 422 naming the field."
)
HISTORICAL_DATE_RULE = "Between 1900-01-01 and today; a date outside is refused with 422 naming the field."
Flag = Annotated[bool, Strict()]


def _whole_number(value: Any) -> int:
    """A JSON whole number: ``7``, or ``7.0``, which JSON Schema also counts as an integer; never ``true``, ``"7"``
    or ``7.5``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Enter a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_from_float", "Enter a whole number")
        return int(value)
    return value


Age = Annotated[
    int,
    BeforeValidator(_whole_number),
    Field(ge=0, le=rules.MAX_AGE_YEARS),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": rules.MAX_AGE_YEARS}),
]
CareLeaverAge = Annotated[
    int,
    BeforeValidator(_whole_number),
    Field(ge=0, le=rules.MAX_CARE_LEAVER_AGE),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": rules.MAX_CARE_LEAVER_AGE}),
]
Location = Annotated[str, _one_of(rules.LOCATION_CHOICES), _enum_schema(rules.LOCATION_CHOICES)]
Nature = Annotated[str, _one_of(rules.NATURE_CHOICES), _enum_schema(rules.NATURE_CHOICES)]
AbuseOrNeglect = Annotated[str, _one_of(rules.ABUSE_CHOICES), _enum_schema(rules.ABUSE_CHOICES)]
Sex = Annotated[str, _one_of(rules.SEX_CHOICES, blank=True), _enum_schema(rules.SEX_CHOICES, blank=True)]
Disability = Annotated[
    str, _one_of(rules.DISABILITY_CHOICES, blank=True), _enum_schema(rules.DISABILITY_CHOICES, blank=True)
]
Relationship = Annotated[str, _one_of(rules.RELATIONSHIP_CHOICES), _enum_schema(rules.RELATIONSHIP_CHOICES)]


class StrictInput(Schema):
    model_config = ConfigDict(extra="forbid")


class ChildIn(StrictInput):
    """One child. Give the name, or say the child is unborn or not yet identified; the date of birth or the age."""

    name: ShortText = Field("", description="Identifying: stored encrypted, never returned by the API.")
    other_names: ShortText = ""
    date_of_birth: IsoDate | None = Field(None, description=f"Identifying: never returned. {HISTORICAL_DATE_RULE}")
    age_years: Age | None = Field(None, description="Whole years, when the date of birth is not known.")
    unborn: Flag = False
    not_yet_identified: Flag = False
    sex: Sex = ""
    ethnicity: ShortText = ""
    disability: Disability = ""
    disability_details: LongText = ""
    address: AddressText = Field("", description="Identifying: stored encrypted, never returned by the API.")
    area: ShortText = Field("", description="The local authority area the child lives in.")
    nhs_number: NhsNumberText = Field("", description="10 digits with a valid check digit, when known.")
    looked_after: Flag = False
    placement_type: ShortText = ""
    child_protection_plan: Flag = False
    child_in_need: Flag = False
    care_leaver: Flag = False


class HouseholdMemberIn(StrictInput):
    name: MemberName
    relationship: Relationship
    date_of_birth: IsoDate | None = Field(None, description=HISTORICAL_DATE_RULE)
    address: AddressText = ""


class NotificationIn(StrictInput):
    """A serious incident notification (or, from a token that is not a local authority notifier, a referral).

    Besides each field's own shape, these rules across fields are checked (a 422 names the field): `la_aware_on`
    is required of a local authority's notifier and is on or after `incident_on`; both lie within the calendar's
    range and not after today; `what_is_known` is required when `abuse_or_neglect` is `yes`;
    `serious_harm_description` when `nature` is `serious_harm`; `case_outline` always; `care_leaver_age` when
    `nature` is `care_leaver_death`; each child has a `name` or is `unborn` or `not_yet_identified`, a date of birth
    or an age but not both, no date of birth when unborn and none after the incident, a `placement_type` when
    `looked_after`, and an `nhs_number` with a valid check digit; `notifier_phone` has at least 6 digits.
    """

    notifier_name: RequiredText
    notifier_role: RequiredText
    notifier_phone: PhoneText = Field(
        description="At least 6 digits; spaces, brackets, hyphens and a leading + allowed."
    )
    notifier_email: EmailText
    la_aware_on: IsoDate | None = Field(
        None,
        description=(
            "The date the local authority became aware (Europe/London). Required of a local authority's notifier; "
            "a referral may leave it out when the agency does not know, and the referral's own date is used, as on "
            f"the web form. {CLOCK_DATE_RULE}"
        ),
    )
    incident_on: IsoDate = Field(description=f"The date of the incident (Europe/London). {CLOCK_DATE_RULE}")
    incident_time: TimeText = Field("", description="HH:MM on the 24-hour clock, or empty.")
    incident_place: ShortText = ""
    location: Location = "in_area"
    nature: Nature = "serious_harm"
    abuse_or_neglect: AbuseOrNeglect = "yes"
    what_is_known: LongText = ""
    serious_harm_description: LongText = ""
    care_leaver_age: CareLeaverAge | None = Field(None, description="Needed when nature is care_leaver_death.")
    children: list[ChildIn] = Field(min_length=1, max_length=rules.MAX_CHILDREN)
    household: list[HouseholdMemberIn] = Field(default_factory=list, max_length=rules.MAX_HOUSEHOLD)
    other_la_area: ShortText = Field("", description="Another local authority area the child lives in, if any.")
    agencies_involved: list[ShortText] = Field(default_factory=list, max_length=rules.MAX_LIST_ITEMS)
    parallel_processes: list[ShortText] = Field(default_factory=list, max_length=rules.MAX_LIST_ITEMS)
    case_outline: LongText = ""
    media_interest: Flag = False
    media_details: LongText = ""

    def to_data(self) -> rules.NotificationData:
        """The plain :class:`~cspr.cases.notification.NotificationData` the form also produces."""
        values = self.model_dump(exclude={"children", "household", "agencies_involved", "parallel_processes"})
        return rules.NotificationData(
            **values,
            children=tuple(rules.ChildData(**child.model_dump()) for child in self.children),
            household=tuple(rules.HouseholdMemberData(**member.model_dump()) for member in self.household),
            agencies_involved=tuple(self.agencies_involved),
            parallel_processes=tuple(self.parallel_processes),
        )


class CaseListQuery(Schema):
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)
    stage: Stage | None = Field(None, description="Only cases at this stage.")
    year: int | None = Field(None, ge=2000, le=2100, description="Only cases with this year in their reference.")


# -- responses ---------------------------------------------------------------------------------------------------


def codes(choices: Iterable[Enum]) -> str:
    """What a field of codes may hold, in words, from the choices it is one of (so the document cannot drift from
    them): "a, b or c."."""
    values = [str(choice.value) for choice in choices]
    return f"{', '.join(values[:-1])} or {values[-1]}."


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(description='Where the error is, e.g. ["body", "children", 0, "nhs_number"].')
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class NotificationCreatedOut(Schema):
    reference: str = Field(examples=["NVALE-2026-004"])
    location: str = Field(examples=["/api/v1/cases/NVALE-2026-004"])
    kind: str = Field(description='"notification" (a local authority notifier) or "referral" (any other agency).')
    stage: str
    stage_label: str


class TokenOut(Schema):
    prefix: str
    name: str
    role: str
    partnership: str = Field(description="The partnership's code.")
    organisation: str | None


class IndexOut(Schema):
    version: str
    token: TokenOut
    links: dict[str, str]


class CaseLinksOut(Schema):
    self: str
    clocks: str
    web: str


class KeyDatesOut(Schema):
    incident: date
    aware: date | None = Field(description="The local authority became aware.")
    notified: date | None = Field(description="The partnership received the local authority's notification.")
    panel_notified: date | None
    decision: date | None = Field(description="The decision to hold a local review.")
    planned_publication: date | None
    published: date | None


class CaseSummaryOut(Schema):
    reference: str
    stage: str
    stage_label: str
    open: bool = Field(
        description="Whether the case is open: false once it is closed, closed as not meeting the criteria, or "
        "withdrawn (the lifecycle's closed stages). A closed case may be reopened."
    )
    kind: str
    year: int
    submitted_at: datetime
    pseudonyms: list[str] = Field(examples=[["Child A", "Child B"]])
    key_dates: KeyDatesOut
    links: CaseLinksOut


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    results: list[CaseSummaryOut]


class ChildOut(Schema):
    pseudonym: str
    age_years: int | None
    sex: str
    unborn: bool
    not_yet_identified: bool
    looked_after: bool
    child_protection_plan: bool
    child_in_need: bool
    care_leaver: bool


class DutyOut(Schema):
    kind: str
    reason: str
    section: str
    clock_ids: list[str]


class AssessmentOut(Schema):
    """The criteria engine's outcome on the notification as submitted, in words."""

    notifiable_to_panel: bool
    panel_reason: str
    rapid_review_follows: bool
    rapid_review_reason: str
    needs_more_information: bool
    duties: list[DutyOut]


class FamilyToldOut(Schema):
    decision: str = Field(description=f"What they were told: {codes(FamilyDecision)}")
    told_on: date
    method: str = Field(description=codes(FamilyTold.Method))


class FamilyToTellOut(Schema):
    decision: str = Field(description="The decision the family has still to be told, as in `told`.")
    since: date = Field(description="The day that decision was made.")
    reason_recorded: bool = Field(description="Whether a reason why they are not told yet is recorded since then.")


class FamilyOut(Schema):
    told: list[FamilyToldOut] = Field(description="Each record that the family was told, oldest first; no words.")
    to_tell: FamilyToTellOut | None = Field(description="What is still to tell the family, or null when nothing is.")


class CaseDetailOut(CaseSummaryOut):
    preset: str
    nature: str
    location: str
    abuse_or_neglect: str
    media_interest: bool
    children: list[ChildOut]
    involved_organisations: list[str] = Field(description="The named agencies the service recognises.")
    assessment: AssessmentOut | None
    family: FamilyOut = Field(description="Telling the family on every path (§5.3, §8.6), without what was said.")


class ClockOut(Schema):
    clock_id: str = Field(description="As in the procedure preset, e.g. panel_notification, prg_meeting.")
    title: str
    starts_at: str = Field(description="The event the clock counts from: aware, notified, panel_notified, ...")
    start_date: date | None
    due: date | None = Field(description="The due date, after any recorded extension.")
    extended: bool
    rule: str = Field(description="The rule in words.")
    section: str
    statutory: bool
    basis: str = Field(description="statutory, procedure or local.")
    status: str = Field(
        description=(
            "not_started, running, due_soon, overdue, met, met_late, ended_early, not_applicable, or cannot_compute "
            "(the due date falls outside the working-day calendar: see note)."
        )
    )
    status_label: str
    met_on: date | None
    working_days_left: int | None = Field(description="While the clock runs; negative once overdue.")
    applicable: bool
    provisional: bool
    note: str = Field(
        description=(
            "What could not be worked out, in words, when a date falls outside the working-day calendar (for "
            "example the working days left before an extension agreed beyond its last known year); otherwise empty."
        )
    )


class CaseClocksOut(Schema):
    reference: str
    today: date
    preset: str
    clocks: list[ClockOut]


class ParallelProcessOut(Schema):
    kind: str = Field(description=codes(ParallelProcess.Kind))
    kind_label: str
    status: str = Field(description=codes(ParallelProcess.Status))
    status_label: str
    next_hearing_on: date | None
    expected_end_on: date | None
    concluded_on: date | None


class CaseParallelProcessesOut(Schema):
    reference: str
    parallel_processes: list[ParallelProcessOut] = Field(
        description="The case's register of parallel processes (procedure §8.8, §9), in the order they were added. "
        "Kind, status and key dates only: contacts, restrictions' terms and notes may name people and are never "
        "included."
    )


class LocalReviewMilestoneOut(Schema):
    kind: str = Field(description=codes(MilestoneKind))
    label: str
    due_on: date
    done_on: date | None
    status: str = Field(description="due, overdue (not done and past its due date) or done.")


class CaseLocalReviewOut(Schema):
    reference: str
    started: bool = Field(description="Whether the business unit has started the local review (§6.1).")
    route: str | None = Field(
        description="How the decision to hold it came: executive (the Executive Group's ratification), panel (the "
        "Panel's response) or discretionary (§5.6); null before it starts."
    )
    decided_on: date | None = Field(description="The decision date that starts the publication clock.")
    started_on: date | None
    joint: bool = Field(description="Held jointly with another partnership (§5.5).")
    joint_lead: str | None = Field(description="this or other: which partnership leads a joint review.")
    reviewer: str | None = Field(
        description="The commissioned reviewer's name (a professional's, published with the report), or null before "
        "one is commissioned."
    )
    terms_of_reference_version: int | None = Field(description="The latest version's number, or null before one.")
    terms_of_reference_agreed_on: date | None = Field(description="When the latest version was agreed, or null.")
    milestones: list[LocalReviewMilestoneOut]
    parallel_processes: list[ParallelProcessOut] = Field(
        description="The case's register of parallel processes, as GET /cases/{reference}/parallel-processes gives it."
    )


class InformationRequestOut(Schema):
    organisation: str = Field(description="The organisation asked for information (procedure §4.1).")
    status: str = Field(description=codes(RequestStatus))
    status_label: str
    due_on: date = Field(description="The date the return is due.")
    submitted_on: date | None = Field(description="When the organisation first submitted its return.")
    reminders_sent: int = Field(description="Reminders, chasers and business-unit chasers e-mailed so far.")


class CaseInformationRequestsOut(Schema):
    reference: str
    information_requests: list[InformationRequestOut]


# -- the rapid review (cspr.rapid_reviews): codes, choices, organisations and dates; never the record's text -------


class RapidReviewAttendanceOut(Schema):
    organisation: str
    status: str = Field(description=codes(MeetingAttendance.Status))


class RapidReviewMeetingOut(Schema):
    scheduled_on: date
    held_on: date | None
    mode: str = Field(description=codes(PrgMeeting.Mode))
    attendance: list[RapidReviewAttendanceOut]


class RapidReviewMissingOut(Schema):
    section: str = Field(description=codes(Section))
    message: str


class RapidReviewChildOut(Schema):
    pseudonym: str
    safeguarding_recorded: bool


class RapidReviewJudgementOut(Schema):
    code: str = Field(description="A §5.4 criterion or §5.5 circumstance code, as in cspr.domain.criteria.")
    section: str
    statement: str = Field(description="In the partnership's own wording where it has one.")
    judgement: str | None = Field(description="met, not_met, unclear, or null when not yet judged.")


class RapidReviewActionOut(Schema):
    owner: str | None
    due_on: date | None
    status: str


class RapidReviewRecordOut(Schema):
    complete: bool = Field(description="Whether the completeness check finds nothing missing or too thin.")
    missing: list[RapidReviewMissingOut]
    children: list[RapidReviewChildOut]
    judgements: list[RapidReviewJudgementOut]
    local_decision: str | None = Field(description="yes or no: the PRG's decision on a local review.")
    national_recommendation: str | None = Field(description=codes(NationalRecommendation))
    national_criteria: list[str] = Field(description="Codes of the §8.2-8.3 items the PRG thinks may apply.")
    agencies_involved: list[str]
    agencies_not_involved: list[str] = Field(description="Statutory agencies not involved (a reason is recorded).")
    actions: list[RapidReviewActionOut]


class RapidReviewPrgDecisionOut(Schema):
    decided_on: date
    local_review: bool
    national_recommendation: str


class RapidReviewSignOffOut(Schema):
    organisation: str
    agrees: bool
    signed_on: date


class RapidReviewRatificationOut(Schema):
    ratified_on: date
    local_review: bool
    disagrees_with_prg: bool
    rationale_sent_on: date | None


class RapidReviewPanelResponseOut(Schema):
    kind: str = Field(description=codes(PanelResponse.Kind))
    received_on: date
    information_due_on: date | None


class RapidReviewFamilyToldOut(Schema):
    told_on: date
    method: str = Field(description=codes(FamilyTold.Method))


class RapidReviewOut(Schema):
    reference: str
    stage: str
    stage_label: str
    preset: str
    decision_on: date | None = Field(description="The decision date that starts the publication clock.")
    meeting: RapidReviewMeetingOut | None
    record: RapidReviewRecordOut
    prg_decision: RapidReviewPrgDecisionOut | None
    sign_offs: list[RapidReviewSignOffOut]
    partners_to_sign: list[str]
    ratification: RapidReviewRatificationOut | None
    sent_to_panel_on: date | None
    panel_responses: list[RapidReviewPanelResponseOut]
    family_told: list[RapidReviewFamilyToldOut]
