"""Pagination links keep the other query parameters and vanish when everything fits on one page."""

from __future__ import annotations

from django.test import RequestFactory

from cspr.core.pagination import paginate


def test_one_page_needs_no_links() -> None:
    page, links = paginate(RequestFactory().get("/audit/"), list(range(5)), 10)
    assert list(page) == [0, 1, 2, 3, 4]
    assert links is None


def test_a_middle_page_links_both_ways_keeping_the_filters() -> None:
    page, links = paginate(RequestFactory().get("/audit/", {"stage": "rapid_review", "page": "2"}), list(range(25)), 10)
    assert list(page) == list(range(10, 20))
    assert links == {
        "previous": {"href": "/audit/?stage=rapid_review&page=1"},
        "next": {"href": "/audit/?stage=rapid_review&page=3"},
    }


def test_a_bad_page_number_gives_a_real_page() -> None:
    first, links = paginate(RequestFactory().get("/audit/", {"page": "x"}), list(range(25)), 10)
    assert first.number == 1
    assert links is not None
    assert links["previous"] is None
    last, _ = paginate(RequestFactory().get("/audit/", {"page": "99"}), list(range(25)), 10)
    assert last.number == 3
