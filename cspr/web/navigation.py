"""The service navigation: only the pages the signed-in person may use in this partnership."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from cspr.core.policy import RETURN_CONTRIBUTORS, policy_for
from cspr.partnerships.selectors import partnerships_visible

NAVIGATION = [
    ("core:home", "Home"),
    ("cases:list", "Cases"),
    ("notify:start", "Report an incident"),
    ("partnerships:overview", "Partnership"),
    ("procedure:overview", "Procedure"),
    ("letters:letterhead", "Letterhead"),
    ("calendars:closure-days", "Closure days"),
    ("partnerships:people", "People"),
    ("audit:trail", "Audit trail"),
    ("messaging:undeliverable", "Messages not delivered"),
]
# Pages open to everyone signed in that only some people need: shown when the person acts for an
# organisation in any partnership (the inbox spans all of them).
FOR_AGENCY_PEOPLE = {"returns:inbox": "Requests to your organisation"}


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    scope = request.scope  # type: ignore[attr-defined]
    roles_here = scope.roles_in(request.partnership_id)  # type: ignore[attr-defined]
    current = request.resolver_match.view_name if request.resolver_match else None
    items = []
    for view_name, text in NAVIGATION:
        policy = policy_for(view_name)
        if policy is None or not policy.allows(
            authenticated=True, is_superuser=request.user.is_superuser, roles_here=roles_here
        ):
            continue
        items.append({"href": reverse(view_name), "text": text, "active": view_name == current})
    if any(grant.role in RETURN_CONTRIBUTORS for grant in scope.grants):
        for view_name, text in FOR_AGENCY_PEOPLE.items():
            items.insert(2, {"href": reverse(view_name), "text": text, "active": view_name == current})
    return items


def switcher_partnerships(request: HttpRequest) -> list[Any]:
    """The partnerships of the header's switcher: the request's own list when the middleware made one (read once,
    and the current partnership taken from it)."""
    choices = getattr(request, "partnership_choices", None)
    if choices is not None:
        return list(choices)
    return list(partnerships_visible(scope=request.scope))  # type: ignore[attr-defined]
