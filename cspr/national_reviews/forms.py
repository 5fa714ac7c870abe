"""Forms of the national review (§8.5-8.7): the Panel's contact, a step of the engagement, an item the Panel asked
for and its provision, and the outcome. The words for free text are the service's
(:data:`cspr.national_reviews.services.TEXTS`); dates that have happened cannot be in the future."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cspr.core.forms import (
    DatedForm,
    FreeTextField,
    GovukDateField,
    happened_date,
    named_text_field,
    radio_field,
    record_field,
)
from cspr.national_reviews.models import EngagementEntry
from cspr.national_reviews.services import DATES, TEXTS


def _text(name: str, label: str, **kwargs: Any) -> FreeTextField:
    return named_text_field(TEXTS, name, label, **kwargs)


def _date(name: str, today: date, *, required: bool = True) -> GovukDateField:
    """The date ``name`` something happened on, labelled as the service names it in messages."""
    label = DATES[name] if required else f"{DATES[name]} (optional)"
    return happened_date(label, today, required=required)


class ContactForm(forms.Form):
    panel_contact = _text(
        "panel_contact",
        "The Panel's contact or reviewer (optional)",
        help_text="Their name and role, as the Panel gave them. Leave it blank if there is none.",
    )


class EngagementForm(DatedForm):
    order = ("happened_on", "kind", "scope_agreed", "note")
    kind = radio_field(
        "What kind of engagement was it?",
        EngagementEntry.Kind.choices,
        required_message="Select what kind of engagement it was",
    )
    scope_agreed = forms.BooleanField(
        label="The scope and methodology of the review were agreed at this discussion",
        required=False,
        help_text="Only for a discussion of the scope and methodology.",
    )
    note = _text(
        "note",
        "What happened and what was agreed",
        required_message="Enter what happened and what was agreed",
        textarea=True,
    )

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"happened_on": _date("happened_on", today)}


class ItemForm(DatedForm):
    order = ("what", "requested_on", "due_on")
    what = _text(
        "what",
        "What did the Panel ask for?",
        required_message="Enter what the Panel asked for",
        help_text="For example, the agencies' chronologies, or a list of the practitioners involved. No names.",
    )

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {
            "requested_on": _date("requested_on", today),
            "due_on": GovukDateField(label=f"{DATES['due_on']} (optional)", required=False),
        }


class ProvidedForm(DatedForm):
    order = ("provided_on", "provided_by")

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], today: date, **kwargs: Any) -> None:
        super().__init__(*args, today=today, **kwargs)
        self.fields["provided_by"] = record_field(
            "Which organisation provided it?",
            "Choose an organisation",
            organisations,
            required_message="Select the organisation that provided it",
        )
        self.order_fields(self.order)

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"provided_on": _date("provided_on", today)}


class FinishForm(DatedForm):
    order = ("report_on", "published_on", "findings", "finished_on")
    findings = _text(
        "findings",
        "Summary of the findings for the partnership",
        required_message="Enter a summary of the findings for the partnership",
        textarea=True,
        rows=6,
        help_text="What the national review found that the partnership must act on. The learning actions follow.",
    )

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {
            "report_on": _date("report_on", today),
            "published_on": _date("published_on", today, required=False),
            "finished_on": _date("finished_on", today),
        }
