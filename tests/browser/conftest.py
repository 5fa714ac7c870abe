"""Browser tests: Playwright for Python driving Debian's Chromium, with axe-core for accessibility."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANDMARK_RULES = {rule: {"enabled": True} for rule in ("region", "landmark-one-main", "landmark-unique")}
"""axe's best-practice landmark rules, run with the WCAG ones: all of a page's content sits in a landmark (so a
screen reader's list of regions reaches everything, the OFFICIAL-SENSITIVE marking included), one main, none twice."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, visibly, where there is no Chromium; in CI (CSPR_REQUIRE_BROWSER=1) fail instead."""
    if CHROMIUM.exists() and AXE.exists():
        return
    reason = f"browser tests need {CHROMIUM} (apt-get install chromium) and {AXE} (npm ci)"
    if os.environ.get("CSPR_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    # Playwright's launch() gives Chromium a fresh temporary profile of its own each time.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the service's own pages still send their CSP.
    context = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# GOV.UK Frontend's radios and checkboxes put aria-expanded on an input that reveals a conditional question. ARIA does
# not list it for role radio or checkbox, so axe reports aria-allowed-attr; GOV.UK keeps it on purpose (screen readers
# announce it; a known issue of the Design System). Only that exact case is set aside, nothing else.
GOVUK_CONDITIONAL_INPUT = (
    ".govuk-radios__input[aria-controls][aria-expanded], .govuk-checkboxes__input[aria-controls][aria-expanded]"
)


def _known_govuk_issue(page: Any, violation: dict[str, Any], node: dict[str, Any]) -> bool:
    if violation["id"] != "aria-allowed-attr" or len(node["target"]) != 1:
        return False
    disallowed = [
        str(value)
        for check in node.get("any", []) + node.get("all", [])
        for value in ((check.get("data") or {}).get("values") or [])
    ]
    if not disallowed or not all(item.startswith("aria-expanded") for item in disallowed):
        return False
    return bool(
        page.evaluate(
            "([target, wanted]) => document.querySelector(target)?.matches(wanted) ?? false",
            [node["target"][0], GOVUK_CONDITIONAL_INPUT],
        )
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 A and AA violations on the page as it is now, and the landmark rules' (less GOV.UK's known
    conditional-reveal attribute)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async ([tags, rules]) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: rules})",
        [WCAG_22_AA, LANDMARK_RULES],
    )
    found = []
    for violation in result["violations"]:
        nodes = [node for node in violation["nodes"] if not _known_govuk_issue(page, violation, node)]
        if nodes:
            found.append({"id": violation["id"], "help": violation["help"], "nodes": [n["target"] for n in nodes]})
    return found


class _InFlight:
    """Counts the live server's requests between Django's request_started and request_finished signals."""

    def __init__(self) -> None:
        self.count = 0
        self.last_change = time.monotonic()
        self.changed = threading.Condition()

    def started(self, **_: Any) -> None:
        with self.changed:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **_: Any) -> None:
        with self.changed:
            self.count = max(0, self.count - 1)
            self.last_change = time.monotonic()
            self.changed.notify_all()

    def wait_until_quiet(self, *, settle: float = 0.5, limit: float = 15.0) -> None:
        """Return once nothing is in flight and nothing started for `settle` seconds (or after `limit`)."""
        deadline = time.monotonic() + limit
        with self.changed:
            while time.monotonic() < deadline:
                idle_for = time.monotonic() - self.last_change
                if self.count == 0 and idle_for >= settle:
                    return
                self.changed.wait(timeout=max(0.05, settle - idle_for) if self.count == 0 else 0.1)


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the live server finish every request before the test's database is emptied.

    A page being closed still sends what it had to send (the notification form saves its draft on pagehide), and a
    test that ends at once would empty the database under that request. Set up after the live server and torn down
    before it, this waits for the server to go quiet first, whatever the test did with its pages.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    from django.core.signals import request_finished, request_started

    in_flight = _InFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    try:
        yield
        in_flight.wait_until_quiet()
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)
