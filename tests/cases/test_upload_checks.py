"""Every upload in the service goes through the one file store: the files a security reading tried are refused on
every upload page, in words, with no 500, and nothing is left on disk or in the database."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cspr.cases.models import CaseDocument
from cspr.cases.models_drafts import NotificationDraft
from cspr.files.models import StoredFile
from cspr.files.services import CheckedUpload, upload_checked
from cspr.kernel import documents
from cspr.rapid_reviews.models import MeetingPaper
from cspr.returns.models import ChronologyEntry, InformationRequest, ReturnAttachment
from tests.cases.notification_form_support import page_url, start_draft
from tests.cases.support import NOTIFIER
from tests.cases.upload_samples import compound_file, multipart, uploads, word_document, workbook, zip_bomb
from tests.support import ClientAs, private_storage

CASE = "NVALE-2026-003"
BU = "business.unit@example.org"
POLICE = "police.lead@example.org"
BAD = uploads()


@pytest.fixture(autouse=True)
def kept_in_tmp_path(settings: Any, tmp_path: Path) -> None:
    """Every test here keeps files in its own private folder."""
    private_storage(settings, tmp_path)


def _police_request() -> InformationRequest:
    return InformationRequest.objects.get(case__reference=CASE, organisation__name="Vale and Moor Police (demo)")


def _rows() -> int:
    return (
        CaseDocument.objects.count()
        + ReturnAttachment.objects.count()
        + MeetingPaper.objects.count()
        + ChronologyEntry.objects.count()
        + sum(len(draft.answers.get("documents", [])) for draft in NotificationDraft.objects.all())
        + StoredFile.objects.count()
    )


def _page(page: str, client_as: ClientAs) -> tuple[Client, str, dict[str, str]]:
    """The signed-in client, the URL and the other fields of one upload page."""
    if page == "case document":
        return client_as(BU), reverse("cases:document-upload", kwargs={"reference": CASE}), {"title": "Note"}
    if page == "meeting paper":
        return client_as(BU), reverse("rapid_reviews:paper-upload", kwargs={"reference": CASE}), {"title": "Paper"}
    if page == "return attachment":
        url = reverse("returns:attachment-add", kwargs={"request_uuid": _police_request().uuid})
        return client_as(POLICE), url, {"title": "Summary"}
    if page == "chronology import":
        return client_as(POLICE), reverse("returns:import", kwargs={"request_uuid": _police_request().uuid}), {}
    client = client_as(NOTIFIER)
    return client, page_url(start_draft(client), "documents"), {"title": "Report", "action": "upload"}


PAGES = ["case document", "meeting paper", "return attachment", "notification form", "chronology import"]


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("bad", sorted(BAD))
def test_each_bad_upload_is_refused_on_every_upload_page_with_nothing_kept(
    demo: Any, client_as: ClientAs, tmp_path: Path, page: str, bad: str
) -> None:
    client, url, fields = _page(page, client_as)
    before = _rows()
    name, content = BAD[bad]
    if page == "chronology import" and bad == "zip bomb":
        name, content = "chronology.xlsx", zip_bomb("xl/worksheets/sheet1.xml")
    response = client.post(url, {**fields, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "govuk-error-summary" in text
    assert "govuk-error-message" in text
    if page == "chronology import":
        expected = (
            "save the chronology as a CSV file" if bad == "zip bomb" else "must be a CSV file or an Excel spreadsheet"
        )
        assert "save it as a PDF" not in text  # the import takes CSV or XLSX only
    elif bad == "zip bomb":
        expected = "would expand to more than the service can check"
    else:
        expected = "a PDF, a Word document, an Excel spreadsheet, a CSV file, a plain text file"
    assert expected in text
    assert _rows() == before
    assert _files(tmp_path) == []


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("filename", ["../x.pdf", "C:\\x.pdf", "/etc/x.pdf", "..\\..\\x.pdf", "x\x07.pdf", "../"])
def test_a_file_name_with_a_path_or_control_characters_is_refused_not_renamed(
    demo: Any, client_as: ClientAs, tmp_path: Path, page: str, filename: str
) -> None:
    client, url, fields = _page(page, client_as)
    before = _rows()
    content = b"date,event\n2026-01-02,Seen\n" if page == "chronology import" else b"%PDF-1.7\n%a real enough pdf\n"
    body, content_type = multipart(fields, file_field="file", filename=filename, content=content)
    response = client.post(url, data=body, content_type=content_type)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "must not include a folder, a drive or hidden characters" in text
    assert "govuk-error-message" in text
    assert _rows() == before
    assert _files(tmp_path) == []


def test_the_same_pdf_with_a_plain_name_is_kept_so_the_refusal_was_the_name(
    demo: Any, client_as: ClientAs, tmp_path: Path
) -> None:
    client, url, fields = _page("case document", client_as)
    body, content_type = multipart(fields, file_field="file", filename="x.pdf", content=b"%PDF-1.7\n%fine\n")
    assert client.post(url, data=body, content_type=content_type).status_code == 302
    latest = CaseDocument.objects.filter(case__reference=CASE).latest("stored_file__uploaded_at", "id")
    assert latest.stored_file.content_type == "application/pdf"
    assert len(_files(tmp_path)) == 1


# -- the checks the store runs --------------------------------------------------------------------------------------


def _store(name: str, content: bytes) -> CheckedUpload:
    return upload_checked(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", b"%PDF-1.7\n", "application/pdf"),
        ("Report.PDF", b"%PDF-1.4\n", "application/pdf"),
        ("letter.docx", word_document(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", workbook([["a", 1]]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("old letter.doc", compound_file("WordDocument", "1Table"), "application/msword"),
        ("old figures.xls", compound_file("Workbook"), "application/vnd.ms-excel"),
        ("rows.csv", b"date,event\n2026-01-02,Seen\n", "text/csv"),
        ("notes.txt", "Notes £ and é".encode(), "text/plain"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
        ("anim.gif", b"GIF89a" + b"\x00" * 8, "image/gif"),
        ("photo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
def test_every_allowed_kind_is_kept_with_the_content_type_of_what_it_is(
    tmp_path: Path, name: str, content: bytes, content_type: str
) -> None:
    assert _store(name, content).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("run.cmd", b"echo hi"),
        ("run.ps1", b"Write-Host hi"),
        ("app.js", b"alert(1)"),
        ("setup.exe", b"MZ\x90\x00"),
        ("setup.exe", b"%PDF-1.7\n"),  # whatever the content
        ("notes", b"no ending at all"),
        ("report.pdf.exe", b"%PDF-1.7\n"),
        ("page.txt", b"\xef\xbb\xbf  <html><body>hi</body></html>"),
        ("page.txt", b"<script>alert(1)</script>"),
        ("picture.txt", b"<svg/>"),
        ("data.csv", b'<?xml version="1.0"?><svg/>'),
        ("letter.docx", workbook()),  # a workbook called a Word document
        ("figures.xls", compound_file("WordDocument")),
        ("odd.doc", compound_file("Something else")),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg"),
        ("notes.txt", b"text then \x00 a NUL"),
        ("notes.txt", b"\xff\xfe not utf-8"),
        ("empty.txt", b""),
    ],
)
def test_a_file_is_refused_unless_its_name_and_content_agree_on_an_allowed_kind(
    tmp_path: Path, name: str, content: bytes
) -> None:
    with pytest.raises(documents.FileRejected):
        _store(name, content)
    assert _files(tmp_path) == []


def test_office_files_with_macros_are_refused(tmp_path: Path) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_document())) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"macro")
    for name, content in [("letter.docx", buffer.getvalue()), ("letter.doc", compound_file("WordDocument", "Macros"))]:
        with pytest.raises(documents.FileRejected, match="macros"):
            _store(name, content)


def test_a_zip_bomb_is_refused_from_its_directory_without_being_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    bomb = zip_bomb()
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        for number in range(documents.ARCHIVE_MAX_ENTRIES):
            archive.writestr(f"word/media/{number}.bin", b"")

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the archive was expanded")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    assert len(bomb) < 200 * 1024
    with pytest.raises(documents.FileRejected, match="expand") as refused:
        _store("bomb.docx", bomb)
    assert refused.value.reason == "archive"
    with pytest.raises(documents.FileRejected, match="expand"):
        _store("many.docx", many.getvalue())
    assert _files(tmp_path) == []


def test_the_store_refuses_a_path_in_a_name_given_to_it_directly(tmp_path: Path) -> None:
    class Named(io.BytesIO):
        name = "../../etc/x.pdf"
        size = 9

    with pytest.raises(documents.FileRejected, match="folder") as refused:
        upload_checked(Named(b"%PDF-1.7\n"))
    assert refused.value.reason == "name"
    assert _files(tmp_path) == []
