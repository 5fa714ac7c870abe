"""Reporting a serious incident in a real browser: two children, leaving halfway, coming back, and accessibility."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cspr.cases.models import Case
from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD_A = "Juniper Quillfeatherby"
CHILD_B = "Rowan Quillfeatherby"


def fill_date(page: Any, name: str, value: date) -> None:
    page.locator(f"#id_{name}-day").fill(str(value.day))
    page.locator(f"#id_{name}-month").fill(str(value.month))
    page.locator(f"#id_{name}-year").fill(str(value.year))


def accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def answer(page: Any, label: str, text: str = "") -> None:
    """Type ``text`` into the question ``label`` (or, without text, tick the answer ``label``), check that the page
    is accessible, and save it."""
    field = page.get_by_label(label)
    if text:
        field.fill(text)
    else:
        field.check()
    accessible(page)
    save_and_continue(page)


def signed_in_notifier(browser: Any, base: str) -> tuple[Any, Any]:
    """A new browser context, and a page in it where the notifier has signed in."""
    context = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_with_both_factors(page, base, "notifier@example.org")
    return context, page


def test_a_notifier_reports_two_children_leaves_halfway_and_comes_back(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    demo_loaded()
    base = live_server.url
    today = timezone.localdate()

    context, page = signed_in_notifier(browser, base)
    page.get_by_role("link", name="Report an incident").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Report a serious incident"
    accessible(page)
    page.get_by_role("button", name="Start now").click()

    # Your details: the person's own name and address are there already.
    assert page.get_by_label("Full name").input_value() == "Nadia Fenwick"
    page.get_by_label("Job title or role").fill("Head of safeguarding")
    answer(page, "Telephone number", "01632 960 001")

    # A page with errors: summary, messages and title, and still accessible.
    save_and_continue(page)
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the date the local authority became aware" in summary.inner_text()
    accessible(page)
    fill_date(page, "la_aware_on", today - timedelta(days=3))
    save_and_continue(page)

    fill_date(page, "incident_on", today - timedelta(days=4))
    page.get_by_label("Time of the incident (optional)").fill("21:15")
    answer(page, "In the local authority's area")
    answer(page, "A child was seriously harmed")
    page.get_by_label("Yes, abuse or neglect is known or suspected").check()
    answer(page, "What is known or suspected?", "Injuries inconsistent with the account given.")
    assert "may still have been seriously harmed" in page.locator("aside").inner_text()
    answer(page, "Describe the serious harm to the child", "A head injury needing intensive care.")

    # The first child.
    assert page.get_by_role("heading", level=1).inner_text() == "Add a child"
    page.get_by_label("Full name").fill(CHILD_A)
    fill_date(page, "date_of_birth", date(2019, 3, 14))
    page.get_by_label("Female").check()
    answer(page, "Subject to a child protection plan")
    assert page.get_by_role("heading", level=1).inner_text() == "You have added 1 child"
    answer(page, "Yes")

    # The second child is typed, saved in the background, and the person walks away mid-page.
    page.get_by_label("Full name").fill(CHILD_B)
    fill_date(page, "date_of_birth", date(2021, 8, 2))
    with page.expect_response(lambda response: response.status == 204):
        page.get_by_label("Male", exact=True).check()
    context.close()

    # Later, in a new session: the draft is in "Your drafts", with both children.
    context, page = signed_in_notifier(browser, base)
    page.goto(f"{base}/cases/notify/")
    page.get_by_role("link", name="Continue a report you have started").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your drafts"
    accessible(page)
    page.get_by_role("link", name="Continue").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "You have added 2 children"
    assert CHILD_A in page.content()
    assert CHILD_B in page.content()
    page.get_by_label("No").check()
    save_and_continue(page)

    # Household: the mother.
    answer(page, "Yes")
    page.get_by_label("Full name").fill("Marigold Quillfeatherby")
    answer(page, "Mother")
    page.get_by_label("No").check()
    save_and_continue(page)

    answer(page, "No")  # lives in another area
    answer(page, "Northvale Integrated Care Board (demo)")
    answer(page, "A police investigation")
    answer(page, "Outline of the case", "Known to health visiting.")
    answer(page, "No")  # no media interest

    # A supporting document.
    report = tmp_path / "initial-report.txt"
    report.write_text("Initial police report.")
    page.get_by_label("What is the document?").fill("Initial police report")
    page.get_by_label("Upload a file").set_input_files(str(report))
    page.get_by_role("button", name="Upload file").click()
    assert "initial-report.txt" in page.content()
    accessible(page)
    save_and_continue(page)

    # Check your answers, change a child, and send.
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending your notification"
    accessible(page)
    page.get_by_role("link", name=f"Change other names ({CHILD_A})").click()
    page.get_by_label("Other names the child is known by (optional)").fill("June")
    save_and_continue(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending your notification"
    assert "June" in page.content()
    page.get_by_role("button", name="Send notification").click()

    panel = page.locator(".govuk-panel")
    assert "Notification sent" in panel.inner_text()
    reference = panel.locator("strong").inner_text()
    accessible(page)
    case = Case.objects.get(reference=reference)
    children = list(case.children.order_by("position"))
    assert [child.pseudonym for child in children] == ["Child A", "Child B"]
    assert [child.unseal("name") for child in children] == [CHILD_A, CHILD_B]
    assert children[0].unseal("other_names") == "June"
    assert case.documents.count() == 1
    context.close()
