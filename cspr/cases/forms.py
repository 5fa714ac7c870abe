"""Forms for the case pages. Each accepts only what the service call needs; services make the decisions."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, cast

from django import forms

from cspr.cases.models import DutyKind, FamilyTold
from cspr.cases.services import IDENTIFYING_PURPOSES
from cspr.core.forms import FreeTextField, GovukDateField, late_reason_field, past_clock_date, radio_field, reason_field
from cspr.core.shared_forms import PurposeForm, TitledUploadForm
from cspr.domain.criteria import DISCRETIONARY_GROUNDS
from cspr.domain.lifecycle import Stage
from cspr.kernel import text

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_field(label: str, *, required_message: str) -> forms.TypedChoiceField:
    """A yes/no question as radios, its answer a bool."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class CaseFilterForm(forms.Form):
    q = FreeTextField(label="Reference or pseudonym", required=False, limit=60)
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


class LaDecisionForm(forms.Form):
    notify_panel = yes_no_field(
        "Has the local authority decided to notify the Panel?",
        required_message="Select yes if the local authority has decided to notify the Panel",
    )
    reason = reason_field(
        "Why",
        subject="The reasons for the decision",
        help_text="The reasons for the decision, in the local authority's words (§3.5).",
        required_message="Enter the reasons for the decision",
    )
    la_officer_name = FreeTextField(
        label="Name of the local authority officer who decided", limit=text.ONE_LINE, required=False
    )
    la_officer_role = FreeTextField(
        label="Their role", subject="The officer's role", limit=text.ONE_LINE, required=False
    )

    def __init__(self, *args: Any, today: date, on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"] = past_clock_date("Date of the decision", today)
        self.order_fields(["notify_panel", "decided_on", "reason", "la_officer_name", "la_officer_role"])
        if not on_behalf:
            del self.fields["la_officer_name"]
            del self.fields["la_officer_role"]
        else:
            self.fields["la_officer_name"].required = True
            self.fields["la_officer_role"].required = True
            self.fields["la_officer_name"].error_messages["required"] = "Enter the name of the officer who decided"
            self.fields["la_officer_role"].error_messages["required"] = "Enter the role of the officer who decided"


class RouteForm(forms.Form):
    reason = reason_field("Reason", required=False)

    def __init__(self, *args: Any, reason_required: bool, grounds: bool, action: str = "", **kwargs: Any) -> None:
        """``action`` is the move as it reads in a sentence ("close the case"), for the reason's label and error."""
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        assert isinstance(reason, FreeTextField)  # noqa: S101 - declared above
        if action:
            reason.label = f"Why {action}?" + ("" if reason_required else " (optional)")
            reason.subject = f"The reason to {action}"  # in its messages, as the label asks it
            reason.help_text = "It is kept with the case's history; write it for the people who read it."
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                f"Enter the reason to {action}" if action else "Enter the reason"
            )
        if grounds:
            self.fields["grounds"] = forms.MultipleChoiceField(
                label="Grounds for a discretionary review (§5.6)",
                choices=[(ground.code, ground.statement) for ground in DISCRETIONARY_GROUNDS],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one ground"},
            )
            self.order_fields(["grounds", "reason"])


class DutyForm(forms.Form):
    kind = radio_field("What was done", DutyKind.choices, required_message="Select what was done")
    panel_reference = FreeTextField(
        label="Panel reference", help_text="Only for the notification to the Panel.", limit=100, required=False
    )
    other_area = FreeTextField(
        label="Which area was informed",
        subject="The area informed",
        help_text="Only when another area was informed.",
        limit=text.ONE_LINE,
        required=False,
    )
    late_reason = late_reason_field("Why it was late", help_text="The due date had passed when this was done. Say why.")

    def __init__(self, *args: Any, today: date, kinds: list[tuple[str, str]], ask_late_reason: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        self.fields["done_on"] = past_clock_date("Date it was done", today)
        self.order_fields(["kind", "done_on", "panel_reference", "other_area", "late_reason"])
        if not ask_late_reason:
            del self.fields["late_reason"]


class ExtensionForm(forms.Form):
    reason = reason_field(
        "Why the deadline is extended",
        subject="The reason for the extension",
        rows=3,
        required_message="Enter why the deadline is extended",
    )
    agreed_by = FreeTextField(
        label="Who agreed the extension",
        help_text="For example, the Panel's case officer and the date they agreed.",
        limit=text.ONE_LINE,
        error_messages={"required": "Enter who agreed the extension"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["extended_to"] = GovukDateField(label="New due date", clock_date=True)
        self.order_fields(["extended_to", "reason", "agreed_by"])


class IdentifyingPurposeForm(PurposeForm):
    purposes = IDENTIFYING_PURPOSES
    need = "to see the identifying details"


class DocumentPurposeForm(IdentifyingPurposeForm):
    """Why a case document is downloaded: the same purposes, asked about the document."""

    need = "this document"


class DocumentForm(TitledUploadForm):
    thing = "document"
    example = "Police initial report"


class LinkForm(forms.Form):
    other_reference = FreeTextField(
        label="Reference of the case to link",
        help_text="For example NVALE-2026-004.",
        limit=40,
        error_messages={"required": "Enter the reference of the case to link"},
    )
    note = FreeTextField(label="Note (optional)", limit=text.NOTE, required=False, textarea=True, rows=3)


class FamilyToldForm(forms.Form):
    """Who told the family the decision and its reasons, when, how and what they were told (§5.3, §8.6)."""

    method = radio_field(
        "How were they told?", FamilyTold.Method.choices, required_message="Choose how the family was told"
    )
    method_other = FreeTextField(label="How", subject="How they were told", limit=text.ONE_LINE, required=False)
    conditionals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "method": {FamilyTold.Method.OTHER: ("method_other",)}
    }
    told_by = FreeTextField(
        label="Who told them",
        help_text="The professional's name and role.",
        limit=text.ONE_LINE,
        error_messages={"required": "Enter who told the family"},
    )
    what_was_said = reason_field(
        "What they were told about the decision and its reasons",
        rows=5,
        required_message="Enter what the family was told",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["told_on"] = past_clock_date("Date they were told", today)
        self.order_fields(["told_on", "method", "method_other", "told_by", "what_was_said"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("method") == FamilyTold.Method.OTHER and not cleaned.get("method_other"):
            self.add_error("method_other", "Say how the family was told")
        return cleaned


class FamilyNotYetToldForm(forms.Form):
    """Why the family has not been told the decision yet."""

    reason = reason_field(
        "Why the family has not been told yet",
        help_text="For example, the police asked to wait while a criminal investigation goes on. Say when it will "
        "be looked at again.",
        required_message="Enter why the family has not been told yet",
    )
