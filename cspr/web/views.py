"""Home, health and error pages."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cspr.accounts.selectors import second_factor_offered
from cspr.cases.selectors import case_list
from cspr.core.routes import Routes
from cspr.domain.roles import Role
from cspr.partnerships.selectors import partnerships_visible, user_memberships

routes = Routes()


@routes.page("", name="home")
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    memberships = list(user_memberships(scope=scope))
    here = [m for m in memberships if m.partnership_id == request.partnership_id]  # type: ignore[attr-defined]
    others = [p for p in partnerships_visible(scope=scope) if p.id != request.partnership_id]  # type: ignore[attr-defined]
    # Someone who is only a reviewer here reaches only the reviews they are commissioned for: each is listed, to go
    # straight to it (anyone holding another role here finds their cases in the case list).
    reviewing = set(scope.roles_in(request.partnership_id)) == {Role.REVIEWER}  # type: ignore[attr-defined]
    context = {
        "memberships": memberships,
        "memberships_here": here,
        "other_partnerships": others,
        "offer_second_factor": second_factor_offered(user=request.user),
        "reviews": list(case_list(scope=scope, partnership_id=request.partnership_id)) if reviewing else [],  # type: ignore[attr-defined]
    }
    return render(request, "core/home.html", context)


@routes.page("healthz", name="healthz")
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database accepts one cheap query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", {}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", {}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return render(request, "errors/csrf.html", {}, status=403)
