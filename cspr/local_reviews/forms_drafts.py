"""Forms of the report's drafts: uploading one, asking organisations for comments on it, an organisation's comments,
and the national review suggested. The words for free text are the service's
(:data:`cspr.local_reviews.services_drafts.TEXTS`)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from cspr.core.forms import (
    DatedForm,
    FreeTextField,
    GovukDateField,
    happened_date,
    named_text_field,
    organisations_to_ask,
    upload_field,
)
from cspr.local_reviews.services_drafts import TEXTS


def _text(name: str, label: str, **kwargs: Any) -> FreeTextField:
    return named_text_field(TEXTS, name, label, textarea=True, **kwargs)


class DraftUploadForm(forms.Form):
    file = upload_field("The draft report", hint="A Word document or a PDF, smaller than 20 MB.")


class AskForm(forms.Form):
    organisations = organisations_to_ask(
        "The organisations involved in the case: named in the notification, asked for information, or recorded by the "
        "rapid review. Each sees this draft and its own request only."
    )
    due_on = GovukDateField(label="Comments due by", help_text="For example, 27 1 2027.")

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["organisations"]).choices = choices


class CommentsForm(forms.Form):
    comments = _text(
        "comments",
        "Your organisation's comments on the draft",
        required_message="Enter your organisation's comments on the draft",
        rows=10,
        help_text="Say where the draft is factually wrong or incomplete about your organisation's involvement, "
        "with the page or paragraph. You can send the comments once.",
    )


class SuggestForm(DatedForm):
    order = ("suggested_on", "reason")
    reason = _text(
        "reason",
        "What is the new information, and why does it suggest a national review?",
        required_message="Enter what the new information is and why it suggests a national review",
        rows=8,
        help_text="For example that it raises issues of importance nationally, or that it may require legislative "
        "change (§4.6). This is kept sealed; the letter to the Panel does not quote it.",
    )

    def dates(self, today: date) -> dict[str, GovukDateField]:
        return {"suggested_on": happened_date("The day the partnership concluded it", today)}
