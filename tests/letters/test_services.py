"""Letters' services: the letterhead, a letter prepared for download, and the record that it was sent. Each is
allowed or refused by role, audited, and atomic; the Word document's words are checked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.demo.letters import demo_logo_png
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import FileRejected
from cspr.kernel.errors import CaseActionRefused
from cspr.letters import services, wordfile
from cspr.letters.models import Letterhead, LetterSent
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership
from tests.letters.support import CLOSED, NOT_NOTIFIABLE, PANEL_REFERENCE, docx_pictures, docx_text, to_local_review
from tests.rapid_reviews.support import BU, CHAIR, SECRET_TEXT, acting_as
from tests.reviewers.support import commissioned
from tests.reviewers.support import to_local_review as discretionary_review
from tests.support import WriteFailed, fails_after_call, leaves_nothing_written, private_storage

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
ADMIN = "admin@example.org"
AUDITOR = "auditor@example.org"
NOW = datetime(2026, 12, 14, 10, tzinfo=LONDON)
ADDRESS = "Invented Buildings\n2 Sample Street\nNorthvale NV0 0YY"
CHILD_ONE = "Bramble Fictionsworth"  # the not-notifiable demo case's child
MOTHER = "Saffron Fictionsworth"


@pytest.fixture
def northvale(demo: dict[str, Partnership]) -> Partnership:
    return demo["northvale"]


@pytest.fixture
def store(settings: object, tmp_path: object) -> object:
    return private_storage(settings, tmp_path)


def logo(name: str = "logo.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_logo_png(16) if content is None else content, content_type="image/png")


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# -- the letterhead -------------------------------------------------------------------------------------------------


def test_the_partnership_admin_sets_the_address_and_sign_off_audited_without_the_words(northvale: Partnership) -> None:
    letterhead = services.letterhead_set(
        acting=acting_as(ADMIN), partnership=northvale, address=f"  {ADDRESS}\n\n", sign_off="Ada Quarrie, Manager"
    )
    assert letterhead.address_lines == ["Invented Buildings", "2 Sample Street", "Northvale NV0 0YY"]
    event = events("letterhead.set")[-1]
    assert event.details == {"address_lines": 3}
    assert event.membership is not None


@pytest.mark.parametrize("email", [BU, CHAIR, AUDITOR])
def test_no_one_but_the_partnership_admin_sets_the_letterhead(northvale: Partnership, email: str) -> None:
    before = Letterhead.objects.get(partnership=northvale).address
    with pytest.raises(CaseActionRefused, match="Only the partnership admin"):
        services.letterhead_set(acting=acting_as(email), partnership=northvale, address=ADDRESS, sign_off="Someone")
    with pytest.raises(CaseActionRefused):
        services.letterhead_logo_set(acting=acting_as(email), partnership=northvale, upload=logo())
    assert Letterhead.objects.get(partnership=northvale).address == before


def test_an_empty_or_overlong_address_is_refused_on_its_field(northvale: Partnership) -> None:
    admin = acting_as(ADMIN)
    with pytest.raises(CaseActionRefused) as empty:
        services.letterhead_set(acting=admin, partnership=northvale, address=" \n ", sign_off="Ada")
    assert empty.value.field == "address"
    with pytest.raises(CaseActionRefused, match="8 lines or fewer"):
        services.letterhead_set(acting=admin, partnership=northvale, address="\n".join("x" * 9), sign_off="Ada")
    with pytest.raises(CaseActionRefused) as unsigned:
        services.letterhead_set(acting=admin, partnership=northvale, address=ADDRESS, sign_off="")
    assert unsigned.value.field == "sign_off"


def test_a_new_logo_is_kept_by_the_store_and_the_old_one_removed(northvale: Partnership, store: object) -> None:
    admin = acting_as(ADMIN)
    first = services.letterhead_logo_set(acting=admin, partnership=northvale, upload=logo()).logo
    assert first is not None
    assert first.purpose == Purpose.LETTERHEAD_LOGO
    assert first.content_type == "image/png"
    second = services.letterhead_logo_set(acting=admin, partnership=northvale, upload=logo("logo.jpg", JPEG)).logo
    assert second is not None
    assert second.content_type == "image/jpeg"
    assert not StoredFile.objects.filter(pk=first.pk).exists()
    assert events("letterhead.logo_set")[-1].details["sha256"] == second.sha256
    assert events("stored_file.removed")[-1].details["file"] == str(first.uuid)


# A one-pixel JPEG, made for this test.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d"
    "1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501"
    "010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d0102030004110512213141"
    "0613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a5354"
    "55565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8"
    "b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.pdf", b"%PDF-1.4\n%%EOF\n"), ("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ("logo.png", b"%PDF")],
)
def test_a_logo_must_be_a_png_or_jpeg_by_name_and_by_content(
    northvale: Partnership, store: object, name: str, content: bytes
) -> None:
    with pytest.raises(FileRejected, match="PNG or JPEG"):
        services.letterhead_logo_set(acting=acting_as(ADMIN), partnership=northvale, upload=logo(name, content))


def test_a_logo_that_says_png_but_cannot_be_read_is_refused_so_no_letter_fails_for_it(
    northvale: Partnership, store: object
) -> None:
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 13 + b"junk"
    with pytest.raises(FileRejected, match="cannot be read as a picture"):
        services.letterhead_logo_set(acting=acting_as(ADMIN), partnership=northvale, upload=logo("logo.png", broken))
    assert not StoredFile.objects.filter(purpose=Purpose.LETTERHEAD_LOGO, partnership=northvale).exclude(
        pk__in=Letterhead.objects.exclude(logo=None).values("logo")
    )


def test_a_logo_too_big_is_refused_before_the_store_reads_it(northvale: Partnership, store: object) -> None:
    big = logo(content=demo_logo_png(16) + b"\0" * services.LOGO_MAX_BYTES)
    with pytest.raises(FileRejected, match="smaller than 512 KB"):
        services.letterhead_logo_set(acting=acting_as(ADMIN), partnership=northvale, upload=big)


def test_setting_the_logo_is_atomic(northvale: Partnership, store: object) -> None:
    failing = mock.patch(
        "cspr.letters.services.stored_file_remove", side_effect=fails_after_call(services.stored_file_remove)
    )
    with leaves_nothing_written(failing):
        services.letterhead_logo_set(acting=acting_as(ADMIN), partnership=northvale, upload=logo())


# -- a letter for download ------------------------------------------------------------------------------------------


def test_a_letter_to_the_panel_names_no_one_and_carries_both_references_and_the_logo() -> None:
    case = to_local_review()
    prepared = services.letter_prepare(acting=acting_as(BU), case=case, letter="local-review-panel", at=NOW)
    content = wordfile.render_docx(prepared)
    words = docx_text(content)
    assert "Our reference: NVALE-2026-003" in words
    assert f"Your reference: {PANEL_REFERENCE}" in words
    assert "Child Safeguarding Practice Review Panel (demo contact)" in words
    assert "Child A and Child B" in words
    assert "10 December 2026" in words  # the day the Panel's answer was recorded
    assert "14 December 2026" in words  # the letter's date
    assert "Imaginary House" in words
    assert "Bea Unwin, Partnership Business Manager" in words
    assert words.count("OFFICIAL-SENSITIVE") >= 2
    assert SECRET_TEXT not in words
    assert docx_pictures(content) == 1
    event = events("letter.prepared")[-1]
    assert event.details == {
        "reference": "NVALE-2026-003",
        "letter": "local-review-panel",
        "recipient": "panel",
        "identifying": False,
    }
    assert not events("case.identifying_details_viewed")


def test_a_letter_to_the_family_names_the_child_and_is_a_view_of_identifying_details_with_its_purpose() -> None:
    case = Case.objects.get(reference=NOT_NOTIFIABLE)
    with pytest.raises(CaseActionRefused, match="Select why"):
        services.letter_prepare(acting=acting_as(BU), case=case, letter="not-notifiable-family")
    assert not events("letter.prepared")
    prepared = services.letter_prepare(
        acting=acting_as(BU), case=case, letter="not-notifiable-family", purpose="write_to_family"
    )
    words = docx_text(wordfile.render_docx(prepared))
    assert CHILD_ONE in words
    assert f"Dear {MOTHER}," in words
    assert "1 Nowhere Lane" in words
    viewed = events("case.identifying_details_viewed")[-1]
    assert viewed.details["purpose"] == "write_to_family"
    assert events("letter.prepared")[-1].details["identifying"] is True
    for event in (*events("letter.prepared"), viewed):
        assert CHILD_ONE not in str(event.details)


def test_a_letter_without_a_letterhead_still_has_the_partnership_and_no_picture(northvale: Partnership) -> None:
    Letterhead.objects.filter(partnership=northvale).delete()
    case = to_local_review()
    content = wordfile.render_docx(services.letter_prepare(acting=acting_as(BU), case=case, letter="local-review-dfe"))
    assert docx_pictures(content) == 0
    assert "Northvale Safeguarding Children Partnership (demo)" in docx_text(content)


def test_a_logo_the_store_cannot_open_leaves_the_letter_without_it_and_the_refusal_on_the_trail(
    store: object,
) -> None:
    case = to_local_review()  # the demo's logo blob is not in this test's storage
    content = wordfile.render_docx(services.letter_prepare(acting=acting_as(BU), case=case, letter="local-review-dfe"))
    assert docx_pictures(content) == 0
    assert events("stored_file.open_refused")[-1].details["problem"] == "missing"


@pytest.mark.parametrize("email", [CHAIR, AUDITOR, "notifier@example.org"])
def test_only_the_business_unit_prepares_a_letter(email: str) -> None:
    case = Case.objects.get(reference=NOT_NOTIFIABLE)
    with pytest.raises(CaseActionRefused):
        services.letter_prepare(acting=acting_as(email), case=case, letter="not-notifiable-family", purpose="other")


def test_a_letter_whose_decision_has_not_been_made_is_refused() -> None:
    case = Case.objects.get(reference=NOT_NOTIFIABLE)
    for letter in ("local-review-panel", "closure-family", "no-such-letter"):
        with pytest.raises(CaseActionRefused, match="not due"):
            services.letter_prepare(acting=acting_as(BU), case=case, letter=letter, purpose="write_to_family")


# -- recording it as sent -------------------------------------------------------------------------------------------


def record(case: Case, **changes: Any) -> LetterSent:
    answers: dict[str, Any] = {"letter": "local-review-ofsted", "sent_on": date(2026, 12, 11), "method": "post"}
    return services.letter_sent_record(acting=acting_as(BU), case=case, at=NOW, **{**answers, **changes})


def test_recording_a_letter_as_sent_keeps_who_when_and_how_and_audits_it_without_the_words() -> None:
    case = to_local_review()
    row = record(case, method="other", method_other="Handed to the inspector at the meeting")
    assert row.recorded_by.email == BU
    assert row.names_family is False
    assert row.recipient == "ofsted"
    assert row.unseal("method_other") == "Handed to the inspector at the meeting"
    event = events("letter.sent")[-1]
    assert event.object_type == "cases.case"
    assert event.details == {
        "reference": "NVALE-2026-003",
        "letter": "local-review-ofsted",
        "recipient": "ofsted",
        "sent_on": "2026-12-11",
        "method": "other",
    }
    assert event.membership is not None


def test_a_letter_is_not_sent_in_the_future_nor_before_its_decision() -> None:
    case = to_local_review()
    with pytest.raises(CaseActionRefused, match="today or in the past"):
        record(case, sent_on=date(2026, 12, 15))
    with pytest.raises(CaseActionRefused, match="10 December 2026"):
        record(case, sent_on=date(2026, 12, 9))
    with pytest.raises(CaseActionRefused, match="Choose how"):
        record(case, method="pigeon")
    with pytest.raises(CaseActionRefused, match="Say how"):
        record(case, method="other")
    for letter in ("no-such-letter", "closure-family"):  # the code is checked against the letters due on the case
        with pytest.raises(CaseActionRefused, match="not due"):
            record(case, letter=letter)
    assert not LetterSent.objects.filter(case=case).exists()


@pytest.mark.parametrize("email", [CHAIR, AUDITOR, ADMIN])
def test_only_the_business_unit_records_a_letter_as_sent(email: str) -> None:
    case = Case.objects.get(reference=NOT_NOTIFIABLE)
    with pytest.raises(CaseActionRefused):
        services.letter_sent_record(
            acting=acting_as(email), case=case, letter="not-notifiable-family", sent_on=date(2026, 10, 8), method="post"
        )


def test_recording_a_letter_as_sent_is_atomic() -> None:
    case = to_local_review()
    failing = mock.patch("cspr.letters.services.audit_case", side_effect=WriteFailed("audit failed"))
    with leaves_nothing_written(failing):
        record(case)


def test_a_record_of_sending_cannot_be_changed() -> None:
    row = LetterSent.objects.get(case__reference=CLOSED)
    with pytest.raises(Exception, match="cannot be changed"):
        row.save()


def test_nothing_about_a_letter_is_e_mailed() -> None:
    case = to_local_review()
    before = OutboundMessage.objects.count()
    services.letter_prepare(acting=acting_as(BU), case=case, letter="local-review-family", purpose="write_to_family")
    record(case, letter="local-review-family")
    assert OutboundMessage.objects.count() == before


def test_once_the_reviewer_is_commissioned_the_national_bodies_letters_name_them_and_not_before() -> None:
    case = discretionary_review()
    with pytest.raises(CaseActionRefused):
        services.letter_prepare(acting=acting_as(BU), case=case, letter="reviewer-commissioned-panel", at=NOW)
    case = commissioned(case)
    for code in ("reviewer-commissioned-panel", "reviewer-commissioned-ofsted", "reviewer-commissioned-dfe"):
        prepared = services.letter_prepare(acting=acting_as(BU), case=case, letter=code, at=NOW)
        text = docx_text(wordfile.render_docx(prepared))
        assert "commissioned Rowan Achterberg as the independent reviewer" in text, code
        assert "7 December 2026" in text  # the day the case reached the commissioning
        assert not prepared.identifying
