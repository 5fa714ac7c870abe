"""Rotating the file store's key: a file written under an older key still opens, and the re-encryption moves it under
the newest key (a blob of its own, the old one removed once the move commits), after which the old key can go."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from cspr.audit.models import AuditEvent
from cspr.files.crypto import blob_key_id
from cspr.files.models import StoredFile
from cspr.files.services import stored_file_open, stored_file_reencrypt
from cspr.kernel.acting import Acting, system_acting
from tests.files.conftest import CONTENTS, audit_trail_failing, blobs

KeepFunc = Callable[..., StoredFile]
OLD = "files1:ZmlsZS1rZXktb25lLWZvci10ZXN0cy1vbmx5LTMyYnk"
NEW = "files2:ZmlsZS1rZXktdHdvLWZvci10ZXN0cy1vbmx5LTMyYnk"


def _key_of_blob(stored_file: StoredFile) -> str:
    with storages["private_files"].open(stored_file.storage_name, "rb") as handle:
        return blob_key_id(handle.read())


@pytest.fixture
def old_file(keep: KeepFunc, settings: Any) -> StoredFile:
    """A file kept while the older key was the only one, then the newer key put first."""
    settings.FILE_KEYS = [OLD]
    stored_file = keep()
    settings.FILE_KEYS = [NEW, OLD]
    return stored_file


def test_a_file_written_under_an_older_key_still_opens(old_file: StoredFile, business_unit: Acting) -> None:
    assert old_file.key_id == "files1"
    assert _key_of_blob(old_file) == "files1"
    assert stored_file_open(acting=business_unit, stored_file=old_file, reason="Case work").content == CONTENTS


def test_the_command_re_encrypts_every_older_file_under_the_newest_key_then_the_old_key_can_go(
    old_file: StoredFile,
    keep: KeepFunc,
    business_unit: Acting,
    store: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    current = keep()  # already under the newest key: left alone
    old_name = old_file.storage_name
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt_stored_files", stdout=out)
    assert "1 file(s) re-encrypted" in out.getvalue()

    old_file.refresh_from_db()
    assert old_file.key_id == "files2"
    assert old_file.storage_name != old_name
    assert _key_of_blob(old_file) == "files2"
    assert not storages["private_files"].exists(old_name)  # removed once the move committed
    assert len(blobs(store)) == 2
    event = AuditEvent.objects.get(verb="stored_file.reencrypted")
    assert event.details == {"file": str(old_file.uuid), "from_key": "files1", "to_key": "files2"}
    assert event.actor is None

    settings.FILE_KEYS = [NEW]  # the old key removed
    for stored_file in (old_file, current):
        assert stored_file_open(acting=business_unit, stored_file=stored_file, reason="Check").content == CONTENTS

    out = io.StringIO()
    call_command("reencrypt_stored_files", stdout=out)  # safe to run again
    assert "0 file(s) re-encrypted" in out.getvalue()


def test_re_encrypting_a_file_already_under_the_newest_key_changes_nothing(keep: KeepFunc) -> None:
    stored_file = keep()
    name = stored_file.storage_name
    assert stored_file_reencrypt(acting=system_acting(), stored_file=stored_file) is False
    stored_file.refresh_from_db()
    assert stored_file.storage_name == name
    assert not AuditEvent.objects.filter(verb="stored_file.reencrypted").exists()


def test_a_re_encryption_that_rolls_back_keeps_the_old_blob_and_removes_the_new_one(
    old_file: StoredFile, store: Path
) -> None:
    with audit_trail_failing():
        stored_file_reencrypt(acting=system_acting(), stored_file=old_file)
    old_file.refresh_from_db()
    assert old_file.key_id == "files1"
    assert [path.relative_to(store).as_posix() for path in blobs(store)] == [old_file.storage_name]


def test_a_file_that_cannot_be_read_is_left_as_it_is_and_the_command_fails_naming_it(
    old_file: StoredFile, store: Path
) -> None:
    storages["private_files"].delete(old_file.storage_name)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("reencrypt_stored_files", stdout=io.StringIO(), stderr=err)
    assert str(old_file.uuid) in err.getvalue()
    old_file.refresh_from_db()
    assert old_file.key_id == "files1"
    event = AuditEvent.objects.get(verb="stored_file.reencrypt_refused")
    assert event.details == {"file": str(old_file.uuid), "problem": "missing"}
