"""Word documents: one organisation's return, and the merged chronology. Both marked OFFICIAL-SENSITIVE on every
page (:func:`cspr.core.wordfiles.marked_document`, the footer with the case's reference) and at the start and end."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from docx.shared import Pt

from cspr.core.wordfiles import docx_bytes, grid_table, marked_document
from cspr.domain.letters import long_date

MARKING = "OFFICIAL-SENSITIVE"


def _day(value: date | None) -> str:
    return long_date(value) if value else "not given"


def _marked_document(title: str, *, reference: str, partnership: str) -> Any:
    document = marked_document(marking=MARKING, reference=reference, title=title, author=partnership)
    marking = document.add_paragraph()
    run = marking.add_run(MARKING)
    run.bold = True
    run.font.size = Pt(12)
    document.add_heading(title, level=1)
    return document


def _text(document: Any, heading: str, text: str) -> None:
    document.add_heading(heading, level=2)
    for line in (text or "Nothing recorded.").splitlines() or ["Nothing recorded."]:
        document.add_paragraph(line)


def return_document(
    *,
    reference: str,
    partnership: str,
    organisation: str,
    version: int,
    status: str,
    submitted_on: date | None,
    sections: dict[str, str],
    involved_from: date | None,
    involved_to: date | None,
    entries: Iterable[tuple[date, str, str]],
    attachments: Iterable[str],
) -> bytes:
    document = _marked_document(
        f"{organisation}: return for case {reference}", reference=reference, partnership=partnership
    )
    document.add_paragraph(f"{partnership}. Version {version} ({status}); submitted: {_day(submitted_on)}.")
    document.add_heading("Involvement with the child and family", level=2)
    document.add_paragraph(f"From {_day(involved_from)} to {_day(involved_to)}.")
    _text(document, "Services provided", sections["services"])
    _text(document, "Key contacts", sections["key_contacts"])
    _text(document, "Summary of involvement", sections["involvement"])
    document.add_heading("Chronology", level=2)
    rows = [(_day(happened_on), event, source) for happened_on, event, source in entries]
    if rows:
        grid_table(document, rows, head=("Date", "Event", "Source"))
    else:
        document.add_paragraph("No entries.")
    _text(document, "Key practice episodes and the agency's analysis", sections["key_practice_episodes"])
    _text(document, "Immediate safeguarding actions taken", sections["immediate_actions"])
    _text(document, "Early learning", sections["early_learning"])
    _text(
        document,
        "Equality considerations (race, disability and other inequalities)",
        sections["equality_considerations"],
    )
    names = list(attachments)
    if names:
        document.add_heading("Attachments", level=2)
        for name in names:
            document.add_paragraph(name, style="List Bullet")
    document.add_paragraph(MARKING)
    return docx_bytes(document)


def chronology_document(*, reference: str, partnership: str, rows: Iterable[Any], filters: str) -> bytes:
    document = _marked_document(f"Merged chronology for case {reference}", reference=reference, partnership=partnership)
    document.add_paragraph(f"{partnership}. From the agencies' submitted returns. {filters}".strip())
    cells = [(_day(row.happened_on), row.organisation, row.event, row.source) for row in rows]
    if cells:
        grid_table(document, cells, head=("Date", "Organisation", "Event", "Source"))
    else:
        document.add_paragraph("No entries.")
    document.add_paragraph(MARKING)
    return docx_bytes(document)
