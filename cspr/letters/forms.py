"""The letterhead's forms (its address and sign-off; its logo), why a letter naming the family is downloaded, and
the record that a letter was sent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cspr.cases.services import IDENTIFYING_PURPOSES
from cspr.core.forms import FreeTextField, past_clock_date, radio_field, upload_field
from cspr.core.shared_forms import PurposeForm
from cspr.kernel import text
from cspr.letters.models import LetterSent
from cspr.letters.services import ADDRESS_LINES, LOGO_MAX_BYTES, TEXTS


class LetterheadForm(forms.Form):
    address = FreeTextField(
        label="The partnership's address",
        subject=TEXTS.subject("address"),
        help_text=f"As it heads each letter: one line each, {ADDRESS_LINES} lines at most. Do not include names.",
        limit=text.ADDRESS,
        textarea=True,
        rows=5,
        error_messages={"required": "Enter the partnership's address"},
    )
    sign_off = FreeTextField(
        label="Who signs the letters",
        subject=TEXTS.subject("sign_off"),
        help_text="Their name and role, for example “Bea Unwin, Partnership Business Manager”.",
        limit=text.ONE_LINE,
        error_messages={"required": "Enter who signs the letters, and their role"},
    )


class LogoForm(forms.Form):
    file = upload_field(
        "Upload the logo",
        hint=f"A PNG or JPEG image, smaller than {LOGO_MAX_BYTES // 1024} KB.",
        required_message="Select the logo",
    )


class LetterPurposeForm(PurposeForm):
    """Why someone downloads a letter that names the family: the identifying-details page's purposes."""

    purposes = IDENTIFYING_PURPOSES
    need = "the letter that names the family"


class LetterSentForm(forms.Form):
    """When and how the letter went; the person recording it is recorded as the one who sent it."""

    method = radio_field("How was it sent?", LetterSent.Method.choices, required_message="Choose how it was sent")
    method_other = FreeTextField(
        label="If other, how", subject=TEXTS.subject("method_other"), limit=text.ONE_LINE, required=False
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"] = past_clock_date("Date it was sent", today)
        self.order_fields(["sent_on", "method", "method_other"])
