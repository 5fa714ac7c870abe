"""A stored upload outlives its block only if the block (the record of it) succeeded; downloads are private."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.core.downloads import content_attachment, file_attachment
from cspr.kernel import documents


def test_the_file_is_removed_when_the_block_that_records_it_fails(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes.txt", b"Plain notes.", content_type="text/plain")
    seen: list[bool] = []

    def record_fails() -> None:
        with documents.kept(upload=upload, folder="case-x", name="doc-1") as stored:
            seen.append(documents.absolute(stored.relative_path).exists())
            raise RuntimeError("the record could not be written")

    with pytest.raises(RuntimeError):
        record_fails()
    assert seen == [True]
    assert not (tmp_path / "cases" / "case-x" / "doc-1").exists()


def test_the_file_stays_when_the_block_succeeds(settings: Any, tmp_path: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes.txt", b"Plain notes.", content_type="text/plain")
    with documents.kept(upload=upload, folder="case-x", name="doc-2") as stored:
        pass
    assert documents.absolute(stored.relative_path).read_bytes() == b"Plain notes."
    assert stored.model_fields()["stored_name"] == stored.relative_path
    assert set(stored.audit_details()) == {"content_type", "size", "sha256"}  # never a title or a name


@pytest.mark.django_db  # closing a response sends request_finished, which tidies database connections
def test_downloads_are_attachments_never_cached_nor_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    for response in (
        file_attachment(path=path, filename="f.txt", content_type="text/plain"),
        content_attachment(b"x", filename="NVALE-2026-001-return.docx"),
    ):
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        if hasattr(response, "close"):
            response.close()
