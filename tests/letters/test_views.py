"""The letters' pages through the test client, as the demo roles: the letterhead, a case's letters, the download
and the record that a letter went, and the case page's section and history."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.demo.common import EXECUTIVE, NOTIFIER
from cspr.demo.letters import demo_logo_png
from cspr.letters import services
from cspr.letters.models import Letterhead, LetterSent
from tests.letters.support import CLOSED, NOT_NOTIFIABLE, docx_pictures, docx_text, to_local_review
from tests.rapid_reviews.support import BU, CHAIR, REFERENCE, SECRET_TEXT, acting_as
from tests.support import ClientAs, assert_word_file_is_the_services

pytestmark = pytest.mark.django_db

ADMIN = "admin@example.org"
SOUTHMOOR_BU = "southmoor.business.unit@example.org"
CHILD_ONE = "Bramble Fictionsworth"


def letters(reference: str) -> str:
    return reverse("letters:case", kwargs={"reference": reference})


def download(reference: str, letter: str) -> str:
    return reverse("letters:download", kwargs={"reference": reference, "letter": letter})


def sent(reference: str, letter: str) -> str:
    return reverse("letters:sent", kwargs={"reference": reference, "letter": letter})


# -- the letterhead -------------------------------------------------------------------------------------------------


def test_the_admin_sees_the_letterhead_with_its_logo_and_changes_the_address(client_as: ClientAs) -> None:
    client = client_as(ADMIN)
    page = client.get(reverse("letters:letterhead")).content.decode()
    assert 'src="data:image/png;base64,' in page
    assert "Imaginary House" in page
    response = client.post(
        reverse("letters:letterhead"), {"address": "New House\nNorthvale NV0 0XX", "sign_off": "Ada Quarrie, Manager"}
    )
    assert response.status_code == 302
    assert Letterhead.objects.get(partnership__code="NVALE").address == "New House\nNorthvale NV0 0XX"


def test_a_refused_letterhead_keeps_what_was_typed(client_as: ClientAs) -> None:
    response = client_as(ADMIN).post(reverse("letters:letterhead"), {"address": "", "sign_off": "Typed sign-off"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Enter the partnership's address" in page
    assert "Typed sign-off" in page


def test_the_admin_uploads_a_logo_and_a_picture_of_another_kind_is_refused(client_as: ClientAs) -> None:
    client = client_as(ADMIN)
    url = reverse("letters:letterhead-logo")
    refused = client.post(url, {"file": SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00;")})
    assert refused.status_code == 400
    assert "The logo must be a PNG or JPEG image." in html.unescape(refused.content.decode())
    before = Letterhead.objects.get(partnership__code="NVALE").logo_id
    assert client.post(url, {"file": SimpleUploadedFile("logo.png", demo_logo_png(24))}).status_code == 302
    assert Letterhead.objects.get(partnership__code="NVALE").logo_id != before


@pytest.mark.parametrize("email", [BU, CHAIR])
def test_no_one_else_opens_the_letterhead(client_as: ClientAs, email: str) -> None:
    assert client_as(email).get(reverse("letters:letterhead")).status_code == 403


# -- a case's letters -----------------------------------------------------------------------------------------------


def test_the_business_unit_sees_what_is_due_and_what_went(client_as: ClientAs) -> None:
    page = html.unescape(client_as(BU).get(letters(CLOSED)).content.decode())
    assert "To the family: the incident is not notifiable" in page
    assert "To the family: the case is closed" in page
    assert "29 October 2026 (Post)" in page
    assert "Letters recorded as sent" in page
    assert "Bea Unwin" in page
    assert download(CLOSED, "closure-family") in page
    assert CHILD_ONE not in page


def test_a_chair_reads_the_list_without_downloading_or_recording(client_as: ClientAs) -> None:
    page = client_as(CHAIR).get(letters(CLOSED)).content.decode()
    assert "To the family: the case is closed" in page
    assert download(CLOSED, "closure-family") not in page
    assert client_as(CHAIR).get(download(CLOSED, "closure-family")).status_code == 403


@pytest.mark.parametrize("email", [NOTIFIER, SOUTHMOOR_BU])
def test_others_do_not_reach_a_case_s_letters(client_as: ClientAs, email: str) -> None:
    assert client_as(email).get(letters(CLOSED)).status_code in (403, 404)


def test_a_letter_not_due_on_the_case_is_not_found(client_as: ClientAs) -> None:
    client = client_as(BU)
    assert client.get(download(NOT_NOTIFIABLE, "local-review-panel")).status_code == 404
    assert client.get(sent(NOT_NOTIFIABLE, "closure-family")).status_code == 404
    assert client.get(download(NOT_NOTIFIABLE, "no-such-letter")).status_code == 404


def test_a_letter_naming_the_family_asks_why_then_downloads_with_the_name(client_as: ClientAs) -> None:
    client = client_as(BU)
    url = download(NOT_NOTIFIABLE, "not-notifiable-family")
    asked = client.get(url)
    assert asked.status_code == 200
    assert "Why do you need the letter that names the family?" in html.unescape(asked.content.decode())
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"purpose": "write_to_family"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="NVALE-2026-001-not-notifiable-family.docx"'
    assert response["Cache-Control"] == "no-store"
    words = docx_text(response.content)
    assert CHILD_ONE in words
    assert_word_file_is_the_services(
        response.content, author=Case.objects.get(reference=NOT_NOTIFIABLE).partnership.name
    )
    assert docx_pictures(response.content) in (0, 1)  # the demo's logo, when this run's storage holds its blob


def test_a_letter_to_the_panel_downloads_at_once_naming_no_one(client_as: ClientAs) -> None:
    to_local_review()
    response = client_as(BU).get(download(REFERENCE, "local-review-panel"))
    assert response.status_code == 200
    words = docx_text(response.content)
    assert "Our reference: NVALE-2026-003" in words
    assert SECRET_TEXT not in words
    assert AuditEvent.objects.filter(verb="letter.prepared", details__letter="local-review-panel").exists()


def test_recording_a_letter_as_sent_shows_on_the_letters_page_and_in_the_case_history(client_as: ClientAs) -> None:
    client = client_as(BU)
    url = sent(NOT_NOTIFIABLE, "not-notifiable-family")
    refused = client.post(url, {"sent_on-day": "8", "sent_on-month": "10", "sent_on-year": "2026", "method": "other"})
    assert refused.status_code == 400
    assert "Say how the letter was sent." in html.unescape(refused.content.decode())
    response = client.post(
        url, {"sent_on-day": "8", "sent_on-month": "10", "sent_on-year": "2026", "method": "secure_email"}
    )
    assert response.status_code == 302
    assert response["Location"] == letters(NOT_NOTIFIABLE)
    row = LetterSent.objects.get(case__reference=NOT_NOTIFIABLE)
    assert row.sent_on == date(2026, 10, 8)
    assert row.recorded_by.email == BU
    page = html.unescape(client.get(letters(NOT_NOTIFIABLE)).content.decode())
    assert "8 October 2026 (The partnership's secure e-mail)" in page
    history = html.unescape(client.get(reverse("cases:history", kwargs={"reference": NOT_NOTIFIABLE})).content.decode())
    assert "Letter recorded as sent" in history
    assert "To the family: the incident is not notifiable: sent on 8 October 2026" in history


# -- the case page --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "shown"), [(BU, True), (EXECUTIVE, True), (NOTIFIER, False)])
def test_the_case_page_links_to_the_letters_for_those_who_may_read_them(
    client_as: ClientAs, email: str, shown: bool
) -> None:
    page = client_as(email).get(reverse("cases:detail", kwargs={"reference": CLOSED})).content.decode()
    assert (letters(CLOSED) in page) is shown
    if shown:
        assert "1 letter recorded as sent." in page


def test_a_case_with_no_decision_yet_has_no_letters_section(client_as: ClientAs) -> None:
    page = client_as(BU).get(reverse("cases:detail", kwargs={"reference": REFERENCE})).content.decode()
    assert letters(REFERENCE) not in page


def test_the_letters_page_reads_as_many_queries_however_many_letters_went(client_as: ClientAs) -> None:
    case = Case.objects.get(reference=CLOSED)
    client = client_as(BU)
    client.get(letters(CLOSED))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(letters(CLOSED)).status_code == 200
        return len(captured)

    before = count()
    for day in (27, 28, 29):
        services.letter_sent_record(
            acting=acting_as(BU), case=case, letter="not-notifiable-family", sent_on=date(2026, 10, day), method="post"
        )
    assert count() == before


HOW_TO_SEND = (
    "Send a letter by post, by hand, or through the partnership's secure e-mail. Never send it by ordinary e-mail."
)


def test_every_letters_page_gives_the_same_guidance_on_how_a_letter_goes(client_as: ClientAs) -> None:
    client = client_as(BU)
    pages = [
        letters(NOT_NOTIFIABLE),
        download(NOT_NOTIFIABLE, "not-notifiable-family"),
        sent(NOT_NOTIFIABLE, "not-notifiable-family"),
    ]
    for page in pages:
        shown = html.unescape(client.get(page).content.decode())
        assert HOW_TO_SEND in shown, page
        assert "e-mail attachment" not in shown, page
    # The record of sending offers no way the guidance rules out.
    assert "The partnership's secure e-mail" in html.unescape(client.get(pages[2]).content.decode())
