"""Reads for letters: the decisions a case has reached, the letters recorded as sent, the partnership's letterhead.

Every read of a case's rows starts from a case the caller found through the one scoping function
(``cspr.cases.selectors.case_get``, by the page's decorator or the service's caller)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cspr.cases.models import Case, CaseTransition
from cspr.cases.selectors import case_is_for_page
from cspr.domain.letters import LETTERS, Decision, LetterKind, letters_due
from cspr.letters.models import Letterhead, LetterSent

#: Every stage whose arrival makes some letter due.
LETTER_STAGES = frozenset(stage for kind in LETTERS.values() for stage in kind.stages)

_PANEL = ("_cspr_letters_decided", "_cspr_letters_sent")


def case_stages_reached(*, case: Case) -> dict[str, datetime]:
    """Each stage of :data:`LETTER_STAGES` the case has reached, with the latest moment it reached it (one query)."""
    reached: dict[str, datetime] = {}
    rows = CaseTransition.objects.filter(case=case, to_stage__in=list(LETTER_STAGES)).values_list("to_stage", "at")
    for stage, at in rows:
        if stage not in reached or at > reached[stage]:
            reached[stage] = at
    return reached


DecisionSource = Callable[[Case], date | None]
"""Given a case, the day a decision no stage reaches was last recorded on it (``None`` if never)."""

_DECISION_SOURCES: dict[Decision, DecisionSource] = {}


def register_decision_source(decision: Decision, source: DecisionSource) -> None:
    """The app that records a decision no stage reaches (the local review: new information suggests a national review)
    tells the letters when it was recorded, from its ``AppConfig.ready()``; registering again replaces the source."""
    _DECISION_SOURCES[decision] = source


def case_decisions_recorded(*, case: Case) -> dict[Decision, date]:
    """The decisions no stage reaches that were recorded on the case, each with its latest day (a query per source)."""
    recorded = {decision: source(case) for decision, source in _DECISION_SOURCES.items()}
    return {decision: day for decision, day in recorded.items() if day is not None}


def decided_on(
    kind: LetterKind, reached: dict[str, datetime], recorded: dict[Decision, date] | None = None
) -> date | None:
    """The day (in England) the case last reached the decision the letter belongs to; ``None`` if it has not."""
    moments = [timezone.localdate(at) for stage, at in reached.items() if stage in kind.stages]
    if recorded and kind.decision in recorded:
        moments.append(recorded[kind.decision])
    return max(moments) if moments else None


def case_letters_due(*, case: Case) -> list[tuple[LetterKind, date]]:
    """The letters the case needs, in the catalogue's order, each with the day of its decision."""
    reached = case_stages_reached(case=case)
    recorded = case_decisions_recorded(case=case)
    return [
        (kind, day)
        for kind in letters_due(reached, recorded)
        if (day := decided_on(kind, reached, recorded)) is not None
    ]


def case_letters_sent(*, case: Case) -> list[LetterSent]:
    """Every letter of the case recorded as sent, oldest first, with who recorded it (no sealed text read)."""
    return list(LetterSent.objects.filter(case=case).select_related("recorded_by"))


def letterhead_get(*, partnership_id: int) -> Letterhead | None:
    """The partnership's letterhead with its logo's row, or ``None`` before the partnership admin set one."""
    return Letterhead.objects.select_related("logo").filter(partnership_id=partnership_id).first()


# -- the case page's panel ------------------------------------------------------------------------------------------


def case_page_annotations() -> dict[str, Any]:
    """What the panel shows, read with the case on its page: whether a letter is due and how many went."""
    decided = CaseTransition.objects.filter(case=OuterRef("pk"), to_stage__in=list(LETTER_STAGES))
    sent = (
        LetterSent.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        _PANEL[0]: Exists(decided),
        _PANEL[1]: Coalesce(Subquery(sent, output_field=IntegerField()), Value(0)),
    }


def case_letters_summary(*, case: Case) -> tuple[bool, int]:
    """(whether any letter is due, how many were recorded as sent): from the case page's own query when it read
    them, otherwise read afresh."""
    if case_is_for_page(case) and hasattr(case, _PANEL[0]):
        return bool(getattr(case, _PANEL[0])), int(getattr(case, _PANEL[1]))
    values = Case.objects.filter(pk=case.pk).annotate(**case_page_annotations()).values_list(*_PANEL).get()
    return bool(values[0]), int(values[1])
