"""The file store keeps a checked upload encrypted, hands it back whole and audited, and leaves nothing behind when it
refuses an upload or when the record of it rolls back."""

from __future__ import annotations

import functools
import hashlib
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.files.crypto import MAGIC, blob_key_id
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import (
    FileEvents,
    FileKind,
    FileRejected,
    StoredFileRefused,
    stored_file_create,
    stored_file_kept,
    stored_file_open,
    stored_file_remove,
    upload_titled,
)
from cspr.kernel import documents
from cspr.kernel.acting import Acting
from cspr.local_reviews.models_drafts import ReportDraft
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from tests.cases import upload_samples
from tests.cases.support import raw_database_text
from tests.files.conftest import CONTENTS, FILE_NAME, TITLE, audit_trail_failing, blobs, text_upload

KeepFunc = Callable[..., StoredFile]


def kept_by_tests() -> Any:
    """The stored files these tests keep: every one but the demo's own (its letterhead's logo, the drafts of its local
    review's report)."""
    drafts = ReportDraft.objects.values("stored_file_id")
    return StoredFile.objects.exclude(purpose=Purpose.LETTERHEAD_LOGO).exclude(pk__in=drafts)


def test_a_kept_file_opens_as_it_was_uploaded_and_is_encrypted_where_it_is_stored(
    keep: KeepFunc, store: Path, business_unit: Acting
) -> None:
    stored_file = keep()

    assert stored_file.content_type == "text/plain"
    assert stored_file.size == len(CONTENTS)
    assert stored_file.sha256 == hashlib.sha256(CONTENTS).hexdigest()
    assert stored_file.key_id == "files2"  # the newest key
    assert stored_file.uploaded_by == business_unit.user
    assert stored_file.storage_name == f"files/{stored_file.partnership_id}/{stored_file.uuid}-files2"
    assert FILE_NAME not in stored_file.storage_name  # the stored name is ours, never the upload's
    (blob_path,) = blobs(store)
    blob = blob_path.read_bytes()
    assert blob.startswith(MAGIC)
    assert blob_key_id(blob) == "files2"
    assert b"Canarywhistle" not in blob
    assert stored_file.unseal("title") == TITLE
    assert stored_file.unseal("original_name") == FILE_NAME

    download = stored_file_open(acting=business_unit, stored_file=stored_file, reason="Preparing for the PRG meeting")

    assert download.content == CONTENTS
    assert download.open().read() == CONTENTS
    assert download.size == len(CONTENTS)
    assert download.filename == FILE_NAME
    assert download.content_type == "text/plain"
    assert download.sha256 == stored_file.sha256


def test_files_and_folders_are_private_to_the_service_account(keep: KeepFunc, store: Path) -> None:
    keep()
    (blob_path,) = blobs(store)
    assert stat.S_IMODE(blob_path.stat().st_mode) == 0o600
    folder = blob_path.parent
    while folder != store.parent:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent


def test_the_title_and_the_name_are_sealed_in_the_database(keep: KeepFunc) -> None:
    keep()
    assert "Canarywhistle" not in raw_database_text()


def test_a_reader_who_may_not_see_names_gets_a_neutral_name_and_the_original_is_not_decrypted(
    keep: KeepFunc, business_unit: Acting, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored_file = keep()

    def unseal(field: str) -> str:
        raise AssertionError(f"{field} was decrypted")

    monkeypatch.setattr(stored_file, "unseal", unseal)
    download = stored_file_open(
        acting=business_unit, stored_file=stored_file, reason="Case work", neutral_name="NVALE-2026-001-document-1"
    )
    assert download.filename == "NVALE-2026-001-document-1.txt"


def test_every_allowed_kind_is_kept_with_the_detected_kinds_content_type(keep: KeepFunc, business_unit: Acting) -> None:
    samples = {
        "minutes.docx": (upload_samples.word_document(), documents.KINDS["docx"].content_type),
        "figures.xlsx": (upload_samples.workbook([["a", 1]]), documents.KINDS["xlsx"].content_type),
        "report.pdf": (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
        "photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png"),
        "old.doc": (upload_samples.compound_file("WordDocument"), "application/msword"),
    }
    for name, (content, content_type) in samples.items():
        stored_file = keep(upload=text_upload(name, content), title=f"Sample {name}")
        assert stored_file.content_type == content_type
        assert stored_file_open(acting=business_unit, stored_file=stored_file, reason="Check").content == content


# -- the audit trail -------------------------------------------------------------------------------------------------


def test_keeping_a_file_is_audited_with_its_type_size_and_checksum_never_its_title_or_name(
    store: Path, northvale: Partnership, business_unit: Acting
) -> None:
    grant = business_unit.grant_for(northvale.pk, [Role.BUSINESS_UNIT])
    assert grant is not None
    events = FileEvents(FileKind(Purpose.MEETING_PAPER), grant, details={"reference": "NVALE-2026-001"})
    with stored_file_kept(
        acting=business_unit, partnership=northvale, upload=upload_titled(text_upload(), TITLE), events=events
    ) as stored_file:
        pass

    event = AuditEvent.objects.get(verb="stored_file.stored")
    assert event.details == {
        "file": str(stored_file.uuid),
        "file_purpose": "meeting_paper",
        "content_type": "text/plain",
        "size": len(CONTENTS),
        "sha256": hashlib.sha256(CONTENTS).hexdigest(),
        "key_id": "files2",
        "reference": "NVALE-2026-001",
    }
    assert event.object_type == "files.storedfile"
    assert event.object_id == str(stored_file.pk)
    assert event.partnership_id == northvale.pk
    assert event.actor == business_unit.user
    assert event.membership_id == grant.membership_id  # the membership that allowed it
    assert event.ip_address == "192.0.2.7"
    assert "Canarywhistle" not in json.dumps(event.details)


def test_opening_a_file_is_audited_with_the_reason_given(keep: KeepFunc, business_unit: Acting) -> None:
    stored_file = keep()
    events = FileEvents(FileKind(Purpose.CASE_DOCUMENT), details={"reference": "R-1"})
    stored_file_open(
        acting=business_unit, stored_file=stored_file, reason="  Preparing the  rapid review\n", events=events
    )

    event = AuditEvent.objects.get(verb="stored_file.opened")
    assert event.details == {
        "file": str(stored_file.uuid),
        "file_purpose": "case_document",
        "reason": "Preparing the  rapid review",  # cleaned as every typed value is
        "content_type": "text/plain",
        "size": len(CONTENTS),
        "sha256": stored_file.sha256,
        "reference": "R-1",
    }
    assert event.actor == business_unit.user
    assert event.ip_address == "192.0.2.7"
    assert "Canarywhistle" not in json.dumps(event.details)


@pytest.mark.parametrize("reason", ["", "   ", "\u202eevil"])
def test_a_file_is_opened_only_for_a_reason(keep: KeepFunc, business_unit: Acting, reason: str) -> None:
    stored_file = keep()
    with pytest.raises(StoredFileRefused) as refused:
        stored_file_open(acting=business_unit, stored_file=stored_file, reason=reason)
    assert refused.value.field == "reason"
    assert not AuditEvent.objects.filter(verb__startswith="stored_file.open").exists()


def test_a_title_is_needed_and_cleaned_like_any_typed_text(keep: KeepFunc, store: Path) -> None:
    for title in ("", "  ", "bad\x00title"):
        with pytest.raises(StoredFileRefused) as refused:
            keep(title=title)
        assert refused.value.field == "title"
    assert blobs(store) == []
    assert keep(title="  Minutes\t ").unseal("title") == "Minutes"


def test_the_audit_trail_refuses_a_title_passed_as_a_detail(keep: KeepFunc, store: Path) -> None:
    with pytest.raises(ValueError, match="free text"):
        keep(title=TITLE, **{"note": TITLE})
    assert blobs(store) == []
    assert not kept_by_tests().exists()


def test_someone_with_no_membership_in_the_partnership_can_neither_keep_nor_open_its_files(
    keep: KeepFunc, store: Path, northvale: Partnership
) -> None:
    stored_file = keep()
    outsider = acting_for(User.objects.get(email="southmoor.business.unit@example.org"), via="web")

    with pytest.raises(StoredFileRefused) as refused:
        keep(acting=outsider)
    assert refused.value.problem == "partnership"
    assert len(blobs(store)) == 1

    with pytest.raises(StoredFileRefused) as refused:
        stored_file_open(acting=outsider, stored_file=stored_file, reason="Curious")
    assert refused.value.problem == "partnership"
    event = AuditEvent.objects.get(verb="stored_file.open_refused")
    assert event.details["problem"] == "partnership"
    assert event.actor == outsider.user
    assert not AuditEvent.objects.filter(verb="stored_file.opened").exists()


# -- refused uploads -------------------------------------------------------------------------------------------------


@functools.cache
def _bad_samples() -> dict[str, tuple[str, bytes]]:
    return upload_samples.uploads()  # made once: the zip bomb takes a moment to build


def _bad_uploads() -> dict[str, Any]:
    bad: dict[str, Any] = {label: text_upload(name, content) for label, (name, content) in _bad_samples().items()}
    refused_name = text_upload("notes.txt")
    refused_name.name_refused = True  # type: ignore[attr-defined]  # as the name-keeping parser marks it
    bad.update(
        {
            "nothing": None,
            "empty": text_upload("empty.txt", b""),
            "path": refused_name,
            "no ending": text_upload("notes", b"Plain notes."),
            "macros": text_upload("old.doc", upload_samples.compound_file("WordDocument", "Macros")),
        }
    )
    return bad


@pytest.mark.parametrize("label", sorted(_bad_uploads()))
def test_a_refused_upload_leaves_nothing_stored(label: str, keep: KeepFunc, store: Path, settings: Any) -> None:
    with pytest.raises(FileRejected):
        keep(upload=_bad_uploads()[label])
    assert blobs(store) == []
    assert blobs(Path(settings.FILE_UPLOAD_TEMP_DIR)) == []
    assert not kept_by_tests().exists()
    assert not AuditEvent.objects.filter(verb="stored_file.stored").exists()


def test_a_file_over_the_limit_is_refused_by_its_declared_size_and_by_what_arrives(
    keep: KeepFunc, store: Path, settings: Any
) -> None:
    settings.CASE_DOCUMENT_MAX_BYTES = 10
    declared = text_upload("notes.txt", b"x" * 11)
    with pytest.raises(FileRejected) as refused:
        keep(upload=declared)
    assert refused.value.reason == "size"

    class Undeclared:
        name = "notes.txt"

        def __init__(self) -> None:
            self.parts = [b"x" * 6, b"x" * 6]

        def read(self, size: int = -1) -> bytes:
            return self.parts.pop(0) if self.parts else b""

    with pytest.raises(FileRejected) as refused:
        keep(upload=Undeclared())
    assert refused.value.reason == "size"
    assert blobs(store) == []


_scanned: list[tuple[bytes, int]] = []


def recording_scanner(path: Path) -> None:
    _scanned.append((path.read_bytes(), stat.S_IMODE(path.stat().st_mode)))


def refusing_scanner(path: Path) -> None:
    raise FileRejected(documents.FILE_INFECTED, reason="scanner")


def test_the_scanner_sees_the_plain_upload_in_a_private_file_before_anything_is_stored(
    keep: KeepFunc, store: Path, settings: Any
) -> None:
    settings.CASE_DOCUMENT_SCANNER = f"{__name__}.recording_scanner"
    _scanned.clear()
    keep()
    assert _scanned == [(CONTENTS, 0o600)]
    assert blobs(Path(settings.FILE_UPLOAD_TEMP_DIR)) == []  # the checking copy is gone

    settings.CASE_DOCUMENT_SCANNER = f"{__name__}.refusing_scanner"
    with pytest.raises(FileRejected) as refused:
        keep()
    assert refused.value.reason == "scanner"
    assert len(blobs(store)) == 1  # the first file only
    assert blobs(Path(settings.FILE_UPLOAD_TEMP_DIR)) == []


# -- rolled back -----------------------------------------------------------------------------------------------------


def test_a_record_that_rolls_back_leaves_no_blob_no_row_and_no_audit_event(
    store: Path, northvale: Partnership, business_unit: Acting
) -> None:
    seen: list[bool] = []

    def record_fails() -> None:
        events = FileEvents(FileKind(Purpose.RETURN_ATTACHMENT))
        upload = upload_titled(text_upload(), TITLE)
        with stored_file_kept(acting=business_unit, partnership=northvale, upload=upload, events=events) as stored_file:
            seen.append(storages["private_files"].exists(stored_file.storage_name))
            seen.append(StoredFile.objects.filter(pk=stored_file.pk).exists())
            raise RuntimeError("the attachment's own row could not be written")

    with pytest.raises(RuntimeError):
        record_fails()
    assert seen == [True, True]
    assert blobs(store) == []
    assert not kept_by_tests().exists()
    assert not AuditEvent.objects.filter(verb="stored_file.stored").exists()


def test_a_failure_while_recording_the_file_removes_its_blob(keep: KeepFunc, store: Path) -> None:
    with audit_trail_failing():
        keep()
    assert blobs(store) == []
    assert not kept_by_tests().exists()


# -- removal ---------------------------------------------------------------------------------------------------------


def test_removing_a_file_removes_the_blob_only_once_the_removal_commits(
    keep: KeepFunc, store: Path, business_unit: Acting, django_capture_on_commit_callbacks: Any
) -> None:
    stored_file = keep()
    uuid = str(stored_file.uuid)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored_file_remove(acting=business_unit, stored_file=stored_file)
    assert not StoredFile.objects.filter(uuid=uuid).exists()
    assert len(blobs(store)) == 1  # not yet: the removal has not committed
    for callback in callbacks:
        callback()
    assert blobs(store) == []
    event = AuditEvent.objects.get(verb="stored_file.removed")
    assert event.details == {"file": uuid, "file_purpose": "case_document", "sha256": stored_file.sha256}
    assert event.object_type == "files.storedfile"


def test_a_removal_that_rolls_back_keeps_the_file_whole(keep: KeepFunc, store: Path, business_unit: Acting) -> None:
    stored_file = keep()

    with audit_trail_failing():
        stored_file_remove(acting=business_unit, stored_file=stored_file)
    assert StoredFile.objects.filter(pk=stored_file.pk).exists()
    assert stored_file_open(acting=business_unit, stored_file=stored_file, reason="Check").content == CONTENTS


# -- the storage API only ----------------------------------------------------------------------------------------------


def test_the_store_uses_nothing_but_the_storage_api(
    settings: Any, tmp_path: Path, northvale: Partnership, business_unit: Acting, demo: dict[str, Partnership]
) -> None:
    """Another storage backend (here Django's in-memory one) takes the folder's place by setting alone."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private_files": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "unused"
    stored_file = stored_file_create(
        acting=business_unit, partnership=northvale, upload=text_upload(), purpose=Purpose.REVIEW_DRAFT, title=TITLE
    )
    assert storages["private_files"].exists(stored_file.storage_name)
    assert stored_file_open(acting=business_unit, stored_file=stored_file, reason="Check").content == CONTENTS
    assert not (tmp_path / "unused").exists()
