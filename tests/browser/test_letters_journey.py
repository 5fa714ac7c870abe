"""Letters in a real browser: the partnership admin sets the letterhead and its logo; the business unit opens the
case's letters from the case page, downloads the letter to the family (asked why first) and records it as sent.
Every page is checked with axe (WCAG 2.2 A and AA)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from cspr.demo.letters import demo_logo_png
from cspr.letters.models import Letterhead, LetterSent
from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "admin@example.org"
BUSINESS_UNIT = "business.unit@example.org"
REFERENCE = "NVALE-2026-001"  # not notifiable: the letter to the family is due
CHILD = "Bramble Fictionsworth"


def test_the_letterhead_is_set_and_a_letter_downloaded_and_recorded_as_sent(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    demo_loaded()
    sign_in_with_both_factors(page, live_server.url, ADMIN)
    page.get_by_role("link", name="Letterhead").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Letterhead"
    assert page.get_by_role("img", name="The partnership's logo, as it heads each letter").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("The partnership's address").fill("")
    page.get_by_role("button", name="Save the letterhead").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("The partnership's address").fill("Imaginary House\n3 Example Row\nNorthvale NV0 0ZZ")
    page.get_by_role("button", name="Save the letterhead").click()
    assert "The letterhead is saved" in page.locator("#main-content").inner_text()

    page.get_by_role("link", name="Change the logo").click()
    assert axe_violations(page) == []
    logo = tmp_path / "new-logo.png"
    logo.write_bytes(demo_logo_png(40))
    page.get_by_label("Upload the logo").set_input_files(str(logo))
    page.get_by_role("button", name="Save the logo").click()
    assert "The logo is saved" in page.locator("#main-content").inner_text()
    assert Letterhead.objects.get(partnership__code="NVALE").address.startswith("Imaginary House\n3 Example Row")
    page.locator("header").get_by_role("button", name="Sign out").click()

    sign_in_with_both_factors(page, live_server.url, BUSINESS_UNIT)
    page.goto(f"{live_server.url}/cases/{REFERENCE}/")
    page.get_by_role("link", name="Letters for this case").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Letters"
    assert "Not sent yet" in page.locator("#main-content").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Download the letter: To the family: the incident is not notifiable").click()
    assert axe_violations(page) == []
    page.get_by_label("Writing to the family about a decision on the case").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the letter").click()
    document = Document(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    words = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert CHILD in words
    assert "3 Example Row" in words
    assert len(document.inline_shapes) == 1

    page.goto(f"{live_server.url}/cases/{REFERENCE}/letters/")
    # The hidden words name the letter for a screen reader (Chromium puts a space before them).
    page.get_by_role(
        "link", name=re.compile(r"^Record as sent ?: To the family: the incident is not notifiable$")
    ).click()
    assert axe_violations(page) == []
    page.get_by_label("Day").fill("8")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Post").check()
    page.get_by_role("button", name="Record as sent").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Letters"
    assert "8 October 2026 (Post)" in page.locator("#main-content").inner_text()
    assert axe_violations(page) == []
    assert LetterSent.objects.get(case__reference=REFERENCE).recorded_by.email == BUSINESS_UNIT
