"""The whole rapid review, start to finish, through the services."""

from __future__ import annotations

from datetime import date

import pytest

from cspr.cases.models import CaseClock
from cspr.messaging.models import OutboundMessage
from tests.rapid_reviews.support import panel_response, the_case, to_awaiting_panel

pytestmark = pytest.mark.django_db


def test_a_rapid_review_runs_from_the_meeting_to_the_panels_decision(demo: dict) -> None:
    case = to_awaiting_panel(the_case())
    assert case.stage == "awaiting_panel"
    assert case.decision_on == date(2026, 12, 2)
    clocks = {clock.clock_id: clock.met_on for clock in CaseClock.objects.filter(case=case)}
    assert clocks["prg_meeting"] == date(2026, 11, 25)
    assert clocks["rapid_review_to_executive"] == date(2026, 11, 26)
    assert clocks["executive_ratification"] == date(2026, 12, 2)
    assert clocks["rapid_review_to_panel"] == date(2026, 12, 3)
    kinds = set(OutboundMessage.objects.values_list("kind", flat=True))
    assert {"rapid_review.sent_to_executive", "rapid_review.local_review_agreed"} <= kinds
    panel_response(
        case,
        "information_requested",
        7,
        details="The Panel asks for the health chronology.",
        information_due_on=date(2026, 12, 14),
    )
    panel_response(case, "information_provided", 10)
    panel_response(case, "local_review", 15, details="The Panel agrees a local review is the right route.")
    assert the_case().stage == "local_review"


def test_the_demo_case_waits_at_the_rapid_review_with_its_meeting_scheduled(demo: dict) -> None:
    case = the_case()
    assert case.stage == "rapid_review"
    assert case.prg_meeting.scheduled_on == date(2026, 11, 26)
    assert case.prg_meeting.held_on is None
