"""Which partnership the signed-in person is working in, chosen with the header switcher."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import CURRENT_PARTNERSHIP_SESSION_KEY, scope_for


class CurrentPartnershipMiddleware:
    """Sets ``request.scope``, ``request.partnership_id`` and a lazy ``request.partnership``.

    The chosen partnership is honoured only while the person still holds an active
    membership in it; otherwise the first partnership they belong to is used.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = scope_for(request.user)
        chosen = request.session.get(CURRENT_PARTNERSHIP_SESSION_KEY)
        if chosen not in scope.partnership_ids:
            chosen = min(scope.partnership_ids) if scope.partnership_ids else None
        request.scope = scope  # type: ignore[attr-defined]
        request.partnership_id = chosen  # type: ignore[attr-defined]
        request.partnership = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: Partnership.objects.filter(id=chosen).first() if chosen else None
        )
        return self.get_response(request)
