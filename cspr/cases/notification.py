"""A serious incident notification as plain data, and its validation (issue 5 contract).

The web form and the API both build a :class:`NotificationData` and call :func:`validate_notification` before
``cspr.cases.services.notification_submit``. Nothing here touches Django models: the dataclasses hold plain values
only, so a draft can be serialised (:func:`notification_to_dict` / :func:`notification_from_dict`) and the rules are
testable without a database.

Field errors are keyed by the dataclass field name; a child's or household member's field by its position, e.g.
``children.0.nhs_number`` or ``household.1.name``; a whole list by its name (``children``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from cspr.calendars.selectors import clock_date_range
from cspr.domain.criteria import AbuseOrNeglect, IncidentNature
from cspr.kernel.text import ADDRESS, NARRATIVE, ONE_LINE, normalise, text_problem

__all__ = [
    "ABUSE_CHOICES",
    "DISABILITY_CHOICES",
    "LOCATION_CHOICES",
    "NATURE_CHOICES",
    "RELATIONSHIP_CHOICES",
    "SEX_CHOICES",
    "ChildData",
    "HouseholdMemberData",
    "NotificationData",
    "nhs_number_is_valid",
    "normalise_nhs_number",
    "notification_from_dict",
    "notification_to_dict",
    "validate_notification",
]

# -- the answers a question allows (value, words) -----------------------------------------------------------------

LOCATION_CHOICES: tuple[tuple[str, str], ...] = (
    ("in_area", "In the local authority's area"),
    ("outside_england_resident", "Outside England, and the child normally lives in the area"),
    ("elsewhere", "Elsewhere in England"),
)
NATURE_CHOICES: tuple[tuple[str, str], ...] = (
    (IncidentNature.DEATH.value, "A child died"),
    (IncidentNature.SERIOUS_HARM.value, "A child was seriously harmed"),
    (IncidentNature.LOOKED_AFTER_CHILD_DEATH.value, "A looked-after child died"),
    (IncidentNature.CARE_LEAVER_DEATH.value, "A care leaver died"),
)
ABUSE_CHOICES: tuple[tuple[str, str], ...] = (
    (AbuseOrNeglect.YES.value, "Yes, abuse or neglect is known or suspected"),
    (AbuseOrNeglect.NO.value, "No"),
    (AbuseOrNeglect.UNKNOWN.value, "Not known yet"),
)
SEX_CHOICES: tuple[tuple[str, str], ...] = (
    ("female", "Female"),
    ("male", "Male"),
    ("not_known", "Not known"),
    ("other", "Other"),
)
DISABILITY_CHOICES: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"), ("not_known", "Not known"))
RELATIONSHIP_CHOICES: tuple[tuple[str, str], ...] = (
    ("mother", "Mother"),
    ("father", "Father"),
    ("carer", "Carer"),
    ("sibling", "Sibling"),
    ("partner of parent", "Partner of a parent"),
    ("other", "Other"),
)

# -- limits ------------------------------------------------------------------------------------------------------

MAX_CHILDREN = 20
MAX_HOUSEHOLD = 40
MAX_LIST_ITEMS = 40
MAX_AGE_YEARS = 25
"""A child, or a care leaver up to 24 (Working Together 2023), in whole years."""
MAX_CARE_LEAVER_AGE = 120
EARLIEST_DATE = date(1900, 1, 1)

ANSWER_SUBJECTS = {
    "notifier_name": "Your name",
    "notifier_role": "Your role",
    "notifier_phone": "Your telephone number",
    "notifier_email": "Your e-mail address",
    "incident_time": "The time of the incident",
    "incident_place": "Where it happened",
    "what_is_known": "What is known",
    "serious_harm_description": "The description of the serious harm",
    "case_outline": "The case outline",
    "media_details": "The media interest details",
    "other_la_area": "The other local authority area",
    "agencies_involved": "Agency",
    "parallel_processes": "Parallel process",
    "name": "The child's name",
    "other_names": "Other names",
    "ethnicity": "Ethnicity",
    "disability_details": "Disability details",
    "address": "Address",
    "area": "Local authority area",
    "nhs_number": "NHS number",
    "placement_type": "Placement type",
}
"""How each free-text answer is named in messages (a household member's name is "Name"); the API uses it too."""

# -- messages ----------------------------------------------------------------------------------------------------

REQUIRED = "Enter {what}"
CHOOSE = "Select {what}"
IN_FUTURE = "{What} must be today or in the past"
TOO_EARLY = "{What} must be between 1 January 1900 and today"
OUTSIDE_CLOCK_RANGE = "{What} must be between {first} and {last}"
NOT_A_DATE = "{What} must be a real date"
NOT_A_NUMBER = "{What} must be a whole number"
NOT_TEXT = "{What} must be text"
AGE_RANGE = "{What} must be between 0 and {limit}"
AWARE_BEFORE_INCIDENT = "The date the local authority became aware must be the same as or after the incident date"
BORN_AFTER_INCIDENT = "Date of birth must be the same as or before the incident date"
NO_CHILDREN = "Add at least one child"
TOO_MANY = "Add no more than {limit} {what}"
NHS_NUMBER_INVALID = "Enter a valid NHS number: 10 digits, like 943 476 5919"
TIME_INVALID = "Enter the time as hours and minutes on the 24-hour clock, like 14:30"
EMAIL_INVALID = "Enter an e-mail address in the correct format, like name@example.org"
PHONE_INVALID = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
WHAT_IS_KNOWN_NEEDED = "Enter what is known or suspected about the abuse or neglect"
SERIOUS_HARM_NEEDED = "Enter a description of the serious harm"
OUTLINE_NEEDED = "Enter an outline of the case"
CARE_LEAVER_AGE_NEEDED = "Enter the care leaver's age when they died"
UNBORN_WITH_DATE_OF_BIRTH = "An unborn child cannot have a date of birth"
NAME_OR_NOT_IDENTIFIED = "Enter the child's name, or say that the child is unborn or not yet identified"
AGE_AND_DATE_OF_BIRTH = "Give the date of birth or the age, not both"
PLACEMENT_NEEDED = "Enter the placement type of the looked-after child"

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_TIME = re.compile(TIME_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class ChildData:
    name: str  # "" when not yet identified / unborn
    other_names: str = ""
    date_of_birth: date | None = None
    age_years: int | None = None  # when the date of birth is unknown
    unborn: bool = False
    not_yet_identified: bool = False
    sex: str = ""  # "female" | "male" | "not_known" | "other"
    ethnicity: str = ""  # free text or a code list value
    disability: str = ""  # "yes" | "no" | "not_known"; details in disability_details
    disability_details: str = ""
    address: str = ""  # identifying
    area: str = ""  # local authority area (not identifying)
    nhs_number: str = ""  # identifying, 10 digits with valid check digit when given
    looked_after: bool = False
    placement_type: str = ""
    child_protection_plan: bool = False
    child_in_need: bool = False
    care_leaver: bool = False


@dataclass(frozen=True)
class HouseholdMemberData:
    name: str
    relationship: str  # "mother", "father", "carer", "sibling", "partner of parent", "other"
    date_of_birth: date | None = None
    address: str = ""


@dataclass(frozen=True)
class NotificationData:
    notifier_name: str
    notifier_role: str
    notifier_phone: str
    notifier_email: str
    la_aware_on: date  # date the local authority became aware (Europe/London)
    incident_on: date
    incident_time: str = ""  # "HH:MM" or ""
    incident_place: str = ""
    location: str = "in_area"  # "in_area" | "outside_england_resident" | "elsewhere"
    nature: str = "serious_harm"  # cspr.domain.criteria.IncidentNature values
    abuse_or_neglect: str = "yes"  # cspr.domain.criteria.AbuseOrNeglect values
    what_is_known: str = ""
    serious_harm_description: str = ""
    care_leaver_age: int | None = None  # needed when nature is care_leaver_death
    children: tuple[ChildData, ...] = ()
    household: tuple[HouseholdMemberData, ...] = ()
    other_la_area: str = ""  # the child lives in another local authority area (joint working)
    agencies_involved: tuple[str, ...] = ()  # organisation names or free text
    parallel_processes: tuple[str, ...] = ()  # e.g. "police investigation", "coroner"
    case_outline: str = ""
    media_interest: bool = False
    media_details: str = ""


# -- NHS numbers -------------------------------------------------------------------------------------------------


def normalise_nhs_number(value: str) -> str:
    """The digits of an NHS number as people type it ("485 777 3456" or "485-777-3456")."""
    return re.sub(r"[\s-]", "", value)


def nhs_number_is_valid(value: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# -- validation --------------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def has(self, key: str) -> bool:
        return key in self.errors


def _what(label: str) -> dict[str, str]:
    return {"what": label[0].lower() + label[1:], "What": label[0].upper() + label[1:]}


def _free_text(
    errors: _Errors, key: str, value: Any, label: str, *, limit: int = ONE_LINE, required: bool = False
) -> None:
    """The free-text policy (:mod:`cspr.kernel.text`) for one answer, in the notification's words."""
    if not isinstance(value, str):
        errors.add(key, NOT_TEXT.format(**_what(label)))
        return
    problem = text_problem(value, subject=label, limit=limit)
    if problem is not None:
        errors.add(key, problem[0])
    elif required and not normalise(value):
        errors.add(key, REQUIRED.format(**_what(label)))


def _choice(
    errors: _Errors, key: str, value: Any, choices: Iterable[tuple[str, str]], label: str, *, blank: bool = False
) -> None:
    """One of ``choices`` (or nothing, with ``blank=True``)."""
    if blank and value == "":
        return
    if value not in {choice for choice, _ in choices}:
        errors.add(key, CHOOSE.format(**_what(label)))


def _date(
    errors: _Errors,
    key: str,
    value: Any,
    label: str,
    *,
    today: date,
    required: bool = False,
    clock_range: tuple[date, date] | None = None,
) -> date | None:
    """A date today or in the past, from 1900; with ``clock_range``, a date the clocks can count from."""
    if value is None:
        if required:
            errors.add(key, REQUIRED.format(**_what(label)))
        return None
    if not isinstance(value, date):
        errors.add(key, NOT_A_DATE.format(**_what(label)))
        return None
    if value > today:
        errors.add(key, IN_FUTURE.format(**_what(label)))
        return None
    if value < EARLIEST_DATE and clock_range is None:
        errors.add(key, TOO_EARLY.format(**_what(label)))
        return None
    # A clock date names the clocks' own range, whatever the year typed (0001 as well as 1950).
    if clock_range is not None and not clock_range[0] <= value <= clock_range[1]:
        first, last = clock_range
        until = "today" if today <= last else _day(last)
        errors.add(key, OUTSIDE_CLOCK_RANGE.format(first=_day(first), last=until, **_what(label)))
        return None
    return value


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _whole_number(errors: _Errors, key: str, value: Any, label: str, *, limit: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(key, NOT_A_NUMBER.format(**_what(label)))
        return None
    if not 0 <= value <= limit:
        errors.add(key, AGE_RANGE.format(limit=limit, **_what(label)))
        return None
    return value


def _list(errors: _Errors, key: str, values: Any, label: str, *, limit: int) -> tuple[Any, ...]:
    if not isinstance(values, list | tuple):
        errors.add(key, CHOOSE.format(**_what(label)))
        return ()
    if len(values) > limit:
        errors.add(key, TOO_MANY.format(limit=limit, what=label))
        return ()
    return tuple(values)


# Digits, spaces, brackets and hyphens after an optional "+", 6 to 30 characters (the API's document states it), at
# least 6 of them digits (stated there in words).
PHONE_PATTERN = r"^\+?[0-9 ()\-]{6,30}$"
PHONE_MIN_DIGITS = 6
_PHONE = re.compile(PHONE_PATTERN)


def phone_number_is_valid(value: object) -> bool:
    """A telephone number as people write them: digits, spaces, brackets, hyphens, an optional leading +."""
    text = str(value).strip()
    return bool(_PHONE.match(text)) and sum(ch.isdigit() for ch in text) >= PHONE_MIN_DIGITS


def validate_notification(
    data: NotificationData, *, today: date | None = None, clock_range: tuple[date, date] | None = None
) -> dict[str, list[str]]:
    """Field errors in words (empty when the notification can be submitted).

    ``today`` is the submission's date in Europe/London; without it, today's date there is used. ``clock_range`` is
    the range of dates the clocks can count from (:func:`cspr.calendars.selectors.clock_date_range`, asked when not
    given): the incident and awareness dates must lie in it.
    """
    if today is None:
        today = timezone.localdate()
    if clock_range is None:
        clock_range = clock_date_range()
    errors = _Errors()
    for key in ("notifier_name", "notifier_role", "notifier_phone", "notifier_email"):
        _free_text(errors, key, getattr(data, key), ANSWER_SUBJECTS[key], required=True)
    if not errors.has("notifier_email") and not _EMAIL.match(data.notifier_email.strip()):
        errors.add("notifier_email", EMAIL_INVALID)
    if not errors.has("notifier_phone") and not phone_number_is_valid(data.notifier_phone):
        errors.add("notifier_phone", PHONE_INVALID)

    def clock_date(key: str, label: str) -> date | None:
        return _date(errors, key, getattr(data, key), label, today=today, required=True, clock_range=clock_range)

    incident_on = clock_date("incident_on", "The incident date")
    aware_on = clock_date("la_aware_on", "The date the local authority became aware")
    if incident_on and aware_on and aware_on < incident_on:
        errors.add("la_aware_on", AWARE_BEFORE_INCIDENT)
    _free_text(errors, "incident_time", data.incident_time, "The time of the incident", limit=5)
    if not errors.has("incident_time") and data.incident_time and not _TIME.match(data.incident_time):
        errors.add("incident_time", TIME_INVALID)
    _free_text(errors, "incident_place", data.incident_place, "Where it happened")
    for key, choices, label in (
        ("location", LOCATION_CHOICES, "where the incident happened"),
        ("nature", NATURE_CHOICES, "what happened"),
        ("abuse_or_neglect", ABUSE_CHOICES, "whether abuse or neglect is known or suspected"),
    ):
        _choice(errors, key, getattr(data, key), choices, label)
    for key in ("what_is_known", "serious_harm_description", "case_outline", "media_details"):
        _free_text(errors, key, getattr(data, key), ANSWER_SUBJECTS[key], limit=NARRATIVE)
    # The same answers the form's pages insist on (the API must not accept less).
    if data.abuse_or_neglect == AbuseOrNeglect.YES.value and not str(data.what_is_known).strip():
        errors.add("what_is_known", WHAT_IS_KNOWN_NEEDED)
    if data.nature == IncidentNature.SERIOUS_HARM.value and not str(data.serious_harm_description).strip():
        errors.add("serious_harm_description", SERIOUS_HARM_NEEDED)
    if not errors.has("case_outline") and not str(data.case_outline).strip():
        errors.add("case_outline", OUTLINE_NEEDED)
    _free_text(errors, "other_la_area", data.other_la_area, "The other local authority area")
    care_leaver_age = _whole_number(
        errors, "care_leaver_age", data.care_leaver_age, "The care leaver's age", limit=MAX_CARE_LEAVER_AGE
    )
    if (
        data.nature == IncidentNature.CARE_LEAVER_DEATH.value
        and care_leaver_age is None
        and not errors.has("care_leaver_age")
    ):
        errors.add("care_leaver_age", CARE_LEAVER_AGE_NEEDED)
    if not isinstance(data.media_interest, bool):
        errors.add("media_interest", CHOOSE.format(what="whether there is media interest"))

    for key, label in (("agencies_involved", "agencies"), ("parallel_processes", "parallel processes")):
        for index, item in enumerate(_list(errors, key, getattr(data, key), label, limit=MAX_LIST_ITEMS)):
            _free_text(errors, f"{key}.{index}", item, ANSWER_SUBJECTS[key])

    children = _list(errors, "children", data.children, "children", limit=MAX_CHILDREN)
    if not children and not errors.has("children"):
        errors.add("children", NO_CHILDREN)
    for index, child in enumerate(children):
        _validate_child(errors, f"children.{index}", child, today=today, incident_on=incident_on)
    for index, member in enumerate(
        _list(errors, "household", data.household, "household members", limit=MAX_HOUSEHOLD)
    ):
        _validate_member(errors, f"household.{index}", member, today=today)
    return errors.errors


def _validate_child(errors: _Errors, prefix: str, child: Any, *, today: date, incident_on: date | None) -> None:
    if not isinstance(child, ChildData):
        errors.add(prefix, "Give the child's details")
        return
    _free_text(errors, f"{prefix}.name", child.name, "The child's name")
    _free_text(errors, f"{prefix}.other_names", child.other_names, "Other names")
    if not errors.has(f"{prefix}.name") and not child.name.strip() and not (child.unborn or child.not_yet_identified):
        errors.add(f"{prefix}.name", NAME_OR_NOT_IDENTIFIED)
    born = _date(errors, f"{prefix}.date_of_birth", child.date_of_birth, "Date of birth", today=today)
    if born and incident_on and born > incident_on:
        errors.add(f"{prefix}.date_of_birth", BORN_AFTER_INCIDENT)
    if child.unborn and child.date_of_birth is not None:
        errors.add(f"{prefix}.date_of_birth", UNBORN_WITH_DATE_OF_BIRTH)
    _whole_number(errors, f"{prefix}.age_years", child.age_years, "Age", limit=MAX_AGE_YEARS)
    if child.age_years is not None and child.date_of_birth is not None:
        errors.add(f"{prefix}.age_years", AGE_AND_DATE_OF_BIRTH)
    _choice(errors, f"{prefix}.sex", child.sex, SEX_CHOICES, "the child's sex", blank=True)
    _free_text(errors, f"{prefix}.ethnicity", child.ethnicity, "Ethnicity")
    _choice(
        errors,
        f"{prefix}.disability",
        child.disability,
        DISABILITY_CHOICES,
        "whether the child has a disability",
        blank=True,
    )
    _free_text(errors, f"{prefix}.disability_details", child.disability_details, "Disability details", limit=NARRATIVE)
    _free_text(errors, f"{prefix}.address", child.address, "Address", limit=ADDRESS)
    _free_text(errors, f"{prefix}.area", child.area, "Local authority area")
    _free_text(errors, f"{prefix}.nhs_number", child.nhs_number, "NHS number", limit=20)
    if (
        not errors.has(f"{prefix}.nhs_number")
        and child.nhs_number.strip()
        and not nhs_number_is_valid(child.nhs_number)
    ):
        errors.add(f"{prefix}.nhs_number", NHS_NUMBER_INVALID)
    _free_text(errors, f"{prefix}.placement_type", child.placement_type, "Placement type")
    if child.looked_after is True and not str(child.placement_type).strip():
        errors.add(f"{prefix}.placement_type", PLACEMENT_NEEDED)
    for flag in (
        "unborn",
        "not_yet_identified",
        "looked_after",
        "child_protection_plan",
        "child_in_need",
        "care_leaver",
    ):
        if not isinstance(getattr(child, flag), bool):
            errors.add(f"{prefix}.{flag}", CHOOSE.format(what=flag.replace("_", " ")))


def _validate_member(errors: _Errors, prefix: str, member: Any, *, today: date) -> None:
    if not isinstance(member, HouseholdMemberData):
        errors.add(prefix, "Give the household member's details")
        return
    _free_text(errors, f"{prefix}.name", member.name, "Name", required=True)
    _choice(
        errors, f"{prefix}.relationship", member.relationship, RELATIONSHIP_CHOICES, "the relationship to the child"
    )
    _date(errors, f"{prefix}.date_of_birth", member.date_of_birth, "Date of birth", today=today)
    _free_text(errors, f"{prefix}.address", member.address, "Address", limit=ADDRESS)


# -- plain dictionaries (for drafts and tests) --------------------------------------------------------------------


def notification_to_dict(data: NotificationData) -> dict[str, Any]:
    """JSON-friendly: dates as ISO strings, tuples as lists."""

    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    result = plain(data)
    assert isinstance(result, dict)  # noqa: S101 - a dataclass always gives a dict
    return result


def _from(cls: type, values: Mapping[str, Any], dates: frozenset[str]) -> Any:
    known = {field.name for field in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            continue
        if key in dates and isinstance(value, str):
            value = date.fromisoformat(value) if value else None
        kwargs[key] = value
    return cls(**kwargs)


def notification_from_dict(values: Mapping[str, Any]) -> NotificationData:
    """The reverse of :func:`notification_to_dict` (unknown keys ignored; raises on malformed dates)."""
    children = tuple(_from(ChildData, child, frozenset({"date_of_birth"})) for child in values.get("children", ()))
    household = tuple(
        _from(HouseholdMemberData, member, frozenset({"date_of_birth"})) for member in values.get("household", ())
    )
    top = {key: value for key, value in values.items() if key not in {"children", "household"}}
    for key in ("agencies_involved", "parallel_processes"):
        if key in top:
            top[key] = tuple(top[key])
    data = _from(NotificationData, top, frozenset({"la_aware_on", "incident_on"}))
    return dataclasses.replace(data, children=children, household=household)
