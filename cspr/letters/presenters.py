"""The letters page's rows and the case page's "Letters" section (registered in ``LettersConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.panels import CasePanel, PanelView, register_case_panel
from cspr.domain.letters import LETTERS, SENDING_METHODS, LetterKind, long_date
from cspr.letters import selectors
from cspr.letters.models import LetterSent
from cspr.partnerships.scoping import Scope


@dataclass(frozen=True)
class SentRow:
    """One letter recorded as sent, in words."""

    title: str
    sent_on: str
    method: str
    sent_by: str
    names_family: bool


@dataclass(frozen=True)
class DueRow:
    """One letter due on the case: what it is, the decision's day, and when it went (empty until recorded)."""

    kind: LetterKind
    decided_on: str
    sent: tuple[SentRow, ...]

    @property
    def code(self) -> str:
        return self.kind.code


def sent_row(row: LetterSent) -> SentRow:
    kind = LETTERS.get(row.letter)
    return SentRow(
        title=kind.title if kind is not None else row.letter,
        sent_on=long_date(row.sent_on),
        method=SENDING_METHODS.get(row.method, row.method),
        sent_by=str(row.recorded_by),
        names_family=row.names_family,
    )


def letters_page(*, case: Case) -> tuple[list[DueRow], list[SentRow]]:
    """The letters due on the case, each with its records of sending, and every record of sending, oldest first."""
    sent = selectors.case_letters_sent(case=case)
    due = [
        DueRow(
            kind=kind,
            decided_on=long_date(day),
            sent=tuple(sent_row(row) for row in sent if row.letter == kind.code),
        )
        for kind, day in selectors.case_letters_due(case=case)
    ]
    return due, [sent_row(row) for row in sent]


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """For those who may read the letters, once a decision needs one (or one went): a count and a link."""
    if not rules.test_rule("letters.view", scope, case):
        return None
    decided, sent = selectors.case_letters_summary(case=case)
    if not decided and not sent:
        return None
    return PanelView(
        template="letters/_panel.html",
        context={"sent": sent, "url": reverse("letters:case", kwargs={"reference": case.reference})},
    )


def register_panel() -> None:
    register_case_panel(
        CasePanel(
            key="letters",
            title="Letters",
            order=40,
            build=case_panel,
            annotations=selectors.case_page_annotations,
        )
    )
