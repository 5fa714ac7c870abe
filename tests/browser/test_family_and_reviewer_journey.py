"""The family and the reviewer in a real browser (procedure §6.6-6.7).

The demo's NVALE-2026-007 is at a discretionary local review with the demo reviewer commissioned through the register
and the review started. The business unit logs that the father was invited (refused first without saying how, the
note kept), gives him the family explainer, and writes to the reviewer; the reviewer signs in, finds the message from
the case page, and replies. Every page on the way is checked with axe.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from cspr.local_reviews.models import FamilyEntry, ReviewerMessage
from tests.browser.support import accessible, fill_date, main_text, sign_in_with_both_factors
from tests.demo_copy import demo_loaded
from tests.local_reviews.support_people import NOW, REVIEWER, finished_family_explainer, reviewed_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVITATION = "Letter sent with a stamped envelope; his support worker will read it with him."


def test_the_business_unit_logs_a_family_contact_gives_the_explainer_and_the_reviewer_answers_in_writing(
    live_server: Any, page: Any
) -> None:
    demo_loaded()
    case = reviewed_case()
    finished_family_explainer(case)  # its gaps filled in: the service's own wording cannot be given out
    with time_machine.travel(NOW, tick=True):
        sign_in_with_both_factors(page, live_server.url, "business.unit@example.org")
        page.goto(f"{live_server.url}/cases/{case.reference}/")
        accessible(page)
        page.get_by_role("link", name="Family involvement log").click()
        assert "Household member 1 (father)" in main_text(page)
        accessible(page)

        page.get_by_role("link", name="Add an entry").click()
        accessible(page)
        page.get_by_label("Who is it about?").select_option(label="Household member 1 (father)")
        page.get_by_label("Invited to take part").check()
        fill_date(page, "happened_on", 11)
        page.get_by_label("What happened").fill(INVITATION)
        page.get_by_role("button", name="Add the entry").click()  # how he was invited is missing
        assert page.locator(".govuk-error-summary").is_visible()
        assert page.get_by_label("What happened").input_value() == INVITATION
        accessible(page)
        page.get_by_label("By letter").check()
        page.get_by_role("button", name="Add the entry").click()
        assert "The entry is added to the family involvement log" in main_text(page)
        accessible(page)

        page.get_by_role("link", name="Add an entry").click()
        page.get_by_label("Who is it about?").select_option(label="Household member 1 (father)")
        page.get_by_label("Given the explainer").check()
        page.get_by_label(re.compile(r"Version 1, saved")).check()
        fill_date(page, "happened_on", 14)
        page.get_by_label("In person").check()
        accessible(page)
        page.get_by_role("button", name="Add the entry").click()
        shown = main_text(page)
        assert "(version 1)" in shown
        assert INVITATION in shown
        accessible(page)
        assert FamilyEntry.objects.filter(review__case=case).count() == 2

        page.goto(f"{live_server.url}/cases/{case.reference}/local-review/messages/")
        accessible(page)
        page.get_by_label("Your message").fill("Please send the notes of your meeting with the GP by Friday.")
        page.get_by_role("button", name="Send the message").click()
        assert "Your message is sent" in main_text(page)
        accessible(page)

        page.context.clear_cookies()
        sign_in_with_both_factors(page, live_server.url, REVIEWER)
        page.goto(f"{live_server.url}/cases/{case.reference}/")
        accessible(page)
        page.get_by_role("link", name="Messages between the business unit and the reviewer").click()
        assert "Please send the notes of your meeting with the GP by Friday." in main_text(page)
        accessible(page)
        page.get_by_label("Your message").fill("The notes are attached to my first draft's request.")
        page.get_by_role("button", name="Send the message").click()
        assert "Your message is sent" in main_text(page)
        accessible(page)
    sides = list(ReviewerMessage.objects.filter(review__case=case).values_list("side", "read_at"))
    assert [side for side, _read in sides] == ["business_unit", "reviewer"]
    assert sides[0][1] is not None
