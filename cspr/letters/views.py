"""The letterhead (the partnership admin's) and a case's letters: what is due, the Word document, the record that it
went. Each page parses, calls one service or selector and renders."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps

import rules
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_form_page, case_page
from cspr.core.downloads import content_attachment
from cspr.core.form_views import calls, form_page, posted, posted_files
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.domain.letters import LetterKind
from cspr.files.services import FileRejected
from cspr.kernel.acting import acting_from_request
from cspr.kernel.errors import CaseActionRefused
from cspr.letters import forms, presenters, selectors, services, wordfile
from cspr.partnerships.models import Partnership
from cspr.partnerships.pages import partnership_page

routes = Routes()

LETTERHEAD = "letters:letterhead"
NOT_ADMIN = "not allowed to change the letterhead"
CASE = "cases/<caseref:reference>/letters/"


def _letterhead_url() -> str:
    return reverse(LETTERHEAD)


_letters_url = case_address("letters:case")


def _logo_src(request: HttpRequest, partnership: Partnership) -> str:
    """The logo as a ``data:`` address for the page (the store opens it, audited); empty without one."""
    letterhead = selectors.letterhead_get(partnership_id=partnership.pk)
    logo = services.letterhead_logo_open(acting=acting_from_request(request), letterhead=letterhead)
    if logo is None:
        return ""
    return f"data:{logo.content_type};base64,{base64.b64encode(logo.content).decode()}"


# -- the letterhead -------------------------------------------------------------------------------------------------


@routes.page("partnership/letterhead/", name="letterhead")
@require_http_methods(["GET", "POST"])
@partnership_page("letters.edit_letterhead", refusal=NOT_ADMIN)
def letterhead(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    current = selectors.letterhead_get(partnership_id=partnership.pk)
    initial = {"address": current.address, "sign_off": current.sign_off} if current is not None else {}
    return form_page(
        request,
        forms.LetterheadForm(posted(request), initial=initial),
        act=calls(services.letterhead_set, "address", "sign_off", partnership=partnership),
        done="The letterhead is saved",
        then=_letterhead_url(),
        template="letters/letterhead.html",
        context=lambda: {"partnership": partnership, "logo_src": _logo_src(request, partnership)},
    )


@routes.page("partnership/letterhead/logo/", name="letterhead-logo")
@require_http_methods(["GET", "POST"])
@partnership_page("letters.edit_letterhead", refusal=NOT_ADMIN)
def letterhead_logo(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    return form_page(
        request,
        forms.LogoForm(posted(request), posted_files(request)),
        act=lambda acting, data: services.letterhead_logo_set(
            acting=acting, partnership=partnership, upload=data["file"]
        ),
        done="The logo is saved",
        then=_letterhead_url(),
        template="letters/logo.html",
        context={"partnership": partnership},
        refusals=(CaseActionRefused, FileRejected),
        field="file",
    )


# -- a case's letters -----------------------------------------------------------------------------------------------


@routes.page(CASE, name="case")
@case_page("letters.view")
def case_letters(request: HttpRequest, case: Case) -> HttpResponse:
    due, sent = presenters.letters_page(case=case)
    context = {
        "case": case,
        "due": due,
        "sent": sent,
        "can_prepare": bool(rules.test_rule("letters.prepare", request.scope, case)),  # type: ignore[attr-defined]
        "letterhead_set": selectors.letterhead_get(partnership_id=case.partnership_id) is not None,
    }
    return render(request, "letters/case.html", context)


def _letter_page(view: Callable[[HttpRequest, Case, LetterKind], HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of one letter due on the case, named by its code in the address (``letter``): GET and POST, the posted
    values kept out of error reports, for those who may prepare the case's letters. The view is given the letter of
    the catalogue; a code the case has not reached the decision of is a 404."""

    @sensitive_post_parameters()
    @require_http_methods(["GET", "POST"])
    @case_page("letters.prepare")
    @wraps(view)
    def page(request: HttpRequest, case: Case, letter: str) -> HttpResponse:
        due = {kind.code: kind for kind, _ in selectors.case_letters_due(case=case)}
        kind = due.get(letter)
        if kind is None:
            return refuse(request, reason="no such letter due on this case", status=404)
        return view(request, case, kind)

    return page


def _docx(prepared: services.PreparedLetter) -> HttpResponse:
    return content_attachment(wordfile.render_docx(prepared), filename=prepared.filename)


@routes.page(CASE + "<slug:letter>/", name="download")
@_letter_page
def download(request: HttpRequest, case: Case, kind: LetterKind) -> HttpResponse:
    """A letter naming no one answers the GET; one naming the family asks the purpose first, and answers its POST."""
    if not kind.identifying:
        return _docx(services.letter_prepare(acting=acting_from_request(request), case=case, letter=kind.code))
    return case_form_page(
        request,
        case,
        forms.LetterPurposeForm(posted(request)),
        act=calls(services.letter_prepare, "purpose", "purpose_other", case=case, letter=kind.code),
        done="",
        then=_docx,
        template="letters/purpose.html",
        context={"kind": kind},
    )


@routes.page(CASE + "<slug:letter>/sent/", name="sent")
@_letter_page
def sent(request: HttpRequest, case: Case, kind: LetterKind) -> HttpResponse:
    return case_form_page(
        request,
        case,
        forms.LetterSentForm(posted(request), today=timezone.localdate()),
        act=calls(services.letter_sent_record, "sent_on", "method", "method_other", case=case, letter=kind.code),
        done=f"{kind.title}: recorded as sent",
        then=_letters_url(case),
        template="letters/sent.html",
        context={"kind": kind},
    )
