"""Signing in and out. Everything else in the service needs a signed-in user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from cspr.accounts.forms import SignInForm


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request) or "core:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request) or ""}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # logout() flushes the session row on the server, not just the cookie.
    logout(request)
    return redirect("accounts:signed-out")


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html", {})


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a username is locked from this address."""
    return render(request, "accounts/locked_out.html", {}, status=429)
