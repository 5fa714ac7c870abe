"""The letters' catalogue: pure Python, no database."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.domain.letters import (
    LETTERS,
    PLACEHOLDERS,
    Decision,
    LetterFacts,
    Recipient,
    letter_text,
    letters_due,
    placeholders_of,
)
from cspr.domain.lifecycle import Stage

FACTS = LetterFacts(
    reference="NVALE-2026-003",
    partnership="Northvale Safeguarding Children Partnership",
    decided_on=date(2026, 12, 3),
    children=("Child A", "Child B"),
)


@pytest.mark.parametrize("code", list(LETTERS))
def test_every_letter_names_only_placeholders_the_facts_fill(code: str) -> None:
    assert placeholders_of(LETTERS[code]) <= PLACEHOLDERS


@pytest.mark.parametrize("code", list(LETTERS))
def test_every_letter_is_filled_with_the_case_reference_and_nothing_left_in_braces(code: str) -> None:
    text = letter_text(LETTERS[code], FACTS)
    whole = " ".join((text.subject, text.salutation, *text.paragraphs))
    assert "NVALE-2026-003" in whole
    assert "{" not in whole
    assert "}" not in whole


def test_only_letters_to_the_family_name_the_family() -> None:
    for kind in LETTERS.values():
        assert kind.identifying is (kind.recipient is Recipient.FAMILY)


def test_a_letter_to_a_national_body_says_dear_colleagues_and_a_family_letter_names_its_addressee() -> None:
    facts = LetterFacts(
        reference="R-1", partnership="P", decided_on=date(2026, 1, 5), children=("Ada Example",), addressee="Ms Example"
    )
    assert letter_text(LETTERS["local-review-panel"], facts).salutation == "Dear colleagues,"
    family = letter_text(LETTERS["local-review-family"], facts)
    assert family.salutation == "Dear Ms Example,"
    assert "Ada Example" in family.subject
    assert "5 January 2026" in family.paragraphs[0]


def test_two_children_read_as_a_list() -> None:
    text = letter_text(LETTERS["closure-family"], FACTS)
    assert "Child A and Child B" in text.paragraphs[0]


def test_the_local_review_decision_needs_the_panel_ofsted_the_dfe_and_the_family() -> None:
    due = letters_due([Stage.RAPID_REVIEW, Stage.LOCAL_REVIEW])
    assert [kind.recipient for kind in due] == [Recipient.PANEL, Recipient.OFSTED, Recipient.DFE, Recipient.FAMILY]
    assert {kind.section for kind in due} >= {"§4.7", "§5.3"}


def test_a_case_not_notifiable_and_closed_needs_family_letters_only() -> None:
    due = letters_due([Stage.NOT_NOTIFIABLE, Stage.CLOSED_NOT_NOTIFIABLE])
    assert [kind.code for kind in due] == ["not-notifiable-family", "closure-family"]


def test_a_case_closed_after_a_rapid_review_tells_the_panel_too() -> None:
    due = letters_due([Stage.NO_FURTHER_REVIEW, Stage.LEARNING_AND_ACTIONS, Stage.CLOSED])
    assert [kind.code for kind in due] == [
        "no-further-review-panel",
        "no-further-review-family",
        "closure-panel",
        "closure-family",
    ]


def test_no_letter_is_due_before_a_decision() -> None:
    assert letters_due([Stage.REFERRAL_RECEIVED, Stage.RAPID_REVIEW, Stage.AWAITING_PANEL]) == ()


def test_every_decision_has_a_letter_to_the_family() -> None:
    for decision in Decision:
        assert any(kind.decision is decision and kind.identifying for kind in LETTERS.values()), decision
