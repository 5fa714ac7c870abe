"""The question pages of "Report a serious incident", and turning a draft's answers into a notification.

Each page is a Django form rendered with the GOV.UK components (:mod:`cspr.core.forms`). A draft keeps what the
person typed on each page, as typed (:func:`raw_answers`), so a page with errors, or a session that ends, loses
nothing; the forms are bound to those answers again whenever a page or "Check your answers" is shown.
:func:`build_notification` binds every page, and only when all are valid builds the
:class:`~cspr.cases.notification.NotificationData` that ``validate_notification`` and ``notification_submit`` take.

Messages follow the GOV.UK Design System's wording ("Enter …", "Select …", "… must be today or in the past").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.datastructures import MultiValueDict
from markupsafe import Markup, escape

from cspr.cases.notification import (
    ABUSE_CHOICES,
    AGE_AND_DATE_OF_BIRTH,
    CARE_LEAVER_AGE_NEEDED,
    DISABILITY_CHOICES,
    EARLIEST_DATE,
    EMAIL_INVALID,
    LOCATION_CHOICES,
    MAX_AGE_YEARS,
    MAX_CARE_LEAVER_AGE,
    MAX_CHILDREN,
    MAX_HOUSEHOLD,
    MAX_LIST_ITEMS,
    NAME_OR_NOT_IDENTIFIED,
    NATURE_CHOICES,
    NHS_NUMBER_INVALID,
    NO_CHILDREN,
    OUTLINE_NEEDED,
    PHONE_INVALID,
    PLACEMENT_NEEDED,
    RELATIONSHIP_CHOICES,
    SERIOUS_HARM_NEEDED,
    SEX_CHOICES,
    TIME_INVALID,
    UNBORN_WITH_DATE_OF_BIRTH,
    WHAT_IS_KNOWN_NEEDED,
    ChildData,
    HouseholdMemberData,
    NotificationData,
    nhs_number_is_valid,
    phone_number_is_valid,
    validate_notification,
)
from cspr.core.forms import DATE_PARTS, FreeTextField, GovukDateField, govuk_date
from cspr.domain.criteria import IncidentNature
from cspr.kernel import documents
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.text import ADDRESS, CONTROL, NARRATIVE, ONE_LINE, refused_message, subject_words

RAW_VALUE_LIMIT = 60_000
"""What a draft keeps of one typed value: well past every limit, so the "too long" message shows the text typed."""
RAW_VALUES_PER_KEY = MAX_LIST_ITEMS + 10

YES_NO = (("yes", "Yes"), ("no", "No"))
DEATHS = frozenset(
    {IncidentNature.DEATH.value, IncidentNature.LOOKED_AFTER_CHILD_DEATH.value, IncidentNature.CARE_LEAVER_DEATH.value}
)
PARALLEL_PROCESS_CHOICES = (
    ("police investigation", "A police investigation"),
    ("coroner", "A coroner's investigation or inquest"),
)
IDENTITY_CHOICES = (("unborn", "The child is unborn"), ("not_yet_identified", "The child has not yet been identified"))
LEGAL_STATUS_CHOICES = (
    ("looked_after", "Looked after by a local authority"),
    ("child_protection_plan", "Subject to a child protection plan"),
    ("child_in_need", "A child in need"),
    ("care_leaver", "A care leaver"),
)

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- fields --------------------------------------------------------------------------------------------------------


class TextQuestion(FreeTextField):
    """A text box or area asking one question of the notification, under the free-text policy.

    ``subject`` names the answer in messages; without it, the label does, less any " (optional)".
    """

    def __init__(
        self,
        *,
        label: str,
        subject: str = "",
        limit: int = ONE_LINE,
        required: bool = False,
        required_message: str = "",
        help_text: str = "",
        textarea: bool = False,
        attrs: dict[str, str] | None = None,
    ) -> None:
        widget = forms.Textarea(attrs=attrs) if textarea else forms.TextInput(attrs=attrs)
        super().__init__(
            label=label, subject=subject, limit=limit, required=required, help_text=help_text, widget=widget
        )
        self.error_messages["required"] = required_message or f"Enter {_lower_first(self.subject)}"


class NarrativeQuestion(TextQuestion):
    """A text area for an account in the person's own words, up to the narrative limit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(textarea=True, limit=NARRATIVE, **kwargs)


class LinesQuestion(NarrativeQuestion):
    """A text area read as a list, one item a line (other agencies, other processes)."""

    def __init__(self, *, item: str, items: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item = item
        self.items = items

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if any(len(line) > ONE_LINE for line in lines):
            raise ValidationError(f"Each {self.item} must be {ONE_LINE} characters or fewer", code="max_length")
        if len(lines) > MAX_LIST_ITEMS:
            raise ValidationError(f"Enter no more than {MAX_LIST_ITEMS} {self.items}", code="too_many")
        return lines


class WholeNumberQuestion(TextQuestion):
    def __init__(self, *, limit_value: int, **kwargs: Any) -> None:
        super().__init__(limit=100, attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}, **kwargs)
        self.limit_value = limit_value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            raise ValidationError(f"{_upper_first(self.subject)} must be a whole number, like 7", code="invalid")
        number = int(text)
        if number > self.limit_value:
            raise ValidationError(
                f"{_upper_first(self.subject)} must be between 0 and {self.limit_value}", code="out_of_range"
            )
        return number


class DateQuestion(GovukDateField):
    """A GOV.UK date with the question as its legend and ``subject`` in messages.

    The date must be today or in the past (in Europe/London) and no earlier than 1900; a date that starts a clock
    (``clock_date=True``) must also lie in the working-day calendar's range, a date of birth (``historical=True``)
    between 1900 and today. An empty required date is told "Enter the <subject>".
    """

    def __init__(self, *, label: str, subject: str, required_message: str = "", **kwargs: Any) -> None:
        from django.utils import timezone

        super().__init__(
            label=label,
            subject=subject,
            required_message=required_message,
            must_be_past=True,
            min_date=EARLIEST_DATE,
            today=timezone.localdate,
            **kwargs,
        )

    def to_python(self, value: Any) -> date | None:
        parts = (value or ["", "", ""])[:3] if isinstance(value, list | tuple) else value
        if isinstance(parts, list | tuple):
            for part in parts:
                if refused_message(str(part)):
                    self._fail(CONTROL.format(**subject_words(self.subject)), DATE_PARTS, "control_characters")
            if self.required and not any(parts):
                self._fail(self.required_message, DATE_PARTS, "required")
        return super().to_python(value)


class ChoiceQuestion(forms.ChoiceField):
    def __init__(self, *, label: str, choices: Iterable[tuple[str, str]], message: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        super().__init__(label=label, choices=list(choices), widget=forms.RadioSelect, **kwargs)
        self.error_messages["required"] = message
        self.error_messages["invalid_choice"] = message


class CheckboxesQuestion(forms.MultipleChoiceField):
    def __init__(self, *, label: str, choices: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(
            label=label, choices=list(choices), widget=forms.CheckboxSelectMultiple, required=False, **kwargs
        )
        self.error_messages["invalid_choice"] = "Select from the options shown"
        self.error_messages["invalid_list"] = "Select from the options shown"


NAME_ATTRS = {"autocomplete": "off", "spellcheck": "false"}
"""A child's or household member's name: not the browser's remembered names, nor its spelling corrections."""


def date_of_birth_question(*, example: str) -> DateQuestion:
    return DateQuestion(
        label="Date of birth (optional)",
        subject="Date of birth",
        help_text=f"For example, {example}.",
        required=False,
        historical=True,
    )


def address_question(*, help_text: str = "") -> TextQuestion:
    return TextQuestion(
        label="Address (optional)", limit=ADDRESS, textarea=True, help_text=help_text, attrs={"autocomplete": "off"}
    )


# -- what a page knows about the rest of the draft -------------------------------------------------------------------


@dataclass(frozen=True)
class FormContext:
    as_referral: bool = False
    today: date | None = None
    aware_on: date | None = None
    incident_on: date | None = None
    nature: str = ""
    organisations: tuple[str, ...] = ()
    person_name: str = ""
    person_email: str = ""


class PageForm(forms.Form):
    """One question page. ``conditionals`` maps a radio field to the fields revealed under each of its answers."""

    conditionals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {}
    required_when_revealed: ClassVar[frozenset[str]] = frozenset()
    """Questions under an answer that must be answered when that answer is chosen."""

    def __init__(self, data: Any = None, *, context: FormContext, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.context = context

    def revealed(self, parent: str, value: str) -> bool:
        """Whether the answer to ``parent`` is ``value`` (so the questions under it count)."""
        data = self.cleaned_data.get(parent)
        return data == value or (isinstance(data, list) and value in data)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for parent, answers in self.conditionals.items():
            for value, children in answers.items():
                if not self.revealed(parent, value):
                    continue
                for child in children:
                    empty = cleaned.get(child) in (None, "", [])
                    if child in self.required_when_revealed and empty and child not in self.errors:
                        field = self.fields[child]
                        self.add_error(
                            child, getattr(field, "required_message", "") or field.error_messages["required"]
                        )
        return cleaned

    def drop_hidden(self) -> None:
        """Forget errors and answers of questions under an answer not chosen."""
        for parent, answers in self.conditionals.items():
            for value, children in answers.items():
                if not self.revealed(parent, value):
                    for child in children:
                        self.cleaned_data.pop(child, None)
                        self.errors.pop(child, None)

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and hasattr(self, "cleaned_data"):
            self.drop_hidden()

    def answers(self) -> dict[str, Any]:
        """The page's contribution to :class:`NotificationData` (only called on a valid form): by default, each
        question answers the notification field of the same name."""
        return {name: self.cleaned_data[name] for name in self.fields}

    def summary(self) -> list[tuple[str, str]]:
        """Rows for "Check your answers": (question, answer)."""
        return []


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _choice_text(choices: Iterable[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


def _or_not_given(text: str, words: str = "Not given") -> str:
    return text if text else words


# -- the pages ------------------------------------------------------------------------------------------------------


class AboutYouForm(PageForm):
    notifier_name = TextQuestion(
        label="Full name", subject="Your full name", required=True, attrs={"autocomplete": "name"}
    )
    notifier_role = TextQuestion(
        label="Job title or role",
        subject="Your job title or role",
        required=True,
        attrs={"autocomplete": "organization-title"},
    )
    notifier_phone = TextQuestion(
        label="Telephone number",
        subject="Your telephone number",
        required=True,
        required_message="Enter a telephone number",
        help_text="A number the business unit can reach you on today.",
        attrs={"autocomplete": "tel", "class": "govuk-input--width-20"},
    )
    notifier_email = TextQuestion(
        label="E-mail address",
        subject="Your e-mail address",
        required=True,
        required_message="Enter an e-mail address",
        attrs={"autocomplete": "email", "spellcheck": "false"},
    )

    def clean_notifier_phone(self) -> str:
        phone = str(self.cleaned_data["notifier_phone"])
        if not phone_number_is_valid(phone):
            raise ValidationError(PHONE_INVALID)
        return phone

    def clean_notifier_email(self) -> str:
        email = str(self.cleaned_data["notifier_email"])
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(EMAIL_INVALID) from None
        return email

    def summary(self) -> list[tuple[str, str]]:
        return [(str(self.fields[name].label), self.cleaned_data[name]) for name in self.fields]


AWARE_HINT = (
    "The local authority has 5 working days from this date to notify the Child Safeguarding Practice Review Panel. "
    "For example, 27 3 2026."
)
AWARE_SUBJECT = "Date the local authority became aware"


def aware_question(*, label: str, help_text: str, required: bool = True) -> DateQuestion:
    """The date the local authority became aware of the incident, which starts the clocks."""
    return DateQuestion(label=label, subject=AWARE_SUBJECT, help_text=help_text, required=required, clock_date=True)


class AwareForm(PageForm):
    """A local authority's notification: the date it became aware starts its 5-working-day duty."""

    la_aware_on = aware_question(
        label="When did the local authority become aware of the incident?", help_text=AWARE_HINT
    )

    def summary(self) -> list[tuple[str, str]]:
        return [(AWARE_SUBJECT, govuk_date(self.cleaned_data["la_aware_on"]))]


class ReferralAwareForm(PageForm):
    """An agency's referral (§3.8): the agency may not know whether, or when, the local authority became aware."""

    la_knows = ChoiceQuestion(
        label="Does the local authority already know about the incident?",
        choices=(("yes", "Yes"), ("no", "No, or I do not know")),
        message="Select whether the local authority already knows about the incident",
        help_text="If it does not know yet, this referral tells it: its notifiers are sent a message when you submit.",
    )
    la_aware_on = aware_question(
        label="When did the local authority become aware?", help_text="For example, 27 3 2026.", required=False
    )
    conditionals = {"la_knows": {"yes": ("la_aware_on",)}}
    required_when_revealed = frozenset({"la_aware_on"})

    def answers(self) -> dict[str, Any]:
        if self.cleaned_data["la_knows"] == "yes":
            return {"la_aware_on": self.cleaned_data["la_aware_on"]}
        return {"la_aware_on": self.context.today}  # told by this referral, on the day it is submitted

    def summary(self) -> list[tuple[str, str]]:
        if self.cleaned_data["la_knows"] == "yes":
            return [(AWARE_SUBJECT, govuk_date(self.cleaned_data["la_aware_on"]))]
        return [(AWARE_SUBJECT, "Not known: this referral tells it, on the day it is sent")]


class IncidentForm(PageForm):
    incident_on = DateQuestion(
        label="Date of the incident",
        subject="Date of the incident",
        help_text="For example, 27 3 2026. If the child died after being harmed, give the date of the harm.",
        clock_date=True,
    )
    incident_time = TextQuestion(
        label="Time of the incident (optional)",
        limit=10,
        help_text="Use the 24-hour clock, like 14:30.",
        attrs={"class": "govuk-input--width-5"},
    )
    incident_place = TextQuestion(
        label="Where it happened (optional)",
        help_text="Describe the place, like 'the family home' or 'a park in the town centre'.",
    )
    location = ChoiceQuestion(
        label="Where did the incident happen?", choices=LOCATION_CHOICES, message="Select where the incident happened"
    )

    def clean_incident_on(self) -> date | None:
        value = self.cleaned_data.get("incident_on")
        aware = self.context.aware_on
        if value and aware and value > aware:
            raise ValidationError(
                f"Date of the incident must be the same as or before the date the local authority became aware "
                f"({govuk_date(aware)})"
            )
        return value

    def clean_incident_time(self) -> str:
        text = str(self.cleaned_data.get("incident_time", ""))
        if not text:
            return ""
        match = _TIME.match(text)
        if not match:
            raise ValidationError(TIME_INVALID)
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    def summary(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            ("Date of the incident", govuk_date(data["incident_on"])),
            ("Time", _or_not_given(data["incident_time"], "Not known")),
            ("Place", _or_not_given(data["incident_place"], "Not given")),
            ("Where it happened", _choice_text(LOCATION_CHOICES, data["location"])),
        ]


class NatureForm(PageForm):
    nature = ChoiceQuestion(label="What happened?", choices=NATURE_CHOICES, message="Select what happened")
    care_leaver_age = WholeNumberQuestion(
        label="How old was the care leaver when they died?",
        subject="The care leaver's age",
        required_message=CARE_LEAVER_AGE_NEEDED,
        help_text="In years, like 19.",
        limit_value=MAX_CARE_LEAVER_AGE,
    )
    conditionals = {"nature": {IncidentNature.CARE_LEAVER_DEATH.value: ("care_leaver_age",)}}
    required_when_revealed = frozenset({"care_leaver_age"})

    def answers(self) -> dict[str, Any]:
        nature = self.cleaned_data["nature"]
        age = self.cleaned_data.get("care_leaver_age") if nature == IncidentNature.CARE_LEAVER_DEATH.value else None
        return {"nature": nature, "care_leaver_age": age}

    def summary(self) -> list[tuple[str, str]]:
        rows = [("What happened", _choice_text(NATURE_CHOICES, self.cleaned_data["nature"]))]
        if self.cleaned_data["nature"] == IncidentNature.CARE_LEAVER_DEATH.value:
            rows.append(("Age of the care leaver", str(self.cleaned_data["care_leaver_age"])))
        return rows


class AbuseForm(PageForm):
    abuse_or_neglect = ChoiceQuestion(
        label="Is abuse or neglect of the child known or suspected?",
        choices=ABUSE_CHOICES,
        message="Select whether abuse or neglect is known or suspected",
    )
    what_is_known = NarrativeQuestion(
        label="What is known or suspected?",
        subject="What is known",
        required_message=WHAT_IS_KNOWN_NEEDED,
        help_text="Facts as they are known now, and who suspects what. You can add more later.",
    )
    conditionals = {"abuse_or_neglect": {"yes": ("what_is_known",)}}
    required_when_revealed = frozenset({"what_is_known"})

    def answers(self) -> dict[str, Any]:
        return {
            "abuse_or_neglect": self.cleaned_data["abuse_or_neglect"],
            "what_is_known": self.cleaned_data.get("what_is_known", ""),
        }

    def summary(self) -> list[tuple[str, str]]:
        rows = [
            ("Abuse or neglect known or suspected", _choice_text(ABUSE_CHOICES, self.cleaned_data["abuse_or_neglect"]))
        ]
        if self.cleaned_data["abuse_or_neglect"] == "yes":
            rows.append(("What is known", self.cleaned_data["what_is_known"]))
        return rows


class OneAnswerForm(PageForm):
    """A page with one question, shown under ``summary_label`` in "Check your answers"."""

    summary_label: ClassVar[str] = ""

    def summary(self) -> list[tuple[str, str]]:
        return [(self.summary_label, self.cleaned_data[name]) for name in self.fields]


class SeriousHarmForm(OneAnswerForm):
    serious_harm_description = NarrativeQuestion(
        label="Describe the serious harm to the child",
        subject="The description of the serious harm",
        required=True,
        required_message=SERIOUS_HARM_NEEDED,
        help_text="The injury or impairment, its likely effect on the child and how long it may last, as far as known.",
    )
    summary_label = "The serious harm"


class OtherAreaForm(PageForm):
    lives_elsewhere = ChoiceQuestion(
        label="Does the child live in another local authority area?",
        choices=YES_NO,
        message="Select whether the child lives in another local authority area",
        help_text="When the child lives in another area, the two areas work together on the review.",
    )
    other_la_area = TextQuestion(
        label="Which local authority area?",
        subject="The local authority area",
        required_message="Enter the local authority area where the child lives",
    )
    conditionals = {"lives_elsewhere": {"yes": ("other_la_area",)}}
    required_when_revealed = frozenset({"other_la_area"})

    def answers(self) -> dict[str, Any]:
        yes = self.cleaned_data["lives_elsewhere"] == "yes"
        return {"other_la_area": self.cleaned_data.get("other_la_area", "") if yes else ""}

    def summary(self) -> list[tuple[str, str]]:
        if self.cleaned_data["lives_elsewhere"] == "yes":
            return [("Lives in another local authority area", self.cleaned_data["other_la_area"])]
        return [("Lives in another local authority area", "No")]


class ListForm(PageForm):
    """Checkboxes, and a text area for any not among them, one a line: together one list of the notification."""

    listed: ClassVar[str]
    """The checkboxes' question."""
    others: ClassVar[str]
    """The text area's question."""
    notification_field: ClassVar[str]
    summary_label: ClassVar[str]

    def answers(self) -> dict[str, Any]:
        return {self.notification_field: tuple(self.cleaned_data[self.listed]) + tuple(self.cleaned_data[self.others])}

    def summary(self) -> list[tuple[str, str]]:
        words = dict(self.fields[self.listed].choices)  # type: ignore[attr-defined]
        named = [words.get(value, value) for value in self.cleaned_data[self.listed]]
        named += self.cleaned_data[self.others]
        return [(self.summary_label, "\n".join(named) if named else "None known")]


class AgenciesForm(ListForm):
    agencies = CheckboxesQuestion(
        label="Which of the partnership's agencies are known to be involved with the child or family?",
        choices=(),
        help_text="Select all that apply.",
    )
    other_agencies = LinesQuestion(
        label="Any other agencies involved (optional)",
        subject="Other agencies",
        item="agency",
        items="agencies",
        help_text="One on each line, like 'a private nursery' or 'a GP practice in another area'.",
    )
    listed, others = "agencies", "other_agencies"
    notification_field, summary_label = "agencies_involved", "Agencies involved"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(name, name) for name in self.context.organisations]  # type: ignore[attr-defined]


class ParallelProcessesForm(ListForm):
    processes = CheckboxesQuestion(
        label="Which other processes are you aware of?",
        choices=PARALLEL_PROCESS_CHOICES,
        help_text="Select all that apply. Leave them all unselected if you know of none.",
    )
    other_processes = LinesQuestion(
        label="Other processes (optional)",
        item="process",
        items="processes",
        help_text="One on each line, like 'care proceedings' or 'a domestic homicide review'.",
    )
    listed, others = "processes", "other_processes"
    notification_field, summary_label = "parallel_processes", "Parallel processes"


class OutlineForm(OneAnswerForm):
    case_outline = NarrativeQuestion(
        label="Outline of the case",
        subject="The case outline",
        required=True,
        required_message=OUTLINE_NEEDED,
        help_text=(
            "The child's circumstances, what led to the incident and which agencies were involved, briefly and as "
            "known now. The rapid review gathers the detail."
        ),
    )
    summary_label = "Case outline"


class MediaForm(PageForm):
    media_interest = ChoiceQuestion(
        label="Is there media interest in the incident, or is it likely?",
        choices=YES_NO,
        message="Select whether there is media interest",
    )
    media_details = NarrativeQuestion(
        label="What media interest is there? (optional)", subject="The media interest details"
    )
    conditionals = {"media_interest": {"yes": ("media_details",)}}

    def answers(self) -> dict[str, Any]:
        yes = self.cleaned_data["media_interest"] == "yes"
        return {"media_interest": yes, "media_details": self.cleaned_data.get("media_details", "") if yes else ""}

    def summary(self) -> list[tuple[str, str]]:
        if self.cleaned_data["media_interest"] == "yes":
            return [("Media interest", "Yes\n" + self.cleaned_data.get("media_details", ""))]
        return [("Media interest", "No")]


class ChildForm(PageForm):
    name = TextQuestion(
        label="Full name",
        subject="The child's name",
        help_text="Leave blank if the child is unborn or has not been identified yet.",
        attrs=NAME_ATTRS,
    )
    identity = CheckboxesQuestion(label="If you cannot give a name", choices=IDENTITY_CHOICES)
    other_names = TextQuestion(
        label="Other names the child is known by (optional)", subject="Other names", attrs=NAME_ATTRS
    )
    date_of_birth = date_of_birth_question(example="14 3 2019")
    age_years = WholeNumberQuestion(
        label="Age in years, if you do not know the date of birth (optional)", subject="Age", limit_value=MAX_AGE_YEARS
    )
    sex = ChoiceQuestion(label="Sex (optional)", choices=SEX_CHOICES, message="Select the child's sex", required=False)
    ethnicity = TextQuestion(label="Ethnicity (optional)", help_text="As recorded by agencies.")
    disability = ChoiceQuestion(
        label="Does the child have a disability? (optional)",
        choices=DISABILITY_CHOICES,
        message="Select whether the child has a disability",
        required=False,
    )
    disability_details = NarrativeQuestion(label="About the disability (optional)", subject="Disability details")
    address = address_question()
    area = TextQuestion(
        label="Local authority area where the child lives (optional)",
        subject="Local authority area",
        attrs={"class": "govuk-input--width-20"},
    )
    nhs_number = TextQuestion(
        label="NHS number (optional)",
        help_text="10 digits. Leave blank if you do not know it.",
        limit=20,
        attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    legal_status = CheckboxesQuestion(
        label="Legal status at the time of the incident",
        choices=LEGAL_STATUS_CHOICES,
        help_text="Select all that apply.",
    )
    placement_type = TextQuestion(
        label="Type of placement",
        subject="The placement type",
        required_message=PLACEMENT_NEEDED,
        help_text="For example, foster care, a children's home, or placed with parents.",
    )
    conditionals = {
        "disability": {"yes": ("disability_details",)},
        "legal_status": {"looked_after": ("placement_type",)},
    }
    required_when_revealed = frozenset({"placement_type"})

    def clean_nhs_number(self) -> str:
        value = str(self.cleaned_data.get("nhs_number", ""))
        if value and not nhs_number_is_valid(value):
            raise ValidationError(NHS_NUMBER_INVALID)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        identity = set(cleaned.get("identity") or ())
        born = cleaned.get("date_of_birth")
        if not cleaned.get("name") and not identity and "name" not in self.errors:
            self.add_error("name", NAME_OR_NOT_IDENTIFIED)
        if born and "unborn" in identity:
            self.add_error("date_of_birth", UNBORN_WITH_DATE_OF_BIRTH)
        elif born and self.context.incident_on and born > self.context.incident_on:
            self.add_error(
                "date_of_birth",
                f"Date of birth must be the same as or before the date of the incident "
                f"({govuk_date(self.context.incident_on)})",
            )
        if born and cleaned.get("age_years") is not None and "age_years" not in self.errors:
            self.add_error("age_years", AGE_AND_DATE_OF_BIRTH)
        return cleaned

    def child(self) -> ChildData:
        data = self.cleaned_data
        identity = set(data["identity"])
        status = set(data["legal_status"])
        return ChildData(
            name=data["name"],
            other_names=data["other_names"],
            date_of_birth=data["date_of_birth"],
            age_years=data["age_years"],
            unborn="unborn" in identity,
            not_yet_identified="not_yet_identified" in identity,
            sex=data["sex"] or "",
            ethnicity=data["ethnicity"],
            disability=data["disability"] or "",
            disability_details=data.get("disability_details", ""),
            address=data["address"],
            area=data["area"],
            nhs_number=data["nhs_number"],
            looked_after="looked_after" in status,
            placement_type=data.get("placement_type", ""),
            child_protection_plan="child_protection_plan" in status,
            child_in_need="child_in_need" in status,
            care_leaver="care_leaver" in status,
        )

    def summary(self) -> list[tuple[str, str]]:
        child = self.child()
        born = govuk_date(child.date_of_birth) if child.date_of_birth else ""
        if not born and child.age_years is not None:
            born = f"Age {child.age_years}"
        status = [label for value, label in LEGAL_STATUS_CHOICES if value in self.cleaned_data["legal_status"]]
        if child.looked_after:
            status.append(f"Placement: {child.placement_type}")
        disability = _choice_text(DISABILITY_CHOICES, child.disability) if child.disability else "Not given"
        if child.disability == "yes" and child.disability_details:
            disability += f"\n{child.disability_details}"
        return [
            ("Name", child_label(child)),
            ("Other names", _or_not_given(child.other_names)),
            ("Date of birth or age", born or ("Unborn" if child.unborn else "Not known")),
            ("Sex", _choice_text(SEX_CHOICES, child.sex) if child.sex else "Not given"),
            ("Ethnicity", _or_not_given(child.ethnicity)),
            ("Disability", disability),
            ("Address", _or_not_given(child.address)),
            ("Local authority area", _or_not_given(child.area)),
            ("NHS number", _or_not_given(child.nhs_number, "Not known")),
            ("Legal status", "\n".join(status) if status else "None of these"),
        ]


def child_label(child: ChildData) -> str:
    if child.name:
        return child.name
    if child.unborn:
        return "Unborn child"
    return "Child not yet identified"


class HouseholdMemberForm(PageForm):
    name = TextQuestion(
        label="Full name",
        subject="Their name",
        required=True,
        required_message="Enter their full name",
        attrs=NAME_ATTRS,
    )
    relationship = ChoiceQuestion(
        label="Relationship to the child",
        choices=RELATIONSHIP_CHOICES,
        message="Select their relationship to the child",
    )
    date_of_birth = date_of_birth_question(example="30 1 1990")
    address = address_question(help_text="Leave blank if it is the same as the child's.")

    def member(self) -> HouseholdMemberData:
        data = self.cleaned_data
        return HouseholdMemberData(
            name=data["name"],
            relationship=data["relationship"],
            date_of_birth=data["date_of_birth"],
            address=data["address"],
        )

    def summary(self) -> list[tuple[str, str]]:
        member = self.member()
        return [
            ("Name", member.name),
            ("Relationship to the child", _choice_text(RELATIONSHIP_CHOICES, member.relationship)),
            ("Date of birth", govuk_date(member.date_of_birth) if member.date_of_birth else "Not known"),
            ("Address", _or_not_given(member.address, "Not given")),
        ]


class AddAnotherForm(forms.Form):
    add_another = ChoiceQuestion(label="", choices=YES_NO, message="")

    def __init__(self, *args: Any, label: str, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["add_another"]
        field.label = label
        field.error_messages["required"] = message
        field.error_messages["invalid_choice"] = message


class DocumentForm(forms.Form):
    title = FreeTextField(
        label="What is the document?",
        subject="What the document is",
        limit=ONE_LINE,
        help_text="For example, 'police initial report' or 'hospital discharge summary'. Do not use names.",
        required=False,
    )
    file = forms.FileField(label="Upload a file", required=False, help_text=documents.ALLOWED_HINT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and cleaned.get("file") is not None:
            title = cleaned.get("title", "")
            if not title:
                self.add_error("title", "Enter what the document is")
        return cleaned


# -- the steps -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[PageForm] | None = None
    kind: str = "page"  # "page" | "children" | "household" | "documents"
    applies: Callable[[FormContext, bool], bool] = field(default=lambda context, can_attach: True)

    def form_for(self, context: FormContext) -> type[PageForm] | None:
        if self.slug == "aware" and context.as_referral:
            return ReferralAwareForm
        return self.form


STEPS: tuple[Step, ...] = (
    Step("about-you", "Your details", AboutYouForm),
    Step("aware", "When the local authority became aware", AwareForm),
    Step("incident", "The incident", IncidentForm),
    Step("nature", "What happened", NatureForm),
    Step("abuse-or-neglect", "Abuse or neglect", AbuseForm),
    Step(
        "serious-harm",
        "The serious harm",
        SeriousHarmForm,
        applies=lambda context, can_attach: context.nature not in DEATHS,
    ),
    Step("children", "Children", kind="children"),
    Step("household", "Parents, carers, siblings and household", kind="household"),
    Step("other-area", "Where the child lives", OtherAreaForm),
    Step("agencies", "Agencies involved", AgenciesForm),
    Step("parallel-processes", "Parallel processes", ParallelProcessesForm),
    Step("outline", "Case outline", OutlineForm),
    Step("media", "Media interest", MediaForm),
    Step("documents", "Supporting documents", kind="documents", applies=lambda context, can_attach: can_attach),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
FIRST_STEP = STEPS[0].slug
CHECK = "check"

ERROR_STEPS = {
    "notifier": "about-you",
    "la_aware_on": "aware",
    "incident": "incident",
    "location": "incident",
    "nature": "nature",
    "care_leaver_age": "nature",
    "abuse_or_neglect": "abuse-or-neglect",
    "what_is_known": "abuse-or-neglect",
    "serious_harm_description": "serious-harm",
    "children": "children",
    "household": "household",
    "other_la_area": "other-area",
    "agencies_involved": "agencies",
    "parallel_processes": "parallel-processes",
    "case_outline": "outline",
    "media": "media",
    # A supporting document the store refuses when the case is made (the virus scanner, say).
    "file": "documents",
    "documents": "documents",
}


def step_for_error(key: str) -> str:
    """The page a ``validate_notification`` error key belongs to (``children.1.nhs_number`` → children)."""
    head = key.split(".", 1)[0]
    for prefix, slug in ERROR_STEPS.items():
        if head == prefix or head.startswith(f"{prefix}_"):
            return slug
    return CHECK


def steps_applying(context: FormContext, *, can_attach: bool) -> list[Step]:
    return [step for step in STEPS if step.applies(context, can_attach)]


def step_after(slug: str, context: FormContext, *, can_attach: bool) -> str:
    slugs = [step.slug for step in steps_applying(context, can_attach=can_attach)]
    if slug in slugs and slugs.index(slug) + 1 < len(slugs):
        return slugs[slugs.index(slug) + 1]
    return CHECK


def step_before(slug: str, context: FormContext, *, can_attach: bool) -> str | None:
    slugs = [step.slug for step in steps_applying(context, can_attach=can_attach)]
    if slug == CHECK:
        return slugs[-1]
    if slug in slugs and slugs.index(slug) > 0:
        return slugs[slugs.index(slug) - 1]
    return None


# -- raw answers ------------------------------------------------------------------------------------------------------


def _keys(form: forms.Form) -> list[str]:
    keys = []
    for bound in form:
        if isinstance(bound.field, GovukDateField):
            keys += [f"{bound.html_name}-{part}" for part in DATE_PARTS]
        elif not isinstance(bound.field, forms.FileField):
            keys.append(bound.html_name)
    return keys


def raw_answers(form: forms.Form, data: Any) -> dict[str, list[str]]:
    """What the person typed into ``form``'s questions, from POST data: nothing else is kept."""
    raw: dict[str, list[str]] = {}
    for key in _keys(form):
        values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key, "")]
        raw[key] = [str(value)[:RAW_VALUE_LIMIT] for value in values[:RAW_VALUES_PER_KEY]]
    return raw


def raw_is_empty(raw: dict[str, list[str]]) -> bool:
    return not any(value.strip() for values in raw.values() for value in values)


def bound(raw: dict[str, Any] | None) -> MultiValueDict[str, str] | None:
    """A draft's stored answers for a page, as form data (``None``: the page has not been answered)."""
    if raw is None:
        return None
    data: MultiValueDict[str, str] = MultiValueDict()
    for key, values in raw.items():
        if isinstance(values, list):
            data.setlist(str(key), [str(value) for value in values])
    return data


def page_form(
    form_class: type[PageForm], raw: dict[str, Any] | None, context: FormContext, *, show_errors: bool = True
) -> PageForm:
    """The page's form bound to what the draft holds (or empty, with the person's own details on "Your details")."""
    data = bound(raw)
    if data is None:
        initial = {}
        if form_class is AboutYouForm:
            initial = {"notifier_name": context.person_name, "notifier_email": context.person_email}
        return form_class(context=context, initial=initial)
    form = form_class(data, context=context)
    if not show_errors:
        form.errors.clear()  # the answers, without the errors: they show when the page is sent
    return form


# -- components for the templates ------------------------------------------------------------------------------------


def lower_first(text: str) -> str:
    """ "Date of birth" → "date of birth", leaving "NHS number" alone (for "Change …" links)."""
    return text if text[:2].isupper() else _lower_first(text)


def multiline(text: str) -> Markup:
    """Text as HTML with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in str(text).splitlines() or [""])


# -- the whole notification ------------------------------------------------------------------------------------------


@dataclass
class Problem:
    step: str
    message: str
    item: str = ""  # the child's or household member's key, for its own page


@dataclass
class Section:
    step: Step
    rows: list[tuple[str, str]] = field(default_factory=list)
    complete: bool = False
    items: list[dict[str, Any]] = field(default_factory=list)  # children, household members


@dataclass
class Built:
    sections: list[Section]
    problems: list[Problem]
    data: NotificationData | None = None


def form_context(answers: dict[str, Any], base: FormContext) -> FormContext:
    """What later pages need from earlier ones: the dates (for cross-checks) and the nature (which pages apply)."""
    pages = answers.get("pages", {})
    context = base
    aware_form = page_form(ReferralAwareForm if base.as_referral else AwareForm, pages.get("aware"), context)
    aware = aware_form.answers().get("la_aware_on") if aware_form.is_bound and aware_form.is_valid() else None
    context = _replace(context, aware_on=aware)
    incident_form = page_form(IncidentForm, pages.get("incident"), context)
    incident = (
        incident_form.cleaned_data["incident_on"] if incident_form.is_bound and incident_form.is_valid() else None
    )
    nature_form = page_form(NatureForm, pages.get("nature"), context)
    nature = nature_form.cleaned_data["nature"] if nature_form.is_bound and nature_form.is_valid() else ""
    return _replace(context, incident_on=incident, nature=nature)


def _replace(context: FormContext, **changes: Any) -> FormContext:
    return dataclasses.replace(context, **changes)


def list_items(answers: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    items = answers.get(kind, [])
    return [item for item in items if isinstance(item, dict) and isinstance(item.get("key"), str)]


def build_notification(answers: dict[str, Any], context: FormContext, *, can_attach: bool) -> Built:
    """Every page bound to the draft's answers; the notification itself when all are complete and valid."""
    sections: list[Section] = []
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    children: list[ChildData] = []
    household: list[HouseholdMemberData] = []
    pages = answers.get("pages", {})
    for step in steps_applying(context, can_attach=can_attach):
        section = Section(step=step)
        sections.append(section)
        form_class = step.form_for(context)
        if form_class is not None:
            raw = pages.get(step.slug)
            if raw is None:
                problems.append(Problem(step.slug, f"Answer the questions on '{step.title}'"))
                continue
            form = page_form(form_class, raw, context)
            if not form.is_valid():
                problems.append(Problem(step.slug, f"Check your answers on '{step.title}': {_first_error(form)}"))
                continue
            values.update(form.answers())
            section.rows = form.summary()
            section.complete = True
        elif step.kind in {"children", "household"}:
            item_form = ChildForm if step.kind == "children" else HouseholdMemberForm
            section.complete = True
            for position, item in enumerate(list_items(answers, step.kind)):
                form = page_form(item_form, item.get("data"), context)
                entry = {"key": item["key"], "position": position, "complete": form.is_valid()}
                if form.is_valid():
                    entry["rows"] = form.summary()
                    if isinstance(form, ChildForm):
                        entry["label"] = child_label(form.child())
                        children.append(form.child())
                    elif isinstance(form, HouseholdMemberForm):
                        entry["label"] = form.member().name
                        household.append(form.member())
                else:
                    entry["label"] = item_label(step.kind, item.get("data"), position)
                    section.complete = False
                    problems.append(
                        Problem(step.slug, f"Check the details of {entry['label']}: {_first_error(form)}", item["key"])
                    )
                section.items.append(entry)
            if step.kind == "children" and not section.items:
                section.complete = False
                problems.append(Problem(step.slug, NO_CHILDREN))
            if step.kind == "children" and len(section.items) > MAX_CHILDREN:
                problems.append(Problem(step.slug, f"Add no more than {MAX_CHILDREN} children"))
            if step.kind == "household" and len(section.items) > MAX_HOUSEHOLD:
                problems.append(Problem(step.slug, f"Add no more than {MAX_HOUSEHOLD} people"))
        else:
            section.complete = True
    if problems:
        return Built(sections=sections, problems=problems)
    values.setdefault("serious_harm_description", "")
    data = NotificationData(children=tuple(children), household=tuple(household), **values)
    errors = validate_notification(data, today=context.today)
    for key, messages in errors.items():
        slug = step_for_error(key)
        item_key = ""
        parts = key.split(".")
        if len(parts) > 1 and parts[0] in {"children", "household"} and parts[1].isdigit():
            entries = next((s.items for s in sections if s.step.slug == parts[0]), [])
            if int(parts[1]) < len(entries):
                item_key = str(entries[int(parts[1])]["key"])
        problems.extend(Problem(slug, message, item_key) for message in messages)
    return Built(sections=sections, problems=problems, data=None if problems else data)


def item_label(kind: str, raw: dict[str, Any] | None, position: int) -> str:
    """How an incomplete child or household member is named in lists: what was typed as the name, or its place."""
    name = ""
    if isinstance(raw, dict):
        values = raw.get("name") or [""]
        name = str(values[0]).strip()[:ONE_LINE] if values else ""
    if name and not refused_message(name):
        return name
    return f"Child {position + 1}" if kind == "children" else f"Person {position + 1}"


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        if errors:
            return _lower_first(str(errors[0]))
    return "answer every question"


def upload_error(error: CaseActionRefused) -> str:
    return str(error.message).rstrip(".")
