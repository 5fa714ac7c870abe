"""Reading accounts (operators' commands; request code reaches people through memberships)."""

from __future__ import annotations

from cspr.accounts.models import User


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()
