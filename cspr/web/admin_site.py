"""The operators' view: Django's admin, read only, for superusers who have passed the second factor.

Every change in this service goes through a service function that records an audit event, so the admin
may look but never write: no model registered here can be added, changed or deleted, and there are no
bulk actions. It is django-otp's admin site, so a session that has not passed the second factor is
refused even for a superuser, in demo mode too. Signing in happens on the service's own pages; the
admin's login page only sends people there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from cspr.accounts.selectors import has_totp_device


class OperatorsAdminSite(OTPAdminSite):
    site_header = "Operators' view (read only)"
    site_title = "Operators' view"
    index_title = "Records (read only; changes are made through the service)"
    enable_nav_sidebar = False

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Django's admin would change the password here, unaudited and outside the lockout: the service's own
        # page does it (and ends the person's other sessions).
        return HttpResponseRedirect(reverse("accounts:password-change"))

    def password_change_done(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("accounts:account"))

    def has_permission(self, request: HttpRequest) -> bool:
        # OTPAdminSite: active, staff and verified with a second factor. We also need a superuser.
        return bool(super().has_permission(request) and request.user.is_superuser)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Sign in on the service's pages; signed in without a second factor (demo mode), give or set one up."""
        target = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            step = "accounts:sign-in"
        elif has_totp_device(user=request.user):
            step = "accounts:second-factor"
        else:
            step = "accounts:second-factor-set-up"
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': target})}")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: writes belong to services, which audit them."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


operators_site = OperatorsAdminSite(name="admin")
