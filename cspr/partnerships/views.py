"""Partnership pages: overview, people, and switching partnership."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cspr.core.form_views import calls, form_page
from cspr.core.pagination import paginate
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import acting_from_request
from cspr.partnerships import selectors, services
from cspr.partnerships.forms import AcceptInvitationForm, InvitationForm, MembershipChangeForm
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.pages import partnership_page
from cspr.partnerships.scoping import CURRENT_PARTNERSHIP_SESSION_KEY

routes = Routes()

PEOPLE_PAGE_SIZE = 50


@routes.page("", name="overview")
@partnership_page("partnerships.view_partnership", refusal="not a member of the partnership")
def overview(request: HttpRequest, partnership: Partnership) -> HttpResponse:
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


@routes.page("people/", name="people")
@partnership_page("partnerships.view_people", refusal="not allowed to see this partnership's people")
def people(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    memberships = selectors.partnership_memberships(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
    page, pagination = paginate(request, memberships, PEOPLE_PAGE_SIZE)
    context = {
        "partnership": partnership,
        "memberships": page.object_list,
        "pagination": pagination,
        "invitations": selectors.pending_invitations(scope=request.scope, partnership_id=partnership.id),  # type: ignore[attr-defined]
        "can_manage": request.user.has_perm("partnerships.manage_people", partnership),
    }
    return render(request, "partnerships/people.html", context)


@routes.page("switch/", name="switch")
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Work in another of one's own partnerships (kept in the session), never one the person is not a member of."""
    try:
        partnership_id = int(request.POST.get("partnership", ""))
    except ValueError:
        partnership_id = None
    if not acting_from_request(request).scope.can_see_partnership(partnership_id):
        return refuse(request, reason="switch to a partnership the person is not a member of", status=404)
    request.session[CURRENT_PARTNERSHIP_SESSION_KEY] = partnership_id
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "core:home")


@routes.page("people/invite/", name="invite")
@require_http_methods(["GET", "POST"])
@partnership_page("partnerships.manage_people", refusal="not allowed to invite people")
def invite(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    form = InvitationForm(request.POST or None, partnership=partnership)
    return form_page(
        request,
        form,
        act=calls(services.invitation_send, "email", "role", "organisation", partnership=partnership),
        # The same words whether or not the address already had an account.
        done=lambda _invitation: f"Invitation sent to {form.cleaned_data['email']}",
        then=reverse("partnerships:people"),
        template="partnerships/invite.html",
        context={"partnership": partnership},
        refusals=services.MembershipError,
    )


def _membership_here(request: HttpRequest, partnership: Partnership, membership_id: int) -> Membership | None:
    return (
        selectors.partnership_memberships(scope=request.scope, partnership_id=partnership.id)  # type: ignore[attr-defined]
        .filter(id=membership_id)
        .first()
    )


def _membership_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page about one membership of the current partnership, for those who manage its people: the view is called
    as ``view(request, partnership, membership)``; a membership of another partnership is a 404 (audited)."""

    @partnership_page("partnerships.manage_people", refusal="not allowed to change memberships")
    @wraps(view)
    def wrapper(request: HttpRequest, partnership: Partnership, membership_id: int) -> HttpResponse:
        membership = _membership_here(request, partnership, membership_id)
        if membership is None:
            return refuse(request, reason="membership not in this partnership", status=404)
        return view(request, partnership, membership)

    return wrapper


@routes.page("people/<int:membership_id>/change/", name="membership-change")
@require_http_methods(["GET", "POST"])
@_membership_page
def membership_change(request: HttpRequest, partnership: Partnership, membership: Membership) -> HttpResponse:
    initial = {"role": membership.role, "organisation": membership.organisation_id}
    return form_page(
        request,
        MembershipChangeForm(request.POST or None, partnership=partnership, initial=initial),
        act=calls(services.membership_change, "role", "organisation", membership=membership),
        done=f"{membership.user.full_name}'s role is changed",
        then=reverse("partnerships:people"),
        template="partnerships/membership_change.html",
        context={"partnership": partnership, "membership": membership},
        refusals=services.MembershipError,
    )


@routes.page("people/<int:membership_id>/disable/", name="membership-disable")
@require_http_methods(["GET", "POST"])
@_membership_page
def membership_disable(request: HttpRequest, partnership: Partnership, membership: Membership) -> HttpResponse:
    """GET: what disabling will do, with a warning button and a way back. POST (from that page): disable."""
    if request.method == "POST":
        return _membership_set_active(request, membership, active=False)
    if not membership.is_active:
        return redirect("partnerships:people")
    context = {"partnership": partnership, "membership": membership}
    return render(request, "partnerships/membership_disable.html", context)


@routes.page("people/<int:membership_id>/enable/", name="membership-enable")
@require_POST
@_membership_page
def membership_enable(request: HttpRequest, partnership: Partnership, membership: Membership) -> HttpResponse:
    return _membership_set_active(request, membership, active=True)


def _membership_set_active(request: HttpRequest, membership: Membership, *, active: bool) -> HttpResponse:
    try:
        services.membership_set_active(acting=acting_from_request(request), membership=membership, active=active)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        verb = "enabled" if active else "disabled"
        messages.success(
            request, f"{membership.user.full_name}'s membership as {membership.get_role_display()} is {verb}"
        )
    return redirect("partnerships:people")


@routes.page("invitation/<str:token>/", name="invitation-accept")
@sensitive_post_parameters("password", "password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "partnerships/invitation_invalid.html", {}, status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _user, created = services.invitation_accept(
                acting=acting_from_request(request),
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except services.MembershipError:
            return render(request, "partnerships/invitation_invalid.html", {}, status=404)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            note = "Your account is ready" if created else "You already had an account: sign in with your own password"
            messages.success(request, f"{note}. Sign in to continue.")
            return redirect("accounts:sign-in")
    status = 400 if request.method == "POST" else 200
    context = {"invitation": invitation, "form": form}
    return render(request, "partnerships/invitation_accept.html", context, status=status)
