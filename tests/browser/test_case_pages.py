"""The case page, an action page and the identifying-details page in a real browser: WCAG 2.2 A and AA."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_list_case_page_and_identifying_details_are_accessible(live_server: Any, page: Any) -> None:
    demo_loaded()
    sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")

    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cases"
    assert axe_violations(page) == []

    page.get_by_role("link", name="NVALE-2026-003").click()
    assert page.get_by_role("heading", level=1).inner_text() == "NVALE-2026-003"
    assert "Hold the PRG meeting" in page.locator("#main-content").inner_text()
    assert "Tansy" not in page.content()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/cases/NVALE-2026-005/duties/")
    page.get_by_role("button", name="Save").click()  # nothing chosen: the error summary
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/cases/NVALE-2026-003/")
    page.get_by_role("link", name="See the identifying details of the children and household").click()
    assert axe_violations(page) == []
    page.get_by_label("Preparing for or holding the rapid review").check()
    page.get_by_role("button", name="Show the identifying details").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Identifying details"
    assert "Tansy Madeupton" in page.locator("#main-content").inner_text()
    assert axe_violations(page) == []


PHONE_PAGES = [
    "/cases/",
    "/reviewers/",
    "/cases/NVALE-2026-003/information/",
    "/cases/NVALE-2026-003/information/chronology/",
    "/cases/NVALE-2026-016/letters/",
    "/cases/NVALE-2026-016/local-review/",
    "/cases/NVALE-2026-016/local-review/drafts/",
    "/inbox/",
    "/partnership/",
    "/partnership/procedure/",
]


def test_on_a_phone_wide_tables_scroll_within_their_own_region_and_the_page_never_sideways(
    live_server: Any, page: Any
) -> None:
    """At 375 px (WCAG 2.2 reflow, 1.4.10), the business unit's pages with the widest tables fit the screen."""
    demo_loaded()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")
    wider = {}
    for path in PHONE_PAGES:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wider[path] = width
    assert wider == {}
    assert axe_violations(page) == []
