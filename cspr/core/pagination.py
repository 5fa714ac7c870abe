"""One page of a long list, with the GOV.UK pagination component's previous and next links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int) -> tuple[Page[Any], dict[str, Any] | None]:
    """The requested page (a bad or missing number gives the nearest real page) and the links for
    ``govukPagination`` (``None`` when everything fits on one page). Other query parameters are kept."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    if paginator.num_pages <= 1:
        return page, None
    query = request.GET.copy()

    def link(number: int) -> dict[str, str]:
        query["page"] = str(number)
        return {"href": f"{request.path}?{query.urlencode()}"}

    return page, {
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }
