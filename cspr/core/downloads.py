"""Responses that hand a file to someone allowed to have it: always an attachment, never cached, never sniffed.

The caller has checked the person may have the file and audited it; these only build the response.
"""

from __future__ import annotations

import io
from typing import Protocol

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from cspr.kernel.documents import safe_name

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _private[R: HttpResponseBase](response: R) -> R:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_attachment(*, content: bytes, filename: str, content_type: str) -> FileResponse:
    """A kept file's contents (opened by the file store, checked whole) under the name it was uploaded with or a
    neutral one. The name may be a person's words: it is made safe first (:func:`cspr.kernel.documents.safe_name`:
    no folder, no control characters or quotes, at most 150 characters), and Django writes it as ``filename="…"``,
    or as ``filename*=utf-8''…`` when it is not plain ASCII."""
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=safe_name(filename),
        content_type=content_type,
    )
    return _private(response)


class KeptFile(Protocol):
    """What the file store hands over for a download: the plain contents and what they were kept as."""

    @property
    def content(self) -> bytes: ...

    @property
    def filename(self) -> str: ...

    @property
    def content_type(self) -> str: ...


def kept_file_attachment(download: KeptFile) -> FileResponse:
    """A file the store opened for this person (``cspr.files.services.FileDownload``), as :func:`file_attachment`."""
    return file_attachment(content=download.content, filename=download.filename, content_type=download.content_type)


def content_attachment(content: bytes, *, filename: str, content_type: str = DOCX) -> HttpResponse:
    """Generated content (a Word document). ``filename`` is ours (a reference and a word), never a person's."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)
