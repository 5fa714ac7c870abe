"""The letters the partnership sends when a case reaches a decision: who each goes to, the decisions it belongs to,
whether it names the family, and what it says (procedure §4.6-4.7, §5.3, §8.6-8.7, §7.10).

Pure data and plain string templates. A letter's words are filled from a case's facts (:class:`LetterFacts`) by
:func:`letter_text`; which letters a case needs follows from the stages it has reached (:func:`letters_due`). The
catalogue grows by adding a :class:`Decision` (with the stages that make it) and the :class:`LetterKind` entries that
go out at it: for example "the Panel, Ofsted and the DfE told again with the reviewer's name once commissioned"
(a decision reached at ``reviewer_commissioned``) or "new information suggests a national review: the letter to
the Panel" (§4.6). Nothing else needs to change: the pages list, build and record whatever the catalogue holds.

**Who is named.** Letters to the national bodies (the Panel, Ofsted, the Department for Education, the Secretary of
State) name the children by pseudonym and carry the case's reference (and the Panel's own reference when the
notification recorded one). Those bodies already hold the local authority's notification, which names the child:
a letter telling them of a decision only has to be matched to it, so it needs no names, and one sent to the wrong
place names no one. Letters to the family name the child and are addressed to a family member: a family cannot be
written to about "Child A". Downloading one of those is a view of identifying details, audited with its purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from string import Formatter
from types import MappingProxyType

from cspr.domain.lifecycle import Stage

__all__ = [
    "LETTERS",
    "PLACEHOLDERS",
    "SENDING_METHODS",
    "Decision",
    "LetterFacts",
    "LetterKind",
    "LetterText",
    "Recipient",
    "letter_text",
    "letters_due",
    "long_date",
]


class Recipient(StrEnum):
    """Who a letter goes to. The national bodies' values are the partnership's contact kinds (its contacts page)."""

    PANEL = "panel"
    OFSTED = "ofsted"
    DFE = "dfe"
    SECRETARY_OF_STATE = "secretary_of_state"
    FAMILY = "family"

    @property
    def label(self) -> str:
        return _RECIPIENTS[self]


_RECIPIENTS: Mapping[Recipient, str] = MappingProxyType(
    {
        Recipient.PANEL: "The Child Safeguarding Practice Review Panel",
        Recipient.OFSTED: "Ofsted",
        Recipient.DFE: "The Department for Education",
        Recipient.SECRETARY_OF_STATE: "The Secretary of State for Education",
        Recipient.FAMILY: "The family",
    }
)


class Decision(StrEnum):
    """A decision on a case that letters go out at, reached when the case reaches one of its stages."""

    NOT_NOTIFIABLE = "not_notifiable"
    NO_FURTHER_REVIEW = "no_further_review"
    LOCAL_REVIEW = "local_review"
    NATIONAL_REVIEW = "national_review"
    CLOSURE = "closure"

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
        Decision.NATIONAL_REVIEW: ("The Panel will hold a national review", frozenset({Stage.NATIONAL_REVIEW})),
        Decision.CLOSURE: (
            "The case is closed",
            frozenset({Stage.CLOSED, Stage.CLOSED_NOT_NOTIFIABLE, Stage.CLOSED_CRITERIA_NOT_MET}),
        ),
    }
)

#: How a letter may be sent, as the record of sending it says (the service itself never sends one).
SENDING_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "secure_email": "The partnership's secure e-mail",
        "post": "Post",
        "by_hand": "By hand",
        "other": "Other",
    }
)

PLACEHOLDERS = frozenset({"reference", "partnership", "decided_on", "children", "addressee"})
"""What a letter's templates may name: the case's reference, the partnership's name, the day the decision was made
(or recorded), the children (pseudonyms, or names in a letter to the family) and whom the letter is addressed to."""


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


# -- the words ------------------------------------------------------------------------------------------------------
# Our own plain English, the section of the procedure beside each letter. The business unit reads, and may change,
# the Word document before it signs and sends it.

_ASK_US = (
    "If you have any questions, please contact the partnership's business unit and quote the reference {reference}."
)
_LOCAL_REVIEW_NATIONAL = (
    "{partnership} decided on {decided_on} to carry out a local child safeguarding practice review of the serious "
    "incident notified about {children} (our reference {reference}).",
    "As our procedure requires (§4.7), we are telling the Child Safeguarding Practice Review Panel, Ofsted and the "
    "Department for Education of this decision.",
    "We will write again with the name of the reviewer once the review is commissioned, and we will tell the Panel "
    "if new information during the review suggests that a national review may be appropriate (§4.6).",
    "The report is due to be published within six months of the decision. " + _ASK_US,
)
_LOCAL_REVIEW_SUBJECT = "{reference}: a local child safeguarding practice review will be held"

_CATALOGUE = (
    LetterKind(
        code="local-review-panel",
        title="To the Panel: a local review will be held",
        recipient=Recipient.PANEL,
        decision=Decision.LOCAL_REVIEW,
        section="§4.7",
        subject=_LOCAL_REVIEW_SUBJECT,
        paragraphs=_LOCAL_REVIEW_NATIONAL,
    ),
    LetterKind(
        code="local-review-ofsted",
        title="To Ofsted: a local review will be held",
        recipient=Recipient.OFSTED,
        decision=Decision.LOCAL_REVIEW,
        section="§4.7",
        subject=_LOCAL_REVIEW_SUBJECT,
        paragraphs=_LOCAL_REVIEW_NATIONAL,
    ),
    LetterKind(
        code="local-review-dfe",
        title="To the Department for Education: a local review will be held",
        recipient=Recipient.DFE,
        decision=Decision.LOCAL_REVIEW,
        section="§4.7",
        subject=_LOCAL_REVIEW_SUBJECT,
        paragraphs=_LOCAL_REVIEW_NATIONAL,
    ),
    LetterKind(
        code="local-review-family",
        title="To the family: a local review will be held",
        recipient=Recipient.FAMILY,
        decision=Decision.LOCAL_REVIEW,
        section="§5.3",
        subject="A review of what happened to {children}",
        paragraphs=(
            "We are writing to tell you that {partnership} has decided to carry out a local child safeguarding "
            "practice review of what happened to {children}. The decision was made on {decided_on}.",
            "A review looks at how the organisations that work with children worked with {children} and your family, "
            "so that they can learn and improve how they keep children safe. It is not about deciding who is to "
            "blame.",
            "We would like to hear from you as part of the review, if you wish. The reviewer will contact you to "
            "explain how you can take part, and you can tell us at any time if you would prefer not to.",
            _ASK_US,
        ),
    ),
    LetterKind(
        code="no-further-review-panel",
        title="To the Panel: no further review",
        recipient=Recipient.PANEL,
        decision=Decision.NO_FURTHER_REVIEW,
        section="§4.6, §5.3",
        subject="{reference}: no further review will follow",
        paragraphs=(
            "Thank you for considering the rapid review of the serious incident notified about {children} (our "
            "reference {reference}).",
            "{partnership} recorded on {decided_on} that neither a local child safeguarding practice review nor a "
            "national review will follow. The reasons are set out in the rapid review sent to you.",
            "The immediate learning found by the rapid review is being shared with the organisations involved, and "
            "the partnership is tracking the actions agreed until they are complete.",
        ),
    ),
    LetterKind(
        code="no-further-review-family",
        title="To the family: no further review",
        recipient=Recipient.FAMILY,
        decision=Decision.NO_FURTHER_REVIEW,
        section="§5.3",
        subject="The decision about a review of what happened to {children}",
        paragraphs=(
            "We are writing to tell you about a decision on what happened to {children}. On {decided_on}, "
            "{partnership} decided that a child safeguarding practice review will not be carried out.",
            "The organisations involved looked carefully at what happened in a rapid review. They found learning "
            "that they are already acting on, and decided that a further review would not add to it.",
            "If you would like to talk about the decision or how it was reached, please contact the partnership's "
            "business unit and quote the reference {reference}.",
        ),
    ),
    LetterKind(
        code="national-review-panel",
        title="To the Panel: the national review",
        recipient=Recipient.PANEL,
        decision=Decision.NATIONAL_REVIEW,
        section="§8.7",
        subject="{reference}: the Panel's national review",
        paragraphs=(
            "Thank you for telling us of the Panel's decision to carry out a national review of the serious incident "
            "notified about {children} (our reference {reference}), which we recorded on {decided_on}.",
            "{partnership} will work with the Panel on the scope and methodology of the review, and on how the Panel "
            "will engage with the partnership and with those involved in the case (§8.7).",
            "Please send requests for information to the partnership's business unit, quoting our reference. We "
            "will tell you of any criminal, coroner's or other proceedings running alongside the review (§8.8).",
        ),
    ),
    LetterKind(
        code="national-review-family",
        title="To the family: the Panel's national review",
        recipient=Recipient.FAMILY,
        decision=Decision.NATIONAL_REVIEW,
        section="§8.6",
        subject="A national review that includes what happened to {children}",
        paragraphs=(
            "We are writing to tell you that the national Child Safeguarding Practice Review Panel has decided to "
            "carry out a national review that includes what happened to {children}. We were told of this decision "
            "on {decided_on}.",
            "A national review looks at cases that raise issues of importance across England, so that practice can "
            "improve everywhere. The Panel will explain its reasons and how you can take part.",
            "{partnership} is supporting the Panel's review. " + _ASK_US,
        ),
    ),
    LetterKind(
        code="not-notifiable-family",
        title="To the family: the incident is not notifiable",
        recipient=Recipient.FAMILY,
        decision=Decision.NOT_NOTIFIABLE,
        section="§3.5, §5.3",
        subject="The decision about what happened to {children}",
        paragraphs=(
            "We are writing to tell you about a decision on what happened to {children}. On {decided_on} it was "
            "decided that the incident does not need to be notified to the national Child Safeguarding Practice "
            "Review Panel.",
            "This means that no rapid review or national review will follow. {partnership} may still choose to "
            "review what happened if it raises issues of importance to the area, and would tell you if it did.",
            _ASK_US,
        ),
    ),
    LetterKind(
        code="closure-panel",
        title="To the Panel: the case is closed",
        recipient=Recipient.PANEL,
        decision=Decision.CLOSURE,
        section="§7.10",
        subject="{reference}: the case is closed",
        paragraphs=(
            "We are writing to tell you that {partnership} closed its case {reference}, about {children}, on "
            "{decided_on}.",
            "The learning found has been shared with the organisations involved, and any actions agreed are done or "
            "were closed with the reasons recorded.",
            "Please quote our reference in any correspondence about the case.",
        ),
        # The Panel has seen a rapid review only on these paths: a case that was never notifiable is not its case.
        only_at=frozenset({Stage.CLOSED, Stage.CLOSED_CRITERIA_NOT_MET}),
    ),
    LetterKind(
        code="closure-family",
        title="To the family: the case is closed",
        recipient=Recipient.FAMILY,
        decision=Decision.CLOSURE,
        section="§5.3",
        subject="Our work on what happened to {children} has finished",
        paragraphs=(
            "We are writing to let you know that {partnership} has finished its work on what happened to {children}. "
            "The case was closed on {decided_on}.",
            "What was learnt has been shared with the organisations involved, so that they can improve how they keep "
            "children safe.",
            _ASK_US,
        ),
    ),
)

LETTERS: Mapping[str, LetterKind] = MappingProxyType({kind.code: kind for kind in _CATALOGUE})
"""Every letter by its code, in the catalogue's order (decision by decision, the national bodies before the family)."""


def letters_due(stages_reached: Iterable[str]) -> tuple[LetterKind, ...]:
    """The letters a case needs, in the catalogue's order, given every stage it has ever reached."""
    reached = frozenset(stages_reached)
    return tuple(kind for kind in _CATALOGUE if kind.stages & reached)
