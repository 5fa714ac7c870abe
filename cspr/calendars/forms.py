from __future__ import annotations

from django import forms

from cspr.core.forms import GovukDateField


class ClosureDayForm(forms.Form):
    date = GovukDateField(label="Date the office is closed", help_text="For example, 24 12 2026")
    description = forms.CharField(
        label="Description",
        max_length=200,
        help_text="For example, Christmas shutdown",
        error_messages={"required": "Enter a description", "max_length": "Description must be 200 characters or fewer"},
    )

    def clean_description(self) -> str:
        value = self.cleaned_data["description"]
        if "\x00" in value:
            raise forms.ValidationError("Description must not contain control characters")
        return value
