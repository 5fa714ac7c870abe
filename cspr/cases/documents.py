"""Case documents on disk: outside the web root, type checked by content, size limited, scanned.

Files live under ``settings.PRIVATE_MEDIA_ROOT`` (default ``var/private/``), which no URL serves: the only way out is
the permission-checked, audited download view. The type is decided by the file's first bytes, never by its name or
the browser's claim. :func:`scan_file` is the hook for a virus scanner: it does nothing unless
``settings.CASE_DOCUMENT_SCANNER`` names a function ``scan(path)`` that raises :class:`FileRejected`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from cspr.cases.errors import CaseActionRefused

TITLE_NEEDED = "Enter what the document is (200 characters or fewer, without names)."
FILE_NEEDED = "Select a file to upload."
FILE_EMPTY = "The selected file is empty."
FILE_TOO_BIG = "The selected file must be smaller than {limit} MB."
FILE_TYPE = "The selected file must be a PDF, Word document (DOCX), Excel spreadsheet (XLSX), PNG, JPEG or plain text."
FILE_INFECTED = "The selected file was rejected by the virus scanner."

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}


class FileRejected(CaseActionRefused):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def sniff(head: bytes, path: Path) -> str | None:
    """The kind of file from its content: one of :data:`CONTENT_TYPES`' keys, or ``None``."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if _is_plain_text(path):
        return "txt"
    return None


def _is_plain_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        data = handle.read(64 * 1024)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(data) - 3:
            return False
    return True


def scan_file(path: Path) -> None:
    """The virus-scanner hook: a no-op unless ``CASE_DOCUMENT_SCANNER`` names a scanner."""
    scanner_path = getattr(settings, "CASE_DOCUMENT_SCANNER", "")
    if scanner_path:
        scanner = import_string(scanner_path)
        scanner(path)


def root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


def absolute(relative_path: str) -> Path:
    path = (root() / relative_path).resolve()
    if root().resolve() not in path.parents:
        raise FileRejected("The document is not where documents are kept.")
    return path


def remove(relative_path: str) -> None:
    with contextlib.suppress(OSError, FileRejected):
        absolute(relative_path).unlink(missing_ok=True)


def safe_name(name: str) -> str:
    """A file name fit for a Content-Disposition header: no path, no control characters, at most 150 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip() or "document"
    return name[-150:]


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    content_type: str
    size: int
    sha256: str

    def model_fields(self) -> dict[str, Any]:
        """The columns every stored-file model shares (case documents, meeting papers, return attachments)."""
        return {
            "stored_name": self.relative_path,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }

    def audit_details(self) -> dict[str, Any]:
        """What the audit trail keeps about a file: never its title or name, which may name people."""
        return {"content_type": self.content_type, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Download:
    """A kept file on its way to someone allowed to have it (the caller has checked and audited)."""

    path: Path
    filename: str
    content_type: str

    @classmethod
    def of(cls, kept_file: Any) -> Download:
        """The download of a stored-file row (a case document, meeting paper or return attachment): each keeps
        ``stored_name``, ``content_type`` and its sealed ``original_name``."""
        return cls(
            path=absolute(kept_file.stored_name),
            filename=kept_file.unseal("original_name"),
            content_type=kept_file.content_type,
        )


@contextlib.contextmanager
def kept(*, upload: Any, folder: str, name: str) -> Iterator[StoredFile]:
    """Store the upload (checked as ``store`` checks it) for the block that records it; if the block fails,
    the file is removed again, so no file outlives a record that was rolled back."""
    stored = store(upload=upload, case_uuid=folder, document_uuid=name)
    try:
        yield stored
    except BaseException:
        remove(stored.relative_path)
        raise


def original_name(upload: Any, fallback: str) -> str:
    return safe_name(getattr(upload, "name", "") or fallback)


def store(*, upload: Any, case_uuid: str, document_uuid: str) -> StoredFile:
    """Write the upload under the private root, checking size, type and the scanner; remove it if any fails."""
    if upload is None:
        raise FileRejected(FILE_NEEDED)
    limit = int(settings.CASE_DOCUMENT_MAX_BYTES)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRejected(FILE_TOO_BIG.format(limit=limit // (1024 * 1024)))
    relative = f"cases/{case_uuid}/{document_uuid}"
    path = root() / relative
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    written = 0
    try:
        with open(path, "xb") as handle:
            os.chmod(path, 0o600)
            chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise FileRejected(FILE_TOO_BIG.format(limit=limit // (1024 * 1024)))
                digest.update(chunk)
                handle.write(chunk)
        if written == 0:
            raise FileRejected(FILE_EMPTY)
        with open(path, "rb") as handle:
            head = handle.read(16)
        kind = sniff(head, path)
        if kind is None:
            raise FileRejected(FILE_TYPE)
        scan_file(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(relative_path=relative, content_type=CONTENT_TYPES[kind], size=written, sha256=digest.hexdigest())
