"""The letters the partnership sends when a case reaches a decision: who each goes to, the decisions it belongs to,
whether it names the family, and what it says (procedure §4.6-4.7, §5.3, §8.6-8.7, §7.10).

Pure data and plain string templates. The letters themselves, their words above all, are content: they are written
in ``data/letters.toml`` beside this module, read and checked into :class:`LetterKind` values when it is imported
(:func:`catalogue_read`; a mistake there stops the import with a :class:`CatalogueError` naming the letter and the
key). A letter's words are filled from a case's facts (:class:`LetterFacts`) by :func:`letter_text`; which letters a
case needs follows from the stages it has reached (:func:`letters_due`). The catalogue grows by adding a
:class:`Decision` (with the stages that make it) and, in the file, the letters that go out at it: for example "the
Panel, Ofsted and the DfE told again with the reviewer's name once commissioned" (§4.7, reached at
``reviewer_commissioned``) or "new information suggests a national review: the letter to the Panel" (§4.6). Nothing
else needs to change: the pages list, build and record whatever the catalogue holds. A fact only another app knows
(the reviewer's name) is a placeholder here, and that app tells the letters how to read it.

**Who is named.** Letters to the national bodies (the Panel, Ofsted, the Department for Education, the Secretary of
State) name the children by pseudonym and carry the case's reference (and the Panel's own reference when the
notification recorded one). Those bodies already hold the local authority's notification, which names the child:
a letter telling them of a decision only has to be matched to it, so it needs no names, and one sent to the wrong
place names no one. Letters to the family name the child and are addressed to a family member: a family cannot be
written to about "Child A". Downloading one of those is a view of identifying details, audited with its purpose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from string import Formatter, Template
from types import MappingProxyType

from cspr.domain import datafile
from cspr.domain.datafile import DataFileError
from cspr.domain.labels import Labelled
from cspr.domain.lifecycle import Stage

__all__ = [
    "LETTERS",
    "LETTERS_FILE",
    "PLACEHOLDERS",
    "SENDING_METHODS",
    "CatalogueError",
    "Decision",
    "LetterFacts",
    "LetterKind",
    "LetterText",
    "Recipient",
    "catalogue_read",
    "letter_text",
    "letters_due",
    "long_date",
]


class Recipient(Labelled):
    """Who a letter goes to. The national bodies' values are the partnership's contact kinds (its contacts page)."""

    PANEL = "panel"
    OFSTED = "ofsted"
    DFE = "dfe"
    SECRETARY_OF_STATE = "secretary_of_state"
    FAMILY = "family"

    __labels__ = {
        PANEL: "The Child Safeguarding Practice Review Panel",
        DFE: "The Department for Education",
        SECRETARY_OF_STATE: "The Secretary of State for Education",
        FAMILY: "The family",
    }


class Decision(StrEnum):
    """A decision on a case that letters go out at, reached when the case reaches one of its stages."""

    NOT_NOTIFIABLE = "not_notifiable"
    NO_FURTHER_REVIEW = "no_further_review"
    LOCAL_REVIEW = "local_review"
    REVIEWER_COMMISSIONED = "reviewer_commissioned"
    NATIONAL_REVIEW = "national_review"
    CLOSURE = "closure"
    NATIONAL_REVIEW_SUGGESTED = "national_review_suggested"

    @property
    def label(self) -> str:
        return DECISIONS[self][0]

    @property
    def stages(self) -> frozenset[Stage]:
        return DECISIONS[self][1]


DECISIONS: Mapping[Decision, tuple[str, frozenset[Stage]]] = MappingProxyType(
    {
        Decision.NOT_NOTIFIABLE: ("The incident is not notifiable", frozenset({Stage.NOT_NOTIFIABLE})),
        Decision.NO_FURTHER_REVIEW: ("No further review", frozenset({Stage.NO_FURTHER_REVIEW})),
        Decision.LOCAL_REVIEW: ("A local review will be held", frozenset({Stage.LOCAL_REVIEW})),
        Decision.REVIEWER_COMMISSIONED: (
            "The local review's reviewer is commissioned",
            frozenset({Stage.REVIEWER_COMMISSIONED}),
        ),
        Decision.NATIONAL_REVIEW: ("The Panel will hold a national review", frozenset({Stage.NATIONAL_REVIEW})),
        Decision.CLOSURE: (
            "The case is closed",
            frozenset({Stage.CLOSED, Stage.CLOSED_NOT_NOTIFIABLE, Stage.CLOSED_CRITERIA_NOT_MET}),
        ),
        # Reached by no stage: recorded by the local review while the case stays where it is (§4.6).
        Decision.NATIONAL_REVIEW_SUGGESTED: ("New information suggests a national review", frozenset()),
    }
)
"""Each decision's words and the stages that reach it. A decision no stage reaches is recorded by the app that keeps
it, which tells the letters when (``decisions`` of :func:`letters_due`)."""

#: How a letter may be sent, as the record of sending it says (the service itself never sends one).
SENDING_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "secure_email": "The partnership's secure e-mail",
        "post": "Post",
        "by_hand": "By hand",
        "other": "Other",
    }
)

PLACEHOLDERS = frozenset({"reference", "partnership", "decided_on", "children", "addressee", "reviewer"})
"""What a letter's templates may name: the case's reference, the partnership's name, the day the decision was made
(or recorded), the children (pseudonyms, or names in a letter to the family), whom the letter is addressed to and
the local review's commissioned reviewer (a professional's name, published with the report)."""


@dataclass(frozen=True)
class LetterKind:
    """One letter of the catalogue: its code (in addresses and records), what it is called, who it goes to, the
    decision it belongs to (and, when narrower, the stages that make it due), the procedure's section, whether it
    names the family, and its words as templates."""

    code: str
    title: str
    recipient: Recipient
    decision: Decision
    section: str
    subject: str
    paragraphs: tuple[str, ...]
    only_at: frozenset[Stage] = frozenset()

    @property
    def identifying(self) -> bool:
        """Whether the letter names the child and family: only letters to the family do (see the module's note)."""
        return self.recipient is Recipient.FAMILY

    @property
    def stages(self) -> frozenset[Stage]:
        """The stages whose arrival makes this letter due."""
        return self.only_at or self.decision.stages

    @property
    def salutation(self) -> str:
        return "Dear {addressee}," if self.identifying else "Dear colleagues,"


@dataclass(frozen=True)
class LetterFacts:
    """The case's facts a letter is filled from, already in words (names only for a letter that names the family)."""

    reference: str
    partnership: str
    decided_on: date
    children: tuple[str, ...]
    addressee: str = ""
    reviewer: str = ""


@dataclass(frozen=True)
class LetterText:
    subject: str
    salutation: str
    paragraphs: tuple[str, ...]


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 3 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _children_text(children: tuple[str, ...]) -> str:
    if not children:
        return "the child"
    if len(children) == 1:
        return children[0]
    return ", ".join(children[:-1]) + " and " + children[-1]


def letter_text(kind: LetterKind, facts: LetterFacts) -> LetterText:
    """The letter's subject, salutation and paragraphs with every placeholder filled from ``facts``."""
    values = {
        "reference": facts.reference,
        "partnership": facts.partnership,
        "decided_on": long_date(facts.decided_on),
        "children": _children_text(facts.children),
        "addressee": facts.addressee or "family",
        "reviewer": facts.reviewer or "the reviewer",
    }
    return LetterText(
        subject=kind.subject.format_map(values),
        salutation=kind.salutation.format_map(values),
        paragraphs=tuple(paragraph.format_map(values) for paragraph in kind.paragraphs),
    )


def placeholders_of(kind: LetterKind) -> frozenset[str]:
    """Every placeholder a letter's templates name (the catalogue's test checks each is one of :data:`PLACEHOLDERS`)."""
    names: set[str] = set()
    for template in (kind.subject, kind.salutation, *kind.paragraphs):
        names.update(name for _, name, _, _ in Formatter().parse(template) if name)
    return frozenset(names)


# -- the catalogue, read from its file -------------------------------------------------------------------------------

LETTERS_FILE = Path(__file__).resolve().parent / "data" / "letters.toml"
"""The letters' words and who each goes to: content, kept apart from the code that reads it (the file says how)."""

_KEYS = ("code", "title", "recipient", "decision", "only_at", "section", "subject", "paragraphs", "words_of")
_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class CatalogueError(DataFileError):
    """The letters' file says something the catalogue cannot hold; the message names the file, the letter and the
    key."""


def catalogue_read(path: Path = LETTERS_FILE) -> tuple[LetterKind, ...]:
    """Every letter of the file, in its order, checked: each key known and of its kind, each code unique and fit for
    an address, each ``$passage`` written in the file's passages and each placeholder one of :data:`PLACEHOLDERS`."""
    try:
        return _catalogue(path)
    except DataFileError as error:
        raise CatalogueError(*error.args) from None


def _catalogue(path: Path) -> tuple[LetterKind, ...]:
    document = datafile.read(path)
    datafile.known(document, ("passages", "letters"), f"{path}")
    passages: dict[str, str] = {}
    for name, passage in datafile.table(document.get("passages", {}), f"{path}: passages").items():
        _words(passage, {}, f"{path}: passages.{name}")
        passages[name] = str(passage)
    entries = document.get("letters", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{path}: letters: expected [[letters]] tables, found {entries!r}")
    letters: dict[str, LetterKind] = {}
    for index, entry in enumerate(entries):
        kind = _letter(entry, passages, letters, f"{path}: letters[{index}]")
        letters[kind.code] = kind
    return tuple(letters.values())


def _letter(entry: object, passages: Mapping[str, str], above: Mapping[str, LetterKind], where: str) -> LetterKind:
    """One ``[[letters]]`` table as a :class:`LetterKind`; ``above`` holds the letters before it, by code."""
    entry = datafile.table(entry, where)
    where = f"{where} ({entry.get('code', 'no code')})"
    datafile.known(entry, _KEYS, where)
    code = datafile.text(entry, "code", where)
    if not _CODE.fullmatch(code) or len(code) > 60:
        raise CatalogueError(f"{where}.code: small letters, digits and single hyphens, 60 at most")
    if code in above:
        raise CatalogueError(f"{where}.code: a letter above has this code already")
    if "words_of" in entry:
        if "subject" in entry or "paragraphs" in entry:
            raise CatalogueError(f"{where}: words_of, or subject and paragraphs, not both")
        source = datafile.text(entry, "words_of", where)
        if source not in above:
            raise CatalogueError(f"{where}.words_of: no letter above has the code {source!r}")
        subject, paragraphs = above[source].subject, above[source].paragraphs
    else:
        subject = _words(datafile.text(entry, "subject", where), passages, f"{where}.subject")
        paragraphs = datafile.listed(
            entry, "paragraphs", where, lambda paragraph, at: _words(paragraph, passages, at), required=True
        )
    return LetterKind(
        code=code,
        title=datafile.text(entry, "title", where),
        recipient=datafile.member(Recipient, datafile.text(entry, "recipient", where), f"{where}.recipient"),
        decision=datafile.member(Decision, datafile.text(entry, "decision", where), f"{where}.decision"),
        section=datafile.text(entry, "section", where),
        subject=subject,
        paragraphs=paragraphs,
        only_at=frozenset(datafile.listed(entry, "only_at", where, functools.partial(datafile.member, Stage))),
    )


def _words(template: object, passages: Mapping[str, str], where: str) -> str:
    """A subject or paragraph with its ``$passages`` written out, once its placeholders are known to be facts."""
    if not isinstance(template, str) or not template.strip():
        raise CatalogueError(f"{where}: expected words, found {template!r}")
    try:
        words = Template(template).substitute(passages)
    except KeyError as error:
        raise CatalogueError(f"{where}: no passage is called {error.args[0]}") from None
    except ValueError:
        raise CatalogueError(f"{where}: a $ must begin the name of a passage") from None
    try:
        names = {name for _, name, _, _ in Formatter().parse(words) if name is not None}
    except ValueError as error:
        raise CatalogueError(f"{where}: {error}") from None
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        facts = ", ".join(sorted(PLACEHOLDERS))
        raise CatalogueError(f"{where}: {{{unknown[0]}}} is not a fact (a letter may name {facts})")
    return words


_CATALOGUE = catalogue_read()

LETTERS: Mapping[str, LetterKind] = MappingProxyType({kind.code: kind for kind in _CATALOGUE})
"""Every letter by its code, in the catalogue's order (decision by decision, the national bodies before the family)."""


def letters_due(stages_reached: Iterable[str], decisions: Iterable[Decision] = ()) -> tuple[LetterKind, ...]:
    """The letters a case needs, in the catalogue's order, given every stage it has ever reached and the decisions no
    stage reaches that were recorded on it (``decisions``)."""
    reached = frozenset(stages_reached)
    recorded = frozenset(decisions)
    return tuple(kind for kind in _CATALOGUE if kind.stages & reached or kind.decision in recorded)
