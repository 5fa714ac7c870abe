"""Commissioning a reviewer for a local review (procedure §6.1-6.2), as plain rules.

Before a reviewer is commissioned the partnership considers five competencies, each recorded with its evidence, and
whether the reviewer has a real or perceived conflict of interest (§6.2). A conflict is real when an organisation the
reviewer declared working for or with recently is one of the organisations involved in the case; it is perceived when
the business unit judges the reviewer's other interests to be one. Either blocks commissioning until an Executive
member overrides it with a reason.

A commissioned reviewer reaches their case only while the local review is running: from commissioning until the
Executive Group signs the report off (§7.4). :data:`ACCESS_STAGES` is that window; every later stage, and every branch
off the local review (a national review, withdrawal), ends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cspr.domain.lifecycle import Stage

__all__ = [
    "ACCESS_STAGES",
    "COMPETENCIES",
    "COMPETENCY_CODES",
    "Competency",
    "ReviewerChecks",
    "access_open",
    "competency_label",
]


@dataclass(frozen=True)
class Competency:
    """One thing the partnership considers about a reviewer (§6.2), in our words."""

    code: str
    label: str


COMPETENCIES: tuple[Competency, ...] = (
    Competency(
        "practice",
        "Professional knowledge and practice suited to local reviews, including working with practitioners, "
        "children and families",
    ),
    Competency("research", "Knows the research on safeguarding children"),
    Competency(
        "complexity",
        "Recognises the complicated circumstances in which practitioners work together to protect children",
    ),
    Competency(
        "hindsight",
        "Understands practice as the people and agencies involved saw it at the time, not with hindsight",
    ),
    Competency("communication", "Communicates findings clearly"),
)
"""The competencies each commissioning records with evidence (§6.2); the sixth point of §6.2, conflicts of interest,
is the declaration of interests (:class:`ReviewerChecks`)."""

COMPETENCY_CODES: frozenset[str] = frozenset(competency.code for competency in COMPETENCIES)

_LABELS = {competency.code: competency.label for competency in COMPETENCIES}

EVIDENCE_MISSING = "Record the evidence for each competency (§6.2): {missing}."
CONFLICT_REAL = "The reviewer declared an interest in an organisation involved in this case: {organisations}."
CONFLICT_PERCEIVED = "The business unit judged the reviewer's other interests a perceived conflict of interest."
OVERRIDE_NEEDED = "An Executive member must override the conflict, with a reason, before the reviewer is commissioned."


def competency_label(code: str) -> str:
    """The competency's words (an unknown code is shown as it is)."""
    return _LABELS.get(code, code)


@dataclass(frozen=True)
class ReviewerChecks:
    """What is known about a proposed reviewer when the business unit commissions them.

    ``evidenced``: the competencies recorded with evidence; ``declared``: the organisations the reviewer declared
    working for or with recently; ``involved``: the organisations the case records as involved; ``perceived``: the
    business unit judged the other interests a conflict; ``overridden``: an Executive member overrode the conflict.
    """

    evidenced: frozenset[str]
    declared: frozenset[int]
    involved: frozenset[int]
    perceived: bool = False
    overridden: bool = False

    @classmethod
    def of(
        cls,
        *,
        evidenced: Iterable[str],
        declared: Iterable[int],
        involved: Iterable[int],
        perceived: bool = False,
        overridden: bool = False,
    ) -> ReviewerChecks:
        return cls(frozenset(evidenced), frozenset(declared), frozenset(involved), perceived, overridden)

    @property
    def missing(self) -> tuple[str, ...]:
        """The competencies without evidence, in the procedure's order."""
        return tuple(competency.code for competency in COMPETENCIES if competency.code not in self.evidenced)

    @property
    def conflicting(self) -> frozenset[int]:
        """The declared organisations that are involved in the case: a real conflict."""
        return self.declared & self.involved

    @property
    def conflict(self) -> bool:
        """A real or perceived conflict of interest."""
        return bool(self.conflicting) or self.perceived

    @property
    def complete(self) -> bool:
        """The lifecycle's ``reviewer_checks_complete``: every competency evidenced, and no conflict unless an
        Executive member overrode it."""
        return not self.missing and (not self.conflict or self.overridden)

    def blockers(self, names: dict[int, str] | None = None) -> tuple[str, ...]:
        """Why the reviewer cannot be commissioned yet, in words (``names``: organisation id to name)."""
        found: list[str] = []
        if self.missing:
            found.append(EVIDENCE_MISSING.format(missing="; ".join(competency_label(code) for code in self.missing)))
        if self.conflict and not self.overridden:
            if self.conflicting:
                shown = sorted((names or {}).get(pk, f"organisation {pk}") for pk in self.conflicting)
                found.append(CONFLICT_REAL.format(organisations=", ".join(shown)))
            if self.perceived:
                found.append(CONFLICT_PERCEIVED)
            found.append(OVERRIDE_NEEDED)
        return tuple(found)


ACCESS_STAGES: frozenset[Stage] = frozenset({Stage.REVIEWER_COMMISSIONED, Stage.REVIEW_IN_PROGRESS, Stage.DRAFT_REPORT})
"""The stages in which a commissioned reviewer reaches their case: from commissioning to sign-off (§6.2, §7.4)."""


def access_open(stage: Stage | str) -> bool:
    """Whether a reviewer's access to a case at ``stage`` may be open (sign-off and everything after ends it)."""
    return Stage(stage) in ACCESS_STAGES
