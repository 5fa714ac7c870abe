"""Forms of the register of parallel processes (procedure §8.8, §9): a process added or changed, and a liaison
entry. The questions' words for free text are the service's (:data:`cspr.cases.services.processes.TEXTS`)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms

from cspr.cases.forms import yes_no_field
from cspr.cases.models import ParallelProcess
from cspr.cases.services.processes import TEXTS
from cspr.core.forms import FreeTextField, GovukDateField, radio_field


def _text(name: str, label: str, *, textarea: bool = False, **kwargs: Any) -> FreeTextField:
    return FreeTextField(
        label=label,
        subject=TEXTS.subject(name),
        limit=TEXTS.limit(name),
        textarea=textarea,
        rows=3,
        required=False,
        **kwargs,
    )


PROCESS_FIELDS = (
    "kind",
    "status",
    "lead_organisation",
    "contact",
    "next_hearing_on",
    "expected_end_on",
    "concluded_on",
    "restricted",
    "restriction_terms",
    "effect",
    "effect_note",
    "notes",
)
"""The form's answers, named as the services' keyword arguments."""


class ProcessForm(forms.Form):
    kind = radio_field(
        "What kind of process is it?",
        ParallelProcess.Kind.choices,
        required_message="Select what kind of process it is",
    )
    status = radio_field(
        "Where does it stand?", ParallelProcess.Status.choices, required_message="Select where the process stands"
    )
    lead_organisation = _text(
        "lead_organisation",
        "Lead organisation (optional)",
        help_text="For example, the police force, the coroner's office or the court.",
    )
    contact = _text("contact", "Contact (optional)", help_text="Their name and how to reach them.")
    restricted = yes_no_field(
        "Is there a reporting restriction or court order?",
        required_message="Select yes if there is a reporting restriction or court order",
    )
    restriction_terms = _text(
        "restriction_terms", "Its terms (optional)", textarea=True, help_text="What it restricts, and until when."
    )
    effect = radio_field(
        "Effect on the review", ParallelProcess.Effect.choices, required_message="Select the effect on the review"
    )
    effect_note = _text("effect_note", "What the effect is (optional)", textarea=True)
    conditionals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "restricted": {"yes": ("restriction_terms",)},
        "effect": {ParallelProcess.Effect.OTHER: ("effect_note",)},
    }
    notes = _text(
        "notes", "Notes (optional)", textarea=True, help_text="For a process of kind 'other', say what it is."
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_hearing_on"] = GovukDateField(label="Date of the next hearing (optional)", required=False)
        self.fields["expected_end_on"] = GovukDateField(label="Date it is expected to end (optional)", required=False)
        self.fields["concluded_on"] = GovukDateField(
            label="Date it concluded (optional)",
            help_text="Only for a concluded process.",
            required=False,
            must_be_past=True,
            today=lambda: today,
        )
        self.order_fields(PROCESS_FIELDS)


class LiaisonForm(forms.Form):
    with_whom = _text(
        "with_whom", "With whom", help_text="For example, the senior investigating officer, or the CPS lawyer."
    )
    agreed = _text("agreed", "What was agreed", textarea=True)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_whom"].required = True
        self.fields["with_whom"].error_messages["required"] = "Enter with whom the discussion was held"
        self.fields["agreed"].required = True
        self.fields["agreed"].error_messages["required"] = "Enter what was agreed"
        self.fields["held_on"] = GovukDateField(label="Date of the discussion", must_be_past=True, today=lambda: today)
        self.order_fields(["held_on", "with_whom", "agreed"])
