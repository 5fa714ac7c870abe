"""The case page's section on practitioners, the family and the thread with the reviewer: the ways in, for the roles
that have a part in each (the commissioned reviewer among them, who reaches the case page through their grant)."""

from __future__ import annotations

from datetime import date

import rules
from django.urls import reverse

from cspr.cases.models import Case
from cspr.cases.panels import PanelAction, PanelView
from cspr.local_reviews import selectors
from cspr.partnerships.scoping import Scope

WAYS_IN = (
    ("local_reviews.thread", "thread", "Messages between the business unit and the reviewer", "§6.7"),
    ("local_reviews.family_view", "family", "Family involvement log", "§6.6"),
    ("local_reviews.events_view", "events", "Practitioner events", "§6.6"),
)


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """Once the local review has started: a link to each of its people's pages the person may open."""
    if case.stage not in selectors.WORKING_STAGES or selectors.local_review_outline(case=case).started_on is None:
        return None
    actions = tuple(
        PanelAction(label, reverse(f"local_reviews:{name}", kwargs={"reference": case.reference}), section)
        for rule, name, label, section in WAYS_IN
        if rules.test_rule(rule, scope, case)
    )
    if not actions:
        return None
    return PanelView(template="local_reviews/people/_panel.html", actions=actions)
