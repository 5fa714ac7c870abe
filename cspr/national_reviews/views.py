"""National review pages: thin views over the national review's selectors and services.

Every page is under ``/cases/<reference>/national-review/`` and finds its case with
:func:`cspr.cases.pages.case_page` (the person's scope, the page's object rule: a 404 otherwise, audited). A form
for a national review that is not running (finished, or the case has moved on) sends the person back to the
national review's page with a message saying why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.cases.models import Case
from cspr.cases.pages import case_form_page, case_page
from cspr.core.form_views import calls, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.national_reviews import forms, presenters, selectors, services

routes = Routes()

NO_NATIONAL_REVIEW = "no national review on this case"
NOT_RUNNING = "The national review is not in progress, so nothing more can be recorded about it."
RECORD = "national_reviews.record"
REFUSED = "may not record the national review"


def _overview_url(case: Case) -> str:
    return reverse("national_reviews:overview", kwargs={"reference": case.reference})


def _form(request: HttpRequest, case: Case, form: Form, template: str, **options: Any) -> HttpResponse:
    """A form of the national review, open only while it runs; on success back to the national review's page."""
    if not selectors.national_review_running(case=case):
        messages.info(request, NOT_RUNNING)
        return redirect(_overview_url(case))
    context = {"back": _overview_url(case), "back_text": "Back to the national review", **options.pop("context", {})}
    return case_form_page(
        request,
        case,
        form,
        template=f"national_reviews/{template}",
        then=_overview_url(case),
        context=context,
        **options,
    )


@routes.page("", name="overview")
@case_page("national_reviews.view", refusal="may not see the national review")
def overview(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.national_review_page(case=case, scope=request.scope)  # type: ignore[attr-defined]
    if page is None:
        return refuse(request, reason=NO_NATIONAL_REVIEW, status=404)
    return render(request, "national_reviews/overview.html", {"page": page, "case": case})


@routes.page("contact/", name="contact")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(RECORD, refusal=REFUSED)
def contact(request: HttpRequest, case: Case) -> HttpResponse:
    return _form(
        request,
        case,
        forms.ContactForm(posted(request), initial={"panel_contact": selectors.panel_contact_revealed(case=case)}),
        "contact.html",
        act=calls(services.national_review_contact_set, "panel_contact", case=case),
        done="The Panel's contact is saved",
    )


@routes.page("engagement/", name="engagement")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(RECORD, refusal=REFUSED)
def engagement(request: HttpRequest, case: Case) -> HttpResponse:
    return _form(
        request,
        case,
        forms.EngagementForm(posted(request), today=timezone.localdate()),
        "engagement.html",
        act=calls(services.national_review_engagement_log, "happened_on", "kind", "note", "scope_agreed", case=case),
        done="The engagement is logged",
    )


@routes.page("items/add/", name="item-add")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(RECORD, refusal=REFUSED)
def item_add(request: HttpRequest, case: Case) -> HttpResponse:
    return _form(
        request,
        case,
        forms.ItemForm(posted(request), today=timezone.localdate()),
        "item_add.html",
        act=calls(services.national_review_item_add, "what", "requested_on", "due_on", case=case),
        done="The item is added",
    )


@routes.page("items/<int:item_id>/provided/", name="item-provided")
@require_http_methods(["GET", "POST"])
@case_page(RECORD, refusal=REFUSED)
def item_provided(request: HttpRequest, case: Case, item_id: int) -> HttpResponse:
    item = selectors.item_revealed(case=case, item_id=item_id)
    if item is None:
        return refuse(request, reason="no such item on this national review", status=404)
    return _form(
        request,
        case,
        forms.ProvidedForm(
            posted(request),
            organisations=selectors.organisation_choices(case=case, scope=request.scope),  # type: ignore[attr-defined]
            today=timezone.localdate(),
        ),
        "item_provided.html",
        act=calls(services.national_review_item_provided, "provided_on", "provided_by", case=case, item_id=item.id),
        done="The item is recorded as provided",
        context={"item": item},
    )


@routes.page("outcome/", name="finish")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(RECORD, refusal=REFUSED)
def finish(request: HttpRequest, case: Case) -> HttpResponse:
    return _form(
        request,
        case,
        forms.FinishForm(posted(request), today=timezone.localdate()),
        "finish.html",
        act=calls(services.national_review_finish, "report_on", "published_on", "findings", "finished_on", case=case),
        done="The national review is recorded as finished",
    )
