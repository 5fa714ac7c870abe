"""Case pages: thin views over the case selectors and services.

A case is always found through ``cases_visible`` for ``request.scope`` in ``request.partnership_id``; a case of
another partnership, or one this person may not see, is a 404 (and the refusal is audited). Each case page finds
its case once, with its object rule from ``cspr.cases.rules``, through ``cspr.cases.pages.case_page``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cspr.cases import presenters, selectors, services
from cspr.cases import selectors_processes as process_selectors
from cspr.cases.forms import (
    CaseFilterForm,
    DocumentForm,
    DocumentPurposeForm,
    DutyForm,
    ExtensionForm,
    FamilyNotYetToldForm,
    FamilyToldForm,
    IdentifyingPurposeForm,
    LaDecisionForm,
    LinkForm,
    RouteForm,
)
from cspr.cases.forms_processes import PROCESS_FIELDS, LiaisonForm, ProcessForm
from cspr.cases.models import DUTY_CLOCKS, Case, DutyKind
from cspr.cases.pages import case_address, case_forms, case_page, not_found
from cspr.cases.panels import case_panels
from cspr.cases.rules import la_notifier_organisation_ids
from cspr.core.downloads import kept_file_attachment
from cspr.core.form_views import calls, edit_page, posted, posted_files
from cspr.core.pagination import paginate
from cspr.core.policy import URL_POLICY
from cspr.core.refusals import refuse
from cspr.core.routes import Routes
from cspr.core.shared_forms import uploaded_to
from cspr.domain.clocks import is_late
from cspr.domain.lifecycle import TRANSITIONS, transition_options
from cspr.kernel.acting import acting_from_request
from cspr.kernel.edits import OPENED_VERSION
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import partnership_get

routes = Routes()
# Every page of one case: the "caseref" converter is registered in cspr.cases.urls, before the routes are built.
CASE = "<caseref:reference>/"

PAGE_SIZE = 25


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined]


def _partnership_id(request: HttpRequest) -> int:
    return request.partnership_id  # type: ignore[attr-defined]


def _may_use(request: HttpRequest, view_name: str) -> bool:
    """Whether the page exists and the URL policy lets this person use it in the current partnership."""
    policy = URL_POLICY.get(view_name)
    roles = _scope(request).roles_in(_partnership_id(request))
    return policy is not None and policy.allows(authenticated=True, is_superuser=False, roles_here=roles)


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs or None)


# A case's forms: back to the case once the service has acted, unless the page says where.
CASE_FORMS = case_forms(templates="cases/", routes=routes)
# Linking cases, and dismissing a possible duplicate, are the business unit's.
LINKING = case_page("cases.link_cases", refusal="may not link cases")


@routes.page("", name="list")
def case_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    partnership_id = _partnership_id(request)
    partnership = partnership_get(scope=scope, partnership_id=partnership_id)
    if partnership is None:
        return refuse(request, reason="not a member of the partnership")
    form = CaseFilterForm(request.GET or None, years=selectors.case_years(scope=scope, partnership_id=partnership_id))
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "stage": form.cleaned_data["stage"] or "",
            "year": form.cleaned_data["year"],
            "query": form.cleaned_data["q"],
        }
    cases = selectors.case_list(scope=scope, partnership_id=partnership_id, **filters)
    page, pagination = paginate(request, cases, PAGE_SIZE)
    context = {
        "partnership": partnership,
        "form": form,
        "page": page,
        "pagination": pagination,
        "filtered": bool(filters and any(filters.values())),
        "can_notify": _may_use(request, "notify:start"),
    }
    return render(request, "cases/list.html", context)


@routes.page(CASE, name="detail")
@case_page(read_only=True)
def case_detail(request: HttpRequest, case: Case) -> HttpResponse:
    """The case's overview: what to do now, its deadlines and where it is, and the other apps' panels."""
    today = timezone.localdate()
    page = presenters.case_overview(case=case, scope=_scope(request), today=today, url=_url)
    panels = case_panels(case=case, scope=_scope(request), today=today)
    return render(request, "cases/detail.html", {"page": page, "case": case, "panels": panels})


@routes.page(f"{CASE}notification-and-decisions/", name="record")
@case_page(read_only=True)
def case_record(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.case_record_page(case=case, scope=_scope(request), url=_url)
    return render(request, "cases/record.html", {"page": page, "case": case})


@routes.page(f"{CASE}history/", name="history")
@case_page(read_only=True)
def case_history(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.case_history_page(case=case, scope=_scope(request), url=_url)
    return render(request, "cases/history.html", {"page": page, "case": case})


@routes.page(f"{CASE}documents/", name="documents")
@case_page(read_only=True)
def case_documents(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.case_documents_page(case=case, scope=_scope(request), url=_url)
    return render(request, "cases/documents.html", {"page": page, "case": case})


def _purpose_page[R: HttpResponseBase](
    request: HttpRequest,
    case: Case,
    form: BaseForm,
    service: Callable[..., Any],
    shown: Callable[[Any], R],
    template: str,
    **given: Any,
) -> HttpResponse | R:
    """A page that asks why before it shows something sensitive: the service records the purpose given and returns
    what ``shown`` answers the POST with; nothing is said done."""
    act = calls(service, "purpose", "purpose_other", case=case, **given)
    return CASE_FORMS.form(request, case, form, template, act=act, done="", then=shown)


@CASE_FORMS.view(
    f"{CASE}identifying-details/",
    name="identifying-details",
    find=case_page("cases.view_identifying_details", refusal="may not see identifying details"),
)
def identifying_details(request: HttpRequest, case: Case) -> HttpResponse:
    """Asks the purpose (GET); shows the details only in answer to the POST, and audits that view."""

    def shown(details: Any) -> HttpResponse:
        response = render(request, "cases/identifying_details.html", {"case": case, "details": details})
        response["Cache-Control"] = "no-store"
        return response

    form = IdentifyingPurposeForm(posted(request))
    return _purpose_page(request, case, form, services.identifying_details_view, shown, "identifying_purpose.html")


@CASE_FORMS.view(
    f"{CASE}local-authority-decision/",
    name="la-decision",
    find=case_page("cases.record_la_decision", refusal="may not record the local authority's decision"),
    sensitive=False,
)
def la_decision(request: HttpRequest, case: Case) -> HttpResponse:
    scope = _scope(request)
    on_behalf = not la_notifier_organisation_ids(scope, case.partnership_id)
    today = timezone.localdate()
    return CASE_FORMS.form(
        request,
        case,
        LaDecisionForm(posted(request), today=today, on_behalf=on_behalf),
        act=calls(
            services.la_decision_record,
            "notify_panel",
            "decided_on",
            "reason",
            "la_officer_name",
            "la_officer_role",
            case=case,
        ),
        done="The local authority's decision is recorded",
        template="la_decision.html",
        context=lambda: {"on_behalf": on_behalf, "decisions": selectors.case_la_decisions(case=case)},
    )


@CASE_FORMS.view(f"{CASE}route/<slug:transition>/", name="route", find=case_page(), sensitive=False)
def route(request: HttpRequest, case: Case, transition: str) -> HttpResponse:
    """The business unit's routing: start the rapid review, not notifiable, reassess, withdraw."""
    if transition == "choose_discretionary_review":
        return not_found(request, "a discretionary review has its own page")
    return _transition_page(request, case, transition)


@CASE_FORMS.view(f"{CASE}discretionary-review/", name="discretionary-review", find=case_page(), sensitive=False)
def discretionary_review(request: HttpRequest, case: Case) -> HttpResponse:
    """The PRG chair or an Executive member chooses a discretionary local review (§5.6), with grounds."""
    return _transition_page(request, case, "choose_discretionary_review")


def _transition_page(request: HttpRequest, case: Case, transition: str) -> HttpResponse:
    scope = _scope(request)
    rule = TRANSITIONS.get(transition)
    option = next(
        (
            option
            for option in transition_options(
                case.stage, roles=scope.roles_in(case.partnership_id), facts=services.case_facts(case=case)
            )
            if option.name == transition
        ),
        None,
    )
    if rule is None or transition not in services.ROUTES or option is None:
        return not_found(request, "no such action for this case and person")
    grounds = transition == "choose_discretionary_review"
    return CASE_FORMS.form(
        request,
        case,
        RouteForm(posted(request), reason_required=rule.reason_required, grounds=grounds, action=rule.action),
        act=calls(services.case_route, "reason", "grounds", case=case, transition=transition),
        done=lambda moved: f"{rule.label}: done. The case is now “{moved.stage_label}”.",
        template="route.html",
        context={"rule": rule, "option": option},
    )


@CASE_FORMS.view(
    f"{CASE}duties/", name="duty", find=case_page("cases.record_duty", refusal="may not record duties"), sensitive=False
)
def duty(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    clocks = selectors.case_clocks(case=case, today=today)
    kinds = presenters.duty_kinds_for(case, clocks)
    # Ask why it was late only once the answers show it was: a server-side check, no script needed.
    ask_late = request.method == "POST" and ("late_reason" in request.POST or _looks_late(request, clocks, today=today))
    return CASE_FORMS.form(
        request,
        case,
        DutyForm(posted(request), today=today, kinds=kinds, ask_late_reason=ask_late),
        act=calls(services.duty_record, "kind", "done_on", "panel_reference", "other_area", "late_reason", case=case),
        done="The duty is recorded",
        template="duty.html",
        context={"clocks": [clock for clock in clocks if clock.applicable]},
    )


def _looks_late(request: HttpRequest, clocks: list[selectors.ClockRow], *, today: Any) -> bool:
    """Whether the posted duty was done after its clock's due date (so the form must ask why)."""
    probe = DutyForm(request.POST, today=today, kinds=list(DutyKind.choices), ask_late_reason=False)
    if not probe.is_valid():
        return False
    clock_id = DUTY_CLOCKS.get(probe.cleaned_data["kind"])
    clock = next((clock for clock in clocks if clock.clock_id == clock_id), None)
    return clock is not None and is_late(probe.cleaned_data["done_on"], clock.effective_due)


@CASE_FORMS.view(
    f"{CASE}clocks/<slug:clock_id>/extend/",
    name="extension",
    find=case_page("cases.record_extension", refusal="may not extend clocks"),
    sensitive=False,
)
def extension(request: HttpRequest, case: Case, clock_id: str) -> HttpResponse:
    clocks = selectors.case_clocks(case=case, today=timezone.localdate())
    clock = next((clock for clock in clocks if clock.clock_id == clock_id), None)
    if clock is None:
        return not_found(request, "no such clock on this case")
    return CASE_FORMS.form(
        request,
        case,
        ExtensionForm(posted(request)),
        act=calls(services.clock_extension_record, "extended_to", "reason", "agreed_by", case=case, clock_id=clock_id),
        done=f"{clock.title}: the extension is recorded",
        template="extension.html",
        context={"clock": clock},
    )


@CASE_FORMS.view(
    f"{CASE}documents/add/",
    name="document-upload",
    find=case_page("cases.attach_document", refusal="may not add documents"),
    sensitive=False,
)
def document_upload(request: HttpRequest, case: Case) -> HttpResponse:
    return CASE_FORMS.form(
        request,
        case,
        DocumentForm(posted(request), posted_files(request)),
        "document_upload.html",
        act=uploaded_to(services.document_attach, case=case),
        done="The document is added",
    )


@CASE_FORMS.view(
    f"{CASE}documents/<uuid:document_uuid>/",
    name="document-download",
    find=case_page("cases.download_document", refusal="may not download case documents"),
)
def document_download(request: HttpRequest, case: Case, document_uuid: str) -> HttpResponse | FileResponse:
    """Asks the purpose (GET); the file answers the POST, and the download is audited with its purpose."""
    document = selectors.case_document_get(case=case, document_uuid=document_uuid)
    if document is None:
        return not_found(request, "no such document on this case")
    form = DocumentPurposeForm(posted(request))
    return _purpose_page(
        request,
        case,
        form,
        services.document_download,
        kept_file_attachment,
        "document_purpose.html",
        document=document,
    )


@CASE_FORMS.view(f"{CASE}link/", name="link", find=LINKING, sensitive=False)
def link(request: HttpRequest, case: Case) -> HttpResponse:
    return CASE_FORMS.form(
        request,
        case,
        LinkForm(posted(request), initial={"other_reference": request.GET.get("other", "")[:40]}),
        "link.html",
        act=calls(services.case_link, "other_reference", "note", case=case),
        done="The cases are linked",
    )


@routes.page(f"{CASE}links/<int:link_id>/dismiss/", name="duplicate-dismiss")
@require_POST
@LINKING
def duplicate_dismiss(request: HttpRequest, case: Case, link_id: int) -> HttpResponse:
    try:
        services.case_link_dismiss(
            acting=acting_from_request(request),
            case=case,
            link_id=link_id,
        )
    except CaseActionRefused:
        return not_found(request, "no such possible duplicate on this case")
    messages.success(request, "The possible duplicate is dismissed")
    return redirect("cases:detail", reference=case.reference)


# -- the register of parallel processes (§8.8, §9) --------------------------------------------------------------------

PROCESSES = f"{CASE}parallel-processes/"


_processes_url = case_address("cases:processes")


# The register's forms, for the business unit: back to the register once the service has acted.
PROCESS_FORMS = case_forms(
    templates="cases/",
    home=_processes_url,
    back_text="Back to the parallel processes",
    routes=routes,
    find=case_page("cases.record_parallel_processes", refusal="may not record parallel processes"),
)


@routes.page(PROCESSES, name="processes")
@case_page("cases.view_parallel_processes", refusal="may not see the parallel processes", read_only=True)
def processes(request: HttpRequest, case: Case) -> HttpResponse:
    page = presenters.case_processes_page(case=case, scope=_scope(request), url=_url)
    return render(request, "cases/processes.html", {"page": page, "case": case})


@PROCESS_FORMS.view(f"{PROCESSES}add/", name="process-add", sensitive=False)
def process_add(request: HttpRequest, case: Case) -> HttpResponse:
    return PROCESS_FORMS.form(
        request,
        case,
        ProcessForm(posted(request), today=timezone.localdate(), initial={"effect": "none", "restricted": "no"}),
        "process_form.html",
        act=calls(services.parallel_process_add, *PROCESS_FIELDS, case=case),
        done="The process is added to the register",
    )


@PROCESS_FORMS.view(f"{PROCESSES}<int:process_id>/", name="process-change")
def process_change(request: HttpRequest, case: Case, process_id: int) -> HttpResponse:
    """Change a process; a save made from an older version is refused (409) and shows what is saved now."""
    process = process_selectors.case_process_get(case=case, process_id=process_id)
    if process is None:
        return not_found(request, "no such parallel process on this case")
    saved = process_selectors.process_answers_revealed(process)
    form = ProcessForm(posted(request), today=timezone.localdate(), initial=saved)
    return edit_page(
        request,
        form,
        save=calls(services.parallel_process_change, *PROCESS_FIELDS, OPENED_VERSION, case=case, process_id=process.pk),
        done="The process is saved",
        then=_processes_url(case),
        template="cases/process_form.html",
        context={"process": process, **PROCESS_FORMS.shows(request, case)},
        version=lambda: services.process_stamp(process).version,
        labels={
            name: str(field.label) for name, field in form.fields.items() if name in process_selectors.PROCESS_TEXTS
        },
        saved=saved,
    )


@PROCESS_FORMS.view(f"{PROCESSES}<int:process_id>/liaison/", name="process-liaison", sensitive=False)
def process_liaison(request: HttpRequest, case: Case, process_id: int) -> HttpResponse:
    process = process_selectors.case_process_get(case=case, process_id=process_id)
    if process is None:
        return not_found(request, "no such parallel process on this case")
    return PROCESS_FORMS.form(
        request,
        case,
        LiaisonForm(posted(request), today=timezone.localdate()),
        "process_liaison.html",
        act=calls(
            services.parallel_process_liaison_record, "held_on", "with_whom", "agreed", case=case, process_id=process.pk
        ),
        done="The liaison is recorded",
        context={"process": process},
    )


# Whether the family was told of the latest decision, or why not yet, is recorded by those who may record it.
TELLING_THE_FAMILY = case_page("cases.record_family_told", refusal="may not record that the family was told")


def _family_page(request: HttpRequest, case: Case, form: BaseForm, **kwargs: Any) -> HttpResponse:
    """A page about telling the family the latest decision: back to the case when there is none yet."""
    moment = selectors.case_family_moment(case=case)
    if moment is None:
        messages.error(request, services.FAMILY_NOTHING_TO_TELL)
        return redirect("cases:detail", reference=case.reference)
    return CASE_FORMS.form(request, case, form, context={"decision": moment.decision.label}, **kwargs)


@CASE_FORMS.view(f"{CASE}family-told/", name="family-told", find=TELLING_THE_FAMILY)
def family_told(request: HttpRequest, case: Case) -> HttpResponse:
    return _family_page(
        request,
        case,
        FamilyToldForm(posted(request), today=timezone.localdate()),
        act=calls(
            services.family_told_record, "told_on", "method", "method_other", "told_by", "what_was_said", case=case
        ),
        done="Telling the family is recorded",
        template="family_told.html",
    )


@CASE_FORMS.view(f"{CASE}family-not-yet-told/", name="family-not-yet-told", find=TELLING_THE_FAMILY)
def family_not_yet_told(request: HttpRequest, case: Case) -> HttpResponse:
    return _family_page(
        request,
        case,
        FamilyNotYetToldForm(posted(request)),
        act=calls(services.family_not_yet_told_record, "reason", case=case),
        done="Why the family has not been told yet is recorded",
        template="family_not_yet_told.html",
    )
