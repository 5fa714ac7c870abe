"""View models for the national review's pages and its section of the case page: plain values and words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.panels import PanelAction, PanelView
from cspr.domain.lifecycle import Stage
from cspr.domain.text import counted
from cspr.national_reviews import selectors
from cspr.national_reviews.selectors import NationalReviewView
from cspr.partnerships.scoping import Scope

PANEL_LED = "Panel-led national review"


def _url(name: str, case: Case, **kwargs: object) -> str:
    return reverse(f"national_reviews:{name}", kwargs={"reference": case.reference, **kwargs})


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- the case-page panel ---------------------------------------------------------------------------------------------


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """On the case page of a Panel-led case: that it is one, since when, whether finished, and the way in."""
    if not rules.test_rule("national_reviews.view", scope, case):
        return None
    outline = selectors.national_review_outline(case=case)
    if outline.decided_on is None:
        return None
    running = case.stage == Stage.NATIONAL_REVIEW and outline.finished_on is None
    actions: tuple[PanelAction, ...] = ()
    if running and rules.test_rule("national_reviews.record", scope, case):
        actions = (
            PanelAction("Log engagement with the national review", _url("engagement", case), "§8.7"),
            PanelAction("Record the national review's outcome", _url("finish", case), "§8.7"),
        )
    return PanelView(
        template="national_reviews/_panel.html",
        context={
            "decided_on": outline.decided_on,
            "finished_on": outline.finished_on,
            "running": running,
            "url": _url("overview", case),
        },
        actions=actions,
    )


# -- the national review's page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalReviewPage:
    case: Case
    review: NationalReviewView
    running: bool
    can_record: bool
    next_steps: tuple[str, ...]


def _next_steps(case: Case, review: NationalReviewView, *, running: bool) -> tuple[str, ...]:
    if running:
        steps = []
        if review.scope_agreed_on is None:
            steps.append("Discuss the scope and methodology of the review with the Panel, and log it (§8.7).")
        if review.outstanding:
            steps.append(f"Provide what the Panel asked for: {counted(len(review.outstanding), 'item')} outstanding.")
        steps.append(
            "Log each step of the partnership's engagement: information provided, practitioners and the "
            "family involved, a draft shared for factual accuracy."
        )
        steps.append(
            "When the Panel's review is finished, record its outcome: the case can then move to learning and actions."
        )
        return tuple(steps)
    if case.stage == Stage.NATIONAL_REVIEW:
        return ("The national review is finished: move the case to learning and actions from the case page.",)
    return ()


def national_review_page(*, case: Case, scope: Scope) -> NationalReviewPage | None:
    """The case's national review for its readers (``None`` when the Panel has decided on none)."""
    review = selectors.national_review_view(case=case, reveal=True)
    if review is None:
        return None
    running = case.stage == Stage.NATIONAL_REVIEW and review.finished_on is None
    return NationalReviewPage(
        case=case,
        review=review,
        running=running,
        can_record=running and rules.test_rule("national_reviews.record", scope, case),
        next_steps=_next_steps(case, review, running=running),
    )
