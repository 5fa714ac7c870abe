"""Information request pages: thin views over the returns selectors and services.

Case pages (the business unit's board, submitted returns, the merged chronology) find the case through
``cspr.cases.pages.case_page`` (``case_get`` for the current partnership, with the page's object rule). Contributor
pages find the request by its uuid, only among the organisations the person answers for in the current partnership:
anything else is a 404, audited.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cspr.cases.models import Case
from cspr.cases.pages import case_address, case_forms, case_page, kept_file, not_found
from cspr.core.downloads import content_attachment
from cspr.core.form_views import (
    FormAct,
    FormPages,
    calls,
    form_page,
    posted,
    posted_files,
    posted_version,
    refusal_to_form,
    stale_edit_context,
)
from cspr.core.pagination import paginate
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.core.shared_forms import uploaded_to
from cspr.kernel.acting import Acting, acting_from_request
from cspr.kernel.edits import StaleEdit
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import partnership_get
from cspr.returns import presenters, selectors, services
from cspr.returns.forms import (
    AssignForm,
    AttachmentForm,
    ChronologyFilterForm,
    EntryForm,
    ImportForm,
    LateReasonForm,
    LeadForm,
    ReasonForm,
    ReturnForm,
    SendForm,
)
from cspr.returns.inbox import inbox_sections
from cspr.returns.models import RETURN_TEXT_FIELDS, InformationRequest, RequestStatus, ReturnAttachment

routes = Routes()

# A case's information requests (for the business unit, the PRG and the Independent Chair), and one request in an
# agency contributor's inbox.
CASE = "cases/<caseref:reference>/information/"
REQUEST = "inbox/<uuid:request_uuid>/"

REQUEST_NOT_FOUND = "no such information request for an organisation this person answers for"
INBOX_PAGE_SIZE = 25
BOARD_PAGE_SIZE = 50
# Another request's (or partnership's) chronology entry or attachment: a 404 whose refusal is audited with the id.
ENTRY_NOT_FOUND = "no such chronology entry on this return"
ATTACHMENT_NOT_FOUND = "no such attachment on this return"
# What a chronology entry says, as the form's fields and the services' keyword arguments.
ENTRY_FIELDS = ("happened_on", "event", "source")


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined]


def _partnership_id(request: HttpRequest) -> int:
    return request.partnership_id  # type: ignore[attr-defined]


_board_url = case_address("returns:board")


def _request_url(info_request: InformationRequest, name: str = "returns:request") -> str:
    return reverse(name, kwargs={"request_uuid": info_request.uuid})


def _allowed(request: HttpRequest, rule: str, case: Case) -> bool:
    return bool(rules.test_rule(rule, _scope(request), case))


def _own_request(request: HttpRequest, request_uuid: Any) -> InformationRequest | None:
    return selectors.contributor_request_get(
        scope=_scope(request), partnership_id=_partnership_id(request), request_uuid=request_uuid
    )


def _button(request: HttpRequest, act: Callable[[Acting], Any], *, done: str, then: str) -> HttpResponse:
    """A button's POST: ``act``, then to ``then`` with the message ``done``, or with the refusal's if it refused."""
    try:
        act(acting_from_request(request))
    except CaseActionRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(then)


def _attachment_file(request: HttpRequest, attachment: ReturnAttachment, *, back: str) -> HttpResponse | FileResponse:
    """The attachment's file (:func:`kept_file`: back to the page ``back`` if the store refuses it)."""
    return kept_file(request, lambda acting: services.attachment_open(acting=acting, attachment=attachment), back=back)


# -- the business unit ---------------------------------------------------------------------------------------------

# The business unit's forms about a case's requests: back to the board once the service has acted.
BOARD = case_forms(templates="returns/", home=_board_url, routes=routes, find=case_page("returns.manage_requests"))


@routes.page(CASE, name="board")
@case_page("returns.manage_requests")
def board(request: HttpRequest, case: Case) -> HttpResponse:
    context = _board(request, case)
    context["late_form"] = LateReasonForm()
    return render(request, "returns/board.html", {"case": case, **context})


def _board(request: HttpRequest, case: Case) -> dict[str, Any]:
    """One page of the case's requests on the board, with the pager."""
    page, pagination = paginate(request, selectors.case_requests(case=case), BOARD_PAGE_SIZE)
    context = presenters.board(case=case, today=timezone.localdate(), requests=page.object_list)
    context["pagination"] = pagination
    return context


@BOARD.view(f"{CASE}ask/", name="send")
def send(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    asked = {info_request.organisation_id for info_request in selectors.case_requests(case=case)}
    links = list(selectors.partnership_organisations(partnership_id=case.partnership_id))
    choices = [(link.organisation_id, link.organisation.name) for link in links if link.organisation_id not in asked]
    suggested = selectors.suggested_organisation_ids(case=case) - asked
    clock = services.information_clock(case)
    default_due = clock.effective_due if clock and clock.effective_due >= today else None
    return BOARD.form(
        request,
        case,
        SendForm(
            posted(request),
            choices=choices,
            today=today,
            initial={"organisations": sorted(suggested), "due_on": default_due},
        ),
        act=lambda acting, data: services.information_requests_send(
            acting=acting,
            case=case,
            organisation_ids=data["organisations"],
            due_on=data["due_on"],
            questions=data["questions"],
        ),
        done=lambda created: f"{len(created)} organisations were asked for information",
        template="send.html",
        context=lambda: {"may_ask": services.may_ask(case), "nothing_left": not choices},
    )


@routes.page(f"{CASE}deadline/", name="clock-close")
@sensitive_post_parameters()
@require_POST
@case_page("returns.manage_requests")
def clock_close(request: HttpRequest, case: Case) -> HttpResponse:
    form = LateReasonForm(request.POST)
    if form.is_valid():
        try:
            services.returns_clock_close(
                acting=acting_from_request(request),
                case=case,
                late_reason=form.cleaned_data["late_reason"],
            )
        except CaseActionRefused as error:
            form.add_error("late_reason", error.message)
        else:
            messages.success(request, "The information returns deadline is recorded as met")
            return redirect("returns:board", reference=case.reference)
    context = {"case": case, **_board(request, case), "late_form": form}
    return render(request, "returns/board.html", context, status=400)


def _chronology(request: HttpRequest, case: Case) -> tuple[Case, ChronologyFilterForm, dict[str, Any]]:
    organisations = selectors.chronology_organisations(case=case, scope=_scope(request))
    form = ChronologyFilterForm(request.GET or None, organisations=organisations)
    filters: dict[str, Any] = {"organisation_id": None, "date_from": None, "date_to": None}
    if form.is_bound and form.is_valid():
        filters = {
            "organisation_id": form.cleaned_data["organisation"],
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
    return case, form, filters


@routes.page(f"{CASE}chronology/", name="chronology")
@case_page("returns.read_chronology")
def chronology(request: HttpRequest, case: Case) -> HttpResponse:
    case, form, filters = _chronology(request, case)
    rows = selectors.merged_chronology(case=case, scope=_scope(request), **filters)
    query = request.GET.urlencode()
    context = {
        "case": case,
        "form": form,
        "rows": rows,
        "export_url": reverse("returns:chronology-docx", kwargs={"reference": case.reference})
        + (f"?{query}" if query else ""),
        "everyone": selectors.may_read_all_returns(scope=_scope(request), case=case),
    }
    return render(request, "returns/chronology.html", context, status=400 if form.errors else 200)


@routes.page(f"{CASE}chronology.docx", name="chronology-docx")
@case_page("returns.read_chronology")
def chronology_docx(request: HttpRequest, case: Case) -> HttpResponse:
    case, _form, filters = _chronology(request, case)
    rows = selectors.merged_chronology(case=case, scope=_scope(request), **filters)
    names = dict(selectors.chronology_organisations(case=case, scope=_scope(request)))
    content = services.chronology_download(
        acting=acting_from_request(request),
        case=case,
        rows=rows,
        filters={
            "organisation": names.get(filters["organisation_id"] or 0, ""),
            "date_from": filters["date_from"],
            "date_to": filters["date_to"],
        },
    )
    return content_attachment(content, filename=f"{case.reference}-chronology.docx")


def _readable_return(case: Case, request_uuid: Any) -> tuple[Case, Any, Any] | None:
    info_request = selectors.case_request_get(case=case, request_uuid=request_uuid)
    if info_request is None:
        return None
    return case, info_request, selectors.latest_submitted(info_request=info_request)


@routes.page(f"{CASE}<uuid:request_uuid>/", name="return")
@case_page("returns.read_returns")
def return_view(request: HttpRequest, case: Case, request_uuid: Any) -> HttpResponse:
    found = _readable_return(case, request_uuid)
    if found is None:
        return not_found(request)
    case, info_request, submitted = found
    context = {
        "case": case,
        "info_request": info_request,
        "submitted": presenters.return_view(submitted) if submitted else None,
        "may_manage": _allowed(request, "returns.manage_requests", case),
    }
    return render(request, "returns/return.html", context)


@routes.page(f"{CASE}<uuid:request_uuid>/return.docx", name="return-docx")
@case_page("returns.read_returns")
def return_docx(request: HttpRequest, case: Case, request_uuid: Any) -> HttpResponse:
    found = _readable_return(case, request_uuid)
    if found is None or found[2] is None:
        return not_found(request)
    case, _info_request, submitted = found
    content = services.return_download(acting=acting_from_request(request), agency_return=submitted)
    return content_attachment(content, filename=f"{case.reference}-return-v{submitted.version}.docx")


@routes.page(f"{CASE}<uuid:request_uuid>/chase/", name="chase")
@require_POST
@case_page("returns.manage_requests")
def chase(request: HttpRequest, case: Case, request_uuid: Any) -> HttpResponse:
    info_request = selectors.case_request_get(case=case, request_uuid=request_uuid)
    if info_request is None:
        return not_found(request)
    return _button(
        request,
        lambda acting: services.request_chase(acting=acting, info_request=info_request),
        done=f"{info_request.organisation.name} is chased: an e-mail is on its way",
        then=_board_url(case),
    )


@BOARD.view(f"{CASE}<uuid:request_uuid>/not-involved/", name="not-involved")
def not_involved(request: HttpRequest, case: Case, request_uuid: Any) -> HttpResponse:
    info_request = selectors.case_request_get(case=case, request_uuid=request_uuid)
    if info_request is None:
        return not_found(request)
    return BOARD.form(
        request,
        case,
        ReasonForm(
            posted(request),
            label="Why was the organisation not involved?",
            required_message="Enter why the organisation was not involved",
        ),
        "not_involved.html",
        act=calls(services.request_mark_not_involved, "reason", info_request=info_request),
        done=f"{info_request.organisation.name} is recorded as not involved",
        context={"info_request": info_request},
    )


@routes.page(f"{CASE}<uuid:request_uuid>/attachments/<uuid:attachment_uuid>/", name="case-attachment")
@case_page("returns.read_returns")
def case_attachment(
    request: HttpRequest, case: Case, request_uuid: Any, attachment_uuid: Any
) -> HttpResponse | FileResponse:
    found = _readable_return(case, request_uuid)
    if found is None or found[2] is None:
        return not_found(request)
    attachment = selectors.attachment_get(agency_return_ids=[found[2].pk], attachment_uuid=attachment_uuid)
    if attachment is None:
        return not_found(request, ATTACHMENT_NOT_FOUND)
    back = reverse("returns:return", kwargs={"reference": case.reference, "request_uuid": request_uuid})
    return _attachment_file(request, attachment, back=back)


@routes.page("partnership/organisation-leads/", name="leads")
@require_http_methods(["GET", "POST"])
def leads(request: HttpRequest) -> HttpResponse:
    partnership = partnership_get(scope=_scope(request), partnership_id=_partnership_id(request))
    if partnership is None:
        return refuse(request, reason="not a member of the partnership")
    rows = selectors.organisation_leads(partnership_id=partnership.pk)
    context = {
        "partnership": partnership,
        "rows": rows,
        "forms": {
            row.organisation_id: LeadForm(
                initial={"organisation": row.organisation_id, "lead": row.lead_id}, candidates=row.candidates
            )
            for row in rows
        },
    }
    if request.method != "POST":
        return render(request, "returns/leads.html", {**context, "form": None})
    row = next((row for row in rows if str(row.organisation_id) == request.POST.get("organisation")), None)
    if row is None:
        return not_found(request, "no such organisation in this partnership")

    def lead_set(acting: Acting, data: dict[str, Any]) -> None:
        links = selectors.partnership_organisations(partnership_id=partnership.pk)
        organisation = next(link.organisation for link in links if link.organisation_id == row.organisation_id)
        services.organisation_lead_set(
            acting=acting, partnership=partnership, organisation=organisation, user_id=data["lead"]
        )

    return form_page(
        request,
        LeadForm(request.POST, candidates=row.candidates),
        act=lead_set,
        done=f"The designated lead for {row.organisation_name} is saved",
        then=reverse("returns:leads"),
        template="returns/leads.html",
        context=context,
    )


# -- contributors --------------------------------------------------------------------------------------------------


def _contributor_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Find the request the URL's ``request_uuid`` names, among those of the organisations the person answers for
    in the current partnership, and call the view as ``view(request, info_request, ...)``; a 404 (audited) if none."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, request_uuid: Any, **kwargs: Any) -> HttpResponseBase:
        info_request = _own_request(request, request_uuid)
        if info_request is None:
            return not_found(request, REQUEST_NOT_FOUND)
        return view(request, info_request, *args, **kwargs)

    return wrapper


# A contributor's forms about their organisation's request: back to the request once the service has acted, unless the
# page says where; each shows the request and its case.
REQUESTS: FormPages[InformationRequest] = FormPages(
    templates="returns/",
    home=_request_url,
    shows=lambda request, info_request: {"info_request": info_request, "case": info_request.case},
    routes=routes,
    find=_contributor_page,
)


@routes.page("inbox/", name="inbox")
def inbox(request: HttpRequest) -> HttpResponse:
    page, pagination = paginate(request, selectors.inbox(scope=_scope(request)), INBOX_PAGE_SIZE)
    rows = presenters.inbox_rows(
        page.object_list, current_partnership_id=_partnership_id(request), today=timezone.localdate()
    )
    others = inbox_sections(scope=_scope(request))
    context = {"rows": rows, "page": page, "pagination": pagination, "others": others, "here": _partnership_id(request)}
    return render(request, "returns/inbox.html", context)


@routes.page(REQUEST, name="request")
@require_http_methods(["GET", "POST"])
@_contributor_page
def request_page(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    """The request. The child's and family's identifying details appear only when the person asks for them
    (a POST, audited with the purpose "to find them in our records"), never on every visit."""
    case = info_request.case
    identifying = None
    identifying_error = ""
    if request.method == "POST":
        try:
            identifying = services.identifying_details_for_agency(
                acting=acting_from_request(request), info_request=info_request
            )
        except CaseActionRefused as error:
            identifying_error = error.message
    context = presenters.request_page(info_request=info_request, user=request.user, today=timezone.localdate())
    context.update({"case": case, "identifying": identifying, "identifying_error": identifying_error})
    return render(request, "returns/request.html", context)


@REQUESTS.view(f"{REQUEST}assign/", name="assign", sensitive=False)
def assign(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    people = [
        (person.pk, person.full_name or person.email) for person in selectors.colleagues(info_request=info_request)
    ]
    return REQUESTS.form(
        request,
        info_request,
        AssignForm(posted(request), people=people, initial={"assignee": info_request.assigned_to_id}),
        "assign.html",
        act=lambda acting, data: services.request_assign(
            acting=acting, info_request=info_request, assignee_id=data["assignee"]
        ),
        done="The request is assigned",
    )


@REQUESTS.view(f"{REQUEST}return/", name="edit")
def edit(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    current = services.latest_return(info_request)
    if (current is not None and current.locked) or info_request.status == RequestStatus.NOT_INVOLVED:
        messages.error(request, services.RETURN_LOCKED if current and current.locked else services.REQUEST_CLOSED)
        return redirect("returns:request", request_uuid=info_request.uuid)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = dict(selectors.return_texts_revealed(agency_return=current))
        initial.update({"involved_from": current.involved_from, "involved_to": current.involved_to})
    stamp = services.return_stamp(current)
    form = ReturnForm(posted(request), initial=initial)
    stale: StaleEdit | None = None
    if request.method == "POST":
        valid = form.is_valid()
        values = form.valid_values()
        try:
            services.return_save(
                acting=acting_from_request(request),
                info_request=info_request,
                values=values,
                opened_version=posted_version(request),
            )
        except StaleEdit as refused:
            stale = refused
            form.add_error(None, refused.message)
            valid = False
            values = {}
        except CaseActionRefused as error:
            refusal_to_form(form, error)
            valid = False
        if valid:
            messages.success(request, "Your return is saved")
            target = "returns:submit" if "check" in request.POST else "returns:request"
            return redirect(target, request_uuid=info_request.uuid)
        if values:
            messages.info(request, "Everything without an error is saved. Correct the errors and save again.")
            stamp = services.return_stamp(services.latest_return(info_request))
    context = {
        "info_request": info_request,
        "case": info_request.case,
        "form": form,
        **stale_edit_context(
            request,
            stale,
            version=stamp.version,
            labels={name: str(form.fields[name].label) for name in RETURN_TEXT_FIELDS},
            saved=initial,
        ),
    }
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render(request, "returns/edit.html", context, status=status)


@REQUESTS.view(f"{REQUEST}return/chronology/add/", name="entry-add")
def entry_add(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    return REQUESTS.form(
        request,
        info_request,
        EntryForm(posted(request), today=timezone.localdate()),
        "entry_add.html",
        act=calls(services.chronology_entry_add, *ENTRY_FIELDS, info_request=info_request),
        done="The chronology entry is added",
        then=_request_url(info_request, "returns:entry-add" if "another" in request.POST else "returns:request"),
    )


@routes.page(f"{REQUEST}return/chronology/<int:entry_id>/remove/", name="entry-remove")
@require_POST
@_contributor_page
def entry_remove(request: HttpRequest, info_request: InformationRequest, entry_id: int) -> HttpResponse:
    if not selectors.chronology_entry_on_request(info_request=info_request, entry_id=entry_id):
        return not_found(request, ENTRY_NOT_FOUND)
    return _button(
        request,
        lambda acting: services.chronology_entry_remove(acting=acting, info_request=info_request, entry_id=entry_id),
        done="The chronology entry is removed",
        then=_request_url(info_request),
    )


@REQUESTS.view(f"{REQUEST}return/chronology/<int:entry_id>/change/", name="entry-change")
def entry_change(request: HttpRequest, info_request: InformationRequest, entry_id: int) -> HttpResponse:
    current = selectors.chronology_entry_for_change(info_request=info_request, entry_id=entry_id)
    if current is None:
        return not_found(request, ENTRY_NOT_FOUND)
    return REQUESTS.form(
        request,
        info_request,
        EntryForm(posted(request), today=timezone.localdate(), initial=current),
        "entry_add.html",
        act=calls(services.chronology_entry_change, *ENTRY_FIELDS, info_request=info_request, entry_id=entry_id),
        done="The chronology entry is changed",
        context={"changing": True},
    )


@REQUESTS.view(f"{REQUEST}return/chronology/import/", name="import")
def chronology_import(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    form = ImportForm(posted(request), posted_files(request))
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.chronology_import(
                acting=acting_from_request(request),
                info_request=info_request,
                upload=form.cleaned_data["file"],
            )
        except CaseActionRefused as error:
            refusal_to_form(form, error)
    status = 400 if request.method == "POST" and report is None else 200
    context = {"info_request": info_request, "case": info_request.case, "form": form, "report": report}
    return render(request, "returns/import.html", context, status=status)


@REQUESTS.page(f"{REQUEST}return/attachments/add/", name="attachment-add", done="The file is attached to your return")
def attachment_add(request: HttpRequest, info_request: InformationRequest) -> FormAct:
    form = AttachmentForm(posted(request), posted_files(request))
    return form, uploaded_to(services.attachment_add, info_request=info_request)


@routes.page(f"{REQUEST}return/attachments/<uuid:attachment_uuid>/remove/", name="attachment-remove")
@require_POST
@_contributor_page
def attachment_remove(request: HttpRequest, info_request: InformationRequest, attachment_uuid: Any) -> HttpResponse:
    if not selectors.attachment_on_request(info_request=info_request, attachment_uuid=attachment_uuid):
        return not_found(request, ATTACHMENT_NOT_FOUND)
    return _button(
        request,
        lambda acting: services.attachment_remove(
            acting=acting, info_request=info_request, attachment_uuid=str(attachment_uuid)
        ),
        done="The file is removed from your return",
        then=_request_url(info_request),
    )


@routes.page(f"{REQUEST}attachments/<uuid:attachment_uuid>/", name="attachment")
@_contributor_page
def attachment(
    request: HttpRequest, info_request: InformationRequest, attachment_uuid: Any
) -> HttpResponse | FileResponse:
    versions = [agency_return.pk for agency_return in selectors.return_versions(info_request=info_request)]
    found = selectors.attachment_get(agency_return_ids=versions, attachment_uuid=attachment_uuid)
    if found is None:
        return not_found(request, ATTACHMENT_NOT_FOUND)
    return _attachment_file(request, found, back=_request_url(info_request))


@routes.page(f"{REQUEST}sign-off/", name="sign-off-request")
@require_POST
@_contributor_page
def sign_off_request(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    return _button(
        request,
        lambda acting: services.return_sign_off_request(acting=acting, info_request=info_request),
        done="Your organisation's lead is asked to sign off the return",
        then=_request_url(info_request),
    )


@REQUESTS.view(f"{REQUEST}submit/", name="submit", sensitive=False)
def submit(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    problems: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            services.return_submit(acting=acting_from_request(request), info_request=info_request)
        except CaseActionRefused as refused:
            problems = presenters.submit_problems(info_request=info_request, refused=refused)
        else:
            messages.success(request, "The return is signed off and submitted to the business unit")
            return redirect("returns:request", request_uuid=info_request.uuid)
    context = presenters.request_page(info_request=info_request, user=request.user, today=timezone.localdate())
    context.update({"case": info_request.case, "problems": problems})
    return render(request, "returns/submit.html", context, status=400 if problems else 200)


@REQUESTS.page(
    f"{REQUEST}revise/", name="revise", done="A new version of the return is started; the submitted one is kept"
)
def revise(request: HttpRequest, info_request: InformationRequest) -> FormAct:
    form = ReasonForm(
        posted(request),
        label="Why does the submitted return need to change?",
        required_message="Enter why the submitted return needs to change",
    )
    return form, calls(services.return_revise, "reason", info_request=info_request)


@routes.page(f"{REQUEST}return.docx", name="own-docx")
@_contributor_page
def own_docx(request: HttpRequest, info_request: InformationRequest) -> HttpResponse:
    current = services.latest_return(info_request)
    if current is None:
        messages.error(request, services.NOTHING_TO_SUBMIT)
        return redirect("returns:request", request_uuid=info_request.uuid)
    content = services.return_download(acting=acting_from_request(request), agency_return=current)
    return content_attachment(content, filename=f"{info_request.case.reference}-return-v{current.version}.docx")
