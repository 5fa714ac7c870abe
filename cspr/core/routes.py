"""Each page declares its address beside its view.

An app's views module keeps one registry, ``routes = Routes()``, and puts ``@routes.page(route, name=...)`` above
each page's other decorators, so the registry records the view as the request will reach it::

    routes = Routes()


    @routes.page("sign-in/", name="sign-in")
    @csrf_protect
    def sign_in(request): ...

The app's ``urls.py`` keeps its ``app_name`` (and anything the routes need first, such as registering a path
converter) and sets ``urlpatterns = views.routes.urlpatterns()``. The route is Django's own route syntax, converters
and all; the ``path()`` entries are only built then, so a converter registered in ``urls.py`` is known by that time.

Django tries the patterns in order, so the order of the pages in the views module is the order they are matched
in: a specific route (``drafts/<uuid:draft>/check/``) comes before a general one of the same shape
(``drafts/<uuid:draft>/<slug:step>/``). A view may have more than one address: stack the decorators, which record
their routes in the order they are written. A view made by a function rather than defined is registered by calling
the decorator on it (``routes.page(route, name=...)(view)``). A name or a route given twice, or a page declared but
never given its view, is a mistake in the module and raises ``ImproperlyConfigured``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, path


@dataclass
class _Page:
    route: str
    name: str
    view: Callable[..., Any] | None = None


class Routes:
    """One app's pages: each route, its name and its view, in the order they were declared."""

    def __init__(self) -> None:
        self._pages: list[_Page] = []

    def page[V: Callable[..., Any]](self, route: str, *, name: str) -> Callable[[V], V]:
        """Record ``route`` as the address named ``name`` of the view this decorates (returned unchanged).

        The page takes its place when the decorator is written, not when it is applied, so stacked decorators
        keep the order they are read in.
        """
        for page in self._pages:
            if page.name == name:
                raise ImproperlyConfigured(f"Two pages are named {name!r}.")
            if page.route == route:
                raise ImproperlyConfigured(f"Two pages have the route {route!r}: {page.name!r} and {name!r}.")
        entry = _Page(route, name)
        self._pages.append(entry)

        def register(view: V) -> V:
            if entry.view is not None:
                raise ImproperlyConfigured(f"The page {name!r} was given a view twice.")
            entry.view = view
            return view

        return register

    def urlpatterns(self) -> list[URLPattern]:
        """The ``path()`` entries for ``urls.py``, in the order the pages were declared."""
        patterns = []
        for page in self._pages:
            if page.view is None:
                raise ImproperlyConfigured(f"The page {page.name!r} was declared but never given a view.")
            patterns.append(path(page.route, page.view, name=page.name))
        return patterns
