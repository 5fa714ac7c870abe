"""A kind of form page: its pages' addresses, methods and hidden posted values said once, and what a page answers
instead of its form while the kind says it is missing or closed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from cspr.core.form_views import FormPages
from cspr.core.routes import Routes

CLOSED = "The thing is closed, so nothing more can be recorded on it."


def find_thing(view: Callable[..., Any]) -> Callable[..., Any]:
    """Finds the page's object from its URL: here, the thing named ``thing`` itself."""

    @wraps(view)
    def wrapper(request: HttpRequest, thing: str) -> Any:
        return view(request, thing)

    return wrapper


def kind(routes: Routes | None = None, **options: Any) -> FormPages[str]:
    return FormPages(
        templates="things/",
        home=lambda thing: f"/things/{thing}/",
        shows=lambda request, thing: {"thing": thing},
        routes=routes,
        find=find_thing,
        **options,
    )


def answered(request: HttpRequest, thing: str) -> HttpResponse:
    return HttpResponse(f"{thing}: {getattr(request, 'sensitive_post_parameters', 'shown')}")


def test_a_view_of_the_kind_has_its_address_answers_get_and_post_only_and_hides_what_is_posted() -> None:
    routes = Routes()
    things = kind(routes)
    hidden = things.view("<slug:thing>/note/", name="note")(answered)
    shown = things.view("<slug:thing>/date/", name="date", sensitive=False)(answered)
    factory = RequestFactory()

    assert [(str(p.pattern), p.name) for p in routes.urlpatterns()] == [
        ("<slug:thing>/note/", "note"),
        ("<slug:thing>/date/", "date"),
    ]
    assert hidden(factory.post("/"), thing="kettle").content == b"kettle: __ALL__"
    assert shown(factory.post("/"), thing="kettle").content == b"kettle: shown"
    assert hidden(factory.put("/"), thing="kettle").status_code == 405


def test_a_kind_without_its_routes_cannot_declare_a_page() -> None:
    with pytest.raises(ImproperlyConfigured):
        kind().view("<slug:thing>/note/", name="note")


def test_a_closed_kind_sends_the_person_home_with_its_message_instead_of_the_form() -> None:
    request = RequestFactory().get("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]

    stopped = kind(closed=lambda thing: CLOSED).stopped(request, "kettle")

    assert stopped is not None
    assert (stopped.status_code, stopped["Location"]) == (302, "/things/kettle/")
    assert [str(message) for message in get_messages(request)] == [CLOSED]
    assert kind().stopped(request, "kettle") is None
