"""Sign-in events go to the audit trail (the e-mail typed on a failure is kept only as a hash)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cspr.audit.services import audit_record


@receiver(user_logged_in)
def record_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="account.signed_in", obj=user, request=request)


@receiver(user_logged_out)
def record_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, verb="account.signed_out", obj=user, request=request)


@receiver(user_login_failed)
def record_failed_sign_in(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    typed = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    audit_record(
        actor=None,
        verb="account.sign_in_failed",
        details={"email_sha256": hashlib.sha256(typed.encode()).hexdigest()[:16]},
        request=request,
    )
