"""The report's drafts, the organisations' comments and the national review suggested: thin views over
:mod:`cspr.local_reviews.selectors_drafts` and :mod:`cspr.local_reviews.services_drafts`.

Every page is under ``/cases/<reference>/local-review/`` and finds its case with :func:`cspr.cases.pages.case_page`
(the person's scope: a commissioned reviewer reaches their own case only, an agency's contributor their
organisation's cases; a 404 otherwise, audited). A contributor's request is found among their own organisation's only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import rules
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_form_page, case_forms, case_page, kept_file
from cspr.cases.panels import PanelAction, PanelView
from cspr.core.form_views import Finder, posted, posted_files
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.kernel.acting import Acting, acting_from_request
from cspr.kernel.errors import CaseActionRefused
from cspr.local_reviews import forms_drafts as forms
from cspr.local_reviews import selectors, selectors_drafts, services_drafts
from cspr.local_reviews.models import CommentRequest, LocalReview, ReportDraft
from cspr.local_reviews.rules_drafts import ASK, COMMENT, DRAFTS, SUGGEST
from cspr.local_reviews.views import not_started, review_page
from cspr.partnerships.scoping import Scope

routes = Routes()

NO_DRAFT = "no such draft of the report"
NO_REQUEST = "no such request for comments to this organisation"
REFUSED = "may not see the report's drafts"


_drafts_url = case_address("local_reviews:drafts")


def _draft_url(case: Case, number: int) -> str:
    return reverse("local_reviews:draft", kwargs={"reference": case.reference, "number": number})


def _request_url(case: Case, request_uuid: Any) -> str:
    return reverse("local_reviews:comment-request", kwargs={"reference": case.reference, "request_uuid": request_uuid})


# The drafts' forms, for the reviewer and the business unit, once the review has started and while drafts are
# written: back to the drafts.
DRAFTING = case_forms(
    templates="local_reviews/drafts/",
    home=_drafts_url,
    back_text="Back to the drafts",
    missing=not_started,
    closed=lambda case: None if case.stage in selectors_drafts.DRAFT_STAGES else services_drafts.NOT_IN_PROGRESS,
    routes=routes,
    find=case_page(DRAFTS, refusal=REFUSED),
)


def _can(request: HttpRequest, rule: str, case: Case) -> bool:
    return bool(rules.test_rule(rule, request.scope, case))  # type: ignore[attr-defined]


def _draft_page(rule: str, *, refusal: str) -> Finder:
    """:func:`case_page` for a page about one draft of the report, the URL's ``number``: the view is called as
    ``view(request, case, draft, ...)``, and a case with no draft of that number is a 404 refused as such."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def page(request: HttpRequest, case: Case, *args: Any, number: int, **kwargs: Any) -> Any:
            draft = selectors_drafts.draft_get(case=case, number=number)
            if draft is None:
                return refuse(request, reason=NO_DRAFT, status=404)
            return view(request, case, draft, *args, **kwargs)

        return case_page(rule, refusal=refusal)(page)

    return decorate


def _asked_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`case_page` for an organisation's page about the request for comments the URL's ``request_uuid`` names,
    found among the requests to the organisations the person comments for: the view is called as
    ``view(request, case, asked)``, and any other request is a 404 refused as such."""

    @wraps(view)
    def page(request: HttpRequest, case: Case, request_uuid: Any) -> Any:
        asked = selectors_drafts.contributor_request_get(scope=request.scope, case=case, request_uuid=request_uuid)  # type: ignore[attr-defined]
        if asked is None:
            return refuse(request, reason=NO_REQUEST, status=404)
        return view(request, case, asked)

    return case_page(COMMENT, refusal="may not comment on the drafts")(page)


# -- the reviewer and the business unit -------------------------------------------------------------------------------


@routes.page("drafts/", name="drafts")
@review_page(DRAFTS, refusal=REFUSED)
def drafts(request: HttpRequest, case: Case, review: LocalReview) -> HttpResponse:
    context = {
        "case": case,
        "drafts": selectors_drafts.draft_rows(case=case),
        "can_upload": case.stage in selectors_drafts.DRAFT_STAGES,
        "back": reverse("cases:detail", kwargs={"reference": case.reference}),
        "back_text": f"Back to {case.reference}",
    }
    return render(request, "local_reviews/drafts/drafts.html", context)


@DRAFTING.view("drafts/upload/", name="draft-upload", sensitive=False)
def draft_upload(request: HttpRequest, case: Case) -> HttpResponse:
    return DRAFTING.form(
        request,
        case,
        forms.DraftUploadForm(posted(request), posted_files(request)),
        "upload.html",
        act=lambda acting, data: services_drafts.draft_upload(acting=acting, case=case, upload=data["file"]),
        done=lambda draft: f"Draft {draft.number} is uploaded",
        then=lambda draft: redirect(_draft_url(case, draft.number)),
    )


@routes.page("drafts/<int:number>/", name="draft")
@_draft_page(DRAFTS, refusal=REFUSED)
def draft(request: HttpRequest, case: Case, found: ReportDraft) -> HttpResponse:
    row = selectors_drafts.draft_row(case=case, number=found.number)
    if row is None:
        return refuse(request, reason=NO_DRAFT, status=404)
    commenting = case.stage in selectors_drafts.COMMENT_STAGES
    context = {
        "case": case,
        "draft": row,
        "comments": selectors_drafts.comment_rows(draft=found, reveal=True),
        "can_ask": commenting and _can(request, ASK, case),
        "can_mark_final": commenting
        and not row.final
        and found.number == selectors_drafts.drafts_latest_number(case=case)
        and not any(each.final for each in selectors_drafts.draft_rows(case=case)),
        "back": _drafts_url(case),
        "back_text": "Back to the drafts",
    }
    return render(request, "local_reviews/drafts/draft.html", context)


@routes.page("drafts/<int:number>/download/", name="draft-download")
@_draft_page(DRAFTS, refusal=REFUSED)
def draft_download(request: HttpRequest, case: Case, draft: ReportDraft) -> HttpResponse | FileResponse:
    return kept_file(
        request,
        lambda acting: services_drafts.draft_open(acting=acting, case=case, number=draft.number),
        back=_draft_url(case, draft.number),
    )


@routes.page("drafts/<int:number>/final/", name="draft-final")
@require_http_methods(["GET", "POST"])
@_draft_page(DRAFTS, refusal=REFUSED)
def draft_final(request: HttpRequest, case: Case, draft: ReportDraft) -> HttpResponse:
    number = draft.number
    error = ""
    if request.method == "POST":
        try:
            services_drafts.draft_mark_final(acting=acting_from_request(request), case=case, number=number)
        except CaseActionRefused as refused:
            error = refused.message
        else:
            messages.success(request, f"Draft {number} is the final draft")
            return redirect(_draft_url(case, number))
    context = {"case": case, "number": number, "error": error, "back": _draft_url(case, number), "back_text": "Back"}
    return render(request, "local_reviews/drafts/final.html", context, status=400 if error else 200)


@routes.page("drafts/<int:number>/comments/ask/", name="comments-ask")
@require_http_methods(["GET", "POST"])
@_draft_page(ASK, refusal="may not ask for comments on the drafts")
def comments_ask(request: HttpRequest, case: Case, draft: ReportDraft) -> HttpResponse:
    number = draft.number
    if case.stage not in selectors_drafts.COMMENT_STAGES:
        messages.info(request, services_drafts.NOT_COMMENTING)
        return redirect(_draft_url(case, number))
    choices = selectors_drafts.organisations_to_ask(case=case, draft=draft)

    def act(acting: Acting, data: dict[str, Any]) -> Any:
        return services_drafts.comments_request(
            acting=acting, case=case, number=number, organisations=data["organisations"], due_on=data["due_on"]
        )

    return case_form_page(
        request,
        case,
        forms.AskForm(posted(request), choices=choices),
        template="local_reviews/drafts/ask.html",
        act=act,
        done=lambda asked: f"Comments are asked of {len(asked)} organisation{'s' if len(asked) != 1 else ''}",
        then=_draft_url(case, number),
        context={
            "number": number,
            "latest": selectors_drafts.drafts_latest_number(case=case),
            "none_left": not choices,
            "back": _draft_url(case, number),
            "back_text": f"Back to draft {number}",
        },
    )


# -- an organisation asked for comments -------------------------------------------------------------------------------


@routes.page("comments/<uuid:request_uuid>/", name="comment-request")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@_asked_page
def comment_request(request: HttpRequest, case: Case, asked: CommentRequest) -> HttpResponse:
    answered = hasattr(asked, "comments")
    context = {
        "asked": asked,
        "answered": answered,
        "sent": selectors_drafts.comments_sent(request=asked),
        "own_comments": selectors_drafts.own_comments_revealed(request=asked),
        "open": case.stage in selectors_drafts.COMMENT_STAGES and not answered,
        "back": reverse("returns:inbox"),
        "back_text": "Back to your inbox",
    }
    if answered or not context["open"]:
        # Comments typed on a page opened before they were sent (or before the report left draft) are shown back,
        # with why they were not sent, so that nothing typed is lost.
        typed = forms.CommentsForm(posted(request)).data.get("comments", "") if request.method == "POST" else ""
        page = {"case": case, **context, "posted": request.method == "POST", "typed": typed}
        return render(request, "local_reviews/drafts/comment.html", page, status=409 if page["posted"] else 200)
    return case_form_page(
        request,
        case,
        forms.CommentsForm(posted(request)),
        template="local_reviews/drafts/comment.html",
        act=lambda acting, data: services_drafts.comments_submit(
            acting=acting, case=case, request_uuid=asked.uuid, comments=data["comments"]
        ),
        done="Your organisation's comments are sent",
        then=_request_url(case, asked.uuid),
        context=context,
    )


@routes.page("comments/<uuid:request_uuid>/draft/", name="comment-draft")
@_asked_page
def comment_draft(request: HttpRequest, case: Case, asked: CommentRequest) -> HttpResponse | FileResponse:
    return kept_file(
        request,
        lambda acting: services_drafts.comment_draft_open(acting=acting, case=case, request_uuid=asked.uuid),
        back=_request_url(case, asked.uuid),
    )


# -- new information suggests a national review (§4.6) ---------------------------------------------------------------


@routes.page("national-review/", name="national-suggest")
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@case_page(SUGGEST, refusal="may not record that a national review is suggested")
def national_suggest(request: HttpRequest, case: Case) -> HttpResponse:
    if case.stage not in selectors_drafts.SUGGEST_STAGES:
        return refuse(request, reason="not during a local review", status=404)
    letters = reverse("letters:case", kwargs={"reference": case.reference})
    return case_form_page(
        request,
        case,
        forms.SuggestForm(posted(request), today=timezone.localdate()),
        template="local_reviews/drafts/suggest.html",
        act=lambda acting, data: services_drafts.national_review_suggest(
            acting=acting, case=case, suggested_on=data["suggested_on"], reason=data["reason"]
        ),
        done="It is recorded. The letter to the Panel is ready on the case's letters page",
        then=letters,
        context={"suggestions": selectors_drafts.suggestion_rows(case=case, reveal=True), "letters": letters},
    )


# -- the case page's section ------------------------------------------------------------------------------------------


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """On the case page, for the reviewer and the business unit during the local review: the way to the report's
    drafts once the review has started, and (the business unit's) the way to record that new information suggests a
    national review. Reads nothing the case page has not read with the case."""
    sees_drafts = bool(rules.test_rule(DRAFTS, scope, case)) and case.stage in selectors.WORKING_STAGES
    suggests = bool(rules.test_rule(SUGGEST, scope, case)) and case.stage in selectors_drafts.SUGGEST_STAGES
    started = sees_drafts and selectors.local_review_outline(case=case).started_on is not None
    actions = []
    if started:
        actions.append(PanelAction("See the report's drafts and the comments on them", _drafts_url(case), "§7.1"))
    if suggests:
        url = reverse("local_reviews:national-suggest", kwargs={"reference": case.reference})
        actions.append(PanelAction("Record that new information suggests a national review", url, "§4.6"))
    if not actions:
        return None
    return PanelView(template="local_reviews/drafts/_panel.html", context={"started": started}, actions=tuple(actions))
