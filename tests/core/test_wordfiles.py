"""The shared Word helper gives every file the service's own properties, read back from the produced bytes."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from cspr.core.wordfiles import docx_bytes, marked_document, new_document
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
