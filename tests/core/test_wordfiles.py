"""The shared Word helper gives every file the service's own properties, read back from the produced bytes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from docx import Document

from cspr.core.wordfiles import docx_bytes, grid_table, marked_document, new_document
from tests.support import assert_word_file_is_the_services


def test_a_marked_document_carries_the_partnerships_name_and_todays_dates() -> None:
    document = marked_document(
        marking="OFFICIAL-SENSITIVE", reference="NVALE-2026-001", title="A title", author="Northvale partnership"
    )
    data = docx_bytes(document)
    assert_word_file_is_the_services(data, author="Northvale partnership")
    properties = Document(io.BytesIO(data)).core_properties
    assert (properties.title, properties.subject) == ("A title", "OFFICIAL-SENSITIVE")


def test_the_moment_is_written_in_utc() -> None:
    at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    properties = Document(io.BytesIO(docx_bytes(new_document(author="A", at=at)))).core_properties
    assert properties.created == properties.modified == at


def test_a_grid_table_bolds_its_head_row_or_its_key_column() -> None:
    document = new_document(author="A")
    grid_table(document, [("1 May 2026", "Home visit")], head=("Date", "Event"))
    grid_table(document, [("Reference", "NVALE-2026-001"), ("Stage", "Rapid review")], key_column=True)
    headed, keyed = Document(io.BytesIO(docx_bytes(document))).tables

    def read(table: Any) -> list[list[tuple[str, bool]]]:
        return [
            [(cell.text, all(run.bold for run in cell.paragraphs[0].runs)) for cell in row.cells] for row in table.rows
        ]

    assert read(headed) == [[("Date", True), ("Event", True)], [("1 May 2026", False), ("Home visit", False)]]
    assert read(keyed) == [
        [("Reference", True), ("NVALE-2026-001", False)],
        [("Stage", True), ("Rapid review", False)],
    ]
    assert [table.style.name if table.style else None for table in (headed, keyed)] == ["Table Grid", "Table Grid"]
    # The head row is repeated on every page a long table runs onto; a table of labels has no head row.
    header = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
    assert [row._tr.find(f".//{header}") is not None for row in headed.rows] == [True, False]
    assert [row._tr.find(f".//{header}") is not None for row in keyed.rows] == [False, False]
