"""Forms for the case pages. Each accepts only what the service call needs; services make the decisions."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from cspr.cases import documents
from cspr.cases.models import DutyKind
from cspr.cases.services import IDENTIFYING_PURPOSES
from cspr.core.forms import GovukDateField
from cspr.domain.criteria import DISCRETIONARY_GROUNDS
from cspr.domain.lifecycle import Stage

NUL_REFUSED = "Remove control characters from the text"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(NUL_REFUSED)
    return value.strip()


class TextCleaningForm(forms.Form):
    """Refuses NUL characters in every text field (PostgreSQL cannot store them)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    cleaned[name] = _text(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def _date_field(label: str, today: date, **kwargs: Any) -> GovukDateField:
    """A date that has happened and that clocks count from (a decision, a duty done)."""
    return GovukDateField(label=label, must_be_past=True, today=lambda: today, clock_date=True, **kwargs)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="Reference or pseudonym", required=False, max_length=60)
    stage = forms.ChoiceField(label="Stage", required=False)
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = [
            ("", "Any stage"),
            *((stage.value, stage.label) for stage in Stage),
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "Any year"),
            *((str(year), str(year)) for year in years),
        ]

    def clean_q(self) -> str:
        return _text(self.cleaned_data["q"])


class LaDecisionForm(TextCleaningForm):
    notify_panel = forms.TypedChoiceField(
        label="Has the local authority decided to notify the Panel?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the local authority has decided to notify the Panel"},
    )
    reason = forms.CharField(
        label="Why",
        help_text="The reasons for the decision, in the local authority's words (§3.5).",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the reasons for the decision"},
    )
    la_officer_name = forms.CharField(
        label="Name of the local authority officer who decided", max_length=200, required=False
    )
    la_officer_role = forms.CharField(label="Their role", max_length=200, required=False)

    def __init__(self, *args: Any, today: date, on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"] = _date_field("Date of the decision", today)
        self.order_fields(["notify_panel", "decided_on", "reason", "la_officer_name", "la_officer_role"])
        if not on_behalf:
            del self.fields["la_officer_name"]
            del self.fields["la_officer_role"]
        else:
            self.fields["la_officer_name"].required = True
            self.fields["la_officer_role"].required = True
            self.fields["la_officer_name"].error_messages["required"] = "Enter the name of the officer who decided"
            self.fields["la_officer_role"].error_messages["required"] = "Enter the role of the officer who decided"


class RouteForm(TextCleaningForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)

    def __init__(self, *args: Any, reason_required: bool, grounds: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Enter the reason"
        if grounds:
            self.fields["grounds"] = forms.MultipleChoiceField(
                label="Grounds for a discretionary review (§5.6)",
                choices=[(ground.code, ground.statement) for ground in DISCRETIONARY_GROUNDS],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one ground"},
            )
            self.order_fields(["grounds", "reason"])


class DutyForm(TextCleaningForm):
    kind = forms.ChoiceField(
        label="What was done",
        choices=DutyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was done"},
    )
    panel_reference = forms.CharField(
        label="Panel reference", help_text="Only for the notification to the Panel.", max_length=100, required=False
    )
    other_area = forms.CharField(
        label="Which area was informed",
        help_text="Only when another area was informed.",
        max_length=200,
        required=False,
    )
    late_reason = forms.CharField(
        label="Why it was late",
        help_text="The due date had passed when this was done. Say why.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, today: date, kinds: list[tuple[str, str]], ask_late_reason: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        self.fields["done_on"] = _date_field("Date it was done", today)
        self.order_fields(["kind", "done_on", "panel_reference", "other_area", "late_reason"])
        if not ask_late_reason:
            del self.fields["late_reason"]


class ExtensionForm(TextCleaningForm):
    reason = forms.CharField(
        label="Why the deadline is extended",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter why the deadline is extended"},
    )
    agreed_by = forms.CharField(
        label="Who agreed the extension",
        help_text="For example, the Panel's case officer and the date they agreed.",
        max_length=200,
        error_messages={"required": "Enter who agreed the extension"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["extended_to"] = GovukDateField(label="New due date", clock_date=True)
        self.order_fields(["extended_to", "reason", "agreed_by"])


class IdentifyingPurposeForm(TextCleaningForm):
    purpose = forms.ChoiceField(
        label="Why do you need to see the identifying details?",
        choices=IDENTIFYING_PURPOSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need to see the identifying details"},
    )
    purpose_other = forms.CharField(
        label="If other, say why",
        help_text="Do not include names. Your reason is kept in the audit trail.",
        max_length=200,
        required=False,
    )

    other_needed = "Say why you need to see the identifying details"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("purpose") == "other" and not cleaned.get("purpose_other"):
            self.add_error("purpose_other", self.other_needed)
        return cleaned


class DocumentPurposeForm(IdentifyingPurposeForm):
    """Why a case document is downloaded: the same purposes, asked about the document."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].label = "Why do you need this document?"
        self.fields["purpose"].error_messages = {
            **self.fields["purpose"].error_messages,
            "required": "Select why you need this document",
        }

    other_needed = "Say why you need this document"


class DocumentForm(TextCleaningForm):
    title = forms.CharField(
        label="What is the document?",
        help_text="For example “Police initial report”. Do not include names.",
        max_length=200,
        error_messages={"required": "Enter what the document is"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=documents.ALLOWED_HINT,
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


class LinkForm(TextCleaningForm):
    other_reference = forms.CharField(
        label="Reference of the case to link",
        help_text="For example NVALE-2026-004.",
        max_length=40,
        error_messages={"required": "Enter the reference of the case to link"},
    )
    note = forms.CharField(
        label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
