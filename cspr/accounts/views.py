"""Signing in and out, the second factor, session limits and passwords.

Everything else in the service needs a person signed in with both factors (the access
middleware sends anyone who has given only their password to the second-factor pages).
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.forms import (
    SET_UP_CODE_WRONG,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    RecoveryCodeForm,
    SecurityCodeForm,
    SignInForm,
)
from cspr.accounts.lockout import lockout_failure_record, lockout_is_locked
from cspr.accounts.models import User
from cspr.accounts.selectors import (
    SECOND_FACTOR_SET_UP,
    has_totp_device,
    is_verified,
    password_reset_token_valid,
    recovery_codes_left,
    second_factor_next_step,
    second_factor_required,
    user_for_password_reset,
)
from cspr.accounts.services import (
    SecondFactorMethod,
    password_change,
    password_reset_complete,
    password_reset_request,
    recovery_codes_regenerate,
    second_factor_verify,
    totp_device_prepare,
    totp_setup_confirm,
)
from cspr.accounts.sessions import (
    ACCESS_REMOVED_KEY,
    SessionEnd,
    now_seconds,
    session_seconds_left,
    session_touch,
)
from cspr.accounts.signals import SESSION_END_REASON_ATTRIBUTE
from cspr.accounts.web import session_cycle, sign_in_complete
from cspr.core.routes import Routes
from cspr.kernel.acting import acting_from_request

routes = Routes()

RESET_TOKEN_SESSION_KEY = "cspr_password_reset_token"  # noqa: S105 - a session key's name
RECOVERY_CODES_LOW = 3
RECOVERY_CODES_LOW_MESSAGE = (
    "You have {count} recovery codes left. Get new recovery codes from your account page before they run out."
)
PASSWORD_CHANGED_MESSAGE = "Your password has been changed. You have been signed out everywhere else."  # noqa: S105


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return None


def _with_next(path: str, target: str | None) -> str:
    return f"{path}?{urlencode({'next': target})}" if target else path


def _lock_out(request: HttpRequest) -> HttpResponse:
    """Too many failures: end the session and show the locked page."""
    setattr(request, SESSION_END_REASON_ATTRIBUTE, "locked_out")
    logout(request)
    return locked_out(request)


def _second_factor_passed(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    session_cycle(request)  # a new session key now the session carries more privilege
    sign_in_complete(request, request.user)  # type: ignore[arg-type]


@routes.page("", name="account")
@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_app": has_totp_device(user=user),
        "recovery_codes_left": recovery_codes_left(user=user),
        "second_factor_required": second_factor_required(),
    }
    return render(request, "accounts/account.html", context)


@routes.page("sign-in/", name="sign-in")
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        user = form.user
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = _safe_next(request)
        step = second_factor_next_step(user=user)
        if step is None:
            sign_in_complete(request, user)
            return redirect(target or "core:home")
        return redirect(_with_next(reverse(step), target))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request) or ""}, status=status)


@routes.page("sign-out/", name="sign-out")
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # logout() flushes the session row on the server, not just the cookie.
    logout(request)
    return redirect("accounts:signed-out")


@routes.page("signed-out/", name="signed-out")
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html", {})


@routes.page("timed-out/", name="timed-out")
@require_GET
def timed_out(request: HttpRequest) -> HttpResponse:
    """Where the session-limits middleware and the timeout warning send a person whose session ended."""
    if request.user.is_authenticated:
        return redirect("core:home")
    reason = SessionEnd.ABSOLUTE if request.GET.get("reason") == SessionEnd.ABSOLUTE else SessionEnd.IDLE
    context = {
        "reason": reason.value,
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
        "sign_in": _with_next(reverse("accounts:sign-in"), _safe_next(request)),
    }
    return render(request, "accounts/timed_out.html", context)


@routes.page("access-removed/", name="access-removed")
@require_GET
def access_removed(request: HttpRequest) -> HttpResponse:
    """Where a person lands whose session ended because their access to its partnership was removed.

    The notice left in the session is read once; the refusal was audited when the request arrived.
    """
    notice = request.session.pop(ACCESS_REMOVED_KEY, None)
    if notice is None and request.user.is_authenticated:
        return redirect("core:home")
    name = notice.get("partnership_name", "") if isinstance(notice, dict) else ""
    return render(request, "accounts/access_removed.html", {"partnership_name": name})


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a username is locked from this address."""
    return render(request, "accounts/locked_out.html", {}, status=429)


# --- The second factor ------------------------------------------------------------------


def _code_step(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A sign-in step that takes a code: the code kept out of error reports, the form CSRF-checked, the page never
    cached, GET and POST only."""
    return sensitive_post_parameters("code")(csrf_protect(never_cache(require_http_methods(["GET", "POST"])(view))))


def _verify_page(
    request: HttpRequest,
    method: SecondFactorMethod,
    form_class: type[SecurityCodeForm] | type[RecoveryCodeForm],
    template: str,
) -> HttpResponse:
    user = request.user
    target = _safe_next(request)
    if is_verified(user):
        return redirect(target or "core:home")
    if not has_totp_device(user=user):
        return redirect(_with_next(reverse(SECOND_FACTOR_SET_UP), target) if second_factor_required() else "core:home")
    if lockout_is_locked(request=request, user=user):
        return _lock_out(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(acting=acting_from_request(request), method=method, code=form.cleaned_data["code"])
        if check.wrong_code:  # counted for this account and address (a code sent during the back-off is not)
            lockout_failure_record(request=request, user=user, step=f"second_factor_{method.value}")
        if check.verified:
            _second_factor_passed(request, check.device)
            if method == SecondFactorMethod.RECOVERY_CODE:
                left = recovery_codes_left(user=user)
                if left <= RECOVERY_CODES_LOW:
                    messages.warning(request, RECOVERY_CODES_LOW_MESSAGE.format(count=left))
            return redirect(target or "core:home")
        if getattr(request, "axes_locked_out", False):
            return _lock_out(request)
        if check.wait_seconds:
            seconds = check.wait_seconds
            form.add_error("code", form.wait.format(wait=f"{seconds} second" if seconds == 1 else f"{seconds} seconds"))
        else:
            form.add_error("code", form.wrong)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "next": target or ""}, status=status)


@routes.page("second-factor/", name="second-factor")
@_code_step
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator app, asked for at every sign-in."""
    return _verify_page(request, SecondFactorMethod.TOTP, SecurityCodeForm, "accounts/second_factor.html")


@routes.page("second-factor/recovery-code/", name="second-factor-recovery")
@_code_step
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """A single-use recovery code instead of the app's code."""
    return _verify_page(
        request, SecondFactorMethod.RECOVERY_CODE, RecoveryCodeForm, "accounts/second_factor_recovery.html"
    )


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG ``data:`` URI (the CSP allows ``img-src data:``; no inline script or style)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def key_in_groups(device: TOTPDevice) -> list[str]:
    """The key as people type it into an app: base32, in groups of four characters."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return [key[i : i + 4] for i in range(0, len(key), 4)]


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    """The codes, shown in the response to the POST that made them, and never again."""
    grouped = [f"{code[:4]} {code[4:]}" for code in codes]
    context = {"codes": grouped, "first_time": first_time, "next": _safe_next(request) or reverse("core:home")}
    return render(request, "accounts/recovery_codes_new.html", context)


# The unconfirmed authenticator-app key this session was shown (cspr.accounts.services.totp_device_prepare).
PENDING_TOTP_SESSION_KEY = "accounts.pending_totp_device"


@routes.page("second-factor/set-up/", name="second-factor-set-up")
@_code_step
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a current code.

    Someone who already has an app must verify with it first; after that they may set up a
    new one, which replaces the old one once confirmed.
    """
    user = request.user
    target = _safe_next(request)
    replacing = has_totp_device(user=user)
    if replacing and not is_verified(user):
        return redirect(_with_next(reverse("accounts:second-factor"), target))
    acting = acting_from_request(request)
    device = totp_device_prepare(acting=acting, pending_id=request.session.get(PENDING_TOTP_SESSION_KEY))
    request.session[PENDING_TOTP_SESSION_KEY] = device.pk
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_setup_confirm(
            acting=acting,
            device_id=device.pk,
            code=form.cleaned_data["code"],
            current_session_key=request.session.session_key,
        )
        if confirmed is not None:
            new_device, codes = confirmed
            _second_factor_passed(request, new_device)
            return _recovery_codes_page(request, codes, first_time=True)
        form.add_error("code", SET_UP_CODE_WRONG)
    context = {
        "form": form,
        "next": target or "",
        "replacing": replacing,
        "qr_code": qr_code_data_uri(device.config_url),
        "key_groups": key_in_groups(device),
        "step": device.step,
    }
    return render(request, "accounts/second_factor_set_up.html", context, status=400 if form.errors else 200)


@routes.page("recovery-codes/", name="recovery-codes")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and a button to replace them all (audited)."""
    user = request.user
    has_app = has_totp_device(user=user)
    if request.method == "POST":
        if not has_app:  # recovery codes stand in for an app; without one they would be no use
            return redirect(SECOND_FACTOR_SET_UP)
        codes = recovery_codes_regenerate(
            acting=acting_from_request(request), current_session_key=request.session.session_key
        )
        return _recovery_codes_page(request, codes, first_time=False)
    context = {"left": recovery_codes_left(user=user), "has_app": has_app}
    return render(request, "accounts/recovery_codes.html", context)


# --- Session limits -----------------------------------------------------------------------


def _session_state(request: HttpRequest) -> dict[str, Any]:
    return {"signed_in": True, **session_seconds_left(request.session, now_seconds())}


@routes.page("session/", name="session-status")
@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left. Asking is not activity (the middleware does not count it)."""
    return JsonResponse(_session_state(request))


@routes.page("session/keep-alive/", name="session-keep-alive")
@never_cache
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": counts as activity now, whatever the once-a-minute rule would say."""
    session_touch(request.session, now_seconds(), force=True)
    return JsonResponse(_session_state(request))


# --- Passwords ------------------------------------------------------------------------------


@routes.page("password/", name="password-change")
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if lockout_is_locked(request=request, user=user):
        return _lock_out(request)
    form = PasswordChangeForm(request.POST or None, user=user, request=request)
    if request.method == "POST":
        if form.is_valid():
            password_change(
                acting=acting_from_request(request),
                new_password=form.cleaned_data["new_password1"],
                current_session_key=request.session.session_key,
            )
            # Keep this session signed in under a new key (Django's update_session_auth_hash, plus our record).
            request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session_cycle(request)
            messages.success(request, PASSWORD_CHANGED_MESSAGE)
            return redirect("core:home")
        if getattr(request, "axes_locked_out", False):
            return _lock_out(request)
    status = 400 if form.errors else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


def _build_reset_url(request: HttpRequest) -> Any:
    # From SERVICE_URL like every other link in an e-mail, never from the request's Host header.
    def build(uidb64: str, token: str) -> str:
        path = reverse("accounts:password-reset-link", kwargs={"uidb64": uidb64, "token": token})
        return f"{settings.SERVICE_URL}{path}"

    return build


@routes.page("password-reset/", name="password-reset")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same, and as slow, whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        password_reset_request(
            acting=acting_from_request(request), email=form.cleaned_data["email"], reset_url=_build_reset_url(request)
        )
        # Pad to a fixed floor so the time taken does not tell whether a message was queued.
        remaining = settings.PASSWORD_RESET_RESPONSE_SECONDS - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return redirect("accounts:password-reset-sent")
    status = 400 if form.errors else 200
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@routes.page("password-reset/sent/", name="password-reset-sent")
@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    context = {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    return render(request, "accounts/password_reset_sent.html", context)


@routes.page("password-reset/done/", name="password-reset-done")
@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html", {})


def _reset_link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_invalid.html", {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60})


@routes.page("password-reset/<str:uidb64>/set-password/", name="password-reset-set")
@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_set(request: HttpRequest, uidb64: str) -> HttpResponse:
    token = request.session.get(RESET_TOKEN_SESSION_KEY)
    user = user_for_password_reset(uidb64=uidb64)
    if not token or user is None or not password_reset_token_valid(user=user, token=token):
        return _reset_link_invalid(request)
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        password_reset_complete(
            acting=acting_from_request(request), user=user, new_password=form.cleaned_data["new_password1"]
        )
        request.session.pop(RESET_TOKEN_SESSION_KEY, None)
        return redirect("accounts:password-reset-done")
    status = 400 if form.errors else 200
    return render(request, "accounts/password_reset_set.html", {"form": form}, status=status)


# After set-password/, as this route would match that address too.
@routes.page("password-reset/<str:uidb64>/<str:token>/", name="password-reset-link")
@never_cache
@require_GET
def password_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link. A good token moves into the session and out of the address bar (as Django does)."""
    user = user_for_password_reset(uidb64=uidb64)
    if user is None or not password_reset_token_valid(user=user, token=token):
        return _reset_link_invalid(request)
    if request.user.is_authenticated:
        logout(request)
    request.session[RESET_TOKEN_SESSION_KEY] = token
    return redirect("accounts:password-reset-set", uidb64=uidb64)
