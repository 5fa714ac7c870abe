"""Local review pages: thin views over the local review's selectors and services.

Every page is under ``/cases/<reference>/local-review/`` and finds its case with :func:`cspr.cases.pages.case_page`
(the person's scope, the page's object rule: a 404 otherwise, audited). A case with no local review has none of its
pages but the one that starts it; a form for a review that is no longer kept (the case has moved on) sends the person
back to the review's page with a message saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_form_page, case_forms, case_page
from cspr.core.form_views import Act, Finder, FormAct, calls, edit_page, posted
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.edits import OPENED_VERSION
from cspr.local_reviews import forms, presenters, selectors, services

routes = Routes()

KEEP = "local_reviews.keep"
REFUSED = "may not keep the local review"
NO_LOCAL_REVIEW = "no local review on this case"
NOT_STARTABLE = "A local review can be started only when the case is at the local review stage."
ALREADY_STARTED = "The local review has started already."
NOT_KEPT = "The local review is not in progress at this stage of the case, so nothing more can be recorded on it."


_overview_url = case_address("local_reviews:overview")


def not_started(case: Case) -> str | None:
    """Why a page of the local review is not found: the case has no local review (yet)."""
    return NO_LOCAL_REVIEW if selectors.local_review_get(case=case) is None else None


def review_page(rule: str, *, refusal: str) -> Finder:
    """:func:`case_page` for a page of a local review that has started: the view is called as
    ``view(request, case, review, ...)``, and a case with no local review is a 404 refused as such."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def page(request: HttpRequest, case: Case, *args: Any, **kwargs: Any) -> Any:
            review = selectors.local_review_get(case=case)
            if review is None:
                return refuse(request, reason=NO_LOCAL_REVIEW, status=404)
            return view(request, case, review, *args, **kwargs)

        return case_page(rule, refusal=refusal)(page)

    return decorate


# The local review's forms, for those who keep it, once it has started and while it is kept: back to its page.
KEEPING = case_forms(
    templates="local_reviews/",
    home=_overview_url,
    back_text="Back to the local review",
    missing=not_started,
    closed=lambda case: None if case.stage in selectors.WORKING_STAGES else NOT_KEPT,
    routes=routes,
    find=case_page(KEEP, refusal=REFUSED),
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


@KEEPING.view("start/", name="start")
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


@KEEPING.view("terms-of-reference/", name="terms")
def terms(request: HttpRequest, case: Case) -> HttpResponse:
    """A new version of the terms of reference, from the latest; a save made from an older version is refused (409)
    and shows what is saved now beside what was typed."""
    stopped = KEEPING.stopped(request, case)
    review = selectors.local_review_get(case=case)
    if stopped is not None or review is None:
        return stopped or refuse(request, reason=NO_LOCAL_REVIEW, status=404)
    processes = selectors.open_processes(case=case)
    saved = selectors.terms_answers_revealed(review=review)
    form = forms.TermsForm(posted(request), processes=processes, today=timezone.localdate(), initial=saved)
    return edit_page(
        request,
        form,
        save=calls(services.terms_of_reference_save, *forms.TermsForm.order, "handling", OPENED_VERSION, case=case),
        done="A new version of the terms of reference is saved",
        then=_overview_url(case),
        template="local_reviews/terms.html",
        context={"processes": processes, **KEEPING.shows(request, case)},
        version=lambda: selectors.terms_stamp(review=review).version,
        labels={
            name: str(field.label)
            for name, field in form.fields.items()
            if name in forms.TEXT_FIELDS or name in form.process_fields
        },
        saved=saved,
    )


@routes.page("terms-of-reference/<int:number>/", name="terms-version")
@case_page("local_reviews.view", refusal="may not see the local review")
def terms_version(request: HttpRequest, case: Case, number: int) -> HttpResponse:
    page = _page(request, case)
    version = presenters.terms_version_page(page=page, number=number) if page is not None else None
    if version is None:
        return refuse(request, reason="no such version of the terms of reference", status=404)
    return render(request, "local_reviews/terms_version.html", {"page": version, **KEEPING.shows(request, case)})


@KEEPING.view("terms-of-reference/<int:number>/agree/", name="terms-agree", sensitive=False)
def terms_agree(request: HttpRequest, case: Case, number: int) -> HttpResponse:
    return KEEPING.form(
        request,
        case,
        forms.AgreeForm(posted(request), today=timezone.localdate()),
        "terms_agree.html",
        act=calls(services.terms_of_reference_agree, "agreed_on", case=case, number=number),
        done=f"Version {number} of the terms of reference is agreed",
        context={"number": number},
    )


def _milestone_form(
    request: HttpRequest,
    case: Case,
    milestone_id: int,
    form: Form,
    template: str,
    *,
    act: Act,
    done: str,
    then: Callable[[Any], HttpResponse] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    review = selectors.local_review_get(case=case)
    milestone = selectors.milestone_get(review=review, milestone_id=milestone_id) if review is not None else None
    if milestone is None:
        return refuse(request, reason="no such milestone on this local review", status=404)
    shown = {"milestone": milestone, **(context or {})}
    return KEEPING.form(request, case, form, template, act=act, done=done, then=then, context=shown)


@KEEPING.view("milestones/<int:milestone_id>/done/", name="milestone-done", sensitive=False)
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


@KEEPING.view("milestones/<int:milestone_id>/move/", name="milestone-move")
def milestone_move(request: HttpRequest, case: Case, milestone_id: int) -> HttpResponse:
    """A milestone may be moved past the report's publication deadline (an extension may be agreed): the page shows
    that deadline, and says so as a warning once the move is saved."""
    publication_due = selectors.publication_due(case=case)

    def moved(move: Any) -> HttpResponse:
        warning = presenters.moved_after_publication(move, publication_due)
        if warning:
            messages.warning(request, warning)
        return redirect(_overview_url(case))

    return _milestone_form(
        request,
        case,
        milestone_id,
        forms.MoveForm(posted(request)),
        "milestone_move.html",
        act=calls(services.milestone_move, "due_on", "reason", case=case, milestone_id=milestone_id),
        done="The milestone's due date is moved",
        then=moved,
        context={"publication_due": publication_due},
    )


@KEEPING.page("checkpoints/add/", name="checkpoint", done="The checkpoint is recorded")
def checkpoint(request: HttpRequest, case: Case) -> FormAct:
    form = forms.CheckpointForm(posted(request), today=timezone.localdate())
    return form, calls(services.checkpoint_record, "held_on", "kind", "rating", "note", case=case)
