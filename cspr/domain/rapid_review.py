"""The rapid review's completeness rules (procedure §4.3, and §4.2 where the preset asks for more).

Pure Python: the caller reads its record into :class:`RapidReviewDraft` (plain strings, booleans and dates) and
gets back every missing or too-thin item in plain words, grouped by the section of the form it belongs to. The
PRG chair can send the rapid review to the Executive only when :func:`check_rapid_review` finds nothing.

"Too thin" is measured on the text as typed, with runs of spaces and line breaks counted once, so padding a
reason with spaces does not make it long enough. Only that measure matters to the rules, so each text of a draft
may be given as its :func:`text_length` instead (:data:`Text`): the record keeps those lengths, and pages that show
how complete it is check it without reading its words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cspr.domain.criteria import LOCAL_REVIEW_CIRCUMSTANCES, LOCAL_REVIEW_CRITERIA, Criterion
from cspr.domain.labels import Labelled
from cspr.domain.text import text_length

__all__ = [
    "JUDGED_CRITERIA",
    "MIN_REASON",
    "MIN_SUMMARY",
    "SECTIONS",
    "ActionDraft",
    "AgencyDraft",
    "ChildArrangement",
    "Judgement",
    "Problem",
    "RapidReviewCheck",
    "RapidReviewDraft",
    "Section",
    "Text",
    "check_rapid_review",
    "text_length",
]

MIN_REASON = 20
"""A reason, explanation or arrangement shorter than this (in characters) is too thin to be a reason."""
MIN_SUMMARY = 100
"""The summary of facts, and the longer analyses, need at least this many characters."""

Text = str | int
"""A text of the record, or its length as :func:`text_length` measures it."""


def measured(value: Text) -> int:
    return value if isinstance(value, int) else text_length(value)


JUDGED_CRITERIA: tuple[Criterion, ...] = LOCAL_REVIEW_CRITERIA + LOCAL_REVIEW_CIRCUMSTANCES
"""§5.4 criteria and §5.5 circumstances: each needs a judgement with a reason."""


class Section(StrEnum):
    """The pages the rapid review record is split into, in order."""

    SAFEGUARDING = "safeguarding"
    FACTS = "facts"
    CRITERIA = "criteria"
    DECISIONS = "decisions"
    LEARNING = "learning"
    AGENCIES = "agencies"

    @property
    def heading(self) -> str:
        return _SECTION_PAGES[self].heading

    @property
    def reference(self) -> str:
        return _SECTION_PAGES[self].reference


class _Page(NamedTuple):
    heading: str
    reference: str
    """Where the procedure asks for what the page records."""


_SECTION_PAGES = {
    Section.SAFEGUARDING: _Page("Immediate safeguarding arrangements", "§4.3"),
    Section.FACTS: _Page("Facts, practice episodes and equality", "§4.2-4.3"),
    Section.CRITERIA: _Page("Criteria for a local review", "§5.4-5.5"),
    Section.DECISIONS: _Page("Decisions and further learning", "§4.3, §5.3, §8.2-8.3"),
    Section.LEARNING: _Page("Immediate learning and how it will be shared", "§4.3"),
    Section.AGENCIES: _Page("Agencies involved", "§3.4, §4.3"),
}
SECTIONS: tuple[Section, ...] = tuple(Section)


class Judgement(Labelled):
    MET = "met"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class ChildArrangement:
    """The immediate safeguarding arrangements recorded for one child, named by the child's pseudonym."""

    pseudonym: str
    arrangements: Text


@dataclass(frozen=True)
class ActionDraft:
    """An action to share the learning: what will be done, whether an organisation owns it, and when it is due."""

    what: Text
    has_owner: bool
    due_on: date | None


@dataclass(frozen=True)
class AgencyDraft:
    """A statutory agency of the partnership (§3.4): involved in the rapid review, or why not."""

    name: str
    involved: bool
    omission_reason: Text = ""


@dataclass(frozen=True)
class RapidReviewDraft:
    """What the record holds now, as plain values ("" for anything not answered)."""

    children: tuple[ChildArrangement, ...] = ()
    facts_summary: Text = ""
    key_practice_episodes: Text = ""
    equality_analysis: Text = ""
    practice_and_equality_required: bool = False
    judgements: Mapping[str, tuple[str, Text]] = field(default_factory=dict)
    """By criterion code: (judgement value, reason)."""
    local_decision: str = ""
    """"yes" or "no"."""
    local_grounds: Text = ""
    national_recommendation: str = ""
    """"yes", "no" or "unclear"."""
    national_criteria: tuple[str, ...] = ()
    """Codes of the §8.2-8.3 criteria and circumstances the record says the case meets."""
    national_reasons: Text = ""
    further_learning: Text = ""
    no_further_learning: Text = ""
    immediate_learning: Text = ""
    actions: tuple[ActionDraft, ...] = ()
    statutory_agencies: tuple[AgencyDraft, ...] = ()
    other_agencies_involved: int = 0


@dataclass(frozen=True)
class Problem:
    section: Section
    field: str
    message: str


@dataclass(frozen=True)
class RapidReviewCheck:
    problems: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    def for_section(self, section: Section) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.section is section)

    def section_complete(self, section: Section) -> bool:
        return not self.for_section(section)


class _Checker:
    """Collects the problems of one section of the record, in the order they are found."""

    def __init__(self, section: Section, problems: list[Problem], draft: RapidReviewDraft) -> None:
        self.section = section
        self.problems = problems
        self.draft = draft

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.section, name, message))

    def text(self, name: str, value: Text, *, missing: str, thin: str, minimum: int = MIN_REASON) -> None:
        """``missing`` when the text is empty; ``thin`` (then how many characters it needs) when it is too short."""
        length = measured(value)
        if length == 0:
            self.problem(name, missing)
        elif length < minimum:
            self.problem(name, f"{thin} (at least {minimum} characters).")

    def answer(self, name: str, *, missing: str, thin: str, minimum: int = MIN_REASON) -> None:
        """:meth:`text` for the draft's text called ``name``, its problem recorded under the same name."""
        self.text(name, getattr(self.draft, name), missing=missing, thin=thin, minimum=minimum)


def check_rapid_review(draft: RapidReviewDraft) -> RapidReviewCheck:
    """Every item that is missing or too thin, in the order of the record, each in plain words."""
    problems: list[Problem] = []
    for section in SECTIONS:
        _SECTION_CHECKS[section](_Checker(section, problems, draft), draft)
    return RapidReviewCheck(problems=tuple(problems))


def _safeguarding(check: _Checker, draft: RapidReviewDraft) -> None:
    if not draft.children:
        check.problem("children", "The case has no child to record arrangements for.")
    for child in draft.children:
        check.text(
            f"arrangements_{child.pseudonym}",
            child.arrangements,
            missing=f"Immediate safeguarding arrangements for {child.pseudonym} are missing.",
            thin=f"Immediate safeguarding arrangements for {child.pseudonym} are too thin",
        )


def _facts(check: _Checker, draft: RapidReviewDraft) -> None:
    check.answer(
        "facts_summary",
        missing="The summary of the facts and their context is missing.",
        thin="The summary of the facts is too thin to support the analysis",
        minimum=MIN_SUMMARY,
    )
    if draft.practice_and_equality_required:
        check.answer(
            "key_practice_episodes",
            missing="The key practice episodes are missing (required by the partnership's procedure).",
            thin="The key practice episodes are too thin",
        )
        check.answer(
            "equality_analysis",
            missing="The equality analysis (race, disability and other inequalities) is missing (required by the "
            "partnership's procedure).",
            thin="The equality analysis is too thin",
        )


def _criteria(check: _Checker, draft: RapidReviewDraft) -> None:
    for criterion in JUDGED_CRITERIA:
        judgement, reason = draft.judgements.get(criterion.code, ("", ""))
        label = f"{criterion.section} “{criterion.statement.rstrip('.')}”"
        if judgement not in {item.value for item in Judgement}:
            check.problem(f"judgement_{criterion.code}", f"{label}: say whether it is met.")
        check.text(
            f"reason_{criterion.code}",
            reason,
            missing=f"{label}: the reason for the judgement is missing.",
            thin=f"{label}: the reason is too thin",
        )


def _decisions(check: _Checker, draft: RapidReviewDraft) -> None:
    if draft.local_decision not in {"yes", "no"}:
        check.problem("local_decision", "The decision whether to hold a local review is missing.")
    check.answer(
        "local_grounds",
        missing="The grounds for the decision on a local review are missing.",
        thin="The grounds for the decision on a local review are too thin",
    )
    if draft.national_recommendation not in {"yes", "no", "unclear"}:
        check.problem("national_recommendation", "The recommendation on a national review is missing.")
    if draft.national_recommendation == "yes" and not draft.national_criteria:
        check.problem(
            "national_criteria",
            "A national review is recommended: say which of the Panel's criteria (§8.2-8.3) the case meets.",
        )
    check.answer(
        "national_reasons",
        missing="The reasons for the recommendation on a national review are missing.",
        thin="The reasons for the recommendation on a national review are too thin",
    )
    check.answer(
        "further_learning",
        missing="The potential for further learning is missing.",
        thin="The potential for further learning is too thin",
    )
    if draft.local_decision == "no":
        check.answer(
            "no_further_learning",
            missing="There is to be no local review: say why no further learning is expected.",
            thin="Why no further learning is expected is too thin",
        )


def _learning(check: _Checker, draft: RapidReviewDraft) -> None:
    check.answer(
        "immediate_learning",
        missing="The immediate learning is missing (say so if none is established yet).",
        thin="The immediate learning is too thin",
    )
    if not draft.actions:
        check.problem("actions", "Add at least one action to share the learning (what, who, by when).")
    for number, action in enumerate(draft.actions, start=1):
        if measured(action.what) < MIN_REASON:
            check.problem(
                f"action_{number}", f"Action {number}: say what will be done (at least {MIN_REASON} characters)."
            )
        if not action.has_owner:
            check.problem(f"action_{number}", f"Action {number}: choose the organisation that owns it.")
        if action.due_on is None:
            check.problem(f"action_{number}", f"Action {number}: give a due date.")


def _agencies(check: _Checker, draft: RapidReviewDraft) -> None:
    involved = sum(1 for agency in draft.statutory_agencies if agency.involved) + draft.other_agencies_involved
    if involved == 0:
        check.problem("agencies", "Say which agencies have been involved in the rapid review.")
    for agency in draft.statutory_agencies:
        if agency.involved:
            continue
        check.text(
            "omissions",
            agency.omission_reason,
            missing=f"{agency.name} is a statutory agency but was not involved: explain why.",
            thin=f"Why {agency.name} was not involved is too thin",
        )


_SECTION_CHECKS: dict[Section, Callable[[_Checker, RapidReviewDraft], None]] = {
    Section.SAFEGUARDING: _safeguarding,
    Section.FACTS: _facts,
    Section.CRITERIA: _criteria,
    Section.DECISIONS: _decisions,
    Section.LEARNING: _learning,
    Section.AGENCIES: _agencies,
}
