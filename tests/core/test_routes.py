"""The pages' registry: patterns in the order the pages are declared, each with its name; a mistake refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from cspr.core.routes import Routes


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def test_the_patterns_keep_the_order_the_pages_were_declared_in_with_their_names() -> None:
    routes = Routes()

    @routes.page("things/<int:thing_id>/", name="thing")
    def thing(request: HttpRequest, thing_id: int) -> HttpResponse:
        return HttpResponse()

    @routes.page("things/add/", name="thing-add")
    @routes.page("things/new/", name="thing-new")
    def thing_add(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    made = routes.page("", name="things")(view)

    patterns = routes.urlpatterns()
    assert [(str(p.pattern), p.name, p.callback) for p in patterns] == [
        ("things/<int:thing_id>/", "thing", thing),
        ("things/add/", "thing-add", thing_add),
        ("things/new/", "thing-new", thing_add),
        ("", "things", view),
    ]
    assert made is view
    assert patterns[0].resolve("things/7/").kwargs == {"thing_id": 7}  # type: ignore[union-attr]


def test_a_name_or_a_route_given_twice_is_refused() -> None:
    routes = Routes()
    routes.page("one/", name="one")(view)
    with pytest.raises(ImproperlyConfigured, match="Two pages are named 'one'"):
        routes.page("other/", name="one")
    with pytest.raises(ImproperlyConfigured, match="Two pages have the route 'one/'"):
        routes.page("one/", name="other")
    declared = routes.page("two/", name="two")
    declared(view)
    with pytest.raises(ImproperlyConfigured, match="given a view twice"):
        declared(view)


def test_a_page_declared_without_its_view_is_refused() -> None:
    routes = Routes()
    routes.page("one/", name="one")
    with pytest.raises(ImproperlyConfigured, match="'one' was declared but never given a view"):
        routes.urlpatterns()
