"""Helpers for letters tests: the demo case NVALE-2026-003 taken to the decision to hold a local review, the Word
document's text, and the objects the URL policy test needs."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from cspr.cases.models import Case
from tests.rapid_reviews.support import REFERENCE, panel_response, the_case, to_awaiting_panel

#: Not notifiable (demo case 1): the letter to the family is due; nothing has gone yet.
NOT_NOTIFIABLE = "NVALE-2026-001"
#: Not notifiable, then closed (demo case 2): the demo records the closing letter to the family as sent.
CLOSED = "NVALE-2026-002"
PANEL_REFERENCE = "CSPRP-DEMO-0412"
LOCAL_REVIEW_DETAILS = "The Panel agreed that a local review is the right way to learn from this case."


def to_local_review() -> Case:
    """NVALE-2026-003 with its rapid review sent to the Panel and the Panel's answer: a local review (10 December)."""
    case = to_awaiting_panel(the_case())
    panel_response(case, "local_review", 10, details=LOCAL_REVIEW_DETAILS)
    return Case.objects.get(reference=REFERENCE)


def docx_text(content: bytes) -> str:
    """Every word of a Word document: body, tables, header and footer, one paragraph a line."""
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
        parts += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(parts)


def docx_pictures(content: bytes) -> int:
    return len(Document(io.BytesIO(content)).inline_shapes)


# -- the URL policy test's objects ------------------------------------------------------------------------------------

LETTERS_POST_ONLY: frozenset[str] = frozenset()


def letters_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """The not-notifiable demo case, whose letter to the family is due, for every page of a case."""
    if name in {"letters:letterhead", "letters:letterhead-logo"}:
        return {}
    if name in {"letters:download", "letters:sent"}:
        return {"reference": NOT_NOTIFIABLE, "letter": "not-notifiable-family"}
    return {"reference": NOT_NOTIFIABLE}
