"""What every Word document the service builds shares (python-docx): the protective marking in bold, centred, in
the header and footer of every page (the footer with the case's reference), the document's properties, and its
bytes. Documents are built in memory and handed to a download; none is stored or e-mailed."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _marking(paragraph: Any, text: str) -> None:
    paragraph.text = text
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in paragraph.runs:
        run.bold = True
        run.font.size = Pt(10)


def marked_document(*, marking: str, reference: str, title: str, author: str) -> Any:
    """A new document whose every page carries ``marking`` at the top and ``marking: reference`` at the bottom."""
    document = Document()
    section = document.sections[0]
    _marking(section.header.paragraphs[0], marking)
    _marking(section.footer.paragraphs[0], f"{marking}: {reference}")
    document.core_properties.title = title
    document.core_properties.subject = marking
    document.core_properties.author = author
    return document


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
