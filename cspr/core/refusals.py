"""Refusing a request: one audited event (what was attempted, never what it holds) and the refusal page.

Every view and middleware that says no calls :func:`refuse` (or :func:`refusal_record` when it answers itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cspr.audit.services import audit_record, client_ip
from cspr.kernel.text import printable

if TYPE_CHECKING:
    from cspr.accounts.models import User


# The object a URL names, by the name of its keyword argument: what a refusal records as the attempted object.
URL_OBJECTS = {
    "reference": "cases.case",
    "document_uuid": "cases.casedocument",
    "link_id": "cases.caselink",
    "process_id": "cases.parallelprocess",
    "paper_uuid": "rapid_reviews.meetingpaper",
    "action_id": "rapid_reviews.learningaction",
    "request_uuid": "returns.informationrequest",
    "attachment_uuid": "returns.returnattachment",
    "entry_id": "returns.chronologyentry",
    "membership_id": "partnerships.membership",
    "closure_day_id": "calendars.closureday",
    "milestone_id": "local_reviews.milestone",
    "reviewer_id": "reviewers.reviewer",
    "commission_id": "reviewers.commission",
    "invoice_id": "reviewers.invoice",
    "item_id": "national_reviews.provisionitem",
}
"""The object a URL's keyword names, by the keyword. A keyword that names another kind of object in one app's URLs is
in :data:`URL_OBJECTS_IN`; one that names different objects within an app (a draft's or a version's ``number``) is
left out, and the refusal names the case, the keyword's value in its details."""

URL_OBJECTS_IN = {
    ("local_reviews", "request_uuid"): "local_reviews.commentrequest",
}
"""The keywords an app's URLs use for an object of its own, by the app's URL namespace."""


def _attempted(request: HttpRequest) -> tuple[str, str, dict[str, str]]:
    """The URL's object ids (references, uuids, numbers: never identifying details), and the most specific one."""
    match = getattr(request, "resolver_match", None)
    kwargs = {name: printable(str(value), limit=80) for name, value in (match.kwargs if match else {}).items()}
    namespace = match.namespace if match else ""
    object_type = object_id = ""
    for name, value in kwargs.items():
        named = URL_OBJECTS_IN.get((namespace, name), URL_OBJECTS.get(name))
        if named is not None:
            object_type, object_id = named, value
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
