"""Accounts, sign-in sessions, the second factor and passwords. Every write is atomic and audited.

Services take plain values (a session key, a person) and ``acting``, never the web request: what only the request
can do (signing in or out, cycling the session key, the lockout count) is in ``cspr.accounts.web`` and the views.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User, UserSession
from cspr.accounts.sessions import ACCESS_REMOVED_KEY
from cspr.kernel.acting import Acting
from cspr.kernel.crypto import lookup_hash
from cspr.kernel.kit import audit, now, tell
from cspr.messaging.selectors import message_recently_queued
from cspr.messaging.services import message_queue
from cspr.partnerships.scoping import NO_SCOPE, Scope

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Messages, not passwords (S105).
PASSWORD_RESET_MESSAGE_KIND = "accounts.password_reset"  # noqa: S105
PASSWORD_RESET_SUBJECT = "Reset your password"  # noqa: S105
# At most one reset e-mail per account in this time, however often it is asked for (the answer is the same).
PASSWORD_RESET_MESSAGE_INTERVAL = datetime.timedelta(minutes=10)
PASSWORD_RESET_BODY = (
    "Someone asked to reset the password for your {service} account.\n\n"  # noqa: S105
    "To choose a new password, open this link:\n\n{link}\n\n"
    "The link works once, and stops working after {minutes} minutes.\n\n"
    "If you did not ask for this, you do not need to do anything: your password has not changed."
)


class NobodySignedIn(ValueError):
    """A service that acts on the acting person's own account was handed nobody: a programming error."""


def acting_as(acting: Acting, user: User | None) -> Acting:
    """``acting`` (its address, its channel) for a person identified only now, or for nobody.

    Signing in or out, a password-reset link and an invitation link each establish who is acting without any
    membership allowing it: the person acts as themself, so no membership is read or recorded.
    """
    if user is None:
        return replace(acting, user=None, scope=NO_SCOPE)
    return replace(acting, user=user, scope=Scope(user_id=user.pk))


def _person(acting: Acting) -> User:
    """The acting person, for the services that change one's own sign-in settings."""
    if acting.user is None:
        raise NobodySignedIn("this needs the person whose account it is")
    return acting.user


def user_get_or_create(*, acting: Acting, email: str, full_name: str, password: str | None) -> tuple[User, bool]:
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
        audit(acting, "account.created", obj=user, email_domain=email.split("@")[-1])
    return user, True


# --- Signed-in sessions -----------------------------------------------------------------


def user_session_record(*, acting: Acting, user: User, session_key: str | None) -> None:
    """Remember a signed-in session of ``user`` (sign-in itself is audited as ``account.signed_in``).

    Rows older than the absolute session limit belong to sessions that can no longer be
    used, so they are pruned here rather than by a separate job.
    """
    if not session_key:
        return
    signed_in_at = now()
    with transaction.atomic():
        stale = signed_in_at - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
        UserSession.objects.filter(user=user, signed_in_at__lt=stale).delete()
        UserSession.objects.update_or_create(
            session_key=session_key, defaults={"user": user, "signed_in_at": signed_in_at}
        )


def user_session_forget(*, acting: Acting, session_key: str | None) -> None:
    """The session signed out: forget it."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_session_rekey(*, acting: Acting, old_key: str | None, new_key: str | None) -> None:
    """The session's key changed (``cspr.accounts.web.session_cycle``): keep our record of it under the new key."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def user_sessions_end(
    *,
    acting: Acting,
    user: User,
    except_session_key: str | None = None,
    reason: str = "",
    only: Callable[[dict[str, Any]], bool] | None = None,
    notice: dict[str, Any] | None = None,
) -> int:
    """End every signed-in session of this person (except one, when given) on the server. Returns how many.

    Call it when a person's account or a membership is disabled, their password changes or
    their second factor is reset. Only the sessions recorded at sign-in are touched, so the
    session table is never scanned. ``only`` picks sessions by their data (for example the
    partnership they work in). With ``notice`` an ended session is not deleted but emptied:
    it is signed out at once and holds only ``{ACCESS_REMOVED_KEY: notice}``, so the
    person's next request can be told why.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        rows = UserSession.objects.filter(user=user)
        if except_session_key:
            rows = rows.exclude(session_key=except_session_key)
        ended = []
        for key in rows.values_list("session_key", flat=True):
            session = store(session_key=key)
            if only is None and notice is None:
                ended.append(key)
                session.delete(key)
                continue
            data = session.load()  # a session already gone from the store loses its key here
            if only is not None and not only(data):
                continue
            ended.append(key)
            if notice is None or session.session_key is None:
                session.delete(key)
                continue
            session.clear()  # the sign-in, the second factor, everything the session held
            session[ACCESS_REMOVED_KEY] = notice
            session.save()
        UserSession.objects.filter(session_key__in=ended).delete()
        audit(
            acting,
            "account.sessions_ended",
            obj=user,
            sessions=len(ended),
            reason=reason,
            kept_current=bool(except_session_key),
        )
    return len(ended)


# --- Second factor ------------------------------------------------------------------------


class SecondFactorMethod(StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class SecondFactorCheck:
    """The outcome of one code: the device that accepted it, or how long to wait before trying again, and whether
    a wrong code was checked (which the view counts towards the lockout: ``cspr.accounts.lockout``)."""

    device: Device | None = None
    wait_seconds: int = 0
    wrong_code: bool = False

    @property
    def verified(self) -> bool:
        return self.device is not None


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, letters in lower case."""
    return "".join(character for character in code if character not in " -\t").lower()


def _wait_seconds(device: Device) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    return max(1, math.ceil((data["locked_until"] - now()).total_seconds()))


def totp_device_prepare(*, acting: Acting, pending_id: int | None = None) -> TOTPDevice:
    """The authenticator-app key the acting person's session is setting up.

    The key belongs to one session (``pending_id``, kept in it by the view): another session, such as someone
    who has only the password, never sees the key the person will confirm. Opening the page in a new session
    discards any other unconfirmed key, so a key noted in advance cannot be the one later set up.
    """
    user = _person(acting)
    with transaction.atomic():
        unconfirmed = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
        device = unconfirmed.filter(pk=pending_id).first() if pending_id else None
        if device is None:
            unconfirmed.delete()
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            audit(acting, "account.second_factor_setup_started", obj=user)
    return device


def _recovery_codes_replace(user: User) -> list[str]:
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < settings.RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_setup_confirm(
    *, acting: Acting, device_id: int, code: str, current_session_key: str | None = None
) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the acting person's new authenticator app with a current code.

    On success the app replaces any earlier one, a fresh set of recovery codes replaces any
    earlier set, and both are returned (the codes are shown once and never again). Replacing
    an app ends the person's other sessions (all but ``current_session_key``). ``None`` when
    the code is wrong.
    """
    user = _person(acting)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False, pk=device_id).first()
        if device is None:
            return None
        # No back-off while setting up: whoever sees this page already sees the key.
        device.throttle_reset(commit=False)
        if not device.verify_token(normalise_code(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced, _ = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _recovery_codes_replace(user)
        audit(
            acting,
            "account.second_factor_set_up",
            obj=user,
            replaced_earlier_app=bool(replaced),
            recovery_codes=len(codes),
        )
        if replaced:
            _second_factor_changed(
                acting=acting,
                what="A new authenticator app was set up (the old one no longer works)",
                current_session_key=current_session_key,
            )
    return device, codes


def second_factor_verify(*, acting: Acting, method: SecondFactorMethod, code: str) -> SecondFactorCheck:
    """Check the acting person's code from the authenticator app or a recovery code. Audited either way.

    A TOTP code is accepted only for a later time step than the last one accepted (so a code
    cannot be used twice), a recovery code is deleted as it is used, and the device row is
    locked while checking so two requests cannot both use one code. A wrong code (not one sent
    during the back-off) comes back as ``wrong_code``, which counts towards the django-axes
    lockout for this account and address.
    """
    user = _person(acting)
    model: type[Device] = TOTPDevice if method == SecondFactorMethod.TOTP else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("id").first()
        if device is None:
            return SecondFactorCheck()
        wait = _wait_seconds(device)
        verified = wait == 0 and device.verify_token(normalise_code(code))
        details: dict[str, Any] = {"method": method.value}
        if wait:
            details["throttled"] = True
        if verified and isinstance(device, StaticDevice):
            details["recovery_codes_left"] = device.token_set.count()
        audit(
            acting,
            "account.second_factor_verified" if verified else "account.second_factor_failed",
            obj=user,
            **details,
        )
    if verified:
        return SecondFactorCheck(device=device)
    return SecondFactorCheck(wait_seconds=wait, wrong_code=not wait)


SECOND_FACTOR_CHANGED_SUBJECT = "Your sign-in settings changed"
SECOND_FACTOR_CHANGED_BODY = (
    "{what} for your {service} account.\n\n"
    "Any other place you were signed in has been signed out.\n\n"
    "If this was not you, tell your partnership's business unit or the service's operators at once."
)


def _second_factor_changed(*, acting: Acting, what: str, current_session_key: str | None) -> None:
    """After the app is replaced or new recovery codes are made: other sessions end and the person is told, so a
    change made by someone else with a stolen session does not go unnoticed. Call inside the transaction."""
    user = _person(acting)
    user_sessions_end(acting=acting, user=user, except_session_key=current_session_key, reason="second factor changed")
    tell(
        partnership=None,
        to=[user.email],
        subject=SECOND_FACTOR_CHANGED_SUBJECT,
        body=SECOND_FACTOR_CHANGED_BODY.format(what=what, service=settings.SERVICE_NAME),
        kind="accounts.second_factor_changed",
    )


def recovery_codes_regenerate(*, acting: Acting, current_session_key: str | None = None) -> list[str]:
    """New recovery codes for the acting person; the old ones stop working. Returned once, to be shown once.

    The person's other sessions (all but ``current_session_key``) end."""
    user = _person(acting)
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit(acting, "account.recovery_codes_regenerated", obj=user, recovery_codes=len(codes))
        _second_factor_changed(
            acting=acting,
            what="New recovery codes were made (the old ones no longer work)",
            current_session_key=current_session_key,
        )
    return codes


def second_factor_reset(*, acting: Acting, user: User) -> int:
    """Remove a person's authenticator app and recovery codes and end their sessions (they set up again).

    Returns how many devices were removed.
    """
    with transaction.atomic():
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        _, static = StaticDevice.objects.filter(user=user).delete()
        removed = apps + static.get(StaticDevice._meta.label, 0)
        audit(acting, "account.second_factor_reset", obj=user, devices_removed=removed)
        user_sessions_end(acting=acting, user=user, reason="second factor reset")
    return removed


# --- Passwords ------------------------------------------------------------------------------


def password_change(*, acting: Acting, new_password: str, current_session_key: str | None) -> int:
    """Set the acting person's new password and end their other sessions (``current_session_key`` stays).

    Returns how many ended."""
    user = _person(acting)
    validate_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit(acting, "account.password_changed", obj=user)
        ended = user_sessions_end(
            acting=acting, user=user, except_session_key=current_session_key, reason="password changed"
        )
    return ended


def current_password_failure_record(*, acting: Acting) -> None:
    """A wrong current password on the change-password page: audited (the form counts it towards the lockout)."""
    with transaction.atomic():
        audit(acting, "account.current_password_failed", obj=_person(acting))


def password_reset_request(*, acting: Acting, email: str, reset_url: Callable[[str, str], str]) -> None:
    """Queue a reset link if the address belongs to an active account; otherwise do nothing.

    The caller answers the same way in both cases. The message carries only the link.
    ``reset_url(uidb64, token)`` builds the absolute link. Whoever asks is recorded as nobody
    (with ``acting``'s address), even when someone is signed in.
    """
    typed = email.strip().lower()
    user = User.objects.filter(email__iexact=typed, is_active=True).first()
    digest = lookup_hash("audit.email", typed)[:16]  # keyed: a list of addresses cannot reverse it
    with transaction.atomic():
        audit(acting_as(acting, None), "account.password_reset_requested", obj=user, email_hash=digest)
        if user is not None:
            since = now() - PASSWORD_RESET_MESSAGE_INTERVAL
            if message_recently_queued(to=user.email, kind=PASSWORD_RESET_MESSAGE_KIND, since=since):
                return  # one message per interval: asking again cannot flood the person's inbox

            uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
            link = reset_url(uidb64, default_token_generator.make_token(user))
            message_queue(
                to=user.email,
                subject=PASSWORD_RESET_SUBJECT,
                body=PASSWORD_RESET_BODY.format(
                    service=settings.SERVICE_NAME, link=link, minutes=settings.PASSWORD_RESET_TIMEOUT // 60
                ),
                kind=PASSWORD_RESET_MESSAGE_KIND,
                holds_secret=True,
            )


def password_reset_complete(*, acting: Acting, user: User, new_password: str) -> int:
    """Set the password chosen through a reset link and end every session of the account.

    The link stands for the person: the change is recorded as theirs, with ``acting``'s address."""
    validate_password(new_password, user=user)
    person = acting_as(acting, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit(person, "account.password_reset", obj=user)
        ended = user_sessions_end(acting=person, user=user, reason="password reset")
    return ended


# --- Accounts as a whole (superusers only) ---------------------------------------------------


class AccountChangeRefused(Exception):
    """A change to a whole account that the actor may not make; the message says why, in words."""


def account_set_active(*, acting: Acting, user: User, active: bool, reason: str) -> int:
    """Disable (or re-enable) an account in every partnership at once. Superusers only; audited with the reason.

    Disabling ends every session of the person at once and returns how many ended. A partnership admin
    cannot do this: they disable a membership, because other partnerships may rely on the same account.
    """
    actor = acting.user
    if actor is None or not actor.is_superuser or not actor.is_active:
        raise AccountChangeRefused("Only a superuser may disable or enable an account as a whole.")
    if not reason.strip():
        raise AccountChangeRefused("Give the reason: it is kept in the audit trail.")
    if not active and actor.pk == user.pk:
        raise AccountChangeRefused("You cannot disable your own account.")
    ended = 0
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit(acting, "account.enabled" if active else "account.disabled", obj=user, reason=reason.strip())
        if not active:
            ended = user_sessions_end(acting=acting, user=user, reason="account disabled")
    return ended
