"""The letters' catalogue: pure Python, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cspr.domain.letters import (
    LETTERS,
    PLACEHOLDERS,
    CatalogueError,
    Decision,
    LetterFacts,
    Recipient,
    catalogue_read,
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


def test_every_decision_a_stage_reaches_has_a_letter_to_the_family() -> None:
    for decision in Decision:
        if decision.stages:
            assert any(kind.decision is decision and kind.identifying for kind in LETTERS.values()), decision


def test_new_information_suggesting_a_national_review_is_told_to_the_panel_alone_and_only_once_recorded() -> None:
    # The family is told of the Panel's decision, not of the partnership's suggestion to it (§4.6).
    kinds = [kind for kind in LETTERS.values() if kind.decision is Decision.NATIONAL_REVIEW_SUGGESTED]
    assert [kind.recipient for kind in kinds] == [Recipient.PANEL]
    assert kinds[0] not in letters_due([Stage.LOCAL_REVIEW, Stage.DRAFT_REPORT])
    assert kinds[0] in letters_due([Stage.DRAFT_REPORT], [Decision.NATIONAL_REVIEW_SUGGESTED])


# -- the catalogue's file ---------------------------------------------------------------------------------------------

A_LETTER = """
[passages]
ask_us = "Please quote {reference}."

[[letters]]
code = "closure-panel"
title = "To the Panel: the case is closed"
recipient = "panel"
decision = "closure"
section = "§7.10"
subject = "{reference}: closed"
paragraphs = ["{partnership} closed it on {decided_on}.", "$ask_us"]
"""


ANOTHER = """
[[letters]]
code = "closure-dfe"
title = "To the Department for Education: the case is closed"
recipient = "dfe"
decision = "closure"
section = "§7.10"
words_of = "closure-panel"
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "letters.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_passage_is_written_out_and_a_letter_may_say_what_one_above_says(tmp_path: Path) -> None:
    first, second = catalogue_read(_file(tmp_path, A_LETTER + ANOTHER))
    assert first.paragraphs == ("{partnership} closed it on {decided_on}.", "Please quote {reference}.")
    assert (second.code, second.recipient, second.subject, second.paragraphs) == (
        "closure-dfe",
        Recipient.DFE,
        first.subject,
        first.paragraphs,
    )


def test_the_words_shared_by_the_national_bodies_letters_are_written_once() -> None:
    words = {(LETTERS[code].subject, LETTERS[code].paragraphs) for code in LETTERS if code.startswith("local-review-")}
    assert len(words) == 2  # the Panel, Ofsted and the DfE are told the same; the family is told otherwise


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        (
            ('recipient = "panel"', 'recipient = "pannel"'),
            "letters[0] (closure-panel).recipient: 'pannel' is not one of",
        ),
        (('decision = "closure"', ""), "letters[0] (closure-panel): missing decision"),
        (("section = ", "sektion = "), "letters[0] (closure-panel): unknown key sektion"),
        (("{decided_on}", "{decision_day}"), "letters[0] (closure-panel).paragraphs[0]: {decision_day} is not a fact"),
        (("$ask_us", "$ask_them"), "letters[0] (closure-panel).paragraphs[1]: no passage is called ask_them"),
        (("{reference}: closed", "{reference: closed"), "letters[0] (closure-panel).subject: "),
        (('"closure-panel"', '"Closure panel"'), "letters[0] (Closure panel).code: small letters, digits"),
        (("paragraphs = [", 'words_of = "x"\nparagraphs = ['), "letters[0] (closure-panel): words_of, or subject"),
        (
            ('paragraphs = ["{partnership} closed it on {decided_on}.", "$ask_us"]', "paragraphs = []"),
            "letters[0] (closure-panel).paragraphs: expected a list that is not empty",
        ),
        (
            ('title = "To the Panel: the case is closed"', "title = 3"),
            "letters[0] (closure-panel).title: expected words, found 3",
        ),
        (("[[letters]]", "[[letter]]"), "letters.toml: unknown key letter (expected passages, letters)"),
        (("subject = ", "subject = = "), "letters.toml: Invalid value"),
    ],
)
def test_a_mistake_in_the_file_is_refused_saying_where(tmp_path: Path, mistake: tuple[str, str], said: str) -> None:
    path = _file(tmp_path, A_LETTER.replace(*mistake))
    with pytest.raises(CatalogueError) as refused:
        catalogue_read(path)
    assert said in str(refused.value)
    assert str(refused.value).startswith(str(path))


def test_a_code_used_twice_or_words_of_a_letter_not_above_is_refused(tmp_path: Path) -> None:
    twice = A_LETTER + ANOTHER.replace('code = "closure-dfe"', 'code = "closure-panel"')
    with pytest.raises(CatalogueError, match=r"letters\[1\] \(closure-panel\)\.code: a letter above has this code"):
        catalogue_read(_file(tmp_path, twice))
    ahead = A_LETTER + ANOTHER.replace('words_of = "closure-panel"', 'words_of = "closure-family"')
    with pytest.raises(CatalogueError, match=r"letters\[1\] \(closure-dfe\)\.words_of: no letter above has the code"):
        catalogue_read(_file(tmp_path, ahead))
