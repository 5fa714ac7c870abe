"""The register of reviewers and commissioning a reviewer: thin views over the reviewers' selectors and services.

The register's pages (``/reviewers/…``) read the current partnership's register only: another partnership's reviewer
is a 404. A case's pages (``/cases/<reference>/reviewer/…``) find their case with :func:`cspr.cases.pages.case_page`
(the person's scope, the page's object rule: a 404 otherwise, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.cases.models import Case
from cspr.cases.pages import case_forms, case_page
from cspr.core.form_views import Act, FormAct, calls, form_page, posted
from cspr.core.pagination import paginate
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.domain.lifecycle import Stage
from cspr.reviewers import forms, presenters, selectors, services
from cspr.reviewers.models import Commission, Reviewer

routes = Routes()

PAGE_SIZE = 50
CASE = "cases/<caseref:reference>/reviewer/"
NO_REVIEWER = "no such reviewer on this partnership's register"
REFUSED = "may not commission a reviewer for this case"
NOT_LOCAL_REVIEW = "The case is not at the local review stage, so no reviewer can be commissioned for it now."
NO_COMMISSIONED = "No reviewer is commissioned for this case."


def _partnership_id(request: HttpRequest) -> int:
    return int(request.partnership_id)  # type: ignore[attr-defined]  # the access policy needs a partnership


def _register_url(name: str = "register", **kwargs: Any) -> str:
    return reverse(f"reviewers:{name}", kwargs=kwargs or None)


# -- the register ---------------------------------------------------------------------------------------------------


@routes.page("reviewers/", name="register")
def register(request: HttpRequest) -> HttpResponse:
    page, pagination = paginate(request, selectors.reviewers_listed(partnership_id=_partnership_id(request)), PAGE_SIZE)
    context = {"reviewers": page, "listed": page.paginator.count, "pagination": pagination}
    return render(request, "reviewers/register.html", context)


def _reviewer_form(request: HttpRequest, found: Reviewer | None) -> HttpResponse:
    """Add a reviewer (``found`` is ``None``) or change one: back to the reviewer's page once saved."""
    back = _register_url("reviewer", reviewer_id=found.pk) if found is not None else _register_url()
    initial = selectors.reviewer_revealed(reviewer=found) if found is not None else None
    return form_page(
        request,
        forms.ReviewerForm(posted(request), initial=initial),
        act=calls(
            services.reviewer_save,
            *forms.ReviewerForm.base_fields,
            partnership_id=_partnership_id(request),
            reviewer_id=found.pk if found is not None else None,
        ),
        done="The reviewer is added to the register" if found is None else "The reviewer's details are saved",
        then=lambda saved: redirect(_register_url("reviewer", reviewer_id=saved.pk)),
        template="reviewers/reviewer_form.html",
        context={
            "heading": "Add a reviewer to the register" if found is None else "Change a reviewer's details",
            "back": back,
        },
    )


@routes.page("reviewers/add/", name="add")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    return _reviewer_form(request, None)


@routes.page("reviewers/<int:reviewer_id>/", name="reviewer")
def reviewer(request: HttpRequest, reviewer_id: int) -> HttpResponse:
    found = selectors.reviewer_get(partnership_id=_partnership_id(request), reviewer_id=reviewer_id)
    if found is None:
        return refuse(request, reason=NO_REVIEWER, status=404)
    return render(
        request,
        "reviewers/reviewer.html",
        {
            "reviewer": selectors.reviewer_revealed(reviewer=found),
            "reviewer_id": found.pk,
            "past": selectors.reviewer_past_reviews(reviewer=found),
        },
    )


@routes.page("reviewers/<int:reviewer_id>/change/", name="change")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, reviewer_id: int) -> HttpResponse:
    found = selectors.reviewer_get(partnership_id=_partnership_id(request), reviewer_id=reviewer_id)
    if found is None:
        return refuse(request, reason=NO_REVIEWER, status=404)
    return _reviewer_form(request, found)


# -- a case's commissioning -------------------------------------------------------------------------------------------


def _commissioning_url(case: Case) -> str:
    return presenters.case_url("commissioning", case)


# A case's commissioning, for those who commission: back to the reviewer's page. The forms about the commissioned
# reviewer (invoices, access) are open only once one is commissioned.
COMMISSIONING = case_forms(
    templates="reviewers/",
    home=_commissioning_url,
    back_text="Back to the reviewer",
    routes=routes,
    find=case_page("reviewers.commission", refusal=REFUSED),
)
COMMISSIONED = replace(
    COMMISSIONING,
    closed=lambda case: NO_COMMISSIONED if selectors.commission_current(case=case) is None else None,
    sensitive=False,
)


@routes.page(CASE, name="commissioning")
@case_page("reviewers.view", refusal="may not see the reviewer's commissioning")
def commissioning(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.commissioning_page(case=case, scope=request.scope)  # type: ignore[attr-defined]
    return render(request, "reviewers/commissioning.html", {"page": page, "case": case})


def _proposed(request: HttpRequest, proposal: services.Proposal) -> HttpResponse:
    """Back to the commissioning page: a proposal kept but not commissioned is said there as a warning (never as a
    success); what stands in its way is shown once, with the proposal on that page."""
    case = proposal.commission.case
    if not proposal.commissioned:
        messages.warning(
            request,
            f"{proposal.commission.reviewer.name} is not commissioned yet: what stands in the way is shown with the "
            "proposal below.",
        )
    return redirect(_commissioning_url(case))


@COMMISSIONING.view(f"{CASE}commission/", name="commission")
def commission(request: HttpRequest, case: Case) -> HttpResponse:
    if case.stage != Stage.LOCAL_REVIEW:
        messages.info(request, NOT_LOCAL_REVIEW)
        return redirect(_commissioning_url(case))
    form = forms.CommissionForm(
        posted(request),
        reviewers=selectors.reviewer_choices(partnership_id=case.partnership_id),
        organisations=selectors.organisation_choices(partnership_id=case.partnership_id),
    )
    fields = ("reviewer_id", "evidence", "interests", "other_interests", "perceived_conflict", "fee", "purchase_order")
    return COMMISSIONING.form(
        request,
        case,
        form,
        "commission.html",
        act=calls(services.commission_propose, *fields, case=case),
        done=lambda proposal: f"{proposal.commission.reviewer.name} is commissioned" if proposal.commissioned else "",
        then=lambda proposal: _proposed(request, proposal),
        context={"register": _register_url()},
    )


def _proposal_page(
    request: HttpRequest,
    case: Case,
    commission_id: int,
    *,
    form: BaseForm,
    act: Callable[[Commission], Act],
    done: str,
    template: str,
) -> HttpResponse:
    """A page about one commissioning proposal of the case (overriding its conflict, commissioning it): its form, the
    service's ``act`` as a function of the proposal, the message (``{reviewer}`` naming them) and the template."""
    found = selectors.commission_get(case=case, commission_id=commission_id)
    if found is None:
        return refuse(request, reason="no such commissioning proposal on this case", status=404)
    name = found.reviewer.name
    return COMMISSIONING.form(
        request,
        case,
        form,
        template,
        act=act(found),
        done=done.format(reviewer=name),
        context={"reviewer": name},
    )


@COMMISSIONING.view(
    f"{CASE}<int:commission_id>/override/",
    name="override",
    find=case_page("reviewers.override", refusal="may not override a conflict of interest on this case"),
)
def override(request: HttpRequest, case: Case, commission_id: int) -> HttpResponse:
    return _proposal_page(
        request,
        case,
        commission_id,
        form=forms.OverrideForm(posted(request)),
        act=lambda found: calls(services.commission_conflict_override, "reason", case=case, commission_id=found.pk),
        done="The conflict is overridden: the business unit may now commission {reviewer}",
        template="override.html",
    )


@COMMISSIONING.view(f"{CASE}<int:commission_id>/commission/", name="confirm", sensitive=False)
def confirm(request: HttpRequest, case: Case, commission_id: int) -> HttpResponse:
    return _proposal_page(
        request,
        case,
        commission_id,
        form=forms.ConfirmForm(posted(request)),
        act=lambda found: calls(services.commission_confirm, case=case, commission_id=found.pk),
        done="{reviewer} is commissioned",
        template="confirm.html",
    )


@COMMISSIONED.page(f"{CASE}invoices/add/", name="invoice-add", done="The invoice is recorded")
def invoice_add(request: HttpRequest, case: Case) -> FormAct:
    form = forms.InvoiceForm(posted(request), today=timezone.localdate())
    return form, calls(services.invoice_add, "number", "amount", "received_on", case=case)


@COMMISSIONED.view(f"{CASE}invoices/<int:invoice_id>/paid/", name="invoice-paid")
def invoice_paid(request: HttpRequest, case: Case, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(case=case, invoice_id=invoice_id)
    if invoice is None:
        return refuse(request, reason="no such invoice for this case's reviewer", status=404)
    return COMMISSIONED.form(
        request,
        case,
        forms.PaidForm(posted(request), today=timezone.localdate()),
        "invoice_paid.html",
        act=calls(services.invoice_paid, "paid_on", case=case, invoice_id=invoice.pk),
        done="The invoice is recorded as paid",
        context={"invoice": invoice},
    )


@COMMISSIONED.page(f"{CASE}access/", name="access", done="The date the reviewer's access ends is saved")
def access(request: HttpRequest, case: Case) -> FormAct:
    return forms.AccessEndsForm(posted(request)), calls(services.reviewer_access_ends_on_set, "ends_on", case=case)


@COMMISSIONED.page(f"{CASE}access/end/", name="access-end", done="The reviewer's access to this case has ended")
def access_end(request: HttpRequest, case: Case) -> FormAct:
    return forms.ConfirmForm(posted(request)), calls(services.reviewer_access_end, case=case)


@COMMISSIONED.page(f"{CASE}access/invite-again/", name="access-invite-again", done="The reviewer is invited again")
def access_invite_again(request: HttpRequest, case: Case) -> FormAct:
    return forms.ConfirmForm(posted(request)), calls(services.reviewer_invitation_send_again, case=case)
