"""The rapid review as a Word document (python-docx), from :class:`cspr.rapid_reviews.presenters.RecordDocument`.

Every page carries the OFFICIAL-SENSITIVE marking in its header and footer. The document is built in memory and
handed to the download view; it is never stored or e-mailed.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from cspr.rapid_reviews.presenters import RecordDocument

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _marking(paragraph: object, text: str) -> None:
    paragraph.text = text  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    for run in paragraph.runs:  # type: ignore[attr-defined]
        run.bold = True
        run.font.size = Pt(10)


def render_docx(record: RecordDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    _marking(section.header.paragraphs[0], record.marking)
    _marking(section.footer.paragraphs[0], f"{record.marking}: {record.reference}")
    document.core_properties.title = f"{record.title} {record.reference}"
    document.core_properties.subject = record.marking
    document.core_properties.author = record.partnership

    document.add_heading(f"{record.title}: {record.reference}", level=0)
    intro = document.add_paragraph()
    intro.add_run(record.partnership).bold = True
    document.add_paragraph(f"Children: {record.pseudonyms}")
    document.add_paragraph(
        "This copy includes identifying details of the child and family."
        if record.identifying
        else "This copy has no identifying details: the children are named by pseudonym only."
    )
    for block in record.blocks:
        document.add_heading(block.heading + (f" ({block.section})" if block.section else ""), level=1)
        for text in block.paragraphs:
            document.add_paragraph(text)
        if block.rows:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for key, value in block.rows:
                cells = table.add_row().cells
                cells[0].text = key
                cells[1].text = value
                for run in cells[0].paragraphs[0].runs:
                    run.bold = True
        if block.table:
            table = document.add_table(rows=1, cols=len(block.table_head))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.table_head, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in block.table:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
