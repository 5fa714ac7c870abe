"""Whole forms that several pages ask in their own words: why someone needs what they ask to see, and a file
with a line saying what it is. A page's form subclasses one and gives its words as class attributes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django import forms

from cspr.core.form_views import Act
from cspr.core.forms import FreeTextField, radio_field, upload_field
from cspr.kernel import text

REASON_KEPT = "Do not include names. Your reason is kept in the audit trail."


class PurposeForm(forms.Form):
    """Why someone needs what they ask for: one of ``purposes``, or "other" with their reason, which the audit trail
    keeps. ``need`` completes "Why do you need …?" and the errors; ``question`` replaces the question if given."""

    purposes: ClassVar[Sequence[tuple[str, str]]] = ()
    need: ClassVar[str] = ""
    question: ClassVar[str] = ""

    purpose_other = FreeTextField(
        label="If other, say why", subject="Your reason", help_text=REASON_KEPT, limit=text.ONE_LINE, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"] = radio_field(
            self.question or f"Why do you need {self.need}?",
            self.purposes,
            required_message=f"Select why you need {self.need}",
        )
        self.order_fields(["purpose", "purpose_other"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == "other" and not cleaned.get("purpose_other"):
            self.add_error("purpose_other", f"Say why you need {self.need}")
        return cleaned


class TitledUploadForm(forms.Form):
    """A file, and a line without names saying what it is: ``thing`` names it ("document", "paper"), ``example`` is
    a title the hint gives as an example."""

    thing: ClassVar[str] = "file"
    example: ClassVar[str] = ""

    file = upload_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"] = FreeTextField(
            label=f"What is the {self.thing}?",
            subject=f"What the {self.thing} is",
            help_text=f"For example “{self.example}”. Do not include names.",
            limit=text.ONE_LINE,
            error_messages={"required": f"Enter what the {self.thing} is"},
        )
        self.order_fields(["title", "file"])


def uploaded_to(service: Callable[..., Any], **given: Any) -> Act:
    """The ``act`` of a :class:`TitledUploadForm`'s page: ``service`` is given the file as ``upload``, its ``title``,
    and ``given``."""
    return lambda acting, data: service(acting=acting, **given, upload=data["file"], title=data["title"])
