"""The rapid review as a Word document (python-docx), from :class:`cspr.rapid_reviews.presenters.RecordDocument`.

Every page carries the OFFICIAL-SENSITIVE marking in its header and footer. The document is built in memory and
handed to the download view; it is never stored or e-mailed.
"""

from __future__ import annotations

from cspr.core.wordfiles import CONTENT_TYPE, docx_bytes, marked_document
from cspr.rapid_reviews.presenters import RecordDocument

__all__ = ["CONTENT_TYPE", "render_docx"]


def render_docx(record: RecordDocument) -> bytes:
    document = marked_document(
        marking=record.marking,
        reference=record.reference,
        title=f"{record.title} {record.reference}",
        author=record.partnership,
    )

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
    return docx_bytes(document)
