"""Setting up an authenticator app, signing in with it or a recovery code, and the idle-timeout warning."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User
from tests.browser.conftest import axe_violations
from tests.browser.support import enter_code, enter_password, sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.support import code_from_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "business.unit@example.org"


def sign_out(page: Any, base_url: str) -> None:
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base_url}/accounts/signed-out/")


def test_a_person_sets_up_an_app_then_signs_in_with_a_recovery_code_and_with_the_app(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the test types a wrong code, then the right one at once
    demo_loaded()
    base = live_server.url

    # First sign-in: nothing but the set-up page until an app is set up.
    enter_password(page, base, EMAIL)
    page.wait_for_url(f"{base}/accounts/second-factor/set-up/")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    assert page.locator(".app-header__partnership").count() == 0
    assert axe_violations(page) == []
    key = "".join(page.locator(".app-secret-key__group").all_inner_texts())
    assert len(key) == 32

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []

    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bea")
    sign_out(page, base)

    # Second sign-in, phone left at home: a recovery code.
    enter_password(page, base, EMAIL)
    page.wait_for_url(f"{base}/accounts/second-factor/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    sign_out(page, base)

    # The same recovery code does not work twice.
    enter_password(page, base, EMAIL)
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    assert "has already been used" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []

    # Third sign-in: the app's code.
    page.get_by_role("link", name="Use the code from your authenticator app instead").click()
    enter_code(page, TOTPDevice.objects.get(user=User.objects.get(email=EMAIL)))
    page.wait_for_url(f"{base}/")


def test_the_idle_warning_lets_the_person_stay_signed_in_and_then_signs_them_out(
    live_server: Any, page: Any, settings: Any
) -> None:
    # Seconds, not minutes: signed out after 8 idle seconds, warned 5 seconds before.
    settings.SESSION_IDLE_SECONDS = 8
    settings.SESSION_WARNING_SECONDS = 5
    settings.SESSION_ACTIVITY_WRITE_SECONDS = 1
    demo_loaded()
    base = live_server.url
    sign_in_with_both_factors(page, base, EMAIL)

    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    dialog.wait_for(state="visible", timeout=10_000)
    # Focus is in the dialog, on the way to stay signed in, and the dialog says how long is left.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert "we will sign you out in" in dialog.inner_text()
    assert not dialog.get_by_role("button", name="Continue").is_visible()  # only when staying is impossible
    assert axe_violations(page) == []

    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert page.url == f"{base}/"

    # Ignored this time: the page goes to "You were signed out" and the session is over on the server.
    dialog.wait_for(state="visible", timeout=10_000)
    page.wait_for_url(f"{base}/accounts/timed-out/**", timeout=15_000)
    assert page.get_by_role("heading", level=1).inner_text() == "You were signed out"
    assert axe_violations(page) == []
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/")
