"""National review pages: thin views over the national review's selectors and services.

Every page is under ``/cases/<reference>/national-review/`` and finds its case with
:func:`cspr.cases.pages.case_page` (the person's scope, the page's object rule: a 404 otherwise, audited). A form
for a national review that is not running (finished, or the case has moved on) sends the person back to the
national review's page with a message saying why.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_forms, case_page
from cspr.core.form_views import FormAct, calls, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.national_reviews import forms, presenters, selectors, services

routes = Routes()

NO_NATIONAL_REVIEW = "no national review on this case"
NOT_RUNNING = "The national review is not in progress, so nothing more can be recorded about it."
RECORD = "national_reviews.record"
REFUSED = "may not record the national review"


_overview_url = case_address("national_reviews:overview")


# The national review's record, kept by the business unit while the review runs: back to its page.
RECORDING = case_forms(
    templates="national_reviews/",
    home=_overview_url,
    back_text="Back to the national review",
    closed=lambda case: None if selectors.national_review_running(case=case) else NOT_RUNNING,
    routes=routes,
    find=case_page(RECORD, refusal=REFUSED),
)


@routes.page("", name="overview")
@case_page("national_reviews.view", refusal="may not see the national review")
def overview(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.national_review_page(case=case, scope=request.scope)  # type: ignore[attr-defined]
    if page is None:
        return refuse(request, reason=NO_NATIONAL_REVIEW, status=404)
    return render(request, "national_reviews/overview.html", {"page": page, "case": case})


@RECORDING.page("contact/", name="contact", done="The Panel's contact is saved")
def contact(request: HttpRequest, case: Case) -> FormAct:
    form = forms.ContactForm(posted(request), initial={"panel_contact": selectors.panel_contact_revealed(case=case)})
    return form, calls(services.national_review_contact_set, "panel_contact", case=case)


@RECORDING.page("engagement/", name="engagement", done="The engagement is logged")
def engagement(request: HttpRequest, case: Case) -> FormAct:
    form = forms.EngagementForm(posted(request), today=timezone.localdate())
    return form, calls(
        services.national_review_engagement_log, "happened_on", "kind", "note", "scope_agreed", case=case
    )


@RECORDING.page("items/add/", name="item-add", done="The item is added")
def item_add(request: HttpRequest, case: Case) -> FormAct:
    form = forms.ItemForm(posted(request), today=timezone.localdate())
    return form, calls(services.national_review_item_add, "what", "requested_on", "due_on", case=case)


@RECORDING.view("items/<int:item_id>/provided/", name="item-provided", sensitive=False)
def item_provided(request: HttpRequest, case: Case, item_id: int) -> HttpResponse:
    item = selectors.item_revealed(case=case, item_id=item_id)
    if item is None:
        return refuse(request, reason="no such item on this national review", status=404)
    organisations = selectors.organisation_choices(case=case, scope=request.scope)  # type: ignore[attr-defined]
    return RECORDING.form(
        request,
        case,
        forms.ProvidedForm(posted(request), organisations=organisations, today=timezone.localdate()),
        "item_provided.html",
        act=calls(services.national_review_item_provided, "provided_on", "provided_by", case=case, item_id=item.id),
        done="The item is recorded as provided",
        context={"item": item},
    )


@RECORDING.page("outcome/", name="finish", done="The national review is recorded as finished")
def finish(request: HttpRequest, case: Case) -> FormAct:
    form = forms.FinishForm(posted(request), today=timezone.localdate())
    return form, calls(
        services.national_review_finish, "report_on", "published_on", "findings", "finished_on", case=case
    )
