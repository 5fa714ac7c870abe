"""How the service names the kinds of file it keeps, in a refusal and on a page."""

from __future__ import annotations

import pytest

from cspr.kernel.documents import ALLOWED, CONTENT_TYPES, allowed_in_words, file_kind_words


@pytest.mark.parametrize(
    ("allowed", "words"),
    [
        (
            ALLOWED,
            "a PDF, a Word document, an Excel spreadsheet, a CSV file, a plain text file, "
            "or a PNG, JPEG, GIF or WebP image",
        ),
        (frozenset({"pdf", "docx", "doc"}), "a PDF or a Word document"),
        (frozenset({"csv", "xlsx"}), "an Excel spreadsheet or a CSV file"),
        (frozenset({"png"}), "a PNG image"),
    ],
)
def test_a_field_names_the_kinds_it_takes_once_each_in_the_allow_lists_order(
    allowed: frozenset[str], words: str
) -> None:
    assert allowed_in_words(allowed) == words


def test_a_page_names_a_kept_files_kind_in_words() -> None:
    assert [file_kind_words(CONTENT_TYPES[key]) for key in ("pdf", "docx", "doc", "xlsx", "txt", "jpeg")] == [
        "PDF",
        "Word document",
        "Word document",
        "Excel spreadsheet",
        "Plain text file",
        "JPEG image",
    ]
    assert file_kind_words("application/x-unknown") == "File"
