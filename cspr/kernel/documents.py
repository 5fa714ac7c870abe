"""What an upload may be: the checks every upload in the service passes before the file store
(:mod:`cspr.files.services`, ADR 0016) keeps it (case documents, notification-form documents, meeting papers, return
attachments); the chronology import uses the same checks on what it reads.

A file is kept only when it is on the allow-list (:data:`KINDS`: PDF, Word, Excel, CSV, plain text, PNG, JPEG, GIF,
WebP) by its content *and* its name's ending says the same kind; the content type stored and served is the detected
kind's, never the browser's claim. A name holding a folder, a drive or control characters is refused, not renamed
(:class:`NameKeepingParser`). A Word or Excel archive that would expand too far is refused without expanding it.
:func:`scan_file` is the hook for a virus scanner: it does nothing unless ``settings.CASE_DOCUMENT_SCANNER`` names
a function ``scan(path)`` that raises :class:`FileRejected` (production refuses to start without one unless
``CASE_DOCUMENT_SCANNER_WAIVED`` is set).
"""

from __future__ import annotations

import codecs
import html
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.utils.encoding import force_str
from django.utils.module_loading import import_string

from cspr.kernel.errors import CaseActionRefused

TITLE_NEEDED = "Enter what the document is (200 characters or fewer, without names)."
FILE_NEEDED = "Select a file to upload."
FILE_EMPTY = "The selected file is empty."
FILE_TOO_BIG = "The selected file must be smaller than {limit} MB."
WORD = "a Word document"
EXCEL = "an Excel spreadsheet"
#: The hint shown under every file field that keeps a document.
ALLOWED_HINT = "PDF, Word, Excel, CSV, plain text, PNG, JPEG, GIF or WebP, smaller than 20 MB."
FILE_NAME = (
    "The selected file's name must not include a folder, a drive or hidden characters: "
    "rename the file and select it again."
)
FILE_ARCHIVE = "The selected file would expand to more than the service can check: save it as a PDF or a smaller file."
FILE_MACROS = "The selected file contains macros: save it without macros (as .docx or .xlsx) or as a PDF."
FILE_INFECTED = "The selected file was rejected by the virus scanner."


@dataclass(frozen=True)
class Kind:
    """A type of file the service keeps: what it is served as, the name endings it may have, and how an error message
    names it ("a PDF"; an image by its format alone, as the images are named together)."""

    content_type: str
    extensions: tuple[str, ...]
    words: str
    image: bool = False


#: The allow-list. Nothing else is kept: never SVG, HTML, scripts or programs.
KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", ("pdf",), "a PDF"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), WORD),
    "doc": Kind("application/msword", ("doc",), WORD),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), EXCEL),
    "xls": Kind("application/vnd.ms-excel", ("xls",), EXCEL),
    "csv": Kind("text/csv", ("csv",), "a CSV file"),
    "txt": Kind("text/plain", ("txt",), "a plain text file"),
    "png": Kind("image/png", ("png",), "PNG", image=True),
    "jpeg": Kind("image/jpeg", ("jpg", "jpeg"), "JPEG", image=True),
    "gif": Kind("image/gif", ("gif",), "GIF", image=True),
    "webp": Kind("image/webp", ("webp",), "WebP", image=True),
}
CONTENT_TYPES = {name: kind.content_type for name, kind in KINDS.items()}
#: The kind a kept file's content type is (the first of the list with it).
KIND_OF_CONTENT_TYPE = {content_type: name for name, content_type in reversed(CONTENT_TYPES.items())}
ALLOWED = frozenset(KINDS)


def _either(parts: list[str], *, comma_before_or: bool = False) -> str:
    """ "a", "a or b", "a, b or c" (or "a, b, or c", which keeps a last part that lists images apart)."""
    if len(parts) < 3:
        return " or ".join(parts)
    return f"{', '.join(parts[:-1])}{',' if comma_before_or else ''} or {parts[-1]}"


def allowed_in_words(allowed: frozenset[str] = ALLOWED) -> str:
    """The kinds a file field takes, in words, in the allow-list's order: "a PDF or a Word document"."""
    kinds = [kind for key, kind in KINDS.items() if key in allowed]
    phrases = list(dict.fromkeys(kind.words for kind in kinds if not kind.image))
    images = [kind.words for kind in kinds if kind.image]
    if images:
        phrases.append(f"a {_either(images)} image")
    return _either(phrases, comma_before_or=len(images) > 1)


def file_kind_words(content_type: str) -> str:
    """How a page names a kept file's kind: "PDF", "Word document", "PNG image" ("File" for a type not on the list)."""
    kind = KINDS.get(KIND_OF_CONTENT_TYPE.get(content_type, ""))
    if kind is None:
        return "File"
    words = kind.words.removeprefix("an ").removeprefix("a ")
    return f"{words} image" if kind.image else words[:1].upper() + words[1:]


def file_type_refused(allowed: frozenset[str] = ALLOWED) -> str:
    """The refusal of a file whose name ends in a way not allowed here."""
    return f"The selected file must be {allowed_in_words(allowed)}."


def file_mismatch_refused(allowed: frozenset[str] = ALLOWED) -> str:
    """The refusal of a file that is not what its name says (or not a kind allowed here)."""
    return (
        f"The selected file is not what its name says. It must be {allowed_in_words(allowed)}, and its name must end "
        "the matching way (for example .pdf or .docx)."
    )


#: Content that is text may be kept under either of these names.
TEXT_KINDS = frozenset({"csv", "txt"})
#: Text that a browser could take for a page, a picture or markup is never plain text.
MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<!--")

# A Word or Excel file is a zip archive: refuse one that would expand past these without expanding it.
ARCHIVE_MAX_ENTRIES = 5_000
ARCHIVE_MAX_EXPANDED = 300 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100  # uncompressed to compressed, for any part larger than ARCHIVE_RATIO_FROM
ARCHIVE_RATIO_FROM = 1024 * 1024

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_LAST_SECTOR = 0xFFFFFFFA  # sector numbers at or above this mark ends of chains and free sectors
_OLE_MAX_SECTORS = 4_096


class FileRejected(CaseActionRefused):
    """A file the store will not keep. ``reason`` says why, for callers that word some refusals their own way:
    ``name`` (a path or hidden characters in the name), ``type`` (not on the list, or not what its name says),
    ``archive`` (would expand too far), ``size``, ``empty``, ``needed``, ``scanner``."""

    def __init__(self, message: str, reason: str = "type") -> None:
        super().__init__(message, field="file")
        self.reason = reason


def name_is_unsafe(name: str) -> bool:
    """True for a file name holding a path (``../x.pdf``, ``C:\\x.pdf``, ``/etc/x.pdf``) or control characters."""
    if any(mark in name for mark in ("/", "\\", ":")) or name.strip() in {".", ".."}:
        return True
    return any(not char.isprintable() for char in name)


def name_kind(name: str) -> str | None:
    """The kind a file's name claims by its ending, or ``None`` for an ending not on the list."""
    _, dot, extension = name.strip().rpartition(".")
    if not dot:
        return None
    extension = extension.lower()
    for key, kind in KINDS.items():
        if extension in kind.extensions:
            return key
    return None


def check_name(name: str, *, refused: bool = False, allowed: frozenset[str] = ALLOWED) -> str:
    """Refuse an unsafe name or one whose ending is not allowed; otherwise the kind the name claims."""
    if refused or name_is_unsafe(name):
        raise FileRejected(FILE_NAME, reason="name")
    kind = name_kind(name)
    if kind is None or kind not in allowed:
        raise FileRejected(file_type_refused(allowed), reason="type")
    return kind


def check_content(
    handle: BinaryIO, *, claimed: str, allowed: frozenset[str] = ALLOWED, max_expanded: int = ARCHIVE_MAX_EXPANDED
) -> str:
    """The kind of the file in ``handle`` when it is what its name claims (``claimed``); refuse it otherwise.

    A Word or Excel archive that would expand past the limits is refused without being expanded."""
    kind = content_kind(handle, max_expanded=max_expanded)
    if kind == "text" and claimed in TEXT_KINDS:
        kind = claimed
    if kind is None or kind != claimed or kind not in allowed:
        raise FileRejected(file_mismatch_refused(allowed), reason="type")
    return kind


def upload_name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "")


def check_upload_name(upload: Any, *, allowed: frozenset[str] = ALLOWED) -> str:
    """:func:`check_name` for an upload, honouring the mark :class:`NameKeepingParser` leaves on one whose name the
    browser sent with a path (Django's own parser would have quietly cut it off)."""
    return check_name(upload_name(upload), refused=bool(getattr(upload, "name_refused", False)), allowed=allowed)


def content_kind(handle: BinaryIO, *, max_expanded: int = ARCHIVE_MAX_EXPANDED) -> str | None:
    """What the file is by its content: a key of :data:`KINDS`, ``"text"`` for plain text, or ``None``."""
    handle.seek(0)
    head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _archive_kind(handle, max_expanded=max_expanded)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(handle)
    if _is_plain_text(handle):
        return "text"
    return None


def _archive_kind(handle: BinaryIO, *, max_expanded: int) -> str | None:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    # The sizes come from the archive's own directory; Python's zip reader stops at the declared size, so a part
    # cannot expand further than it says.
    if len(parts) > ARCHIVE_MAX_ENTRIES:
        raise FileRejected(FILE_ARCHIVE, reason="archive")
    expanded = 0
    for part in parts:
        expanded += part.file_size
        if part.file_size > ARCHIVE_RATIO_FROM and part.file_size > ARCHIVE_MAX_RATIO * max(part.compress_size, 1):
            raise FileRejected(FILE_ARCHIVE, reason="archive")
    if expanded > max_expanded:
        raise FileRejected(FILE_ARCHIVE, reason="archive")
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRejected(FILE_MACROS, reason="type")
    return kind


def _ole_kind(handle: BinaryIO) -> str | None:
    """A legacy Word (.doc) or Excel (.xls) file, known by the streams in its compound-file directory."""
    try:
        names = _ole_names(handle)
    except (OSError, ValueError, IndexError):
        return None
    if names is None:
        return None
    if names & {"Macros", "_VBA_PROJECT_CUR", "VBA"}:
        raise FileRejected(FILE_MACROS, reason="type")
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    return None


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _ole_names(handle: BinaryIO) -> set[str] | None:
    handle.seek(0)
    header = handle.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        return None
    shift = int.from_bytes(header[30:32], "little")
    if shift not in (9, 12):
        return None
    size = 1 << shift
    per_sector = size // 4

    def read(sector: int) -> bytes:
        handle.seek((sector + 1) * size)
        data = handle.read(size)
        if len(data) != size:
            raise ValueError("short sector")
        return data

    fat_count = _u32(header, 44)
    fat_sectors = [_u32(header, 76 + 4 * index) for index in range(109)]
    difat, difat_seen = _u32(header, 68), 0
    while difat < _OLE_LAST_SECTOR and difat_seen < _OLE_MAX_SECTORS:
        data = read(difat)
        fat_sectors += [_u32(data, 4 * index) for index in range(per_sector - 1)]
        difat, difat_seen = _u32(data, size - 4), difat_seen + 1
    fat_sectors = [sector for sector in fat_sectors[:fat_count] if sector < _OLE_LAST_SECTOR]

    def following(sector: int) -> int:
        index, offset = divmod(sector, per_sector)
        if index >= len(fat_sectors):
            raise ValueError("sector outside the allocation table")
        return _u32(read(fat_sectors[index]), 4 * offset)

    names: set[str] = set()
    sector, visited = _u32(header, 48), 0
    while sector < _OLE_LAST_SECTOR:
        visited += 1
        if visited > _OLE_MAX_SECTORS:
            return None
        data = read(sector)
        for at in range(0, size, 128):
            entry = data[at : at + 128]
            length = int.from_bytes(entry[64:66], "little")
            if entry[66] in (1, 2) and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        sector = following(sector)
    return names


def _is_plain_text(handle: BinaryIO) -> bool:
    """UTF-8 text without NUL characters, all of it, that does not start like a web page, a picture or markup."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    opening = ""
    try:
        while chunk := handle.read(64 * 1024):
            if b"\x00" in chunk:
                return False
            text = decoder.decode(chunk)
            if len(opening) < 64:
                opening = (opening + text).lstrip("\ufeff \t\r\n\f\v")[:64]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return not opening.lower().startswith(MARKUP_STARTS)


def scan_file(path: Path) -> None:
    """The virus-scanner hook: a no-op unless ``CASE_DOCUMENT_SCANNER`` names a scanner."""
    scanner_path = getattr(settings, "CASE_DOCUMENT_SCANNER", "")
    if scanner_path:
        scanner = import_string(scanner_path)
        scanner(path)


def safe_name(name: str) -> str:
    """A file name fit for a Content-Disposition header: no path, no control characters (C0, DEL, C1) and no quotes,
    at most 150 characters; "document" when nothing is left."""
    name = os.path.basename(name.replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f-\x9f\"]", "", name).strip() or "document"
    return name[-150:]


def extension(content_type: str) -> str:
    """The file extension for a kept file's content type ("bin" for one we do not know)."""
    return KIND_OF_CONTENT_TYPE.get(content_type, "bin")


def original_name(upload: Any, fallback: str) -> str:
    return safe_name(getattr(upload, "name", "") or fallback)


# -- file names as the browser sent them ------------------------------------------------------------------------------


class NameKeepingParser(MultiPartParser):
    """Django's upload parser, except that a file whose name came with a folder, a drive or control characters is
    marked (``name_refused``) so the store refuses it, instead of being silently renamed to its last part."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_refused = False

    def sanitize_file_name(self, file_name: str) -> str | None:
        cleaned = super().sanitize_file_name(file_name)
        self._name_refused = name_is_unsafe(html.unescape(file_name))
        if cleaned is None and self._name_refused:
            # "../" and the like: keep the part so the person is told why, rather than told to select a file.
            cleaned = "refused"
        return cleaned

    def handle_file_complete(self, old_field_name: str, counters: list[int]) -> None:
        # Django completes each file before it reads the next part's name, so the mark is this file's.
        super().handle_file_complete(old_field_name, counters)
        if self._name_refused:
            files = self._files  # type: ignore[attr-defined]
            kept = files.getlist(force_str(old_field_name, self._encoding, errors="replace"))  # type: ignore[attr-defined]
            if kept:
                kept[-1].name_refused = True


def upload_names_kept(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware (before anything reads ``request.POST``): parse uploads with :class:`NameKeepingParser`."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.multipart_parser_class = NameKeepingParser  # type: ignore[assignment]  # the stubs want an instance
        return get_response(request)

    return middleware
