"""Sign-in and page-level access for every request, and no caching of signed-in pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from cspr.accounts.models import User
from cspr.accounts.selectors import second_factor_next_step
from cspr.api.access import api_request_check, printable
from cspr.audit.services import audit_record, client_ip
from cspr.core.policy import policy_for

ViewFunc = Callable[..., HttpResponse]


# The object a URL names, by the name of its keyword argument: what a refusal records as the attempted object.
URL_OBJECTS = {
    "reference": "cases.case",
    "document_uuid": "cases.casedocument",
    "paper_uuid": "rapid_reviews.meetingpaper",
    "request_uuid": "returns.informationrequest",
    "attachment_uuid": "returns.returnattachment",
    "entry_id": "returns.chronologyentry",
    "membership_id": "partnerships.membership",
}


def _attempted(request: HttpRequest) -> tuple[str, str, dict[str, str]]:
    """The URL's object ids (references, uuids, numbers: never identifying details), and the most specific one."""
    match = getattr(request, "resolver_match", None)
    kwargs = {name: printable(str(value), limit=80) for name, value in (match.kwargs if match else {}).items()}
    object_type = object_id = ""
    for name, value in kwargs.items():
        if name in URL_OBJECTS:
            object_type, object_id = URL_OBJECTS[name], value
    return object_type, object_id, kwargs


def _partnership_of(request: HttpRequest) -> Any:
    """The current partnership, or None: never the lazy wrapper around None that a person without one carries."""
    if getattr(request, "partnership_id", None) is None:
        return None
    partnership = getattr(request, "partnership", None)
    return partnership if partnership else None


def refusal_record(
    request: HttpRequest,
    *,
    reason: str,
    status: int = 403,
    object_type: str = "",
    object_id: str | int = "",
    actor: User | None = None,
    partnership: Any = None,
) -> None:
    """Audit one refused request: the verb, the page, the attempted object's type and id, never what it holds.

    Without ``object_type`` the most specific object the URL names is recorded (``URL_OBJECTS``); without
    ``actor``, the person signed in. It runs before any view, sometimes before ``request.acting`` exists, so it
    writes with ``audit_record`` itself (the request's address, no membership) rather than the kit.
    """
    url_type, url_id, kwargs = _attempted(request)
    if not object_type:
        object_type, object_id = url_type, url_id
    person = actor if actor is not None else (request.user if request.user.is_authenticated else None)
    details: dict[str, Any] = {
        "path": printable(request.path),
        "method": request.method,
        "reason": reason,
        "status": status,
    }
    if kwargs:
        details["url_ids"] = kwargs
    audit_record(
        actor=person,
        verb="access.refused",
        object_type=object_type,
        object_id=printable(str(object_id), limit=80),
        details=details,
        partnership=partnership if partnership is not None else _partnership_of(request),
        ip_address=client_ip(request),
    )


def refuse(
    request: HttpRequest, *, reason: str, status: int = 403, object_type: str = "", object_id: str | int = ""
) -> HttpResponse:
    """Record a refused request and answer with the refusal page (403) or not-found page (404)."""
    refusal_record(request, reason=reason, status=status, object_type=object_type, object_id=object_id)
    template = "errors/404.html" if status == 404 else "errors/403.html"
    return render(request, template, {}, status=status)


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
