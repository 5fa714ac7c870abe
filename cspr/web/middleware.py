"""Sign-in and page-level access for every request, and no caching of signed-in pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from cspr.accounts.selectors import second_factor_next_step
from cspr.api.access import api_request_check
from cspr.core.policy import policy_for
from cspr.core.refusals import refuse

ViewFunc = Callable[..., HttpResponse]


class AccessPolicyMiddleware:
    """Enforces ``cspr.core.policy.URL_POLICY`` before any view runs.

    Anonymous people are sent to sign in; a page missing from the table is refused
    (fail closed); a person who has given only their password is sent to the second
    factor (or to set one up) unless the page is marked ``before_second_factor``; a
    signed-in person without one of the page's roles in their current partnership is
    refused and the refusal audited. API endpoints (``Policy(api=True)``) are checked by
    their bearer token instead (``cspr.api.access``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: ViewFunc, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        policy = policy_for(match.view_name if match else None)
        if policy is not None and policy.api:
            # The JSON API: the bearer token alone authenticates (a session cookie does not); JSON 401/403.
            return api_request_check(request, policy=policy)
        if policy is not None and policy.public:
            return None
        if not request.user.is_authenticated:
            sign_in = reverse("accounts:sign-in")
            return HttpResponseRedirect(f"{sign_in}?{urlencode({'next': request.get_full_path()})}")
        if policy is None:
            return refuse(request, reason="no access policy for this page")
        if not policy.before_second_factor:
            # Signed in with the password only: the second-factor pages come before any other.
            step = second_factor_next_step(user=request.user)
            if step is not None:
                query = f"?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else ""
                return HttpResponseRedirect(f"{reverse(step)}{query}")
        scope = request.scope  # type: ignore[attr-defined]
        roles_here = scope.roles_in(getattr(request, "partnership_id", None))
        if not policy.allows(authenticated=True, is_superuser=request.user.is_superuser, roles_here=roles_here):
            return refuse(request, reason="role not allowed on this page")
        return None


class NoStoreMiddleware:
    """Signed-in pages may show sensitive data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
