"""The one file store's services (ADR 0016): keep a file, open it for a stated reason, remove it, re-encrypt it.

* :func:`stored_file_kept` / :func:`stored_file_create` — check an upload with exactly the checks of
  :mod:`cspr.kernel.documents` (name, size, kind by content agreeing with the name, archives, macros, the scanner
  hook) on the plain upload, in a private temporary file; only then encrypt it (:mod:`cspr.files.crypto`), write it
  through the ``private_files`` storage and record the row, audited with its content type, size and checksum (never
  its title or name). A refused upload stores nothing; a block that fails after the write removes the blob again.
* :func:`stored_file_open` — read the blob through the storage, decrypt it, compare size and SHA-256 with the row,
  and hand back a :class:`FileDownload` audited with the reason given. A file that is missing, changed, swapped or
  under a key no longer configured is refused and the refusal audited: it is never served.
  :func:`stored_file_readable` makes the same checks without handing anything out.
* :func:`stored_file_remove` — the row goes with the transaction, the blob once it commits.
* :func:`stored_file_reencrypt` / :func:`stored_files_reencrypt` — after a new key is put first in ``FILE_KEYS``.

Who may keep or open which file is the calling app's rule (its own ``rules`` predicates, checked before it calls):
the store only refuses someone who holds no membership in the file's partnership, and records the reason given.

**Three values say what differs from one call to the next.** An :class:`Upload` is the file with what it is (its
title, required: :func:`upload_titled`) and when it was added. A :class:`FileKind`, declared once by the app that keeps
that kind of file, is its purpose, the verbs its keeps and openings are recorded under and the detail that names the
app's row for the file. :class:`FileEvents` says, for one keep or opening, through which membership it is done and
where its event goes.

**One event per keep and per opening**, under the kind's verb (the store's own, ``stored_file.stored`` and
``stored_file.opened``, unless the app declares its own: a case's "Document added", "Document downloaded"). Without
``audit_as`` the store records it about the file; an app whose history needs it on its own record (the case, the
return) passes ``audit_as``, which records that one event in the store's transaction with the store's facts among its
details (:func:`file_facts`: the file's uuid, purpose, content type, size and checksum; the key id when kept, the
reason when opened). So each keep and each opening is on the trail once, with its reason. Refusals are always the
store's own events.
Reads and writes go through ``django.core.files.storage.storages["private_files"]`` only, so object storage can
take the place of the folder by setting.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import ProtectedError

from cspr.files.crypto import ContentsUnreadable, current_key_id, open_contents, seal_contents
from cspr.files.models import Purpose, StoredFile
from cspr.kernel import documents, text
from cspr.kernel.acting import Acting
from cspr.kernel.documents import FileRejected
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit, now
from cspr.kernel.text import FieldTexts, clean_text
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import Grant

__all__ = [
    "AuditAs",
    "FileDownload",
    "FileEvents",
    "FileKind",
    "FileRejected",
    "StoredFileRefused",
    "Upload",
    "stored_file_create",
    "stored_file_kept",
    "stored_file_open",
    "stored_file_readable",
    "stored_file_reencrypt",
    "stored_file_remove",
    "stored_files_reencrypt",
    "upload_checked",
    "upload_titled",
]

STORAGE = "private_files"
TITLE_SUBJECT = "What the file is"
REASON_SUBJECT = "Why you are opening the file"
REASON_NEEDED = "Say why you are opening the file."
NOT_ALLOWED = "You cannot use files of this partnership."
FILE_UNAVAILABLE = "This file cannot be opened: it is missing, or it has changed since it was kept."
FILE_IN_USE = "This file cannot be removed: a record still refers to it."
FILE_MOVED_ON = "This file changed while it was being re-encrypted: run the re-encryption again."
CHUNK = 64 * 1024
#: The most a blob's header and tag add to the plain contents (magic, version, key id, nonce, tag).
BLOB_OVERHEAD = 8 + 2 + 255 + 12 + 16

VERB_STORED = "stored_file.stored"
VERB_OPENED = "stored_file.opened"
VERB_OPEN_REFUSED = "stored_file.open_refused"
VERB_REMOVED = "stored_file.removed"
VERB_REENCRYPTED = "stored_file.reencrypted"
VERB_REENCRYPT_REFUSED = "stored_file.reencrypt_refused"


#: How a calling app records the one event of a keep or an opening on its own record (its case, its return): called
#: as ``audit_as(verb, grant=..., **details)``, like :func:`cspr.kernel.kit.audit` with the object already given.
AuditAs = Callable[..., object]


@dataclass(frozen=True)
class FileKind:
    """One kind of file the store keeps, declared once by the app that keeps it: its purpose, the verbs a keep and an
    opening are recorded under (the store's own unless the app has its own), and the detail that names the app's row
    for the file in every event about it (``"document"``; none for a kind kept for no row of an app's). ``kinds``
    narrows the allow-list (:data:`cspr.kernel.documents.KINDS`) for this kind of file, by name and by content."""

    purpose: Purpose
    kept_verb: str = VERB_STORED
    opened_verb: str = VERB_OPENED
    row_detail: str = ""
    kinds: frozenset[str] = documents.ALLOWED


@dataclass(frozen=True)
class FileEvents:
    """How one keep or opening of a ``kind`` of file goes on the audit trail.

    ``grant`` is the membership that allowed it; ``audit_as`` records its event on the app's own record (without it,
    the store records its own about the file, ``details`` added); ``row`` is the app's row being opened (a kept file's
    row takes the file's uuid). ``details`` go on every event the store records itself, its refusals among them: the
    app's references, never a title or a name.
    """

    kind: FileKind
    grant: Grant | None = None
    audit_as: AuditAs | None = None
    row: UUID | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def named(self, row: object) -> dict[str, str]:
        """The detail naming the app's row for the file, when its kind has one."""
        return {self.kind.row_detail: str(row)} if self.kind.row_detail and row else {}

    def record(self, acting: Acting, verb: str, stored_file: StoredFile, row: object, **facts: Any) -> None:
        """The one event of a keep or an opening: on the app's record through ``audit_as``, else about the file."""
        if self.audit_as is not None:
            self.audit_as(verb, grant=self.grant, **self.named(row), **facts)
        else:
            audit(
                acting,
                verb,
                obj=stored_file,
                partnership=stored_file.partnership_id,
                grant=self.grant,
                **self.named(row),
                **facts,
                **self.details,
            )


@dataclass(frozen=True)
class Upload:
    """A file someone adds, what they say it is (its title, which may name people) and when they added it (now, when
    not given): the title travels with the file from the form to the store. Made by :func:`upload_titled`."""

    file: Any = field(repr=False)
    title: str = field(repr=False)
    at: datetime | None = None


class StoredFileRefused(CaseActionRefused):
    """The store will not do this. ``problem`` says why in one word, as the audit trail records it: ``title``,
    ``reason``, ``partnership``, ``missing`` (no blob), ``unreadable`` (changed, swapped or its key gone),
    ``checksum`` (decrypts, but not to what was kept), ``in_use``, ``moved_on``."""

    def __init__(self, message: str, *, field: str = "", problem: str = "") -> None:
        super().__init__(message, field=field)
        self.problem = problem or field


#: How the store itself names and limits a file's title (a calling app checks it first with its own words).
TITLE_TEXTS = FieldTexts({text.ONE_LINE: {"title": TITLE_SUBJECT}}, refused=StoredFileRefused)


@dataclass(frozen=True)
class PlainContents:
    """A file's plain contents (never shown in a repr), their content type and SHA-256."""

    content: bytes = field(repr=False)
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class FileDownload(PlainContents):
    """A kept file's plain contents on their way to someone the calling app allowed (checked and audited)."""

    filename: str

    def open(self) -> io.BytesIO:
        """The contents as a file object, for a streaming response (``FileResponse``)."""
        return io.BytesIO(self.content)


@dataclass(frozen=True)
class CheckedUpload(PlainContents):
    """An upload that passed every check: its plain contents and what the row keeps about them."""

    original_name: str


def private_files() -> Storage:
    """The storage every stored file is written to and read from (``STORAGES["private_files"]``)."""
    return storages[STORAGE]


def _audit_file(acting: Acting, verb: str, stored_file: StoredFile, grant: Grant | None = None, **details: Any) -> None:
    """An event about a kept file, in its partnership: which file (its uuid), and ``details``."""
    audit(
        acting,
        verb,
        obj=stored_file,
        partnership=stored_file.partnership_id,
        grant=grant,
        file=str(stored_file.uuid),
        **details,
    )


# -- keeping a file --------------------------------------------------------------------------------------------------


def _chunks(upload: Any) -> Iterable[bytes]:
    if hasattr(upload, "chunks"):
        return upload.chunks(CHUNK)
    return iter(lambda: upload.read(CHUNK), b"")


def upload_checked(upload: Any, *, allowed: frozenset[str] = documents.ALLOWED) -> CheckedUpload:
    """The upload's plain contents once the checks of :mod:`cspr.kernel.documents` pass, its kind among ``allowed``
    by name and by content; :class:`FileRejected` else.

    The checks run in the order the case documents' store runs them: a file is needed; its name (no path, no
    hidden characters, an ending on the allow-list); its size (the declared one first, then what arrives); not
    empty; its kind by content, agreeing with the name (archives judged from their directory, macros refused); the
    scanner hook. The contents are copied into a private temporary file (mode 0600, in ``FILE_UPLOAD_TEMP_DIR``)
    for the content check and the scanner, which takes a path, and removed when the checks end.
    """
    if upload is None:
        raise FileRejected(documents.FILE_NEEDED, reason="needed")
    claimed = documents.check_upload_name(upload, allowed=allowed)
    limit = int(settings.CASE_DOCUMENT_MAX_BYTES)
    too_big = documents.FILE_TOO_BIG.format(limit=limit // (1024 * 1024))
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise FileRejected(too_big, reason="size")
    digest = hashlib.sha256()
    written = 0
    with tempfile.NamedTemporaryFile(prefix="cspr-upload-", dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
        for chunk in _chunks(upload):
            written += len(chunk)
            if written > limit:
                raise FileRejected(too_big, reason="size")
            digest.update(chunk)
            handle.write(chunk)
        if written == 0:
            raise FileRejected(documents.FILE_EMPTY, reason="empty")
        handle.flush()
        kind = documents.check_content(cast(BinaryIO, handle), claimed=claimed, allowed=allowed)
        documents.scan_file(Path(handle.name))
        handle.seek(0)
        content = handle.read()
    if len(content) != written or hashlib.sha256(content).hexdigest() != digest.hexdigest():
        # Changed while it was checked (a scanner that cleans files in place): keep nothing.
        raise FileRejected(documents.FILE_INFECTED, reason="scanner")
    return CheckedUpload(
        content=content,
        content_type=documents.KINDS[kind].content_type,
        sha256=digest.hexdigest(),
        original_name=documents.original_name(upload, "file"),
    )


def _storage_name(*, partnership_id: int, file_uuid: uuid.UUID, key_id: str) -> str:
    """Ours alone: the partnership, the file's uuid and the key (so a re-encrypted blob gets a name of its own)."""
    return f"files/{partnership_id}/{file_uuid}-{key_id}"


def _delete_blob(name: str) -> None:
    with contextlib.suppress(OSError):
        private_files().delete(name)


def _floor(acting: Acting, partnership_id: int) -> bool:
    """The store's own floor: the service itself, or a person holding a membership in the file's partnership."""
    return acting.is_system or bool(acting.roles_in(partnership_id))


def file_facts(stored_file: StoredFile) -> dict[str, Any]:
    """What the audit trail keeps about a file: never its title or name, which may name people."""
    return {
        "file": str(stored_file.uuid),
        "file_purpose": stored_file.purpose,
        "content_type": stored_file.content_type,
        "size": stored_file.size,
        "sha256": stored_file.sha256,
    }


def upload_titled(file: Any, title: str, *, at: datetime | None = None, texts: FieldTexts = TITLE_TEXTS) -> Upload:
    """The file with what it is, ``title`` cleaned and required by the calling app's text policy (``texts``: its
    words for the title and the refusal its callers catch; the store's own by default). Nothing is checked of the file
    itself yet: :func:`stored_file_kept` does that."""
    title = texts.clean("title", title)
    if not title:
        raise texts.refused(documents.TITLE_NEEDED, field="title")
    return Upload(file, title, at)


@contextlib.contextmanager
def stored_file_kept(
    *, acting: Acting, partnership: Partnership, upload: Upload, events: FileEvents
) -> Iterator[StoredFile]:
    """Keep an upload of ``events.kind`` for the block that records what it is for, all in one transaction.

    Use it where the calling app writes its own row in the same transaction::

        upload = upload_titled(file, title)
        with stored_file_kept(acting=acting, partnership=case.partnership, upload=upload,
                              events=FileEvents(CASE_DOCUMENT, grant, audit_as)) as stored_file:
            CaseDocument.objects.create(uuid=stored_file.uuid, stored_file=stored_file, ...)

    The block runs inside the store's ``transaction.atomic()``. If it raises, the row and its audit event roll back
    and the blob is removed again, so no blob outlives a record that was rolled back. Raises
    :class:`FileRejected` (before anything is written) for a file that may not be kept, and
    :class:`StoredFileRefused` for a missing title or a person with no membership in ``partnership``.
    The one audit event, the kind's ``kept_verb`` with the store's facts, is recorded once the block has run
    (:class:`FileEvents`).
    """
    if not _floor(acting, partnership.pk):
        raise StoredFileRefused(NOT_ALLOWED, problem="partnership")
    upload = upload_titled(upload.file, upload.title, at=upload.at)  # the store's own floor, whatever the app's words
    checked = upload_checked(upload.file, allowed=events.kind.kinds)
    stored_file = StoredFile(
        uuid=uuid.uuid4(),
        partnership=partnership,
        purpose=Purpose(events.kind.purpose).value,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=acting.user,
        uploaded_at=now(upload.at),
    )
    stored_file.seal("title", upload.title)
    stored_file.seal("original_name", checked.original_name)
    key_id, blob = seal_contents(checked.content, file_uuid=stored_file.uuid)
    stored_file.key_id = key_id
    name = _storage_name(partnership_id=partnership.pk, file_uuid=stored_file.uuid, key_id=key_id)
    stored_file.storage_name = private_files().save(name, ContentFile(blob))
    try:
        with transaction.atomic():
            stored_file.save(force_insert=True)
            yield stored_file
            facts = {**file_facts(stored_file), "key_id": key_id}
            events.record(acting, events.kind.kept_verb, stored_file, stored_file.uuid, **facts)
    except BaseException:
        _delete_blob(stored_file.storage_name)
        raise


def stored_file_create(
    *, acting: Acting, partnership: Partnership, upload: Any, purpose: str, title: str, **details: Any
) -> StoredFile:
    """Keep an upload on its own, for no row of an app's: atomic, audited as ``stored_file.stored`` with ``details``;
    see :func:`stored_file_kept` for what is checked and refused.

    Called inside a caller's wider transaction, the blob is removed if this call fails but not if the caller's
    transaction rolls back later: a caller that writes its own row in the same transaction uses
    :func:`stored_file_kept` around that write instead.
    """
    events = FileEvents(FileKind(Purpose(purpose)), details=details)
    with stored_file_kept(
        acting=acting, partnership=partnership, upload=upload_titled(upload, title), events=events
    ) as stored_file:
        pass
    return stored_file


# -- opening a file --------------------------------------------------------------------------------------------------


def _refused(
    acting: Acting, verb: str, stored_file: StoredFile, problem: str, grant: Grant | None = None, **details: Any
) -> StoredFileRefused:
    """Record a refusal on the audit trail and return the error to raise. The event commits before the error
    reaches the caller, as long as the caller holds no transaction open around the call (opening a file writes
    nothing else, so none is needed: do not wrap it in one, or the refusal rolls back with it)."""
    with transaction.atomic():
        _audit_file(acting, verb, stored_file, grant, problem=problem, **details)
    return StoredFileRefused(FILE_UNAVAILABLE if problem != "partnership" else NOT_ALLOWED, problem=problem)


def _plain_contents(stored_file: StoredFile) -> tuple[str, bytes]:
    """(key id, plain contents) of a kept file, checked against its row; :class:`StoredFileRefused` (unaudited,
    ``problem`` set) when it is missing, cannot be decrypted, or is not what was kept."""
    try:
        with private_files().open(stored_file.storage_name, "rb") as handle:
            # Never read more than the row's file can take up: a blob swapped for something huge is refused.
            blob = handle.read(stored_file.size + BLOB_OVERHEAD + 1)
    except OSError:
        raise StoredFileRefused(FILE_UNAVAILABLE, problem="missing") from None
    if len(blob) > stored_file.size + BLOB_OVERHEAD:
        raise StoredFileRefused(FILE_UNAVAILABLE, problem="unreadable")
    try:
        key_id, content = open_contents(blob, file_uuid=stored_file.uuid)
    except ContentsUnreadable:
        raise StoredFileRefused(FILE_UNAVAILABLE, problem="unreadable") from None
    if len(content) != stored_file.size or hashlib.sha256(content).hexdigest() != stored_file.sha256:
        raise StoredFileRefused(FILE_UNAVAILABLE, problem="checksum")
    return key_id, content


def stored_file_open(
    *, acting: Acting, stored_file: StoredFile, reason: str, neutral_name: str = "", events: FileEvents | None = None
) -> FileDownload:
    """A kept file's plain contents for someone the calling app has allowed, audited with ``reason`` (why they open
    it, in words: the purpose they chose). The checksum is compared before anything is handed back: a file that is
    missing, changed, swapped onto this row or under a key no longer configured is refused, and the refusal audited.

    The download keeps the uploaded file's name (which may name people) unless ``neutral_name`` is given (for a
    reader who may not see identifying details): then the name is not even decrypted and the file is called
    ``<neutral_name>.<ext>``. The opening is one audit event, the kind's ``opened_verb`` with the store's facts and
    the reason (:class:`FileEvents`; without ``events``, the store's own ``stored_file.opened``). A refusal is
    ``stored_file.open_refused``, with the events' ``details``.
    """
    events = events or FileEvents(FileKind(Purpose(stored_file.purpose)))
    reason = clean_text(reason, subject=REASON_SUBJECT, limit=text.NOTE, field="reason", refused=StoredFileRefused)
    if not reason:
        raise StoredFileRefused(REASON_NEEDED, field="reason")
    refused = {"reason": reason, **events.named(events.row), **events.details}
    if not _floor(acting, stored_file.partnership_id):
        raise _refused(acting, VERB_OPEN_REFUSED, stored_file, "partnership", events.grant, **refused)
    try:
        _, content = _plain_contents(stored_file)
    except StoredFileRefused as refusal:
        raise _refused(acting, VERB_OPEN_REFUSED, stored_file, refusal.problem, events.grant, **refused) from None
    filename = (
        f"{neutral_name}.{documents.extension(stored_file.content_type)}"
        if neutral_name
        else stored_file.unseal("original_name")
    )
    with transaction.atomic():
        events.record(
            acting, events.kind.opened_verb, stored_file, events.row, **file_facts(stored_file), reason=reason
        )
    return FileDownload(
        content=content,
        filename=documents.safe_name(filename),
        content_type=stored_file.content_type,
        sha256=stored_file.sha256,
    )


def stored_file_readable(*, stored_file: StoredFile) -> bool:
    """Whether the file could be opened now: its blob is there, decrypts under a configured key and matches the size
    and checksum it was kept with. Nothing is handed out and nothing is audited (no one sees the contents)."""
    try:
        _plain_contents(stored_file)
    except StoredFileRefused:
        return False
    return True


# -- removing a file -------------------------------------------------------------------------------------------------


def stored_file_remove(*, acting: Acting, stored_file: StoredFile, grant: Grant | None = None, **details: Any) -> None:
    """Remove a kept file: the row (audited) in this transaction, the blob once it commits, so a removal that
    rolls back leaves the file whole. A file a record still points at is refused (``problem="in_use"``)."""
    if not _floor(acting, stored_file.partnership_id):
        raise StoredFileRefused(NOT_ALLOWED, problem="partnership")
    name = stored_file.storage_name
    pk = stored_file.pk
    try:
        with transaction.atomic():
            audit(
                acting,
                VERB_REMOVED,
                object_type=StoredFile._meta.label_lower,
                object_id=pk,
                partnership=stored_file.partnership_id,
                grant=grant,
                file=str(stored_file.uuid),
                file_purpose=stored_file.purpose,
                sha256=stored_file.sha256,
                **details,
            )
            StoredFile.objects.filter(pk=pk).delete()
            transaction.on_commit(lambda: _delete_blob(name))
    except ProtectedError:
        raise StoredFileRefused(FILE_IN_USE, problem="in_use") from None


# -- key rotation ----------------------------------------------------------------------------------------------------


def stored_file_reencrypt(*, acting: Acting, stored_file: StoredFile) -> bool:
    """Encrypt one file again under the newest ``FILE_KEYS`` key; ``False`` when it already is.

    The new blob is written under a name of its own and the row moved to it in one transaction; the old blob is
    removed once that commits. An interruption leaves the row on a whole blob either way (at worst an orphan blob).
    A file that cannot be read, or is not what was kept, is left as it is and refused (audited).
    """
    newest = current_key_id()
    try:
        key_id, content = _plain_contents(stored_file)
    except StoredFileRefused as refusal:
        raise _refused(acting, VERB_REENCRYPT_REFUSED, stored_file, refusal.problem) from None
    if key_id == newest and stored_file.key_id == newest:
        return False
    old_name = stored_file.storage_name
    new_name = old_name
    if key_id != newest:
        fresh_key, blob = seal_contents(content, file_uuid=stored_file.uuid)
        name = _storage_name(partnership_id=stored_file.partnership_id, file_uuid=stored_file.uuid, key_id=fresh_key)
        new_name = private_files().save(name, ContentFile(blob))
    try:
        with transaction.atomic():
            moved = StoredFile.objects.filter(pk=stored_file.pk, storage_name=old_name).update(
                storage_name=new_name, key_id=newest
            )
            if not moved:
                raise StoredFileRefused(FILE_MOVED_ON, problem="moved_on")
            _audit_file(acting, VERB_REENCRYPTED, stored_file, from_key=key_id, to_key=newest)
            if new_name != old_name:
                transaction.on_commit(lambda: _delete_blob(old_name))
    except BaseException:
        if new_name != old_name:
            _delete_blob(new_name)
        raise
    stored_file.storage_name, stored_file.key_id = new_name, newest
    return True


@dataclass
class ReencryptCounts:
    reencrypted: int = 0
    refused: list[str] = field(default_factory=list)  # uuids of files left as they were


def stored_files_reencrypt(*, acting: Acting) -> ReencryptCounts:
    """Re-encrypt every file whose row names a key other than the newest (after a rotation). Safe to run again;
    a file that cannot be read is left as it is, audited and named in the answer."""
    counts = ReencryptCounts()
    newest = current_key_id()
    for stored_file in StoredFile.objects.exclude(key_id=newest).order_by("pk").iterator(chunk_size=100):
        try:
            if stored_file_reencrypt(acting=acting, stored_file=stored_file):
                counts.reencrypted += 1
        except StoredFileRefused:
            counts.refused.append(str(stored_file.uuid))
    return counts
