"""Signing in through the real page, with accessibility checked where people meet errors."""

from __future__ import annotations

from typing import Any

import pytest

from cspr.accounts.models import User
from cspr.demo.partnerships import DEMO_PASSWORD
from tests.browser.conftest import axe_violations
from tests.browser.support import enter_code, sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.support import authenticator_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_after_a_mistake_and_every_page_is_accessible(live_server: Any, page: Any) -> None:
    demo_loaded()
    app = authenticator_app(User.objects.get(email="business.unit@example.org"))
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/sign-in/")

    page.get_by_label("E-mail address").fill("business.unit@example.org")
    page.get_by_label("Password").fill("not-the-right-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct e-mail address and password" in summary.inner_text()
    assert page.get_by_label("E-mail address").input_value() == "business.unit@example.org"
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")
    assert axe_violations(page) == []
    enter_code(page, app)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bea")
    assert "OFFICIAL-SENSITIVE" in page.locator(".app-marking").inner_text()
    assert axe_violations(page) == []


def test_the_shared_police_lead_switches_partnership_in_the_header(live_server: Any, page: Any) -> None:
    demo_loaded()
    sign_in_with_both_factors(page, live_server.url, "police.lead@example.org")

    page.get_by_label("Partnership").select_option(label="Southmoor Safeguarding Children Partnership (demo)")
    page.get_by_role("button", name="Switch").click()
    assert "Southmoor Safeguarding Children Partnership (demo)" in page.locator(".app-header__partnership").inner_text()
    assert axe_violations(page) == []


def test_the_accessibility_check_does_find_violations(page: Any) -> None:
    """Guards the guard: a page with known faults must not pass."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= found
