"""One way for a page about the current partnership to find it: :func:`partnership_page`.

The pages about the partnership a person is working in (its people, its procedure, its closure days) start the same
way: the current partnership, read through the person's scope, and a permission they must hold on it; otherwise
the page is refused (403, audited) with the page's reason. The decorator does that once and passes the
partnership to the view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from cspr.core.refusals import refuse
from cspr.partnerships.models import Partnership
from cspr.partnerships.selectors import partnership_get


def current_partnership(request: HttpRequest, perm: str) -> Partnership | None:
    """The partnership the person is working in, if they hold ``perm`` on it."""
    partnership = partnership_get(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    if partnership is None or not request.user.has_perm(perm, partnership):
        return None
    return partnership


def partnership_page(perm: str, *, refusal: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Call the view as ``view(request, partnership, ...)`` when the person holds ``perm`` on the partnership they
    are working in; refuse the page with ``refusal`` otherwise."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            partnership = current_partnership(request, perm)
            if partnership is None:
                return refuse(request, reason=refusal)
            return view(request, partnership, *args, **kwargs)

        return wrapper

    return decorate
