"""The report's drafts in a real browser (procedure §7.1): the reviewer uploads two drafts, the business unit asks the
organisation involved to check the first for factual accuracy, its contributor answers from their inbox, and the
reviewer reads the comments collated on the draft. Every page on the way is checked with axe.

The demo reviewer's case, NVALE-2026-007 (a discretionary local review naming the Integrated Care Board as involved),
has its review in progress since 16 December 2026 (tests.local_reviews.support_drafts).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cspr.cases.models import Case
from tests.browser.support import accessible, fill_date, main_text, sign_in_with_both_factors
from tests.cases.upload_samples import word_document
from tests.demo_copy import demo_loaded
from tests.local_reviews.support_drafts import CONTRIBUTOR, PDF, REVIEWER, in_progress
from tests.rapid_reviews.support import BU
from tests.reviewers.support import ICB

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 17, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # a Thursday
COMMENTS = "Paragraph 4: the school nurse's visit was on 9 June, not 19 June."


def url(live_server: Any, name: str, case: Case, **kwargs: Any) -> str:
    return live_server.url + reverse(f"local_reviews:{name}", kwargs={"reference": case.reference, **kwargs})


def signed_in(browser: Any, live_server: Any, email: str) -> Any:
    """A page of its own browser context (cookies apart), signed in as ``email``."""
    context = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_both_factors(page, live_server.url, email)
    return page


def upload(page: Any, live_server: Any, case: Case, file: Path, number: int) -> None:
    page.goto(url(live_server, "drafts", case))
    accessible(page)
    page.get_by_role("link", name="Upload a draft").click()
    page.get_by_role("button", name="Upload the draft").click()  # nothing chosen: refused on the field
    assert page.locator(".govuk-error-summary").is_visible()
    accessible(page)
    page.get_by_label("The draft report").set_input_files(str(file))
    page.get_by_role("button", name="Upload the draft").click()
    assert f"Draft {number} is uploaded" in main_text(page)
    assert f"Draft {number} of the review's report" in main_text(page)
    accessible(page)


def test_the_reviewer_uploads_two_drafts_an_organisation_comments_and_the_reviewer_reads_the_comments(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    demo_loaded()
    case = in_progress()
    first, second = tmp_path / "Draft report v1.pdf", tmp_path / "Draft report v2.docx"
    first.write_bytes(PDF)
    second.write_bytes(word_document())
    with time_machine.travel(NOW, tick=True):
        reviewer = signed_in(browser, live_server, REVIEWER)
        upload(reviewer, live_server, case, first, 1)

        unit = signed_in(browser, live_server, BU)
        unit.goto(url(live_server, "draft", case, number=1))
        unit.get_by_role("link", name="Ask organisations for comments on this draft").click()
        accessible(unit)
        unit.get_by_role("button", name="Ask for comments").click()  # nobody chosen, no date: refused, kept
        assert "Select at least one organisation to ask" in main_text(unit)
        accessible(unit)
        unit.get_by_label(ICB).check()
        fill_date(unit, "due_on", 8, 1, 2027)
        unit.get_by_role("button", name="Ask for comments").click()
        assert "Comments are asked of 1 organisation" in main_text(unit)
        assert "Waiting" in main_text(unit)
        accessible(unit)

        health = signed_in(browser, live_server, CONTRIBUTOR)
        health.goto(f"{live_server.url}/inbox/")
        accessible(health)
        health.get_by_role("link", name=re.compile(rf"^{case.reference}\s*: comments on draft 1")).click()
        assert "check draft 1 of the local review's report" in main_text(health)
        accessible(health)
        health.get_by_role("button", name="Send the comments").click()  # empty: refused
        assert "Enter your organisation's comments on the draft" in main_text(health)
        health.get_by_label("Your organisation's comments on the draft").fill(COMMENTS)
        health.get_by_role("button", name="Send the comments").click()
        assert "Your organisation's comments are sent" in main_text(health)
        assert COMMENTS in main_text(health)
        accessible(health)

        upload(reviewer, live_server, case, second, 2)
        reviewer.goto(url(live_server, "draft", case, number=1))
        shown = main_text(reviewer)
        assert "Comments sent" in shown
        assert COMMENTS in shown
        accessible(reviewer)
        reviewer.goto(url(live_server, "drafts", case))
        assert "Draft 2" in main_text(reviewer)
        assert Case.objects.get(pk=case.pk).stage == "draft_report"
    for each in (reviewer, unit, health):
        each.context.close()
