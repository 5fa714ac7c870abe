"""Signing in through the real pages, both factors, as browser tests need to."""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User
from cspr.demo.partnerships import DEMO_PASSWORD
from tests.browser.conftest import axe_violations
from tests.support import authenticator_app


def unused_code(device: TOTPDevice) -> str:
    """A code the server will accept now: this time step's, or the next one's if this one was used already."""
    device.refresh_from_db()
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = time.time()
    now_t = generator.t()
    wanted = max(now_t, device.last_t + 1)
    assert wanted <= now_t + device.tolerance, "sign in at most twice per 30 seconds with one app"
    generator.drift = wanted - now_t
    return f"{generator.token():0{device.digits}d}"


def enter_password(page: Any, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def enter_code(page: Any, device: TOTPDevice) -> None:
    page.get_by_label("Code from your authenticator app").fill(unused_code(device))
    page.get_by_role("button", name="Continue").click()


def sign_in_with_both_factors(page: Any, base_url: str, email: str) -> TOTPDevice:
    """Sign in as a demo person who has an authenticator app (one is made for them if needed)."""
    device = authenticator_app(User.objects.get(email=email))
    enter_password(page, base_url, email)
    page.wait_for_url(f"{base_url}/accounts/second-factor/**")
    enter_code(page, device)
    page.wait_for_url(f"{base_url}/")
    return device


# -- what the journeys through a case's pages share --------------------------------------------------------------------


def main_text(page: Any) -> str:
    return str(page.locator("#main-content").inner_text())


def accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def fill_date(page: Any, name: str, day: int, month: int = 12, year: int = 2026) -> None:
    """Type a date into the GOV.UK date input ``name`` (December 2026 unless said)."""
    page.locator(f"#id_{name}-day").fill(str(day))
    page.locator(f"#id_{name}-month").fill(str(month))
    page.locator(f"#id_{name}-year").fill(str(year))
