"""GOV.UK Frontend's scripts run under the service's strict Content-Security-Policy (no bypass in this test)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def strict_page(browser: Any) -> tuple[Any, Any, list[str]]:
    """A page whose CSP is enforced, recording every CSP complaint the browser makes."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: complaints.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return context, page, complaints


@pytest.fixture
def demo_page(transactional_db: None, browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """The demo loaded, and one strict page (:func:`strict_page`) with its complaints, closed after the test."""
    demo_loaded()
    context, page, complaints = strict_page(browser)
    yield page, complaints
    context.close()


def open_abuse_question(page: Any, base: str) -> None:
    sign_in_with_both_factors(page, base, "notifier@example.org")
    page.get_by_role("link", name="Report an incident").click()
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url(re.compile(r".*/drafts/[0-9a-f-]+/[a-z-]+/$"))
    page.goto(re.sub(r"/[a-z-]+/$", "/abuse-or-neglect/", page.url))
    assert page.get_by_role("heading", level=1).count() == 1


@pytest.fixture
def abuse_question(live_server: Any, demo_page: tuple[Any, list[str]]) -> tuple[Any, list[str]]:
    """The strict demo page, on the notification's abuse or neglect question, with its complaints so far."""
    page, complaints = demo_page
    open_abuse_question(page, live_server.url)
    return page, complaints


def test_every_page_is_marked_supported_from_a_static_file_and_the_policy_stays_strict(
    live_server: Any, demo_page: tuple[Any, list[str]]
) -> None:
    page, complaints = demo_page
    response = page.goto(f"{live_server.url}/accounts/sign-in/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy
    classes = page.evaluate("document.body.className")
    assert "govuk-frontend-supported" in classes
    assert page.locator("script:not([src])").count() == 0  # nothing inline for the policy to block
    assert complaints == []


def test_a_conditional_reveal_is_closed_on_load_and_opens_on_click(abuse_question: tuple[Any, list[str]]) -> None:
    page, complaints = abuse_question
    revealed = page.get_by_label("What is known or suspected?")
    yes = page.get_by_label("Yes, abuse or neglect is known or suspected")
    assert revealed.is_hidden()
    assert yes.get_attribute("aria-expanded") == "false"
    yes.click()
    assert revealed.is_visible()
    assert yes.get_attribute("aria-expanded") == "true"
    # Answering saves the draft in the background a moment later: wait for that save, so that closing the page
    # sends nothing more while the test's database is being emptied.
    with page.expect_response(lambda response: response.request.method == "POST", timeout=15_000) as saved:
        page.get_by_label("No", exact=True).click()
        assert revealed.is_hidden()
    assert saved.value.status == 204
    assert complaints == []


def test_after_a_failed_submit_the_error_summary_receives_focus(abuse_question: tuple[Any, list[str]]) -> None:
    page, complaints = abuse_question
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.matches('.govuk-error-summary')")
    # Its links move focus to the question in error.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "abuse_or_neglect"
    assert complaints == []


def test_the_access_removed_page_and_the_disable_confirmation_are_accessible(live_server: Any, page: Any) -> None:
    demo_loaded()
    base = live_server.url
    sign_in_with_both_factors(page, base, "admin@example.org")
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Disable Priya Garrow as PRG chair").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Are you sure you want to disable")
    assert axe_violations(page) == []
    page.get_by_role("link", name="No, go back to people").click()
    page.wait_for_url(f"{base}/partnership/people/")
    page.goto(f"{base}/accounts/access-removed/")
    page.wait_for_url(f"{base}/")  # still a member: nothing to say, home instead


def test_a_disabled_members_next_click_lands_on_the_access_removed_page(live_server: Any, browser: Any) -> None:
    demo_loaded()
    base = live_server.url
    member_context, member, complaints = strict_page(browser)
    sign_in_with_both_factors(member, base, "prg.chair@example.org")
    admin_context, admin, _ = strict_page(browser)
    sign_in_with_both_factors(admin, base, "admin@example.org")

    admin.get_by_role("link", name="People").click()
    admin.get_by_role("link", name="Disable Priya Garrow as PRG chair").click()
    admin.get_by_role("button", name="Yes, disable the membership").click()
    admin.wait_for_url(f"{base}/partnership/people/")
    assert "Priya Garrow's membership as PRG chair is disabled" in admin.locator("main").inner_text()

    member.get_by_role("link", name="Cases").click()
    member.wait_for_url(f"{base}/accounts/access-removed/")
    assert member.get_by_role("heading", level=1).inner_text() == "Your access was removed"
    assert "Northvale Safeguarding Children Partnership (demo)" in member.locator("main").inner_text()
    assert member.get_by_role("link", name="Cases").count() == 0  # signed out: no navigation
    assert complaints == []
    admin_context.close()
    member_context.close()


def test_the_conditional_question_page_is_accessible_open_and_closed(live_server: Any, page: Any) -> None:
    """axe sets aside only GOV.UK's aria-expanded on the revealing radio; anything else on the page still counts."""
    demo_loaded()
    open_abuse_question(page, live_server.url)
    assert axe_violations(page) == []
    page.get_by_label("Yes, abuse or neglect is known or suspected").click()
    assert axe_violations(page) == []
    page.evaluate("document.querySelector('#id_abuse_or_neglect').setAttribute('aria-pressed', 'true')")
    assert [v["id"] for v in axe_violations(page)] == ["aria-allowed-attr"]  # any other stray attribute still fails
