"""The local review in a real browser (procedure §6.1-6.7, §9.4), as the business unit starts and supervises it.

The demo's NVALE-2026-003 is taken through its rapid review to the Panel's agreement to a local review (decided on
2 December 2026, when the Executive ratified it), a police investigation is on its register beside the criminal trial,
and its reviewer is commissioned. The business unit starts the review from the case page, writes the terms of
reference (refused first for a process it did not say how it handles, the words kept), agrees them, which starts the
review, and marks a milestone done. Every page on the way is checked with axe.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cspr.cases.models import Case, ParallelProcess
from tests.browser.support import accessible, fill_date, main_text, sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.local_reviews.support import commissioned, police_investigation, to_local_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 18, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # a Friday


def test_the_business_unit_starts_a_local_review_agrees_its_terms_with_the_police_investigating_and_marks_a_milestone(
    live_server: Any, page: Any
) -> None:
    demo_loaded()
    case = commissioned(to_local_review())
    if not ParallelProcess.objects.filter(case=case, kind="criminal_investigation").exists():
        police_investigation(case)
    with time_machine.travel(NOW, tick=True):
        sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")
        page.goto(f"{live_server.url}/cases/{case.reference}/")
        assert "It has not started yet." in main_text(page)
        accessible(page)

        page.get_by_role("link", name="Start the local review").click()
        assert "the Executive Group's ratification of the rapid review" in main_text(page)
        accessible(page)
        fill_date(page, "started_on", 14)
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Start the local review").click()
        shown = main_text(page)
        assert "The local review has started" in shown
        assert "No: this partnership alone" in shown
        accessible(page)

        page.get_by_role("link", name="Write the terms of reference").click()
        accessible(page)
        fill_date(page, "period_from", 1, 1, 2025)
        fill_date(page, "period_to", 1, 11, 2026)
        page.get_by_label("Key lines of enquiry").fill("How agencies shared what they saw of the children's weight")
        page.get_by_label("How will practitioners be involved?").fill("A learning event for every practitioner.")
        page.get_by_label("How will the family be involved?").fill("The reviewer meets the parents with an advocate.")
        page.get_by_label("Why is the review proportionate to the case?").fill("Two years, since the family moved.")
        page.get_by_label("How does the review handle the criminal trial?").fill(
            "No witness is interviewed before the trial ends."
        )
        page.get_by_role("button", name="Save a new version").click()  # the police investigation not handled
        assert page.locator(".govuk-error-summary").is_visible()
        assert "Say how the review handles the criminal investigation" in main_text(page)
        assert page.get_by_label("How will the family be involved?").input_value() == (
            "The reviewer meets the parents with an advocate."
        )
        accessible(page)
        page.get_by_label("How does the review handle the criminal investigation?").fill(
            "Early discussion with the police and the CPS; the reviewer liaises with the senior investigating officer."
        )
        page.get_by_role("button", name="Save a new version").click()
        assert "A new version of the terms of reference is saved" in main_text(page)
        accessible(page)

        page.get_by_role("link", name="Record the agreement of version 1").click()
        accessible(page)
        fill_date(page, "agreed_on", 17)
        page.get_by_role("button", name="Record the agreement").click()
        assert "Version 1 of the terms of reference is agreed" in main_text(page)
        assert Case.objects.get(pk=case.pk).stage == "review_in_progress"

        page.get_by_role("link", name=re.compile(r"^Mark done\W+practitioner event$")).click()
        accessible(page)
        fill_date(page, "done_on", 18)
        page.get_by_role("button", name="Mark it done").click()
        assert "The milestone is marked done" in main_text(page)
        accessible(page)

        page.goto(f"{live_server.url}/cases/{case.reference}/")
        overview = main_text(page)
        assert "Local review: practitioner event" in overview
        assert "version 1, agreed on 17 December 2026" in overview
        accessible(page)
