"""Moving the files kept before the one store onto it (ADR 0016, phase 2): the steps of ``files.0002``.

Before, case documents, meeting papers and return attachments were written in clear under ``PRIVATE_MEDIA_ROOT``
(the row's ``stored_name``), each row with its own copy of the file's columns; documents uploaded with a notification
draft were sealed as base64 text under ``PRIVATE_MEDIA_ROOT/drafts/<draft uuid>/<key>``. :func:`move_kept_files`
makes a :class:`~cspr.files.models.StoredFile` for each of them, with the historical models it is given:

* the **same uuid** as the row (a draft document: its key), so the row part of every sealed value's context stays;
* the partnership of the row's case, and the purpose of its model (``notification_document`` for a draft's);
* the title and the name the file was uploaded under, moved as they were sealed and then re-sealed for their new
  place with :func:`cspr.kernel.sealing.reseal_moved` (a draft's: sealed afresh from the draft's sealed answers);
* the contents read, their SHA-256 compared with the row's, encrypted under the newest ``FILE_KEYS`` key
  (:mod:`cspr.files.crypto`) and written through the ``private_files`` storage;
* kind, size, checksum, who uploaded the file and when, as the row recorded them (a draft document: its owner and
  the draft's last save, the nearest time known; its checksum is that of what was read).

Return attachments copied into a later version of a return share one clear file: every row naming it points at one
stored file, made from the earliest of them.

**A file that cannot be read is reported and kept as a record, never dropped.** A clear file that is missing gets a
stored file without contents; one whose contents no longer match the checksum recorded at upload is encrypted as it
was found, under the checksum recorded then. Either way the row stays on its case, meeting or return, every attempt
to open it is refused and audited by the store (``missing``, ``checksum``), and the migration names each one
(model and uuid) on its output and in the log. A draft document that cannot be read is kept the same way; the
draft's submission then asks for it to be uploaded again.

The clear files (and the draft folders) are removed only once the migration has committed, so a migration that
fails leaves them where they were; the blobs it wrote before failing are removed again. Unapplying is not
supported once any file has moved (:func:`refuse_going_back`): it would write every file back in clear.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.db import transaction

from cspr.files.crypto import current_key_id, seal_contents
from cspr.kernel.crypto import DecryptionError, decrypt, encrypt
from cspr.kernel.sealing import reseal_moved, seal_context

logger = logging.getLogger("cspr.files")

STORE = "files.storedfile"
SEALED = ("title", "original_name")
#: The folders under ``PRIVATE_MEDIA_ROOT`` the clear files were kept in.
OLD_FOLDERS = ("cases", "drafts")
GOING_BACK = (
    "Files have moved onto the encrypted file store: unapplying would write them back in clear. To go back, restore "
    "the database and PRIVATE_MEDIA_ROOT from the backup taken before migrating."
)


@dataclass(frozen=True)
class Source:
    """A model that kept its own files: its label, its files' purpose, and the path from a row to its partnership."""

    label: str
    purpose: str
    partnership: str
    words: str


SOURCES = (
    Source("cases.CaseDocument", "case_document", "case__partnership_id", "case documents"),
    Source("rapid_reviews.MeetingPaper", "meeting_paper", "meeting__case__partnership_id", "meeting papers"),
    Source(
        "returns.ReturnAttachment",
        "return_attachment",
        "agency_return__request__case__partnership_id",
        "return attachments",
    ),
)


@dataclass
class Moved:
    """What the move did: files moved per kind, those that could not be read, and the old files to remove."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (model, uuid, "missing" | "checksum")
    old_names: list[str] = field(default_factory=list)  # relative to PRIVATE_MEDIA_ROOT
    written: list[str] = field(default_factory=list)  # blobs written to the store, removed if the move fails

    def lines(self) -> list[str]:
        lines = [f"  {words}: {count} moved onto the file store" for words, count in self.counts.items() if count]
        for model, row_uuid, problem in self.problems:
            what = "no file found" if problem == "missing" else "the file does not match its recorded checksum"
            lines.append(f"  {model} {row_uuid}: {what}; kept as a record that cannot be opened")
        return lines


def old_files() -> FileSystemStorage:
    """The folder the clear files were written to (whatever ``private_files`` now is), read through a storage so a
    ``stored_name`` cannot lead outside it."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def _read(folder: FileSystemStorage, name: str) -> bytes | None:
    try:
        with folder.open(name, "rb") as handle:
            content: bytes = handle.read()
            return content
    except (OSError, SuspiciousFileOperation):
        return None


def _stored(
    apps: Any,
    moved: Moved,
    *,
    file_uuid: uuid.UUID,
    partnership_id: int,
    content: bytes | None,
    **columns: Any,
) -> Any:
    """The stored file of one moved file: its blob written (when there are contents) and its row saved."""
    key_id = current_key_id()
    name = f"files/{partnership_id}/{file_uuid}-{key_id}"  # the store's naming (cspr.files.services)
    if content is not None:
        key_id, blob = seal_contents(content, file_uuid=file_uuid)
        name = storages["private_files"].save(name, ContentFile(blob))
        moved.written.append(name)
    return apps.get_model("files", "StoredFile")._default_manager.create(
        uuid=file_uuid, partnership_id=partnership_id, storage_name=name, key_id=key_id, **columns
    )


def _move_rows(apps: Any, source: Source, moved: Moved, folder: FileSystemStorage) -> None:
    model = apps.get_model(source.label)
    rows = (
        model._default_manager.filter(stored_file__isnull=True)
        .order_by("uploaded_at", "id")
        .values(
            "pk",
            "uuid",
            "stored_name",
            "title_sealed",
            "original_name_sealed",
            "content_type",
            "size",
            "sha256",
            "uploaded_by_id",
            "uploaded_at",
            source.partnership,
        )
    )
    made: dict[str, Any] = {}  # stored_name -> its stored file (return attachments share theirs between versions)
    count = 0
    for row in rows.iterator(chunk_size=100):
        stored_file = made.get(row["stored_name"])
        if stored_file is None:
            content = _read(folder, row["stored_name"])
            if content is None:
                moved.problems.append((source.label, str(row["uuid"]), "missing"))
            elif len(content) != row["size"] or hashlib.sha256(content).hexdigest() != row["sha256"]:
                moved.problems.append((source.label, str(row["uuid"]), "checksum"))
            stored_file = _stored(
                apps,
                moved,
                file_uuid=row["uuid"],
                partnership_id=row[source.partnership],
                content=content,
                purpose=source.purpose,
                title_sealed=row["title_sealed"],
                original_name_sealed=row["original_name_sealed"],
                content_type=row["content_type"],
                size=row["size"],
                sha256=row["sha256"],  # as recorded at upload: a file that no longer matches is never served
                uploaded_by_id=row["uploaded_by_id"],
                uploaded_at=row["uploaded_at"],
            )
            made[row["stored_name"]] = stored_file
            if content is not None:
                moved.old_names.append(row["stored_name"])
            count += 1
        model._default_manager.filter(pk=row["pk"]).update(stored_file=stored_file)
    moved.counts[source.words] = count
    old = apps.get_model(source.label)._meta.label_lower
    reseal_moved(apps, None, old=old, new=STORE, fields=SEALED, where={"purpose": source.purpose})


def _draft_document(folder: FileSystemStorage, draft: Any, key: str) -> bytes | None:
    name = f"drafts/{draft.uuid}/{key}"
    sealed = _read(folder, name)
    if sealed is None:
        return None
    try:
        text = decrypt(sealed.decode("ascii"), context=f"cases.notificationdraft.document.{draft.uuid}.{key}")
        return base64.b64decode(text, validate=True)
    except (DecryptionError, UnicodeDecodeError, ValueError):
        return None


def _move_draft_documents(apps: Any, moved: Moved, folder: FileSystemStorage) -> None:
    drafts = apps.get_model("cases", "NotificationDraft")._default_manager.exclude(payload_sealed="")
    stored_files = apps.get_model("files", "StoredFile")._default_manager
    count = 0
    for draft in drafts.order_by("pk").iterator(chunk_size=100):
        answers = json.loads(decrypt(draft.payload_sealed, context=f"cases.notificationdraft.payload.{draft.uuid}"))
        items = answers.get("documents") if isinstance(answers, dict) else None
        for item in items or []:
            key = str(item.get("key", ""))
            try:
                file_uuid = uuid.UUID(key)
            except ValueError:
                continue  # not a document this service wrote
            if stored_files.filter(uuid=file_uuid).exists():
                continue
            content = _draft_document(folder, draft, key)
            if content is None:
                moved.problems.append(("cases.NotificationDraft document", str(file_uuid), "missing"))
            values = {"title": str(item.get("title", "")), "original_name": str(item.get("filename", ""))}
            _stored(
                apps,
                moved,
                file_uuid=file_uuid,
                partnership_id=draft.partnership_id,
                content=content,
                purpose="notification_document",
                content_type=str(item.get("content_type", "")),
                size=len(content) if content is not None else int(item.get("size", 0) or 0),
                sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
                uploaded_by_id=draft.owner_id,
                uploaded_at=draft.updated_at,
                **{
                    f"{name}_sealed": encrypt(value, context=seal_context("files", "storedfile", name, file_uuid))
                    if value
                    else ""
                    for name, value in values.items()
                },
            )
            count += 1
        if items:
            moved.old_names.extend(f"drafts/{draft.uuid}/{item.get('key', '')}" for item in items)
    moved.counts["documents of notification drafts"] = count


def _remove_old_files(names: list[str]) -> None:
    """After the commit: the clear files (and sealed draft files) that moved, then the folders left empty."""
    folder = old_files()
    for name in names:
        with contextlib.suppress(OSError, SuspiciousFileOperation):
            folder.delete(name)
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for top in OLD_FOLDERS:
        for directory, _, _ in sorted(os.walk(root / top), key=lambda entry: len(entry[0]), reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(directory)  # only when empty


def move_kept_files(apps: Any, schema_editor: Any) -> Moved:
    """The forward step of ``files.0002``: see the module's docstring. Prints what moved and what could not be read."""
    moved = Moved()
    folder = old_files()
    try:
        for source in SOURCES:
            _move_rows(apps, source, moved, folder)
        _move_draft_documents(apps, moved, folder)
    except BaseException:
        for name in moved.written:
            with contextlib.suppress(OSError):
                storages["private_files"].delete(name)
        raise
    alias = schema_editor.connection.alias if schema_editor is not None else "default"
    names = list(moved.old_names)
    transaction.on_commit(lambda: _remove_old_files(names), using=alias)
    if any(moved.counts.values()) or moved.problems:
        sys.stdout.write("\n" + "\n".join(moved.lines()) + "\n")
    for model, row_uuid, problem in moved.problems:
        logger.warning("Moving files onto the store: %s %s could not be read (%s)", model, row_uuid, problem)
    return moved


def refuse_going_back(apps: Any, schema_editor: Any) -> None:
    """Unapplying is refused once any file has moved onto the store (a system without files may go back)."""
    kept = any(apps.get_model(source.label)._default_manager.exists() for source in SOURCES) or (
        apps.get_model("files", "StoredFile")._default_manager.filter(purpose="notification_document").exists()
    )
    if kept:
        raise RuntimeError(GOING_BACK)
