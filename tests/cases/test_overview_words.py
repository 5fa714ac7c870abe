"""The case pages' words read as sentences: names keep their capitals inside them, counts agree with their nouns,
a section number fits the way the case went, and a duty that did not apply is not "Not yet" done."""

from __future__ import annotations

import html
import re

import pytest

from cspr.domain.text import counted, in_sentence
from tests.support import ClientAs

BU = "business.unit@example.org"


def page_text(client_as: ClientAs, address: str, email: str = BU) -> str:
    response = client_as(email).get(address)
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Decision not to notify the Panel", "decision not to notify the Panel"),
        ("Information provided to the Panel", "information provided to the Panel"),
        ("PRG chair", "PRG chair"),
        ("DfE told", "DfE told"),
        ("Ofsted notified", "Ofsted notified"),
        ("Panel's national review", "Panel's national review"),
        ("Business unit", "business unit"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence_keeps_its_names(label: str, in_a_sentence: str) -> None:
    assert in_sentence(label) == in_a_sentence


def test_a_count_agrees_with_its_noun() -> None:
    assert [counted(n, "item") for n in (0, 1, 2)] == ["0 items", "1 item", "2 items"]
    assert counted(2, "child", "children") == "2 children"


@pytest.mark.django_db
def test_a_case_closed_by_the_prg_chair_says_so_with_its_capitals(client_as: ClientAs) -> None:
    text = page_text(client_as, "/cases/NVALE-2026-008/")
    assert re.search(r"Closed on \d+ \w+ \d{4} by .+ \(PRG chair\)\.", text)


@pytest.mark.django_db
def test_the_engagement_log_keeps_the_panels_capital(client_as: ClientAs) -> None:
    text = page_text(client_as, "/cases/NVALE-2026-011/national-review/")
    assert "information provided to the Panel:" in text
    assert "the panel" not in text


@pytest.mark.django_db
def test_a_not_notifiable_case_closes_under_the_sections_of_its_own_way(client_as: ClientAs) -> None:
    text = page_text(client_as, "/cases/NVALE-2026-001/")
    assert "Close the case (§3.5, §5.6)" in text
    assert "§7.10" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["NVALE-2026-001", "NVALE-2026-002"])
def test_a_case_the_local_authority_did_not_notify_does_not_wait_for_the_panel_to_be_notified(
    client_as: ClientAs, reference: str
) -> None:
    text = page_text(client_as, f"/cases/{reference}/")
    assert "Panel notified Not needed: the local authority decided not to notify the Panel (§3.5)" in text
    assert "the panel" not in text  # nor "still to be told: the decision not to notify the panel"
