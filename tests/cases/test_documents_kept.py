"""A case document's file outlives the service call only if its row (the record of it) was written; it is kept
encrypted, never in clear; downloads are private."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.accounts.models import User
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services import document_attach
from cspr.core.downloads import content_attachment, file_attachment
from cspr.files.models import StoredFile
from cspr.partnerships.scoping import acting_for
from tests.support import private_storage, stored_blobs


def _attach(content: bytes = b"Plain notes.") -> CaseDocument:
    return document_attach(
        acting=acting_for(User.objects.get(email="business.unit@example.org")),
        case=Case.objects.get(reference="NVALE-2026-005"),
        upload=SimpleUploadedFile("notes.txt", content, content_type="text/plain"),
        title="Notes",
    )


def test_the_file_is_removed_when_the_row_that_records_it_fails(
    demo: dict, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = private_storage(settings, tmp_path)
    seen: list[int] = []

    def record_fails(**kwargs: Any) -> CaseDocument:
        seen.append(len(stored_blobs(root)))
        raise RuntimeError("the record could not be written")

    monkeypatch.setattr(CaseDocument.objects, "create", record_fails)
    with pytest.raises(RuntimeError):
        _attach()
    assert seen == [1]  # the blob was there while the row was being written
    assert stored_blobs(root) == []
    assert not StoredFile.objects.filter(purpose="case_document").exists()


def test_the_file_stays_encrypted_when_the_row_is_written(demo: dict, settings: Any, tmp_path: Path) -> None:
    root = private_storage(settings, tmp_path)
    document = _attach(b"Plain notes about Quillon.")
    (blob,) = stored_blobs(root)
    assert b"Quillon" not in blob.read_bytes()
    assert document.stored_file.storage_name == blob.relative_to(root).as_posix()
    assert document.uuid == document.stored_file.uuid


@pytest.mark.django_db  # closing a response sends request_finished, which tidies database connections
def test_downloads_are_attachments_never_cached_nor_sniffed() -> None:
    for response in (
        file_attachment(content=b"x", filename="f.txt", content_type="text/plain"),
        content_attachment(b"x", filename="NVALE-2026-001-return.docx"),
    ):
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        if hasattr(response, "close"):
            response.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('Report "final".pdf', 'attachment; filename="Report final.pdf"'),
        ("..\\..\\secret.pdf", 'attachment; filename="secret.pdf"'),
        ("line\r\nSet-Cookie: x=1.pdf", 'attachment; filename="lineSet-Cookie: x=1.pdf"'),
        ("Zoë's notes.txt", "attachment; filename*=utf-8''Zo%C3%AB%27s%20notes.txt"),
        ("\x00\x1f", 'attachment; filename="document"'),
    ],
)
def test_a_person_supplied_file_name_cannot_break_out_of_the_header(name: str, header: str) -> None:
    response = file_attachment(content=b"x", filename=name, content_type="text/plain")
    assert response["Content-Disposition"] == header
    response.close()
