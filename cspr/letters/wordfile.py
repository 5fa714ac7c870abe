"""A letter as a Word document (python-docx), from :class:`cspr.letters.services.PreparedLetter`.

The partnership's logo and address head the first page; every page carries the OFFICIAL-SENSITIVE marking in its
header and footer (:mod:`cspr.core.wordfiles`). Built in memory for the download: never stored, never e-mailed.
"""

from __future__ import annotations

import contextlib
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.shared import Cm

from cspr.core.wordfiles import CONTENT_TYPE, docx_bytes, marked_document
from cspr.domain.letters import long_date
from cspr.letters.services import PreparedLetter

__all__ = ["CONTENT_TYPE", "render_docx"]

LOGO_WIDTH = Cm(4)


def render_docx(letter: PreparedLetter) -> bytes:
    document = marked_document(
        marking=letter.marking,
        reference=letter.reference,
        title=f"{letter.kind.title}: {letter.reference}",
        author=letter.partnership,
    )
    if letter.logo is not None:
        # A logo kept before pictures were read whole may not open: the letter goes without it, as without one the
        # store refuses.
        with contextlib.suppress(InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError):
            document.add_picture(io.BytesIO(letter.logo.content), width=LOGO_WIDTH)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading.add_run(letter.partnership).bold = True
    for line in letter.address:
        heading.add_run().add_break()
        heading.add_run(line)
    document.add_paragraph(long_date(letter.dated))
    to = document.add_paragraph()
    for number, line in enumerate(letter.recipient):
        if number:
            to.add_run().add_break()
        to.add_run(line)
    references = document.add_paragraph(f"Our reference: {letter.reference}")
    if letter.their_reference:
        references.add_run().add_break()
        references.add_run(f"Your reference: {letter.their_reference}")
    document.add_paragraph(letter.words.salutation)
    document.add_paragraph().add_run(letter.words.subject).bold = True
    for paragraph in letter.words.paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph("Yours sincerely,")
    closing = document.add_paragraph()
    if letter.sign_off:
        closing.add_run(letter.sign_off)
        closing.add_run().add_break()
    closing.add_run(letter.partnership)
    return docx_bytes(document)
