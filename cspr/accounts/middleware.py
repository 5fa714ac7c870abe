"""Idle and absolute session limits, enforced on the server for every request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from cspr.accounts.selectors import second_factor_next_step
from cspr.accounts.services import user_session_record
from cspr.accounts.sessions import (
    SIGNED_IN_AT_KEY,
    SessionEnd,
    now_seconds,
    session_end_due,
    session_seconds_left,
    session_touch,
)
from cspr.accounts.signals import SESSION_END_REASON_ATTRIBUTE
from cspr.accounts.web import request_acting_as

# Asking how long is left is not activity: a page's timer must not keep its own session alive.
PASSIVE_VIEWS = ("accounts:session-status",)
JSON_VIEWS = ("accounts:session-status", "accounts:session-keep-alive")


class SessionLimitsMiddleware:
    """Ends a signed-in session idle for ``SESSION_IDLE_SECONDS`` or older than ``SESSION_ABSOLUTE_SECONDS``.

    The session holds its sign-in time and last-activity time; the latter is rewritten only
    when it is more than ``SESSION_ACTIVITY_WRITE_SECONDS`` old, so the session row is not
    written on every request. An ended session is flushed on the server (``logout``) and
    the person is sent to the "You were signed out" page (JSON endpoints answer 401).
    ``request.session_timeout`` tells the page template how long is left, and
    ``request.second_factor_pending`` whether the person has yet to give their second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = now_seconds()
        had_clocks = SIGNED_IN_AT_KEY in request.session
        ended = session_end_due(request.session, now)
        if ended is not None:
            return self._end(request, ended)
        if not had_clocks:
            # A session from before these limits existed: record it so it can be ended.
            user_session_record(
                acting=request_acting_as(request, request.user),
                user=request.user,
                session_key=request.session.session_key,
            )
        if request.path not in {reverse(name) for name in PASSIVE_VIEWS}:
            session_touch(request.session, now)
        request.session_timeout = session_seconds_left(request.session, now)  # type: ignore[attr-defined]
        # For the page template: before the second factor the header shows no partnership.
        request.second_factor_pending = second_factor_next_step(user=request.user) is not None  # type: ignore[attr-defined]
        return self.get_response(request)

    def _end(self, request: HttpRequest, ended: SessionEnd) -> HttpResponse:
        setattr(request, SESSION_END_REASON_ATTRIBUTE, ended)
        logout(request)
        response: HttpResponse
        if request.path in {reverse(name) for name in JSON_VIEWS}:
            response = JsonResponse({"signed_in": False}, status=401)
        else:
            query = {"reason": ended.value}
            if request.method == "GET":
                query["next"] = request.get_full_path()
            response = HttpResponseRedirect(f"{reverse('accounts:timed-out')}?{urlencode(query)}")
        response["Cache-Control"] = "no-store"
        return response
