"""View models for the reviewers' pages and their section of the case page: plain values and words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.panels import PanelAction, PanelView
from cspr.domain.lifecycle import Stage
from cspr.partnerships.scoping import Scope
from cspr.reviewers import selectors
from cspr.reviewers.selectors import CommissionView


def case_url(name: str, case: Case, **kwargs: object) -> str:
    return reverse(f"reviewers:{name}", kwargs={"reference": case.reference, **kwargs})


# -- the case-page panel ---------------------------------------------------------------------------------------------


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """On the case page: the commissioned reviewer's name once there is one (for everyone who sees the case: the
    name is published with the report, §7.3); before that, at the local review stage, what waits and the way in."""
    outline = selectors.reviewer_outline(case=case)
    at_local_review = case.stage == Stage.LOCAL_REVIEW
    if outline.name is None and not at_local_review:
        return None
    readers = rules.test_rule("reviewers.view", scope, case)
    actions: tuple[PanelAction, ...] = ()
    if at_local_review and rules.test_rule("reviewers.commission", scope, case):
        actions = (PanelAction("Commission a reviewer", case_url("commission", case), "§6.1-6.2"),)
    return PanelView(
        template="reviewers/_panel.html",
        context={
            "name": outline.name,
            "waiting": outline.waiting,
            "at_local_review": at_local_review,
            "url": case_url("commissioning", case) if readers else "",
        },
        actions=actions,
    )


# -- the commissioning page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissioningPage:
    case: Case
    current: CommissionView | None
    others: tuple[CommissionView, ...]
    at_local_review: bool
    can_commission: bool
    can_override: bool


def commissioning_page(*, case: Case, scope: Scope) -> CommissioningPage:
    """The case's commissioning: the commissioned reviewer (with the fee, invoices and access) and every proposal."""
    views = selectors.commissions_view(case=case, reveal=True)
    current = next((view for view in views if view.status == "commissioned"), None)
    at_local_review = case.stage == Stage.LOCAL_REVIEW
    return CommissioningPage(
        case=case,
        current=current,
        others=tuple(view for view in views if view is not current),
        at_local_review=at_local_review,
        can_commission=rules.test_rule("reviewers.commission", scope, case),
        can_override=at_local_review and rules.test_rule("reviewers.override", scope, case),
    )
