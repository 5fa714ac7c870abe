"""The case page reads each of its rows once, however many of its sections show them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ClientFunc = Callable[[str], Client]
# A demo case at the rapid review stage: the case's own sections and the rapid review's and returns' panels.
CASE_PAGE = "/cases/NVALE-2026-003/"
# Signing in, the person's memberships and the audit of the sealed text read on the page take 9 of these; the rest
# is one read per kind of row the page shows.
MOST_QUERIES = 28


def tables_read(queries: list[dict[str, Any]]) -> Counter[str]:
    """How many SELECTs read from each table (by the table after FROM)."""
    found: Counter[str] = Counter()
    for query in queries:
        match = re.match(r'\s*SELECT .*? FROM "(\w+)"', query["sql"], re.DOTALL)
        if match:
            found[match.group(1)] += 1
    return found


def test_the_case_page_at_the_rapid_review_stage_keeps_to_its_query_budget(
    client_as: ClientFunc, django_assert_max_num_queries: Any
) -> None:
    client = client_as("business.unit@example.org")
    client.get(CASE_PAGE)  # warm the session
    with django_assert_max_num_queries(MOST_QUERIES):
        response = client.get(CASE_PAGE)
    assert response.status_code == 200


@pytest.mark.parametrize("email", ["business.unit@example.org", "prg.chair@example.org"])
def test_the_case_page_reads_its_case_decisions_and_clocks_once(client_as: ClientFunc, email: str) -> None:
    client = client_as(email)
    client.get(CASE_PAGE)
    with CaptureQueriesContext(connection) as page:
        response = client.get(CASE_PAGE)
    assert response.status_code == 200
    read = tables_read(page.captured_queries)
    for table in (
        "cases_case",
        "cases_child",
        "cases_localauthoritydecision",
        "cases_caseclock",
        "cases_dutyrecord",
        "cases_caselink",
        "rapid_reviews_rapidreview",
        "partnerships_partnershiporganisation",
        "calendars_clockoverride",
    ):
        assert read[table] <= 1, f"{table} read {read[table]} times"
    assert read["cases_case"] == 1
