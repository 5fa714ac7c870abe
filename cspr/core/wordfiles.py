"""What every Word document the service builds shares (python-docx): properties of its own (not those of
python-docx's template: its author, description, 2013 dates and "Microsoft Macintosh Word"), the protective
marking in bold, centred, in the header and footer of every page (the footer with the case's reference), and its
bytes. Documents are built in memory and handed to a download; none is stored or e-mailed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

APP_PROPERTIES = "docProps/app.xml"
"""The package's application properties: python-docx reads and writes them only as its template's bytes."""


def new_document(*, author: str, title: str = "", subject: str = "", at: datetime | None = None) -> Any:
    """A new document whose properties are the service's: created and modified ``at`` (now), its author and last
    editor ``author`` (the partnership), ``title`` and ``subject``, and no description, comments, keywords or
    category. python-docx's template would otherwise give every file its own author, words and dates."""
    document = Document()
    properties = document.core_properties
    moment = (at or timezone.now()).astimezone(UTC).replace(tzinfo=None, microsecond=0)  # written as UTC ("…Z")
    properties.created = properties.modified = moment
    properties.author = properties.last_modified_by = author
    properties.title = title
    properties.subject = subject
    properties.comments = properties.keywords = properties.category = ""
    properties.revision = 1
    return document


def _marking(paragraph: Any, text: str) -> None:
    paragraph.text = text
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in paragraph.runs:
        run.bold = True
        run.font.size = Pt(10)


def marked_document(*, marking: str, reference: str, title: str, author: str) -> Any:
    """A new document whose every page carries ``marking`` at the top and ``marking: reference`` at the bottom."""
    document = new_document(author=author, title=title, subject=marking)
    section = document.sections[0]
    _marking(section.header.paragraphs[0], marking)
    _marking(section.footer.paragraphs[0], f"{marking}: {reference}")
    return document


def _bold(cell: Any) -> None:
    for run in cell.paragraphs[0].runs:
        run.bold = True


def _repeated_on_each_page(row: Any) -> None:
    """Mark a table's row as its header, which Word repeats at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def grid_table(
    document: Any, rows: Iterable[Sequence[str]], *, head: Sequence[str] = (), key_column: bool = False
) -> Any:
    """Add a table with ruled cells: ``head`` (if given) as its bold first row, repeated on every page, then
    ``rows``; with ``key_column`` the first cell of each row is bold too (a table of labels and values). Every row has
    as many cells as the first."""
    rows = [tuple(row) for row in rows]
    table = document.add_table(rows=0, cols=len(head) if head else len(rows[0]))
    table.style = "Table Grid"
    for number, row in enumerate((tuple(head), *rows) if head else rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
        if head and number == 0:
            for cell in cells:
                _bold(cell)
            _repeated_on_each_page(table.rows[0])
        elif key_column:
            _bold(cells[0])
    return table


def app_properties() -> bytes:
    """The application properties every file carries: the service's name as the application, nothing else."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{escape(settings.SERVICE_NAME)}</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def docx_bytes(document: Any) -> bytes:
    """The document's file, its application properties replaced by the service's (:func:`app_properties`)."""
    saved = io.BytesIO()
    document.save(saved)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, app_properties() if item.filename == APP_PROPERTIES else source.read(item))
    return rewritten.getvalue()
