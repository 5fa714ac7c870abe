"""What other apps know of a case and tell the rest, without cases importing them.

Some guards rest on records the cases app does not keep: a case closes only once every learning action is done or
closed with a reason (§7.10), and the actions are the rapid review's. An app registers a provider in its
``AppConfig.ready()``; :func:`cspr.cases.services.case_facts` asks every provider and merges their answers into the
``CaseFacts`` it gives the lifecycle table. A provider answers only the facts it knows, by their ``CaseFacts`` field
names, reads through its own selectors, and must not write.

A detail in words works the same way (:class:`CaseDetail`): the app that records it registers how to read it, and any
page or letter that names it asks :func:`case_detail`, so no app reads another's records to find it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

from cspr.cases.models import Case

FactsProvider = Callable[[Case], Mapping[str, bool]]

_PROVIDERS: dict[str, FactsProvider] = {}


def register_case_facts(key: str, provider: FactsProvider) -> None:
    """Add (or replace, by key) a provider of answers to the lifecycle's guards."""
    _PROVIDERS[key] = provider


def provided_facts(case: Case) -> dict[str, bool]:
    """Every provider's answers for ``case``; two providers answering the same fact is a mistake."""
    answers: dict[str, bool] = {}
    for key in sorted(_PROVIDERS):
        for name, value in _PROVIDERS[key](case).items():
            if name in answers:
                raise RuntimeError(f"Two providers answer the case fact {name!r}.")
            answers[name] = bool(value)
    return answers


class CaseDetail(StrEnum):
    """A detail of a case, in words, that one app records and others name."""

    REVIEWER = "reviewer"
    """The commissioned reviewer's name (the reviewers app): on the local review's page and the letters of §4.7."""


DetailSource = Callable[[Case], str | None]
"""Given a case, the detail in words, or ``None`` while it is not known."""

_DETAILS: dict[CaseDetail, DetailSource] = {}


def register_case_detail(detail: CaseDetail, source: DetailSource) -> None:
    """The app that records ``detail`` tells the others how to read it, from its ``AppConfig.ready()``; registering
    again replaces the source."""
    _DETAILS[detail] = source


def case_detail(*, case: Case, detail: CaseDetail) -> str:
    """``detail`` of the case ("" while it is not known, or no app tells it): the one query of its source alone."""
    source = _DETAILS.get(detail)
    return (source(case) if source is not None else None) or ""
