"""django-axes, seen from the accounts app: one failure count per account and address for both factors.

The password step fails through ``authenticate()``, which signals ``user_login_failed``. A
wrong second-factor code (or a wrong current password on the change-password page) signals
the same with the account's e-mail, so axes counts it against the same (account, address)
pair. Failures are cleared only when both factors have passed.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

# Marks a failure that is not a password typed on the sign-in page; the audit receiver
# leaves those to the service that recorded them with the person as actor.
LATER_STEP = "cspr_later_step"


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The account axes counts failures against: the e-mail address, trimmed and in lower case."""
    if credentials:
        typed = credentials.get("email") or credentials.get("username")
    elif request is not None:
        typed = request.POST.get("email")
    else:
        typed = None
    value = str(typed or "").strip().lower()
    return value or None


def _credentials(user: Any) -> dict[str, Any]:
    return {"email": user.email}


def lockout_failure_record(*, request: HttpRequest, user: Any, step: str) -> bool:
    """Count one failed step for this account from this address. True when the account is now locked."""
    user_login_failed.send(sender=__name__, credentials={**_credentials(user), LATER_STEP: step}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def lockout_is_locked(*, request: HttpRequest, user: Any) -> bool:
    return bool(AxesProxyHandler.is_locked(request, credentials=_credentials(user)))


def lockout_clear(*, request: HttpRequest, user: Any) -> None:
    """Both factors passed: forget this account's failures from this address."""
    address = get_client_ip_address(request)
    if address:  # never every address's failures for the account
        AxesProxyHandler.reset_attempts(ip_address=address, username=user.email.lower())
