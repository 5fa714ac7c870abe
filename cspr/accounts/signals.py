"""Sign-in events go to the audit trail (the e-mail typed on a failure is kept only as a hash).

Signing in also starts the session's clocks (idle and absolute limits) and records the
session against the person, so their sessions can be ended later; signing out forgets it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cspr.accounts.lockout import LATER_STEP
from cspr.accounts.services import user_session_forget, user_session_record
from cspr.accounts.sessions import now_seconds, session_limits_start
from cspr.accounts.web import request_acting_as
from cspr.kernel.crypto import lookup_hash
from cspr.kernel.kit import audit

# Set on the request by the session-limits middleware when it ends a session.
SESSION_END_REASON_ATTRIBUTE = "cspr_session_end_reason"


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    acting = request_acting_as(request, user)
    audit(acting, "account.signed_in", obj=user)
    session = getattr(request, "session", None)
    if session is not None:
        session_limits_start(session, now_seconds())
        user_session_record(acting=acting, user=user, session_key=session.session_key)


@receiver(user_logged_out)
def record_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    reason = getattr(request, SESSION_END_REASON_ATTRIBUTE, None)
    acting = request_acting_as(request, user)
    if user is not None:
        if reason:
            audit(acting, "account.session_ended", obj=user, reason=str(reason))
        else:
            audit(acting, "account.signed_out", obj=user)
    session = getattr(request, "session", None)
    if session is not None:
        user_session_forget(acting=acting, session_key=session.session_key)


@receiver(user_login_failed)
def record_failed_sign_in(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if LATER_STEP in credentials:
        return  # a second-factor or current-password failure, audited by its service with the person as actor
    typed = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    audit(request_acting_as(request, None), "account.sign_in_failed", email_hash=lookup_hash("audit.email", typed)[:16])
