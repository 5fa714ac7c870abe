"""The one pager: links keep the other query parameters, vanish when everything fits on one page, and stay a few
whatever the number of pages."""

from __future__ import annotations

from django.test import RequestFactory

from cspr.core.pagination import page_numbers, paginate


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
        "items": [
            {"number": 1, "href": "/audit/?stage=rapid_review&page=1", "current": False},
            {"number": 2, "href": "/audit/?stage=rapid_review&page=2", "current": True},
            {"number": 3, "href": "/audit/?stage=rapid_review&page=3", "current": False},
        ],
    }


def test_a_bad_page_number_gives_a_real_page() -> None:
    first, links = paginate(RequestFactory().get("/audit/", {"page": "x"}), list(range(25)), 10)
    assert first.number == 1
    assert links is not None
    assert links["previous"] is None
    last, _ = paginate(RequestFactory().get("/audit/", {"page": "99"}), list(range(25)), 10)
    assert last.number == 3


def test_the_numbers_are_the_first_the_last_and_the_current_pages_neighbours_with_ellipses() -> None:
    assert page_numbers(1, 400) == [1, 2, None, 400]
    assert page_numbers(200, 400) == [1, None, 199, 200, 201, None, 400]
    assert page_numbers(400, 400) == [1, None, 399, 400]
    assert page_numbers(3, 400) == [1, 2, 3, 4, None, 400]  # a gap of one page shows the page, not an ellipsis
    assert page_numbers(1, 2) == [1, 2]
    assert page_numbers(3, 5) == [1, 2, 3, 4, 5]


def test_four_hundred_pages_draw_a_bounded_number_of_links() -> None:
    rows = range(400 * 25)
    for number in (1, 2, 57, 200, 399, 400):
        page, links = paginate(RequestFactory().get("/cases/", {"page": str(number)}), rows, 25)
        assert links is not None
        numbers = [item for item in links["items"] if "number" in item]
        assert len(numbers) <= 5
        assert len(links["items"]) <= 7
        assert [item["number"] for item in numbers if item["current"]] == [page.number]
        assert numbers[0]["number"] == 1
        assert numbers[-1]["number"] == 400
