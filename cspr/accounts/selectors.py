"""Reading accounts (operators' commands; request code reaches people through memberships)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User

SECOND_FACTOR_VERIFY = "accounts:second-factor"
SECOND_FACTOR_SET_UP = "accounts:second-factor-set-up"


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def second_factor_required() -> bool:
    """Every account needs a second factor, except in the demonstration service."""
    return not settings.DEMO_MODE


def totp_device_confirmed(*, user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def has_totp_device(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (django-otp's middleware adds ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def second_factor_next_step(*, user: Any) -> str | None:
    """The page a signed-in person must visit before any other, or ``None`` when they may carry on.

    A person with an authenticator app always verifies with it (in demo mode too); without
    one they must set one up, unless this is the demonstration service.
    """
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return None
    if has_totp_device(user=user):
        return SECOND_FACTOR_VERIFY
    if second_factor_required():
        return SECOND_FACTOR_SET_UP
    return None


def second_factor_offered(*, user: Any) -> bool:
    """Demo mode: invite people without an authenticator app to set one up."""
    return getattr(user, "is_authenticated", False) and not second_factor_required() and not has_totp_device(user=user)


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def user_for_password_reset(*, uidb64: str) -> User | None:
    """The active account a reset link names, or ``None`` for a malformed or unknown one."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:  # PostgreSQL's bigint; a larger number is not an id
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def password_reset_token_valid(*, user: User, token: str) -> bool:
    """Not expired (``PASSWORD_RESET_TIMEOUT``) and not used: the token covers the password hash and last sign-in."""
    return default_token_generator.check_token(user, token)
