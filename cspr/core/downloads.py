"""Responses that hand a file to someone allowed to have it: always an attachment, never cached, never sniffed.

The caller has checked the person may have the file and audited it; these only build the response.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _private[R: HttpResponseBase](response: R) -> R:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_attachment(*, path: Path, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    return _private(response)


def content_attachment(content: bytes, *, filename: str, content_type: str = DOCX) -> HttpResponse:
    """Generated content (a Word document). ``filename`` is ours (a reference and a word), never a person's."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)
