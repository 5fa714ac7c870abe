"""Which partnership the signed-in person is working in, chosen with the header switcher.

It also ends a session whose access to its partnership was removed, and sends the person to a page that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from cspr.accounts.models import User
from cspr.accounts.sessions import ACCESS_REMOVED_KEY
from cspr.accounts.signals import SESSION_END_REASON_ATTRIBUTE
from cspr.audit.services import client_ip
from cspr.core.refusals import refusal_record
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import CURRENT_PARTNERSHIP_SESSION_KEY, current_partnership_choose, scope_for
from cspr.partnerships.selectors import partnerships_visible
from cspr.partnerships.services import access_removed_notice

ACCESS_REMOVED_REASON = "access to the partnership was removed: session ended"


def _current_partnership(current: int | None, choices: Any) -> Partnership | None:
    """The partnership the request works in: taken from the switcher's list when there is one, else read."""
    if current is None:
        return None
    if choices is not None:
        return next((partnership for partnership in choices if partnership.pk == current), None)
    return Partnership.objects.filter(id=current).first()


class CurrentPartnershipMiddleware:
    """Sets ``request.scope``, ``request.partnership_id``, a lazy ``request.partnership`` and a lazy
    ``request.partnership_choices`` (every partnership the person works in, for the header's switcher).

    The chosen partnership is honoured only while the person still holds an active
    membership in it; otherwise the first partnership they belong to is used. A session that
    chose a partnership where the person no longer holds an active membership (a partnership
    admin disabled it) ends: the request is refused (audited) and the person is sent, signed
    out, to "Your access was removed". So is the next request of a session that
    ``membership_set_active`` already ended on the server (this check also covers a request that
    was running at that moment and wrote its old session back).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        notice = request.session.get(ACCESS_REMOVED_KEY)
        if isinstance(notice, dict) and request.path != reverse("accounts:access-removed"):
            return self._refuse(request, notice)
        scope = scope_for(request.user)
        chosen = request.session.get(CURRENT_PARTNERSHIP_SESSION_KEY)
        if request.user.is_authenticated and chosen is not None and chosen not in scope.partnership_ids:
            return self._end(request, chosen)
        current = current_partnership_choose(scope, chosen)
        request.scope = scope  # type: ignore[attr-defined]
        request.partnership_id = current  # type: ignore[attr-defined]
        request.acting = Acting(  # type: ignore[attr-defined]  # what every service is handed
            user=request.user if request.user.is_authenticated else None,
            scope=scope,
            partnership_id=current,
            client_ip=client_ip(request),
            via="web",
        )
        # Both read only if something asks, and the current partnership from the switcher's list when the header
        # shows one (a person in several partnerships), so the page reads the partnership table once.
        choices = SimpleLazyObject(lambda: list(partnerships_visible(scope=scope)))
        request.partnership_choices = choices  # type: ignore[attr-defined]
        request.partnership = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: _current_partnership(current, choices if len(scope.partnership_ids) > 1 else None)
        )
        return self.get_response(request)

    def _end(self, request: HttpRequest, partnership_id: Any) -> HttpResponse:
        """The session works in a partnership the person has lost: sign it out and say why."""
        partnership = Partnership.objects.filter(id=partnership_id).first() if isinstance(partnership_id, int) else None
        user_id: int = request.user.pk  # type: ignore[assignment]  # signed in: checked by the caller
        setattr(request, SESSION_END_REASON_ATTRIBUTE, "access_removed")
        logout(request)
        notice = (
            access_removed_notice(partnership=partnership, user_id=user_id)
            if partnership is not None
            else {"partnership_id": None, "partnership_name": "", "user_id": user_id}
        )
        request.session[ACCESS_REMOVED_KEY] = notice
        return self._refuse(request, notice)

    def _refuse(self, request: HttpRequest, notice: dict[str, Any]) -> HttpResponse:
        user_id, partnership_id = notice.get("user_id"), notice.get("partnership_id")
        actor = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
        partnership = Partnership.objects.filter(pk=partnership_id).first() if isinstance(partnership_id, int) else None
        refusal_record(
            request,
            reason=ACCESS_REMOVED_REASON,
            status=403,
            object_type="partnerships.partnership" if partnership is not None else "",
            object_id=partnership.pk if partnership is not None else "",
            actor=actor,
            partnership=partnership,
        )
        response: HttpResponse
        if request.path.startswith(reverse("accounts:session-status")):
            # The page's session timer asks here: it hears "signed out" and moves on (to this page, in the end).
            response = JsonResponse({"signed_in": False}, status=401)
        else:
            response = HttpResponseRedirect(reverse("accounts:access-removed"))
        response["Cache-Control"] = "no-store"
        return response
