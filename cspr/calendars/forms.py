from __future__ import annotations

from django import forms

from cspr.core.forms import FreeTextField, GovukDateField
from cspr.kernel.text import ONE_LINE


class ClosureDayForm(forms.Form):
    date = GovukDateField(label="Date the office is closed", help_text="For example, 24 12 2026")
    description = FreeTextField(
        label="Description",
        limit=ONE_LINE,
        help_text="For example, Christmas shutdown",
        error_messages={"required": "Enter a description"},
    )
