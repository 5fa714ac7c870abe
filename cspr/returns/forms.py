"""Forms for information requests and returns. Each accepts only what its service call needs."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from cspr.core.forms import (
    FreeTextField,
    GovukDateField,
    late_reason_field,
    organisations_to_ask,
    reason_field,
    upload_field,
)
from cspr.core.shared_forms import TitledUploadForm
from cspr.kernel import text
from cspr.returns.services import RETURN_SUBJECTS


def _area(label: str, help_text: str = "", rows: int = 5, limit: int = text.NARRATIVE, **kwargs: Any) -> FreeTextField:
    return FreeTextField(
        label=label, help_text=help_text, textarea=True, rows=rows, limit=limit, required=False, **kwargs
    )


class SendForm(forms.Form):
    organisations = organisations_to_ask(
        "Those named in the notification and the partnership's statutory agencies are ticked."
    )
    questions = _area(
        "Specific questions (optional)",
        "Anything particular you want these organisations to answer. The same questions go to each.",
        subject="The questions",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["organisations"]).choices = choices
        self.fields["due_on"] = GovukDateField(
            label="Return date",
            help_text="When the returns are due. For example, 27 11 2026.",
            min_date=today,
            clock_date=True,
        )
        self.order_fields(["organisations", "due_on", "questions"])


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label="Who should complete this return?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a colleague"},
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["assignee"]).choices = people


class ReturnForm(forms.Form):
    """The return's narrative: every field optional while a draft; completeness is checked at sign-off."""

    services = _area("Services your organisation provided", "For example health visiting, GP, emergency department.")
    key_contacts = _area("Key contacts", "Professionals who worked with the child and family, and their roles.", 3)
    involvement = _area("Summary of your involvement with the child and family")
    key_practice_episodes = _area(
        "Key practice episodes and your analysis",
        "Moments where practice made, or could have made, a difference; what went well and what did not.",
        8,
    )
    immediate_actions = _area("Immediate safeguarding actions taken", "For this child, siblings and others at risk.")
    early_learning = _area("Early learning", "What your organisation has already learned.")
    equality_considerations = _area(
        "Equality considerations",
        "How race, disability, and other inequalities or characteristics affected the child's experience or the "
        "help they received.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["involved_from"] = GovukDateField(label="Involved from", required=False, historical=True)
        self.fields["involved_to"] = GovukDateField(label="Involved until", required=False, historical=True)
        self.order_fields(["involved_from", "involved_to", "services", "key_contacts", "involvement"])
        for name, subject in RETURN_SUBJECTS.items():
            cast(FreeTextField, self.fields[name]).subject = subject

    def valid_values(self) -> dict[str, Any]:
        """What can be kept from a posted form, even when other fields have errors (nothing typed is lost)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if name in cleaned and name not in self.errors}


class EntryForm(forms.Form):
    event = _area("What happened", rows=3, limit=text.NOTE, subject="The event")
    source = FreeTextField(
        label="Source (optional)",
        subject="The source",
        help_text="Where this is recorded, for example GP record.",
        limit=text.NOTE,
        required=False,
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].required = True
        self.fields["event"].error_messages["required"] = "Enter what happened"
        self.fields["happened_on"] = GovukDateField(
            label="Date of the event", must_be_past=True, today=lambda: today, historical=True
        )
        self.order_fields(["happened_on", "event", "source"])


class ImportForm(forms.Form):
    file = upload_field(
        "Upload a chronology",
        hint="A CSV file or an Excel spreadsheet (XLSX), smaller than 1 MB, whose first row is: date,event,source",
        required_message="Select a CSV or Excel (XLSX) file",
    )


class AttachmentForm(TitledUploadForm):
    example = "Health visiting records summary"


class ReasonForm(forms.Form):
    reason = reason_field(subject="The reason")

    def __init__(self, *args: Any, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class LateReasonForm(forms.Form):
    late_reason = late_reason_field("Why the returns were late", subject="The reason the returns were late")


class ChronologyFilterForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["organisation"]).choices = [("", "All organisations"), *organisations]
        self.fields["date_from"] = GovukDateField(label="From", required=False, historical=True)
        self.fields["date_to"] = GovukDateField(label="To", required=False, historical=True)


class LeadForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    lead = forms.TypedChoiceField(label="Designated lead", coerce=int, error_messages={"required": "Select a lead"})

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["lead"]).choices = [("", "Choose a person"), *candidates]
