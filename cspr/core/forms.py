"""Django forms that render GOV.UK Design System components.

``GovukFormRenderer`` makes ``{{ form }}`` and ``{{ field.as_field_group() }}`` produce
the GOV.UK macros' markup (label, hint, error message), and ``GovukDateField`` is the
design system's three-box date input with its own error wording. ``FreeTextField`` is the one field for
text people type: it applies the free-text policy of :mod:`cspr.kernel.text`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.module_loading import import_string
from markupsafe import Markup

from cspr.kernel import documents, text


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


DATE_PARTS = ("day", "month", "year")


class FreeTextField(forms.CharField):
    """Text a person types, under the one free-text policy (:mod:`cspr.kernel.text`).

    ``limit`` is one of the policy's limits (``text.ONE_LINE``, ``text.REASON``...); ``subject`` names the field
    in messages ("The reason must be 5,000 characters or fewer") and defaults to the label. Refused characters and
    length give GOV.UK messages; the value is normalised (line breaks, NFC, spaces at the ends). No HTML
    ``maxlength``: a browser would cut pasted text silently, where the message keeps what was typed.
    """

    def __init__(self, *, limit: int, subject: str = "", textarea: bool = False, rows: int = 5, **kwargs: Any) -> None:
        if textarea:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.pop("max_length", None)
        super().__init__(strip=False, **kwargs)
        self.limit = limit
        label = str(self.label or "").removesuffix(" (optional)").rstrip("?:")
        self.subject = subject or label or "The text"

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        problem = text.text_problem(value, subject=self.subject, limit=self.limit)
        if problem is not None:
            raise forms.ValidationError(problem[0], code=problem[1])
        return text.normalise(value)


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes named ``<name>-day``, ``<name>-month`` and ``<name>-year``, as GOV.UK does."""

    template_name = "forms/govuk_field.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in DATE_PARTS]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: MultiValueDict[str, Any], name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: MultiValueDict[str, Any], name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in DATE_PARTS)


class DateError(forms.ValidationError):
    """A date error that remembers which of the three boxes to highlight."""

    def __init__(self, message: str, *, parts: tuple[str, ...], code: str) -> None:
        super().__init__(message, code=code)
        self.parts = parts


class GovukDateField(forms.Field):
    """A date typed into day, month and year boxes, validated with GOV.UK's error messages.

    ``subject`` names the date in messages ("Date of birth must include a month"); it defaults
    to the label without its "(optional)". An empty required date is told ``required_message``,
    by default "Enter the date of birth". The boxes that caused the error are kept in
    ``error_parts`` so the template can mark only those inputs as in error, and the error
    summary links to the first of them.

    Two kinds of date are limited here, once, for every form:

    * ``clock_date=True``: a date a clock starts from or is due on (awareness, incident,
      meetings, decisions, extensions) must lie in the working-day calendar's known range
      less the longest clock (``settings.CLOCK_DATE_RANGE`` names the function that says
      which), so that no case holds a date its clocks cannot be counted from;
    * ``historical=True``: a date in someone's past (a date of birth, a chronology entry)
      must lie between 1 January 1900 and today.

    ``today`` is a callable, so that forms and tests decide what today is.
    """

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        min_date: datetime.date | None = None,
        max_date: datetime.date | None = None,
        must_be_past: bool = False,
        today: Any = None,
        clock_date: bool = False,
        historical: bool = False,
        subject: str = "",
        required_message: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._subject = subject
        self._required_message = required_message
        self.min_date = min_date
        self.max_date = max_date
        self.must_be_past = must_be_past
        self.clock_date = clock_date
        self.historical = historical
        self._today = today or timezone.localdate  # Europe/London, as every date the service keeps
        self.error_parts: tuple[str, ...] = DATE_PARTS

    @property
    def subject(self) -> str:
        return self._subject or str(self.label or "Date").removesuffix(" (optional)")

    @property
    def required_message(self) -> str:
        if self._required_message:
            return self._required_message
        what = self.subject[:1].lower() + self.subject[1:]
        return f"Enter {what}" if what.startswith(("the ", "your ")) else f"Enter the {what}"

    def _fail(self, message: str, parts: tuple[str, ...], code: str) -> None:
        self.error_parts = parts
        raise DateError(message, parts=parts, code=code)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        day, month, year = (value or ["", "", ""])[:3]
        given = {"day": day, "month": month, "year": year}
        missing = tuple(part for part in DATE_PARTS if not given[part])
        if len(missing) == 3:
            if self.required:
                self._fail(self.required_message, DATE_PARTS, "required")
            return None
        if missing:
            wanted = " and a ".join(missing) if len(missing) == 2 else missing[0]
            self._fail(f"{self.subject} must include a {wanted}", missing, "incomplete")
        if not all(str(given[part]).isdigit() for part in DATE_PARTS):
            self._fail(f"{self.subject} must be a real date", DATE_PARTS, "invalid")
        if len(str(year)) != 4:
            self._fail(f"Year must include 4 numbers", ("year",), "invalid_year")  # noqa: F541
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # a day or month of 20 digits overflows rather than failing
            self._fail(f"{self.subject} must be a real date", DATE_PARTS, "invalid")
        return None  # pragma: no cover - _fail always raises

    def validate(self, value: Any) -> None:
        # Presence is checked in to_python with GOV.UK's wording.
        if value is None:
            return
        if self.historical and not EARLIEST_HISTORICAL_DATE <= value <= self._today():
            self._fail(
                f"{self.subject} must be between {govuk_date(EARLIEST_HISTORICAL_DATE)} and today",
                DATE_PARTS,
                "out_of_range",
            )
        if self.must_be_past and value > self._today():
            self._fail(f"{self.subject} must be today or in the past", DATE_PARTS, "future")
        if self.clock_date:
            first, last = clock_date_range()
            if not first <= value <= last:
                until = "today" if self.must_be_past and self._today() <= last else govuk_date(last)
                self._fail(
                    f"{self.subject} must be between {govuk_date(first)} and {until}", DATE_PARTS, "out_of_range"
                )
        if self.min_date and value < self.min_date:
            self._fail(f"{self.subject} must be the same as or after {govuk_date(self.min_date)}", DATE_PARTS, "early")
        if self.max_date and value > self.max_date:
            self._fail(f"{self.subject} must be the same as or before {govuk_date(self.max_date)}", DATE_PARTS, "late")

    def clean(self, value: Any) -> Any:
        self.error_parts = DATE_PARTS
        return super().clean(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True


EARLIEST_HISTORICAL_DATE = datetime.date(1900, 1, 1)
"""The earliest date of birth or chronology entry the service accepts."""


def past_clock_date(label: str, today: datetime.date, **kwargs: Any) -> GovukDateField:
    """A date that has happened and that a case's clocks count from (a decision, a duty done, a meeting held)."""
    return GovukDateField(label=label, must_be_past=True, today=lambda: today, clock_date=True, **kwargs)


def reason_field(
    label: str | None = None, *, rows: int = 4, limit: int = text.REASON, required_message: str = "", **kwargs: Any
) -> FreeTextField:
    """Why something is done, in words: a text area under the reason limit (``limit`` for a longer or shorter one).
    Required unless ``required=False``; ``required_message`` is what an empty answer is told."""
    if required_message:
        kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "required": required_message}
    return FreeTextField(label=label, textarea=True, rows=rows, limit=limit, **kwargs)


def late_reason_field(
    label: str, *, subject: str = "The reason it was late", limit: int = text.REASON, **kwargs: Any
) -> FreeTextField:
    """Why a step came after its clock's due date: optional on the form, as the service decides whether the step
    was late and refuses it without a reason then."""
    return reason_field(label, subject=subject, rows=3, limit=limit, required=False, **kwargs)


def radio_field(label: str, choices: Any, *, required_message: str = "", **kwargs: Any) -> forms.ChoiceField:
    """A question answered by choosing one of ``choices``, shown as GOV.UK radios. Required unless
    ``required=False``; ``required_message`` is what an unanswered question is told."""
    if required_message:
        kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "required": required_message}
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


def record_field(label: str, prompt: str, records: Iterable[tuple[int, str]], *, required_message: str) -> forms.Field:
    """A drop-down of records, as (id, name), whose first option asks to choose one (``prompt``) and is no answer:
    the chosen record's id, as a whole number. ``required_message`` is what choosing none is told."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("", prompt), *((str(pk), name) for pk, name in records)],
        coerce=int,
        error_messages={"required": required_message},
    )


def organisations_to_ask(help_text: str) -> forms.TypedMultipleChoiceField:
    """Which organisations to ask for something, as checkboxes of their ids (the form sets the choices)."""
    return forms.TypedMultipleChoiceField(
        label="Which organisations do you want to ask?",
        help_text=help_text,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one organisation to ask"},
    )


def named_text_field(
    texts: text.FieldTexts,
    name: str,
    label: str,
    *,
    required_message: str = "",
    textarea: bool = False,
    **kwargs: Any,
) -> FreeTextField:
    """A free-text field named and limited as a service's table names the input ``name`` (``TEXTS.subject``,
    ``TEXTS.limit``), so the form and the service refuse in the same words. Required only with ``required_message``,
    what an empty answer is told."""
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return FreeTextField(
        label=label,
        subject=texts.subject(name),
        limit=texts.limit(name),
        textarea=textarea,
        required=bool(required_message),
        **kwargs,
    )


def happened_date(label: str, today: datetime.date, **kwargs: Any) -> GovukDateField:
    """A date something happened on: today or before (``today`` as the form was given it)."""
    return GovukDateField(label=label, must_be_past=True, today=lambda: today, **kwargs)


class DatedForm(forms.Form):
    """A form whose date fields need today: ``dates(today)`` gives them (name to field), then the fields are shown
    in ``order``."""

    order: tuple[str, ...] = ()

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(self.dates(today))
        self.order_fields(self.order)

    def dates(self, today: datetime.date) -> dict[str, GovukDateField]:
        return {}


def upload_field(
    label: str = "Upload a file", *, hint: str = documents.ALLOWED_HINT, required_message: str = "Select a file"
) -> forms.FileField:
    """The file to upload; by default any kind the upload checks allow (:mod:`cspr.kernel.documents`)."""
    return forms.FileField(
        label=label,
        help_text=hint,
        error_messages={"required": required_message, "empty": "The selected file is empty"},
    )


def clock_date_range() -> tuple[datetime.date, datetime.date]:
    """The first and last date a clock may start from or be due on (``settings.CLOCK_DATE_RANGE``)."""
    provider: Callable[[], tuple[datetime.date, datetime.date]] = import_string(settings.CLOCK_DATE_RANGE)
    return provider()


def govuk_date(value: datetime.date) -> str:
    """A date as GOV.UK writes it: 6 May 2023."""
    return f"{value.day} {value:%B %Y}"


def field_error_anchor(bound_field: forms.BoundField) -> str:
    """The id the error summary links to: the input, the first radio or box, or the date box in error."""
    field = bound_field.field
    if isinstance(field, GovukDateField):
        return f"{bound_field.auto_id}-{field.error_parts[0]}"
    return str(bound_field.auto_id)


PASSTHROUGH_ATTRS = ("autocomplete", "spellcheck", "inputmode", "autocapitalize")


def _choices(bound_field: forms.BoundField, *, multiple: bool) -> list[dict[str, Any]]:
    value = bound_field.value()
    selected = {str(v) for v in value} if multiple and value else {str(value)} if value not in (None, "") else set()
    items: list[dict[str, Any]] = []
    for index, (choice_value, choice_label) in enumerate(bound_field.field.choices):  # type: ignore[attr-defined]
        item: dict[str, Any] = {"value": choice_value, "text": str(choice_label)}
        if index == 0:
            item["id"] = bound_field.auto_id
        if str(choice_value) in selected:
            item["checked" if bound_field.widget_type != "select" else "selected"] = True
        items.append(item)
    return items


def govuk_field(bound_field: forms.BoundField) -> dict[str, Any]:
    """The GOV.UK macro to call for a bound field, and its parameters."""
    field = bound_field.field
    widget = field.widget
    kind = bound_field.widget_type
    label = str(bound_field.label or "")
    params: dict[str, Any] = {"id": bound_field.auto_id, "name": bound_field.html_name}
    if field.help_text:
        params["hint"] = {"text": str(field.help_text)}
    if bound_field.errors:
        params["errorMessage"] = {"text": str(bound_field.errors[0])}
    attributes = {key: widget.attrs[key] for key in widget.attrs if key.startswith(("data-", "aria-"))}
    for key in PASSTHROUGH_ATTRS:
        if key in widget.attrs:
            params[key] = widget.attrs[key]
    if params.get("spellcheck") in ("true", "false"):
        params["spellcheck"] = params["spellcheck"] == "true"  # the macro renders only a boolean
    if widget.attrs.get("class"):
        params["classes"] = widget.attrs["class"]  # e.g. govuk-input--width-5
    if attributes:
        params["attributes"] = attributes
    legend = {"legend": {"text": label, "classes": "govuk-fieldset__legend--s"}}

    if kind == "govukdate" and isinstance(field, GovukDateField):
        value = bound_field.value()
        parts = value if isinstance(value, list) else GovukDateWidget().decompress(value)
        in_error = set(field.error_parts) if bound_field.errors else set()
        widths = {"day": 2, "month": 2, "year": 4}
        params["fieldset"] = legend
        params["items"] = [
            {
                "name": part,
                "id": f"{bound_field.auto_id}-{part}",
                "label": part.capitalize(),
                "value": "" if parts[i] is None else parts[i],
                "classes": f"govuk-input--width-{widths[part]}" + (" govuk-input--error" if part in in_error else ""),
            }
            for i, part in enumerate(DATE_PARTS)
        ]
        params["namePrefix"] = bound_field.html_name
        params.pop("name")
        return {"macro": "date", "params": params}
    if kind in {"radioselect", "checkboxselectmultiple"}:
        params["fieldset"] = legend
        params["idPrefix"] = bound_field.auto_id
        params["items"] = _choices(bound_field, multiple=kind == "checkboxselectmultiple")
        return {"macro": "radios" if kind == "radioselect" else "checkboxes", "params": params}
    if kind == "checkbox":
        params["idPrefix"] = bound_field.auto_id
        params["items"] = [
            {"value": "on", "text": label, "id": bound_field.auto_id, "checked": bool(bound_field.value())}
        ]
        return {"macro": "checkboxes", "params": params}
    params["label"] = {"text": label}
    if kind == "select":
        params["items"] = _choices(bound_field, multiple=False)
        return {"macro": "select", "params": params}
    value = bound_field.value()
    if kind == "password":
        value = None  # never send a password back to the browser
    params["value"] = "" if value is None else value
    if kind == "textarea":
        return {"macro": "textarea", "params": params}
    if kind in {"file", "clearablefile"}:
        params.pop("value")
        return {"macro": "file", "params": params}
    params["type"] = {"email": "email", "password": "password", "number": "text", "url": "url"}.get(kind, "text")
    if kind == "number":
        params["inputmode"] = "numeric"
    if kind == "email":
        params.setdefault("spellcheck", False)
    return {"macro": "input", "params": params}


def error_summary_items(form: forms.BaseForm, non_field_href: str = "#main-content") -> list[dict[str, str]]:
    """One link per error, in the order the fields appear, for the GOV.UK error summary (an error that belongs to
    no field links to ``non_field_href``)."""
    items = [{"text": str(message), "href": non_field_href} for message in form.non_field_errors()]
    for bound_field in form:
        if bound_field.errors:
            items.append({"text": str(bound_field.errors[0]), "href": f"#{field_error_anchor(bound_field)}"})
    return items


def field_components(form: forms.Form) -> list[dict[str, Any]]:
    """The GOV.UK macro and parameters for each visible field of ``form``, in order, with the fields a radio or box
    reveals inside its answer: a form names them in ``conditionals``, {field: {answer: (revealed fields, …)}}."""
    conditionals: dict[str, dict[str, tuple[str, ...]]] = getattr(form, "conditionals", {})
    nested = {child for answers in conditionals.values() for children in answers.values() for child in children}
    components = []
    for bound_field in form.visible_fields():
        if bound_field.name in nested:
            continue
        component = govuk_field(bound_field)
        for item in component["params"].get("items", []):
            children = conditionals.get(bound_field.name, {}).get(str(item["value"]), ())
            if children:
                item["conditional"] = {"html": Markup("").join(form[child].as_field_group() for child in children)}
        components.append(component)
    return components
