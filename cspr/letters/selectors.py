"""Reads for letters: the decisions a case has reached, the letters recorded as sent, the partnership's letterhead.

Every read of a case's rows starts from a case the caller found through the one scoping function
(``cspr.cases.selectors.case_get``, by the page's decorator or the service's caller)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cspr.cases.models import Case, CaseTransition
from cspr.cases.selectors import case_is_for_page
from cspr.domain.letters import LETTERS, LetterKind, letters_due
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


def decided_on(kind: LetterKind, reached: dict[str, datetime]) -> date | None:
    """The day (in England) the case last reached the decision the letter belongs to; ``None`` if it has not."""
    moments = [at for stage, at in reached.items() if stage in kind.stages]
    return timezone.localdate(max(moments)) if moments else None


def case_letters_due(*, case: Case) -> list[tuple[LetterKind, date]]:
    """The letters the case needs, in the catalogue's order, each with the day of its decision."""
    reached = case_stages_reached(case=case)
    return [(kind, day) for kind in letters_due(reached) if (day := decided_on(kind, reached)) is not None]


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
