"""Forms of the register of reviewers and of commissioning a reviewer (§6.1-6.2). The words for free text are the
service's (:data:`cspr.reviewers.services.TEXTS`); dates that have happened cannot be in the future."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cspr.core.forms import FreeTextField, GovukDateField, record_field
from cspr.domain.reviewers import COMPETENCIES
from cspr.reviewers.services import (
    AMOUNT_INVALID,
    EMAIL_INVALID,
    EMAIL_NEEDED,
    FEE_INVALID,
    INVOICE_NUMBER_NEEDED,
    NAME_NEEDED,
    PURCHASE_ORDER_NEEDED,
    REASON_NEEDED,
    REVIEWER_NEEDED,
    TEXTS,
)


def _text(name: str, label: str, *, required_message: str = "", textarea: bool = False, **kwargs: Any) -> FreeTextField:
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return FreeTextField(
        label=label,
        subject=kwargs.pop("subject", TEXTS.subject(name)),
        limit=TEXTS.limit(name),
        textarea=textarea,
        required=bool(required_message),
        **kwargs,
    )


_MONEY_ERRORS = ("required", "invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")


def _money(label: str, message: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits"), message
        ),
        **kwargs,
    )


def _past(label: str, today: date, **kwargs: Any) -> GovukDateField:
    return GovukDateField(label=label, must_be_past=True, today=lambda: today, **kwargs)


class ReviewerForm(forms.Form):
    name = _text("name", "Full name", required_message=NAME_NEEDED)
    organisation = _text(
        "organisation", "Organisation or practice (optional)", help_text="Leave it blank if they work on their own."
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="Their account for the review is set up at this address when they are commissioned.",
        error_messages={"required": EMAIL_NEEDED, "invalid": EMAIL_INVALID},
    )
    phone = _text("phone", "Phone number (optional)", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    experience = _text(
        "experience",
        "A short note of their experience (optional)",
        textarea=True,
        help_text="The kinds of review they have led, their professional background and any accreditation.",
    )


class CommissionForm(forms.Form):
    """The reviewer, the evidence for each §6.2 competency, the declaration of interests, the fee and the order."""

    def __init__(
        self, *args: Any, reviewers: list[tuple[int, str]], organisations: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer_id"] = record_field(
            "Reviewer", "Choose a reviewer from the register", reviewers, required_message=REVIEWER_NEEDED
        )
        for competency in COMPETENCIES:
            self.fields[f"evidence_{competency.code}"] = _text(
                "evidence",
                competency.label,
                required_message=f"Enter the evidence for: {competency.label}",
                subject=f"The evidence for: {competency.label}",
                textarea=True,
                rows=3,
            )
        self.fields["interests"] = forms.TypedMultipleChoiceField(
            label="Organisations the reviewer has worked for or with recently",
            choices=[(str(pk), name) for pk, name in organisations],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="As the reviewer declared them. Any the case involves is a conflict of interest.",
        )
        self.fields["other_interests"] = _text(
            "other_interests",
            "Other interests the reviewer declared (optional)",
            textarea=True,
            rows=3,
            help_text="Anything else that could be seen as a conflict: a relationship, an earlier role in the area.",
        )
        self.fields["perceived_conflict"] = forms.BooleanField(
            label="These other interests could reasonably be seen as a conflict of interest", required=False
        )
        self.fields["fee"] = _money("Fee, in pounds", FEE_INVALID)
        self.fields["purchase_order"] = _text(
            "purchase_order", "Purchase order number", required_message=PURCHASE_ORDER_NEEDED
        )

    def clean(self) -> dict[str, Any]:
        """Besides the answers, ``evidence``: the evidence for each competency, by its code."""
        cleaned = super().clean() or {}
        cleaned["evidence"] = {
            competency.code: cleaned.get(f"evidence_{competency.code}", "") for competency in COMPETENCIES
        }
        return cleaned


class OverrideForm(forms.Form):
    reason = _text(
        "reason",
        "Why the conflict does not prevent the commission",
        required_message=REASON_NEEDED,
        textarea=True,
        rows=5,
        help_text="For example, how the reviewer's part in that organisation's work is kept apart from this case.",
    )


class InvoiceForm(forms.Form):
    number = _text("number", "Invoice number", required_message=INVOICE_NUMBER_NEEDED)
    amount = _money("Amount, in pounds", AMOUNT_INVALID)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"] = _past("Received on", today)


class PaidForm(forms.Form):
    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"] = _past("Paid on", today)


class AccessEndsForm(forms.Form):
    ends_on = GovukDateField(
        label="Access ends on",
        help_text="From this day the reviewer can no longer open the review. For example, 27 3 2027.",
    )


class ConfirmForm(forms.Form):
    """A page that only asks to go ahead."""
