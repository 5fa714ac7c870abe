"""The GOV.UK date input: three boxes, GOV.UK's error wording, nothing the user typed lost."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from cspr.core.forms import GovukDateField, error_summary_items


class BirthForm(forms.Form):
    born = GovukDateField(label="Date of birth", must_be_past=True, today=lambda: datetime.date(2026, 6, 1))


def bind(day: str, month: str, year: str) -> BirthForm:
    return BirthForm({"born-day": day, "born-month": month, "born-year": year})


def test_a_complete_real_date_is_accepted() -> None:
    form = bind("6", "5", "2023")
    assert form.is_valid()
    assert form.cleaned_data["born"] == datetime.date(2023, 5, 6)


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "first_box"),
    [
        ("", "", "", "Enter the date of birth", "day"),
        ("6", "", "2023", "Date of birth must include a month", "month"),
        ("", "5", "2023", "Date of birth must include a day", "day"),
        ("6", "5", "", "Date of birth must include a year", "year"),
        ("", "", "2023", "Date of birth must include a day and a month", "day"),
        ("31", "2", "2023", "Date of birth must be a real date", "day"),
        ("6", "May", "2023", "Date of birth must be a real date", "day"),
        ("6", "5", "23", "Year must include 4 numbers", "year"),
        ("2", "6", "2026", "Date of birth must be today or in the past", "day"),
    ],
)
def test_bad_dates_get_the_govuk_message_and_the_summary_links_to_the_box_in_error(
    day: str, month: str, year: str, message: str, first_box: str
) -> None:
    form = bind(day, month, year)
    assert not form.is_valid()
    assert form.errors["born"] == [message]
    assert error_summary_items(form) == [{"text": message, "href": f"#id_born-{first_box}"}]


def test_an_optional_dates_messages_name_it_without_its_optional() -> None:
    class Hearing(forms.Form):
        hearing = GovukDateField(label="Date of the next hearing (optional)", required=False)

    form = Hearing({"hearing-day": "31", "hearing-month": "2", "hearing-year": "2027"})
    assert form.errors["hearing"] == ["Date of the next hearing must be a real date"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (GovukDateField(label="The day it ended"), "Enter the day it ended"),
        (GovukDateField(label="Your date of birth"), "Enter your date of birth"),
        (GovukDateField(label="Date", subject="Date sent"), "Enter the date sent"),
        (GovukDateField(label="Date", required_message="Enter when it was sent"), "Enter when it was sent"),
    ],
)
def test_an_empty_date_is_told_to_enter_it_as_its_subject_reads(field: GovukDateField, message: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(["", "", ""])
    assert refused.value.messages == [message]


def test_what_the_user_typed_is_shown_again_after_an_error() -> None:
    form = bind("31", "2", "2023")
    assert not form.is_valid()
    html = str(form["born"].as_field_group())
    assert 'name="born-day"' in html
    assert 'value="31"' in html
    assert 'value="2023"' in html
    assert "govuk-input--error" in html
    assert "Date of birth must be a real date" in html


def test_only_the_missing_box_is_marked_in_error() -> None:
    form = bind("6", "", "2023")
    form.is_valid()
    html = str(form["born"].as_field_group())
    assert html.count("govuk-input--error") == 1
    assert 'id="id_born-month"' in html


def test_an_optional_date_left_empty_is_none() -> None:
    class Optional(forms.Form):
        when = GovukDateField(label="Date", required=False)

    form = Optional({"when-day": "", "when-month": "", "when-year": ""})
    assert form.is_valid()
    assert form.cleaned_data["when"] is None


def test_fields_render_govuk_labels_hints_and_errors() -> None:
    class Named(forms.Form):
        name = forms.CharField(label="Name", help_text="As on the organisation's records")

    form = Named({"name": ""})
    form.is_valid()
    html = str(form["name"].as_field_group())
    assert 'class="govuk-label"' in html
    assert "govuk-hint" in html
    assert "govuk-error-message" in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
