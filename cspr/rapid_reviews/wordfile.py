"""The rapid review as a Word document (python-docx), from :class:`cspr.rapid_reviews.presenters.RecordDocument`.

Every page carries the OFFICIAL-SENSITIVE marking in its header and footer. The document is built in memory and
handed to the download view; it is never stored or e-mailed.
"""

from __future__ import annotations

from cspr.core.wordfiles import CONTENT_TYPE, docx_bytes, grid_table, marked_document
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
            grid_table(document, block.rows, key_column=True)
        if block.table:
            grid_table(document, block.table, head=block.table_head)
    return docx_bytes(document)
