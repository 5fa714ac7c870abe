from __future__ import annotations

from django import forms

from cspr.core.forms import FreeTextField, reason_field
from cspr.kernel.text import NOTE


class ClockOverrideForm(forms.Form):
    amount = forms.IntegerField(
        label="Number",
        min_value=1,
        max_value=120,
        error_messages={
            "required": "Enter a number",
            "invalid": "Number must be a whole number, like 10",
            "min_value": "Number must be 1 or more",
            "max_value": "Number must be 120 or fewer",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = reason_field(
        "Why the partnership uses its own number",
        subject="The reason",
        rows=3,
        limit=NOTE,
        required_message="Enter why the partnership uses its own number",
    )


class CriterionWordingForm(forms.Form):
    text = FreeTextField(
        label="The partnership's wording",
        subject="Wording",
        help_text="Leave empty to use the service's wording.",
        required=False,
        limit=NOTE,
        textarea=True,
        rows=4,
    )
