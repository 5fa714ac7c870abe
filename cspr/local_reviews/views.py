"""Local review pages: thin views over the local review's selectors and services.

Every page is under ``/cases/<reference>/local-review/`` and finds its case with :func:`cspr.cases.pages.case_page`
(the person's scope, the page's object rule: a 404 otherwise, audited). A case with no local review has none of its
pages but the one that starts it; a form for a review that is no longer kept (the case has moved on) sends the person
back to the review's page with a message saying why.
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
from cspr.core.form_views import calls, posted, saved_unless_stale, stale_edit_context
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.local_reviews import forms, presenters, selectors, services

routes = Routes()

KEEP = "local_reviews.keep"
REFUSED = "may not keep the local review"
NO_LOCAL_REVIEW = "no local review on this case"
NOT_STARTABLE = "A local review can be started only when the case is at the local review stage."
ALREADY_STARTED = "The local review has started already."
NOT_KEPT = "The local review is not in progress at this stage of the case, so nothing more can be recorded on it."


def _overview_url(case: Case) -> str:
    return reverse("local_reviews:overview", kwargs={"reference": case.reference})


def _back(case: Case) -> dict[str, str]:
    return {"back": _overview_url(case), "back_text": "Back to the local review"}


def _form(request: HttpRequest, case: Case, form: Form, template: str, **options: Any) -> HttpResponse:
    """A form of a started local review, open only while the review is kept; on success back to its page."""
    if selectors.local_review_get(case=case) is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    if case.stage not in selectors.WORKING_STAGES:
        messages.info(request, NOT_KEPT)
        return redirect(_overview_url(case))
    return case_form_page(
        request,
        case,
        form,
        template=f"local_reviews/{template}",
        then=_overview_url(case),
        context={**_back(case), **options.pop("context", {})},
        **options,
    )


def _page(request: HttpRequest, case: Case) -> presenters.LocalReviewPage | None:
    return presenters.local_review_page(case=case, scope=request.scope, today=timezone.localdate())  # type: ignore[attr-defined]


@routes.page("", name="overview")
@case_page("local_reviews.view", refusal="may not see the local review")
def overview(request: HttpRequest, case: Case) -> HttpResponse:
    page = _page(request, case)
    if page is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    return render(request, "local_reviews/overview.html", {"page": page, "case": case})


@routes.page("start/", name="start")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def start(request: HttpRequest, case: Case) -> HttpResponse:
    if selectors.local_review_get(case=case) is not None:
        messages.info(request, ALREADY_STARTED)
        return redirect(_overview_url(case))
    if case.stage not in selectors.STARTABLE_STAGES:
        return refuse(request, reason=NOT_STARTABLE, status=404)
    return case_form_page(
        request,
        case,
        forms.StartForm(posted(request), today=timezone.localdate(), initial={"started_on": timezone.localdate()}),
        template="local_reviews/start.html",
        act=calls(
            services.local_review_start,
            "started_on",
            "joint",
            "joint_partnership",
            "joint_contact",
            "joint_lead",
            case=case,
        ),
        done="The local review has started",
        then=_overview_url(case),
        context={"route": selectors.decision_route(case=case)},
    )


@routes.page("terms-of-reference/", name="terms")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def terms(request: HttpRequest, case: Case) -> HttpResponse:
    """A new version of the terms of reference, from the latest; a save made from an older version is refused (409)
    and shows what is saved now beside what was typed."""
    review = selectors.local_review_get(case=case)
    if review is None:
        return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    if case.stage not in selectors.WORKING_STAGES:
        messages.info(request, NOT_KEPT)
        return redirect(_overview_url(case))
    processes = selectors.open_processes(case=case)
    saved = selectors.terms_answers_revealed(review=review)
    form = forms.TermsForm(posted(request), processes=processes, today=timezone.localdate(), initial=saved)
    done, stale = saved_unless_stale(
        request,
        form,
        lambda acting, opened: services.terms_of_reference_save(
            acting=acting,
            case=case,
            opened_version=opened,
            handling=form.handling(),
            **{name: form.cleaned_data[name] for name in forms.TermsForm.order},
        ),
    )
    if done:
        messages.success(request, "A new version of the terms of reference is saved")
        return redirect(_overview_url(case))
    texts = {
        name: str(field.label)
        for name, field in form.fields.items()
        if name in forms.TEXT_FIELDS or name in form.process_fields
    }
    context = {
        "case": case,
        "form": form,
        "processes": processes,
        **_back(case),
        **stale_edit_context(
            request, stale, version=selectors.terms_stamp(review=review).version, labels=texts, saved=saved
        ),
    }
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render(request, "local_reviews/terms.html", context, status=status)


@routes.page("terms-of-reference/<int:number>/", name="terms-version")
@case_page("local_reviews.view", refusal="may not see the local review")
def terms_version(request: HttpRequest, case: Case, number: int) -> HttpResponse:
    page = _page(request, case)
    version = presenters.terms_version_page(page=page, number=number) if page is not None else None
    if version is None:
        return refuse(request, reason="no such version of the terms of reference", status=404)
    return render(request, "local_reviews/terms_version.html", {"page": version, "case": case, **_back(case)})


@routes.page("terms-of-reference/<int:number>/agree/", name="terms-agree")
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def terms_agree(request: HttpRequest, case: Case, number: int) -> HttpResponse:
    return _form(
        request,
        case,
        forms.AgreeForm(posted(request), today=timezone.localdate()),
        "terms_agree.html",
        act=calls(services.terms_of_reference_agree, "agreed_on", case=case, number=number),
        done=f"Version {number} of the terms of reference is agreed",
        context={"number": number},
    )


def _milestone_form(
    request: HttpRequest, case: Case, milestone_id: int, form: Form, template: str, **options: Any
) -> HttpResponse:
    review = selectors.local_review_get(case=case)
    milestone = selectors.milestone_get(review=review, milestone_id=milestone_id) if review is not None else None
    if milestone is None:
        return refuse(request, reason="no such milestone on this local review", status=404)
    return _form(request, case, form, template, context={"milestone": milestone}, **options)


@routes.page("milestones/<int:milestone_id>/done/", name="milestone-done")
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def milestone_done(request: HttpRequest, case: Case, milestone_id: int) -> HttpResponse:
    return _milestone_form(
        request,
        case,
        milestone_id,
        forms.DoneForm(posted(request), today=timezone.localdate()),
        "milestone_done.html",
        act=calls(services.milestone_done, "done_on", case=case, milestone_id=milestone_id),
        done="The milestone is marked done",
    )


@routes.page("milestones/<int:milestone_id>/move/", name="milestone-move")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def milestone_move(request: HttpRequest, case: Case, milestone_id: int) -> HttpResponse:
    return _milestone_form(
        request,
        case,
        milestone_id,
        forms.MoveForm(posted(request)),
        "milestone_move.html",
        act=calls(services.milestone_move, "due_on", "reason", case=case, milestone_id=milestone_id),
        done="The milestone's due date is moved",
    )


@routes.page("checkpoints/add/", name="checkpoint")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(KEEP, refusal=REFUSED)
def checkpoint(request: HttpRequest, case: Case) -> HttpResponse:
    return _form(
        request,
        case,
        forms.CheckpointForm(posted(request), today=timezone.localdate()),
        "checkpoint.html",
        act=calls(services.checkpoint_record, "held_on", "kind", "rating", "note", case=case),
        done="The checkpoint is recorded",
    )
