"""Forms for practitioner events, the family involvement log, the explainers and the thread with the reviewer. The
words for free text are the service's (:data:`cspr.local_reviews.services_people.TEXTS`)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms

from cspr.core.forms import DatedForm, FreeTextField, GovukDateField, happened_date, named_text_field, radio_field
from cspr.local_reviews.models_people import FamilyEntry
from cspr.local_reviews.selectors_people import CONSENT_LABELS, HOW_LABELS
from cspr.local_reviews.services_people import CONSENT_NEEDED, EXPLAINER_NEEDED, INVITED_NEEDED, TEXTS


def _text(name: str, label: str, **kwargs: Any) -> FreeTextField:
    return named_text_field(TEXTS, name, label, **kwargs)


def _organisations(label: str, choices: list[tuple[int, str]], **kwargs: Any) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=[(str(pk), name) for pk, name in choices],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class EventForm(DatedForm):
    order = ("held_on", "invited", "attended", "feedback")
    feedback = _text(
        "feedback",
        "What did the practitioners feed back? (optional)",
        textarea=True,
        help_text="What it was like to work with the family, what helped and what got in the way.",
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited"] = _organisations(
            "Organisations invited", organisations, error_messages={"required": INVITED_NEEDED}
        )
        self.fields["attended"] = _organisations(
            "Organisations that attended", organisations, required=False, help_text="Only those invited."
        )
        self.order_fields(self.order)

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"held_on": happened_date("The event was held on", today)}


class FamilyEntryForm(DatedForm):
    """An entry of the family log. The questions an entry's kind needs are shown inside its answer."""

    order = ("person", "kind", "consent", "explainer", "managed", "happened_on", "how", "note")
    kind = radio_field(
        "What does the entry record?", FamilyEntry.Kind.choices, required_message="Select what the entry records"
    )
    consent = radio_field("Consent", list(CONSENT_LABELS.items()), required=False)
    managed = _text("managed", "How were their expectations managed?", textarea=True, rows=3)
    how = radio_field("How? (if invited, met, told or given the explainer)", list(HOW_LABELS.items()), required=False)
    note = _text(
        "note",
        "What happened",
        textarea=True,
        help_text="For a meeting, what was discussed; for 'told', what they were told; for expectations, what they "
        "expect of the review.",
    )
    conditionals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "kind": {
            FamilyEntry.Kind.CONSENT: ("consent",),
            FamilyEntry.Kind.EXPECTATIONS: ("managed",),
            FamilyEntry.Kind.EXPLAINER: ("explainer",),
        }
    }

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], explainers: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = forms.ChoiceField(
            label="Who is it about?",
            choices=[("", "Choose a family member or child"), *people],
            error_messages={"required": "Select who the entry is about"},
            help_text="Named by their relationship to the child, or the child's pseudonym.",
        )
        self.fields["explainer"] = forms.TypedChoiceField(
            label="Which version of the family explainer?",
            choices=[(str(number), words) for number, words in explainers],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": EXPLAINER_NEEDED},
        )
        self.fields["consent"].error_messages["invalid_choice"] = CONSENT_NEEDED
        self.order_fields(self.order)

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"happened_on": happened_date("When", today)}


class ExplainerForm(forms.Form):
    title = _text("title", "Title", required_message="Enter the explainer's title")
    body = _text(
        "body",
        "The explainer's words",
        required_message="Enter the explainer's words",
        textarea=True,
        rows=25,
        help_text="Plain English. Start a line with '## ' for a heading and '- ' for a point of a list; leave a blank "
        "line between paragraphs. Fill in anything in square brackets before giving it out.",
    )


class MessageForm(forms.Form):
    message = _text("message", "Your message", required_message="Enter your message", textarea=True, rows=6)
