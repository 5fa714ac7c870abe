"""The one pager for every list: one page of rows from the database, and compact GOV.UK pagination links.

The links are previous, next and a few page numbers (the first, the last, and those next to the current page) with
ellipses between, so the pager stays the same size however many pages there are. The database returns only the
page's rows (``LIMIT``/``OFFSET``) and one ``COUNT``; give it a queryset with a stable ``ORDER BY`` (ending in a
unique column) and an index to match.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Page numbers either side of the current page; with the first and last, at most 2 * NEIGHBOURS + 3 numbers show.
NEIGHBOURS = 1


def page_numbers(current: int, last: int, *, neighbours: int = NEIGHBOURS) -> list[int | None]:
    """The page numbers to show, ``None`` standing for an ellipsis: 1 … 4 5 6 … 400."""
    shown = {1, last, *range(current - neighbours, current + neighbours + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number - previous == 2:
            numbers.append(number - 1)  # a gap of one page: show the page rather than an ellipsis
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def paginate(request: HttpRequest, items: Any, per_page: int) -> tuple[Page[Any], dict[str, Any] | None]:
    """The requested page (a bad or missing number gives the nearest real page) and the links for
    ``govukPagination`` (``None`` when everything fits on one page). Other query parameters are kept."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    if paginator.num_pages <= 1:
        return page, None
    query = request.GET.copy()

    def href(number: int) -> str:
        query["page"] = str(number)
        return f"{request.path}?{query.urlencode()}"

    return page, {
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "items": [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": href(number), "current": number == page.number}
            for number in page_numbers(page.number, paginator.num_pages)
        ],
    }
