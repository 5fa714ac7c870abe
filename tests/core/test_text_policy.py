"""The one free-text policy (cspr.kernel.text): what it refuses, how it normalises, and that every door uses it."""

from __future__ import annotations

import ast
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from cspr.core.forms import FreeTextField
from cspr.kernel import text

CSPR = Path(__file__).resolve().parents[2] / "cspr"

# One sample of every refused class, with the message template that refuses it.
REFUSED = [
    pytest.param("\x00", text.CONTROL, id="NUL"),
    pytest.param("\x07", text.CONTROL, id="C0 bell"),
    pytest.param("\x0b", text.CONTROL, id="C0 vertical tab"),
    pytest.param("\x1b", text.CONTROL, id="C0 escape"),
    pytest.param("\x7f", text.CONTROL, id="DEL"),
    pytest.param("\x85", text.CONTROL, id="C1 next line"),
    pytest.param("\x9b", text.CONTROL, id="C1 CSI"),
    pytest.param("\u202a", text.DIRECTION, id="LRE"),
    pytest.param("\u202e", text.DIRECTION, id="RLO"),
    pytest.param("\u2066", text.DIRECTION, id="LRI"),
    pytest.param("\u2069", text.DIRECTION, id="PDI"),
    pytest.param("\ud800", text.INVALID, id="lone high surrogate"),
    pytest.param("\udfff", text.INVALID, id="lone low surrogate"),
    pytest.param("\ufffe", text.INVALID, id="noncharacter FFFE"),
    pytest.param("\ufdd0", text.INVALID, id="noncharacter FDD0"),
    pytest.param("\U0010ffff", text.INVALID, id="noncharacter 10FFFF"),
    pytest.param("\U000e0041", text.HIDDEN, id="tag letter A"),
]


def _message(template: str, subject: str) -> str:
    return template.format(**text.subject_words(subject))


def _is_refused(char: str) -> bool:
    return bool(text.refused_kind(char))


# -- the policy itself -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("char", "template"), REFUSED)
def test_each_refused_class_is_refused_with_a_message_naming_the_field(char: str, template: str) -> None:
    with pytest.raises(text.TextRefused) as refused:
        text.clean_text(f"Seen at home{char} on Monday", subject="The case outline", limit=text.NARRATIVE)
    assert refused.value.message == _message(template, "The case outline")
    assert refused.value.message.startswith("The case outline must not contain")


def test_tab_line_feed_carriage_return_and_the_implicit_direction_marks_are_allowed() -> None:
    typed = "Date\tEvent\r\n\u05e9\u05dc\u05d5\u05dd\u200f (name in Hebrew)\r\n\u2028Next"
    assert text.clean_text(typed, subject="The note", limit=text.NOTE) == (
        "Date\tEvent\n\u05e9\u05dc\u05d5\u05dd\u200f (name in Hebrew)\n\nNext"
    )


def test_line_endings_nfc_and_spaces_at_the_ends_are_normalised_but_inner_spaces_are_kept() -> None:
    typed = "\r\n  \n  Seen by  the GP\t \r\n\r\n- item  one   \rCafe\u0301  \n\n"
    assert text.normalise(typed) == "Seen by  the GP\n\n- item  one\nCafé"


def test_length_is_counted_after_normalising_so_a_line_break_counts_once() -> None:
    typed = "a\r\n" * 99 + "a"  # 199 characters once CR LF is a line feed, 298 as posted
    assert len(text.clean_text(typed, subject="The name", limit=text.ONE_LINE)) == 199
    with pytest.raises(text.TextRefused, match="The name must be 200 characters or fewer"):
        text.clean_text("x" * 201, subject="The name", limit=text.ONE_LINE)


def test_a_service_gets_its_own_refusal_naming_the_input() -> None:
    class Refused(ValueError):
        def __init__(self, message: str, *, field: str = "") -> None:
            super().__init__(message)
            self.field = field

    with pytest.raises(Refused) as refused:
        text.clean_text("a\x00", subject="The reason", limit=text.REASON, field="reason", refused=Refused)
    assert (str(refused.value), refused.value.field) == ("The reason must not contain control characters", "reason")


def test_the_limits_are_the_documented_ones() -> None:
    assert (text.ONE_LINE, text.ADDRESS, text.NARRATIVE) == (200, 1_000, 20_000)
    docs = (CSPR.parent / "docs" / "api.md").read_text()
    assert "200 characters for one-line answers, 1,000 for addresses" in " ".join(docs.split())


# -- properties ----------------------------------------------------------------------------------------------------

_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
_ALLOWED_TEXT = st.lists(
    st.characters(exclude_categories=["Cs"]).filter(lambda char: not _is_refused(char))
    | st.sampled_from(["\r\n", "\r", "\n", "\t", " ", "\u2028", "\u00a0", "e\u0301"]),
    max_size=60,
).map("".join)


def _clean(value: str) -> str | None:
    try:
        return text.clean_text(value, subject="The text", limit=10_000)
    except text.TextRefused:
        return None


@given(_ANY_TEXT)
def test_cleaning_is_idempotent(value: str) -> None:
    once = _clean(value)
    if once is not None:
        assert _clean(once) == once


@given(_ANY_TEXT)
def test_cleaned_text_never_holds_a_refused_character(value: str) -> None:
    cleaned = _clean(value)
    if cleaned is not None:
        assert not any(_is_refused(char) for char in cleaned)
        assert "\r" not in cleaned
        assert unicodedata.is_normalized("NFC", cleaned)


@given(_ALLOWED_TEXT)
def test_text_without_refused_characters_is_accepted_and_loses_no_visible_character(value: str) -> None:
    cleaned = _clean(value)
    assert cleaned is not None

    def visible(item: str) -> str:
        return "".join(char for char in unicodedata.normalize("NFC", item) if not char.isspace())

    assert visible(cleaned) == visible(value)


# -- the same refusal through a form, a service and the API --------------------------------------------------------


class _OutlineForm(forms.Form):
    case_outline = FreeTextField(label="Outline of the case", subject="The case outline", limit=text.NARRATIVE)


@pytest.mark.parametrize(("char", "template"), REFUSED)
def test_a_form_refuses_each_class_with_the_policy_message(char: str, template: str) -> None:
    form = _OutlineForm(data={"case_outline": f"Outline{char}"})
    assert not form.is_valid()
    assert form.errors["case_outline"] == [_message(template, "The case outline")]


@pytest.mark.parametrize(("char", "template"), REFUSED)
def test_the_notification_service_refuses_each_class_with_the_same_message(char: str, template: str) -> None:
    """``notification_submit`` refuses with ``validate_notification``'s errors, called from a form or not."""
    from cspr.cases.notification import validate_notification
    from tests.cases.conftest import make_notification

    errors = validate_notification(
        make_notification(case_outline=f"Outline{char}"),
        today=date(2026, 12, 18),
        clock_range=(date(2012, 1, 12), date(2037, 12, 31)),
    )
    assert errors["case_outline"] == [_message(template, "The case outline")]


@pytest.mark.django_db
@pytest.mark.parametrize(("char", "template"), REFUSED)
def test_a_service_called_directly_refuses_what_its_form_refuses_in_the_same_words(char: str, template: str) -> None:
    from cspr.kernel.acting import system_acting
    from cspr.partnerships.models import Partnership
    from cspr.procedure.forms import CriterionWordingForm
    from cspr.procedure.services import WordingRefused, criterion_wording_set

    form = CriterionWordingForm(data={"text": f"Our words{char}"})
    assert not form.is_valid()
    with pytest.raises(WordingRefused) as refused:
        criterion_wording_set(
            acting=system_acting(), partnership=Partnership(), code="near_miss", text=f"Our words{char}"
        )
    assert form.errors["text"] == [refused.value.message] == [_message(template, "Wording")]


# -- one policy, no second copy ------------------------------------------------------------------------------------

OLD_NAMES = {
    "_clean_text",
    "TextCleaningForm",
    "CleanTextForm",
    "NUL_REFUSED",
    "NUL_CHARACTER",
    "NO_CONTROL_CHARACTERS",
    "CONTROL_CHARACTERS",
    "ROW_CONTROL",
    "ROW_TOO_LONG",
    "TEXT_TOO_LONG",
    "nul_message",
    "SHORT_TEXT",
    "LONG_TEXT",
    "TEXT_LIMIT",
    "ENTRY_LIMIT",
}
# Checks on things that are not text people type: file names, e-mail headers, uploaded file bytes, URLs in the
# audit trail, bank holiday titles from the official list.
NOT_FREE_TEXT = {
    "cspr/kernel/documents.py",
    "cspr/messaging/services.py",
    "cspr/returns/services/chronology.py",  # the uploaded CSV's bytes (a NUL makes it "not a CSV file")
    "cspr/api/access.py",
    "cspr/calendars/holiday_sources.py",
}


def _python_files() -> list[Path]:
    return [path for path in CSPR.rglob("*.py") if "migrations" not in path.parts]


def test_the_old_cleaning_helpers_are_gone() -> None:
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "name", None) or (node.id if isinstance(node, ast.Name) else None)
            if name in OLD_NAMES and str(path.relative_to(CSPR.parent)) not in NOT_FREE_TEXT:
                found.append(f"{path.relative_to(CSPR.parent)}: {name}")
    assert found == []


def test_no_module_but_the_policy_looks_for_nul_or_control_characters_in_typed_text() -> None:
    pattern = re.compile(r"""["']\\x00["']\s+(not\s+)?in\b|ord\(char\)\s*<\s*32""")
    found = [
        str(path.relative_to(CSPR.parent))
        for path in _python_files()
        if pattern.search(path.read_text()) and str(path.relative_to(CSPR.parent)) not in NOT_FREE_TEXT
    ]
    assert found == []


def test_every_text_field_of_every_form_is_a_free_text_field() -> None:
    """Passwords, codes and e-mail addresses are not free text; a time has its own pattern."""
    import django.apps

    from cspr.cases import forms as case_forms
    from cspr.intake import forms as notify_forms
    from cspr.procedure import forms as procedure_forms
    from cspr.rapid_reviews import forms as review_forms
    from cspr.returns import forms as return_forms

    del django.apps
    exempt = (forms.EmailField, forms.RegexField)
    offenders = []
    for module in (case_forms, notify_forms, procedure_forms, review_forms, return_forms):
        for form_class in vars(module).values():
            if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)):
                continue
            for name, field in getattr(form_class, "base_fields", {}).items():
                if type(field) is forms.CharField and not isinstance(field, exempt):
                    offenders.append(f"{form_class.__name__}.{name}")
    assert offenders == []
