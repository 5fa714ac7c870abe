"""A case ends and is reopened in a real browser, with the family told and a criminal trial on its register: the
business unit on the demo's NVALE-2026-009 (no further review, its learning action open), every page checked
with axe (WCAG 2.2 A and AA, and the landmark rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cspr.cases.models import Case, ParallelProcess
from tests.browser.support import accessible, fill_date, main_text, sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "NVALE-2026-009"
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def stage() -> str:
    return str(Case.objects.get(reference=REFERENCE).stage)


def press(page: Any, button: str) -> None:
    """Press the page's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def press_and_see(page: Any, button: str, words: str) -> None:
    """Press the page's button and find ``words`` on the page it leads to."""
    press(page, button)
    assert words in main_text(page)


def refused_keeping(page: Any, button: str, choice: str) -> None:
    """Press ``button`` on a form not yet complete: refused with the error summary, ``choice`` still chosen."""
    press(page, button)
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_role("radio", name=choice).is_checked()
    accessible(page)


def case_page(page: Any, base: str, rest: str = "") -> None:
    """Open the case's page at ``rest`` (its overview when none) and check it with axe."""
    page.goto(f"{base}/cases/{REFERENCE}/{rest}")
    accessible(page)


def overview(page: Any, base: str) -> None:
    case_page(page, base)
    assert heading(page) == REFERENCE


def take(page: Any, base: str, label: str, reason: str = "") -> None:
    """From the case's overview, the action called ``label``: its page, then its button (with ``reason``)."""
    overview(page, base)
    with page.expect_navigation():
        page.get_by_role("link", name=label).first.click()
    assert heading(page) == label
    accessible(page)
    if reason:
        page.get_by_role("textbox").first.fill(reason)
    press(page, label)


def end_the_learning_action(page: Any, base: str) -> None:
    case_page(page, base, "rapid-review/actions/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record how it ended").first.click()
    accessible(page)
    reason = page.get_by_label("Why was it closed without being done?")
    assert not reason.is_visible()  # asked only under "closed without being done"
    page.get_by_role("radio", name="Closed without being done").check()
    assert reason.is_visible()
    page.get_by_role("radio", name="Done", exact=True).check()
    fill_date(page, "resolved_on", 1)
    press_and_see(page, "Save", "Done")


def tell_the_family(page: Any, base: str) -> None:
    case_page(page, base, "family-told/")
    page.get_by_role("radio", name="Other").check()
    refused_keeping(page, "Save", "Other")  # nothing else given
    page.get_by_label("How", exact=True).fill("A video call the family asked for")
    fill_date(page, "told_on", 3)
    page.get_by_label("Who told them").fill("Sam Okafor, social worker, Children's Services")
    page.get_by_label("What they were told about the decision and its reasons").fill(
        "That the case is closed, why, and that it can be looked at again if anything new comes to light."
    )
    press_and_see(page, "Save", "Telling the family is recorded")


def add_a_criminal_trial(page: Any, base: str) -> None:
    case_page(page, base, "parallel-processes/add/")
    page.get_by_role("radio", name="Criminal trial").check()
    page.get_by_role("radio", name="Active").check()
    terms = page.get_by_label("Its terms (optional)")
    assert not terms.is_visible()
    page.locator("input[name=restricted][value=yes]").check()
    assert terms.is_visible()
    page.get_by_role("radio", name="Publication held until it concludes").check()
    refused_keeping(page, "Add the process", "Criminal trial")  # a restriction with no terms
    page.get_by_label("Its terms (optional)").fill("Nothing that identifies the child until the trial ends.")
    press_and_see(page, "Add the process", "Criminal trial")
    accessible(page)


def test_the_business_unit_closes_a_no_further_review_case_tells_the_family_and_reopens_it(
    live_server: Any, page: Any
) -> None:
    demo_loaded()
    base = live_server.url
    with time_machine.travel(NOW, tick=True):
        sign_in_with_both_factors(page, base, "business.unit@example.org")
        assert stage() == "no_further_review"
        take(page, base, "Move to learning and actions")
        assert stage() == "learning_and_actions"
        # Closing waits for the learning action: the overview says so, and why, before anyone tries.
        overview(page, base)
        assert "not possible yet: Every learning action agreed must be done" in " ".join(main_text(page).split())
        end_the_learning_action(page, base)
        take(page, base, "Close the case", reason="The learning action is done and nothing further is outstanding.")
        assert stage() == "closed"
        overview(page, base)
        assert "Closed" in main_text(page)
        tell_the_family(page, base)
        take(page, base, "Reopen the case", reason="The coroner's inquest heard new evidence about the delay.")
        assert stage() == "learning_and_actions"
        add_a_criminal_trial(page, base)
    trial = ParallelProcess.objects.get(case__reference=REFERENCE, kind="criminal_trial")
    assert trial.restricted
    assert trial.effect == "publication_held"
