"""Commissioning a reviewer in a real browser (§6.1-6.2), and the reviewer finding their review and nothing else.

The demo's NVALE-2026-007 is taken to a discretionary local review. The business unit proposes Idris Quillfeather, who
declared work with the Northvale Integrated Care Board, an agency the case involves: not commissioned. It then
commissions Rowan Achterberg, who declared nothing involved. Rowan signs in as the demo reviewer: the case list holds
that case only, its overview opens, and another case is not found. Every page on the way is checked with axe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cspr.cases.models import Case
from cspr.domain.reviewers import COMPETENCIES
from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.reviewers.support import ICB, LOCAL_REVIEW_CASE, OTHER_CASE, to_local_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # a Monday


def main_text(page: Any) -> str:
    return str(page.locator("#main-content").inner_text())


def accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def propose(page: Any, reviewer: str, *interests: str) -> None:
    page.get_by_label("Reviewer", exact=True).select_option(label=reviewer)
    for competency in COMPETENCIES:
        page.get_by_label(competency.label).fill(f"References from two partnerships show this ({competency.code}).")
    for name in interests:
        page.get_by_label(name).check()
    page.get_by_label("Fee, in pounds").fill("4500")
    page.get_by_label("Purchase order number").fill("PO-2026-0042")
    page.get_by_role("button", name="Commission the reviewer").click()


def test_a_conflicted_reviewer_is_refused_another_is_commissioned_and_finds_only_their_review(
    live_server: Any, page: Any
) -> None:
    demo_loaded()
    with time_machine.travel(NOW, tick=True):
        to_local_review()
        sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")
        page.goto(f"{live_server.url}/cases/{LOCAL_REVIEW_CASE}/")
        assert "No reviewer is commissioned yet." in main_text(page)
        accessible(page)

        page.get_by_role("link", name="Commission a reviewer").first.click()
        accessible(page)
        page.get_by_role("button", name="Commission the reviewer").click()  # nothing chosen: refused on the page
        assert page.locator(".govuk-error-summary").is_visible()
        accessible(page)
        propose(page, "Idris Quillfeather, Quillfeather Review Associates (demo)", ICB)
        refused = main_text(page)
        assert "Idris Quillfeather is not commissioned" in refused
        assert "Involved in this case" in refused
        assert Case.objects.get(reference=LOCAL_REVIEW_CASE).stage == "local_review"
        accessible(page)

        page.get_by_role("link", name="Commission a reviewer").click()
        propose(page, "Rowan Achterberg", "Northvale Learning Trust (demo)")
        commissioned = main_text(page)
        assert "Rowan Achterberg is commissioned" in commissioned
        assert "Open" in commissioned
        assert Case.objects.get(reference=LOCAL_REVIEW_CASE).stage == "reviewer_commissioned"
        accessible(page)

        page.context.clear_cookies()
        sign_in_with_both_factors(page, live_server.url, "reviewer@example.org")
        page.goto(f"{live_server.url}/cases/")
        listing = main_text(page)
        assert LOCAL_REVIEW_CASE in listing
        assert OTHER_CASE not in listing
        accessible(page)
        page.get_by_role("link", name=LOCAL_REVIEW_CASE).click()
        overview = main_text(page)
        assert "The commissioned reviewer is Rowan Achterberg" in overview
        accessible(page)
        response = page.goto(f"{live_server.url}/cases/{OTHER_CASE}/")
        assert response is not None
        assert response.status == 404
