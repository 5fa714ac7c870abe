"""Creating accounts. Every write is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cspr.accounts.models import User
from cspr.audit.services import audit_record


def user_get_or_create(*, actor: Any, email: str, full_name: str, password: str | None) -> tuple[User, bool]:
    """The account for this e-mail address, created with a validated password if it is new.

    An existing account keeps its password and name: adding someone to another
    partnership never changes what they sign in with.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    candidate = User(email=email, full_name=full_name)
    if password is None:
        raise ValueError("A new account needs a password.")
    validate_password(password, user=candidate)
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(actor=actor, verb="account.created", obj=user, details={"email_domain": email.split("@")[-1]})
    return user, True
