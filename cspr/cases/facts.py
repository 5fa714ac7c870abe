"""Answers other apps give to the lifecycle's guards about a case, without cases importing them.

Some guards rest on records the cases app does not keep: a case closes only once every learning action is done or
closed with a reason (§7.10), and the actions are the rapid review's. An app registers a provider in its
``AppConfig.ready()``; :func:`cspr.cases.services.case_facts` asks every provider and merges their answers into the
``CaseFacts`` it gives the lifecycle table. A provider answers only the facts it knows, by their ``CaseFacts`` field
names, reads through its own selectors, and must not write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
