from __future__ import annotations

from django import forms

NO_CONTROL_CHARACTERS = "Remove control characters from the text"


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(NO_CONTROL_CHARACTERS)
    return value


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
    reason = forms.CharField(
        label="Why the partnership uses its own number",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the partnership uses its own number"},
    )

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"])


class CriterionWordingForm(forms.Form):
    text = forms.CharField(
        label="The partnership's wording",
        help_text="Leave empty to use the service's wording.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Wording must be 2,000 characters or fewer"},
    )

    def clean_text(self) -> str:
        return _clean_text(self.cleaned_data["text"])
