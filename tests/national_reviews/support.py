"""Helpers for national review tests: the demo case at the rapid review stage taken to the Panel's national review
(the Panel's decision received on Thursday 10 December 2026), and the URL policy test's objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cspr.cases.models import Case
from cspr.national_reviews import services
from cspr.national_reviews.models import ProvisionItem
from tests.rapid_reviews.support import BU, acting_as, at, panel_response, the_case, to_awaiting_panel

RATIONALE = "The case raises issues of national importance about neglect of very young children: Tansy Madeupton."
NOTE = "Agreed a systems methodology with the Panel's reviewer; practitioners to be met in January."
DECIDED_ON = date(2026, 12, 10)
# The demo case the Panel leads a national review of (seeded by cspr.demo), for the policy test and the pages.
DEMO_NATIONAL = "NVALE-2026-011"


def when(day: int, month: int = 12) -> datetime:
    return at(day, month=month)


def to_national_review(case: Case | None = None) -> Case:
    case = to_awaiting_panel(case or the_case())
    panel_response(case, "national_review", 10, details=RATIONALE)
    return Case.objects.get(pk=case.pk)


def log(case: Case, *, kind: str = "scoping", day: int = 14, scope_agreed: bool = False, email: str = BU) -> Any:
    return services.national_review_engagement_log(
        acting=acting_as(email),
        case=case,
        kind=kind,
        happened_on=date(2026, 12, day),
        note=NOTE,
        scope_agreed=scope_agreed,
        at=when(day),
    )


def item(case: Case, *, day: int = 14, due_on: date | None = date(2027, 1, 15)) -> ProvisionItem:
    return services.national_review_item_add(
        acting=acting_as(BU),
        case=case,
        what="The agencies' chronologies, merged",
        requested_on=date(2026, 12, day),
        due_on=due_on,
        at=when(day),
    )


def finish(case: Case, *, day: int = 18, email: str = BU) -> Any:
    return services.national_review_finish(
        acting=acting_as(email),
        case=case,
        report_on=date(2026, 12, 17),
        published_on=date(2026, 12, 18),
        findings="Health visiting and early help did not share what they saw of the children's weight.",
        finished_on=date(2026, 12, day),
        at=when(day),
    )


# -- the URL policy test's objects ------------------------------------------------------------------------------------

NATIONAL_REVIEW_POST_ONLY: frozenset[str] = frozenset()


def national_review_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """The demo's Panel-led case for every page; its outstanding item for marking one provided."""
    if name == "national_reviews:item-provided":
        outstanding = ProvisionItem.objects.filter(
            review__case__partnership=northvale, review__case__reference=DEMO_NATIONAL, provided_on__isnull=True
        ).first()
        assert outstanding is not None
        return {"reference": DEMO_NATIONAL, "item_id": outstanding.pk}
    return {"reference": DEMO_NATIONAL}
