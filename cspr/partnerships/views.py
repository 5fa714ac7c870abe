"""Partnership pages: overview, people, and switching partnership."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cspr.core.middleware import refuse
from cspr.partnerships import selectors, services
from cspr.partnerships.models import Partnership


def _current_partnership(request: HttpRequest, perm: str) -> Partnership | None:
    """The partnership the person is working in, if they hold ``perm`` on it."""
    partnership = selectors.partnership_get(scope=request.scope, partnership_id=request.partnership_id)  # type: ignore[attr-defined]
    if partnership is None or not request.user.has_perm(perm, partnership):
        return None
    return partnership


def overview(request: HttpRequest) -> HttpResponse:
    partnership = _current_partnership(request, "partnerships.view_partnership")
    if partnership is None:
        return refuse(request, reason="not a member of the partnership")
    links = selectors.partnership_organisations(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    contacts = selectors.partnership_contacts(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    yes_no = {True: "Yes", False: "No"}
    organisation_rows = [
        [
            {"text": link.organisation.name},
            {"text": link.organisation.get_type_display()},
            {"text": yes_no[link.is_safeguarding_partner]},
            {"text": yes_no[link.is_statutory_agency]},
        ]
        for link in links
    ]
    contact_rows = [
        [{"text": contact.get_kind_display()}, {"text": contact.name}, {"text": contact.email or "Not recorded"}]
        for contact in contacts
    ]
    context = {"partnership": partnership, "organisation_rows": organisation_rows, "contact_rows": contact_rows}
    return render(request, "partnerships/overview.html", context)


def people(request: HttpRequest) -> HttpResponse:
    partnership = _current_partnership(request, "partnerships.view_people")
    if partnership is None:
        return refuse(request, reason="not allowed to see this partnership's people")
    memberships = selectors.partnership_memberships(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    rows = [
        [
            {"text": membership.user.full_name},
            {"text": membership.user.email},
            {"text": membership.get_role_display()},
            {"text": membership.organisation.name if membership.organisation else "—"},
            {"text": "Active" if membership.is_active and membership.user.is_active else "Disabled"},
        ]
        for membership in memberships
    ]
    return render(request, "partnerships/people.html", {"partnership": partnership, "rows": rows})


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    try:
        partnership_id = int(request.POST.get("partnership", ""))
        services.partnership_switch(scope=request.scope, request=request, partnership_id=partnership_id)  # type: ignore[attr-defined]
    except (ValueError, services.MembershipError):
        return refuse(request, reason="switch to a partnership the person is not a member of", status=404)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "core:home")
