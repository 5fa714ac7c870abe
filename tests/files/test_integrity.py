"""A stored file is served only when it is exactly what was kept: a blob under a key no longer configured, one moved
onto another row, one changed, or one whose checksum does not match is refused, the refusal audited, nothing served."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from cspr.audit.models import AuditEvent
from cspr.files.crypto import ContentsUnreadable, blob_key_id, open_contents, seal_contents
from cspr.files.models import StoredFile
from cspr.files.services import FILE_UNAVAILABLE, StoredFileRefused, stored_file_open
from cspr.kernel.acting import Acting
from tests.files.conftest import CONTENTS, text_upload

KeepFunc = Callable[..., StoredFile]


def _replace_blob(stored_file: StoredFile, blob: bytes) -> None:
    storage = storages["private_files"]
    storage.delete(stored_file.storage_name)
    assert storage.save(stored_file.storage_name, ContentFile(blob)) == stored_file.storage_name


def _blob(stored_file: StoredFile) -> bytes:
    with storages["private_files"].open(stored_file.storage_name, "rb") as handle:
        return bytes(handle.read())


def _refused(acting: Acting, stored_file: StoredFile) -> StoredFileRefused:
    with pytest.raises(StoredFileRefused) as refused:
        stored_file_open(acting=acting, stored_file=stored_file, reason="Case work")
    assert str(refused.value) == FILE_UNAVAILABLE
    assert not AuditEvent.objects.filter(verb="stored_file.opened").exists()  # nothing was served
    event = AuditEvent.objects.filter(verb="stored_file.open_refused").latest("id")
    assert event.details["file"] == str(stored_file.uuid)
    assert event.details["problem"] == refused.value.problem
    assert event.details["reason"] == "Case work"
    assert event.actor == acting.user
    return refused.value


def test_a_file_under_a_key_no_longer_configured_is_refused(
    keep: KeepFunc, business_unit: Acting, settings: Any
) -> None:
    stored_file = keep()
    settings.FILE_KEYS = ["files3:b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXM"]
    assert _refused(business_unit, stored_file).problem == "unreadable"


def test_a_file_opened_with_the_wrong_key_under_its_id_is_refused(
    keep: KeepFunc, business_unit: Acting, settings: Any
) -> None:
    stored_file = keep()
    settings.FILE_KEYS = ["files2:b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXM"]  # same id, another key
    assert _refused(business_unit, stored_file).problem == "unreadable"


def test_a_blob_swapped_onto_another_row_is_refused(keep: KeepFunc, business_unit: Acting) -> None:
    first = keep()
    second = keep(upload=text_upload("other.txt", b"Another file entirely.\n"), title="Other")
    _replace_blob(second, _blob(first))
    # Make the row agree with the blob's contents, so only the binding to the uuid can tell.
    StoredFile.objects.filter(pk=second.pk).update(size=first.size, sha256=first.sha256)
    second.refresh_from_db()
    assert _refused(business_unit, second).problem == "unreadable"
    assert stored_file_open(acting=business_unit, stored_file=first, reason="Case work").content == CONTENTS


def test_a_changed_blob_is_refused(keep: KeepFunc, business_unit: Acting) -> None:
    stored_file = keep()
    blob = bytearray(_blob(stored_file))
    blob[-20] ^= 0x01
    _replace_blob(stored_file, bytes(blob))
    assert _refused(business_unit, stored_file).problem == "unreadable"


def test_a_blob_whose_header_was_edited_is_refused(keep: KeepFunc, business_unit: Acting, settings: Any) -> None:
    stored_file = keep()
    blob = _blob(stored_file)
    # Name the older key in the header: the header is part of the associated data, so it fails even with that key.
    _replace_blob(stored_file, blob.replace(b"files2", b"files1", 1))
    assert _refused(business_unit, stored_file).problem == "unreadable"


def test_a_blob_that_decrypts_to_other_contents_than_were_kept_is_refused(
    keep: KeepFunc, business_unit: Acting
) -> None:
    """Someone holding the key re-encrypts other contents for this row: the checksum still tells."""
    stored_file = keep()
    _, blob = seal_contents(b"Something else was put here.\n", file_uuid=stored_file.uuid)
    _replace_blob(stored_file, blob)
    assert _refused(business_unit, stored_file).problem == "checksum"


def test_a_row_whose_checksum_does_not_match_is_refused(keep: KeepFunc, business_unit: Acting) -> None:
    stored_file = keep()
    stored_file.sha256 = hashlib.sha256(b"what the row claims").hexdigest()
    assert _refused(business_unit, stored_file).problem == "checksum"


def test_a_row_whose_size_does_not_match_is_refused(keep: KeepFunc, business_unit: Acting) -> None:
    stored_file = keep()
    stored_file.size += 1
    assert _refused(business_unit, stored_file).problem == "checksum"


def test_a_blob_far_larger_than_its_row_says_is_refused_without_reading_it_all(
    keep: KeepFunc, business_unit: Acting
) -> None:
    stored_file = keep()
    _replace_blob(stored_file, _blob(stored_file) + bytes(1024 * 1024))
    assert _refused(business_unit, stored_file).problem == "unreadable"


def test_a_missing_blob_is_refused(keep: KeepFunc, business_unit: Acting, store: Path) -> None:
    stored_file = keep()
    storages["private_files"].delete(stored_file.storage_name)
    assert _refused(business_unit, stored_file).problem == "missing"


def test_the_refusal_is_recorded_before_the_error_reaches_the_caller(keep: KeepFunc, business_unit: Acting) -> None:
    stored_file = keep()
    storages["private_files"].delete(stored_file.storage_name)
    with pytest.raises(StoredFileRefused):
        stored_file_open(acting=business_unit, stored_file=stored_file, reason="Case work")
    assert AuditEvent.objects.filter(verb="stored_file.open_refused", details__problem="missing").count() == 1


# -- the blob format ---------------------------------------------------------------------------------------------------


def test_a_blob_names_its_key_and_is_bound_to_its_file() -> None:
    file_uuid = "6f1d3a52-0b7c-4b0e-9a53-3c1f6c1e2a10"
    key_id, blob = seal_contents(b"contents", file_uuid=file_uuid)
    assert key_id == blob_key_id(blob) == "files2"
    assert open_contents(blob, file_uuid=file_uuid) == ("files2", b"contents")
    assert b"contents" not in blob
    with pytest.raises(ContentsUnreadable):
        open_contents(blob, file_uuid="0d7b2f6e-5a3c-4d8e-8f1a-2b3c4d5e6f70")
    _, again = seal_contents(b"contents", file_uuid=file_uuid)
    assert again != blob  # a fresh nonce each time


@pytest.mark.parametrize(
    "blob",
    [b"", b"%PDF-1.7", b"CSPRFILE", b"CSPRFILE\x02\x06files2" + bytes(40), b"CSPRFILE\x01\x06fil", b"CSPRFILE\x01\x00"],
)
def test_what_is_not_a_whole_blob_is_unreadable(blob: bytes) -> None:
    with pytest.raises(ContentsUnreadable):
        open_contents(blob, file_uuid="6f1d3a52-0b7c-4b0e-9a53-3c1f6c1e2a10")


def test_a_blob_cut_short_is_unreadable() -> None:
    _, blob = seal_contents(b"contents", file_uuid="6f1d3a52-0b7c-4b0e-9a53-3c1f6c1e2a10")
    for length in (len(blob) - 1, len(blob) - 16, 8 + 2 + 6 + 12 + 3):
        with pytest.raises(ContentsUnreadable):
            open_contents(blob[:length], file_uuid="6f1d3a52-0b7c-4b0e-9a53-3c1f6c1e2a10")
