"""What signing in does to the web request itself: the session key, the lockout count, who the request acts as.

The accounts services take plain values (a session key, a person) and ``acting``; the few steps that need the
request (Django's session, django-axes) are here, for the views, the signal receivers and the middleware.
"""

from __future__ import annotations

from django.http import HttpRequest

from cspr.accounts.lockout import lockout_clear
from cspr.accounts.models import User
from cspr.accounts.services import acting_as, user_session_rekey
from cspr.audit.services import client_ip
from cspr.kernel.acting import Acting, acting_from_request
from cspr.partnerships.scoping import NO_SCOPE


def request_acting_as(request: HttpRequest | None, user: User | None) -> Acting:
    """This request's address, acting as ``user`` (or nobody), for the moments the request has only now found out
    who is there: signing in or out, a sign-in failure, a session first recorded before ``request.acting`` exists.
    No membership is read (``cspr.accounts.services.acting_as``)."""
    nobody = Acting(user=None, scope=NO_SCOPE, client_ip=client_ip(request), via="web")
    return acting_as(nobody, user)


def session_cycle(request: HttpRequest) -> None:
    """A new session key for the same session (the person's privileges changed), keeping our record of it."""
    old_key = request.session.session_key
    request.session.cycle_key()
    user_session_rekey(acting=acting_from_request(request), old_key=old_key, new_key=request.session.session_key)


def sign_in_complete(request: HttpRequest, user: User) -> None:
    """Both factors passed (or only the password is needed, in demo mode): clear the failure count."""
    lockout_clear(request=request, user=user)
