"""The case page's "Information from agencies" section (registered in ``ReturnsConfig.ready``)."""

from __future__ import annotations

from datetime import date

import rules
from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.panels import CasePanel, PanelAction, PanelView, register_case_panel
from cspr.partnerships.scoping import Scope
from cspr.returns import selectors
from cspr.returns.services import information_clock, may_ask


def build(case: Case, scope: Scope, today: date) -> PanelView | None:
    if rules.test_rule("returns.manage_requests", scope, case):
        counts = selectors.case_request_counts(case=case)
        actions: tuple[PanelAction, ...] = ()
        if counts["total"] == 0 and may_ask(case):
            actions = (
                PanelAction(
                    label="Ask agencies for information",
                    href=reverse("returns:send", kwargs={"reference": case.reference}),
                    section="Information from agencies",
                ),
            )
        if counts["total"] == 0 and not actions:
            return None
        clock = information_clock(case)
        return PanelView(
            template="returns/_panel.html",
            context={
                "counts": counts,
                "board_url": reverse("returns:board", kwargs={"reference": case.reference}),
                "clock_due": clock.effective_due if clock else None,
                "audience": "business_unit",
            },
            actions=actions,
        )
    own = selectors.own_case_requests(case=case, scope=scope)
    if own:
        return PanelView(
            template="returns/_panel.html",
            context={
                "audience": "contributor",
                "own": [
                    {
                        "organisation": info_request.organisation.name,
                        "status": info_request.get_status_display(),
                        "due_on": info_request.due_on,
                        "url": reverse("returns:request", kwargs={"request_uuid": info_request.uuid}),
                    }
                    for info_request in own
                ],
            },
        )
    return None


def register() -> None:
    register_case_panel(
        CasePanel(
            key="returns",
            title="Information from agencies",
            order=20,
            build=build,
            annotations=selectors.case_page_request_counts,
        )
    )
