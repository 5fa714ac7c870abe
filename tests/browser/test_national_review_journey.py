"""The Panel's national review in a real browser (procedure §8.5-8.7), as the business unit takes part in it.

The demo's NVALE-2026-011 is Panel-led: the Panel decided on 8 October 2026 to hold a national review; the scope is
agreed and one of the two things the Panel asked for is provided. The business unit opens the review from the case
page, logs a draft shared for factual accuracy (after a refused first try), records the second item as provided and
the review's outcome, then moves the case to learning and actions, which the case page refused until then. Every page
on the way is checked with axe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cspr.cases.models import Case
from cspr.domain.lifecycle import NATIONAL_REVIEW_UNFINISHED
from tests.browser.support import accessible, fill_date, main_text, sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "NVALE-2026-011"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # a Monday


def test_the_business_unit_takes_a_panel_led_case_through_its_national_review_to_learning_and_actions(
    live_server: Any, page: Any
) -> None:
    demo_loaded()
    with time_machine.travel(NOW, tick=True):
        sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")
        page.goto(f"{live_server.url}/cases/{REFERENCE}/")
        overview = main_text(page)
        assert "This case is Panel-led." in overview
        assert NATIONAL_REVIEW_UNFINISHED in overview
        accessible(page)

        page.get_by_role("link", name="Open the national review").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Panel-led national review"
        shown = main_text(page)
        assert "Agreed on 20 October 2026" in shown
        assert "Provide what the Panel asked for: 1 item outstanding." in shown
        accessible(page)

        page.get_by_role("link", name="Log engagement").click()
        page.get_by_label("Draft shared for factual accuracy").check()
        page.get_by_label("What happened and what was agreed").fill("The Panel's draft went to the agencies.")
        page.get_by_role("button", name="Log the engagement").click()  # no date: refused, the words kept
        assert page.locator(".govuk-error-summary").is_visible()
        assert page.get_by_label("What happened and what was agreed").input_value() == (
            "The Panel's draft went to the agencies."
        )
        accessible(page)
        fill_date(page, "happened_on", 2)
        page.get_by_role("button", name="Log the engagement").click()
        assert "The engagement is logged" in main_text(page)

        page.get_by_role("link", name="Record it as provided").click()
        accessible(page)
        fill_date(page, "provided_on", 4)
        page.get_by_label("Which organisation provided it?").select_option(label="Vale and Moor Police (demo)")
        page.get_by_role("button", name="Record it as provided").click()
        assert "Outstanding" not in main_text(page)

        page.get_by_role("link", name="Record the national review's outcome").click()
        accessible(page)
        fill_date(page, "report_on", 3)
        page.get_by_label("Summary of the findings for the partnership").fill(
            "Records must follow families who move; the partnership's health visiting transfer is to change."
        )
        fill_date(page, "finished_on", 4)
        page.get_by_role("button", name="Record the outcome").click()
        finished = main_text(page)
        assert "The national review is recorded as finished" in finished
        assert "Finished on" in finished
        assert "move the case to learning and actions" in finished
        accessible(page)

        page.goto(f"{live_server.url}/cases/{REFERENCE}/")
        assert "The national review finished on 4 December 2026." in main_text(page)
        page.get_by_role("link", name="Move to learning and actions").click()
        accessible(page)
        page.get_by_role("button", name="Move to learning and actions").click()
        assert Case.objects.get(reference=REFERENCE).stage == "learning_and_actions"
        assert "Learning and actions" in main_text(page)
