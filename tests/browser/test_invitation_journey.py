"""A partnership admin invites a colleague, who follows the e-mailed link, sets up a second factor and signs in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cspr.messaging.models import OutboundMessage
from tests.browser.conftest import axe_violations
from tests.browser.support import enter_password, sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.support import code_from_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_EMAIL = "new.colleague@example.org"
NEW_PASSWORD = "a-long-new-colleague-password"  # invented, for this test only


def test_an_invited_colleague_sets_up_an_account_and_a_second_factor_and_signs_in(live_server: Any, page: Any) -> None:
    demo_loaded()
    base = live_server.url

    # The admin invites a colleague as a PRG member; a mistake first (no role chosen).
    sign_in_with_both_factors(page, base, "admin@example.org")
    page.goto(f"{base}/partnership/people/")
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("E-mail address").fill(NEW_EMAIL)
    page.get_by_role("button", name="Send invitation").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("E-mail address").input_value() == NEW_EMAIL  # nothing typed is lost
    assert axe_violations(page) == []
    page.get_by_label("PRG member").check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{base}/partnership/people/")
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/accounts/signed-out/")

    # The colleague follows the link in the e-mail.
    message = OutboundMessage.objects.get(to=NEW_EMAIL)
    match = re.search(r"https?://\S+(/partnership/invitation/\S+/)", message.body)
    assert match, message.body
    page.goto(f"{base}{match.group(1)}")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your account"
    assert axe_violations(page) == []
    page.get_by_label("Full name").fill("Nia Newcolleague")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/accounts/sign-in/**")

    # First sign-in: the second factor is set up before anything else.
    enter_password(page, base, NEW_EMAIL, NEW_PASSWORD)
    page.wait_for_url(f"{base}/accounts/second-factor/set-up/**")
    key = "".join(page.locator(".app-secret-key__group").all_inner_texts())
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_url(f"{base}/**")
    assert "Northvale" in page.locator(".app-header__partnership").inner_text()
    assert axe_violations(page) == []
