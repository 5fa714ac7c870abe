"""Rapid review pages: thin views over the rapid review's selectors and services.

The case is always found by ``cspr.cases.pages.case_page`` (``case_get`` for ``request.scope`` in the current
partnership, then the page's object rule); another partnership's case, or one this person may not see or has no
part in, is a 404 (audited). A page whose step is not possible yet sends the person back to the overview with a
message saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.contrib import messages
from django.forms import Form, Textarea
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cspr.cases.models import Case, Child
from cspr.cases.pages import case_address, case_forms, case_page, case_url, kept_file, not_found
from cspr.core.downloads import content_attachment
from cspr.core.form_views import calls, edit_page, posted, posted_files
from cspr.core.routes import Routes
from cspr.core.shared_forms import uploaded_to
from cspr.domain import rules as domain_rules
from cspr.domain.rapid_review import Problem, Section
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting, acting_from_request
from cspr.kernel.edits import OPENED_VERSION
from cspr.partnerships.scoping import Scope
from cspr.rapid_reviews import forms, presenters, selectors, services, wordfile
from cspr.rapid_reviews.models import MeetingAttendance, PanelResponse, RapidReview

routes = Routes()


# HOOK for the agencies' returns (cspr.returns, built separately): the URL name of the page listing a case's
# information requests and returns, taking ``reference``. The overview links to it, for the PRG, as the meeting's
# papers once the name resolves; until then the link is simply not shown. Set it when cspr.returns is wired in.
AGENCY_RETURNS_URL_NAME = "returns:chronology"


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined]


def _back(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.info(request, message)
    return redirect("rapid_reviews:overview", reference=case.reference)


_overview_url = case_address("rapid_reviews:overview")


# The rapid review's forms: back to its overview once the service has acted, unless the page says where.
RAPID = case_forms(templates="rapid_reviews/", home=_overview_url, routes=routes)


def _agency_returns_href(case: Case) -> str:
    if not AGENCY_RETURNS_URL_NAME:
        return ""
    try:
        return reverse(AGENCY_RETURNS_URL_NAME, kwargs={"reference": case.reference})
    except NoReverseMatch:
        return ""


def _children(case: Case) -> list[Child]:
    return selectors.case_children(case=case)


# -- overview --------------------------------------------------------------------------------------------------------


@routes.page("", name="overview")
@case_page("rapid_reviews.view")
def overview(request: HttpRequest, case: Case) -> HttpResponse:
    scope = _scope(request)
    state = selectors.review_state(case=case)
    editable = (
        domain_rules.open_for(case.stage, services.PRG_DECISION)
        and state.prg_decision is None
        and bool(rules.test_rule("rapid_reviews.edit", scope, case))
    )
    can_read_papers = bool(rules.test_rule("rapid_reviews.read_papers", scope, case))
    context = {
        "case": case,
        "state": state,
        "tasks": presenters.task_list(state, editable=editable),
        "summary": presenters.summary_rows(state),
        "actions": presenters.next_actions(state, scope),
        "papers": selectors.meeting_papers(meeting=state.meeting) if can_read_papers else [],
        "meeting_late_reason": selectors.meeting_late_reason(meeting=state.meeting),
        "can_read_papers": can_read_papers,
        "agency_returns_href": _agency_returns_href(case) if can_read_papers else "",
        "can_identifying": bool(rules.test_rule("rapid_reviews.identifying_document", scope, case)),
        "clocks": selectors.rapid_review_deadlines(case=case, today=timezone.localdate()),
        "closing_reason": selectors.closing_reason(case=case)
        if domain_rules.reached_by(case.stage, services.CLOSE_CRITERIA_NOT_MET)
        else "",
    }
    return render(request, "rapid_reviews/overview.html", context)


# -- the record, section by section ----------------------------------------------------------------------------------


def _section_form(request: HttpRequest, case: Case, part: Section, review: RapidReview | None, data: Any) -> Form:
    today = timezone.localdate()
    texts = selectors.criterion_texts(partnership_id=case.partnership_id)
    initial: dict[str, Any] = {}
    if part is Section.SAFEGUARDING:
        children = _children(case)
        for child_id, arrangements in selectors.arrangements_revealed(review=review).items():
            initial[f"arrangements_{child_id}"] = arrangements
        return forms.SafeguardingForm(data, children=children, initial=initial)
    if part is Section.FACTS:
        if review:
            initial = selectors.review_texts_revealed(
                review=review, names=("facts_summary", "key_practice_episodes", "equality_analysis")
            )
        return forms.FactsForm(
            data, initial=initial, required_by_preset=selectors.practice_and_equality_required(case=case)
        )
    if part is Section.CRITERIA:
        for code, (judgement, reason) in selectors.judgement_reasons_revealed(review=review).items():
            initial[f"judgement_{code}"] = judgement
            initial[f"reason_{code}"] = reason
        return forms.CriteriaForm(data, texts=texts, initial=initial)
    if part is Section.DECISIONS:
        if review:
            initial = {
                "local_decision": review.local_decision,
                "national_recommendation": review.national_recommendation,
                "national_criteria": review.national_criteria,
                **selectors.review_texts_revealed(
                    review=review,
                    names=("local_grounds", "national_reasons", "further_learning", "no_further_learning"),
                ),
            }
        return forms.DecisionsForm(data, texts=texts, initial=initial)
    if part is Section.LEARNING:
        actions = list(review.actions.all()) if review else []
        if review:
            initial.update(selectors.review_texts_revealed(review=review, names=("immediate_learning",)))
        whats = selectors.action_whats_revealed(actions=actions)
        for number, (action, what) in enumerate(zip(actions, whats, strict=True), start=1):
            initial[f"action_{number}_what"] = what
            initial[f"action_{number}_owner"] = str(action.owner_organisation_id or "")
            initial[f"action_{number}_due"] = action.due_on
        rows = len(actions) + forms.BLANK_ACTION_ROWS
        if data is not None:
            posted_rows = sum(1 for key in data if key.startswith("action_") and key.endswith("_what"))
            rows = max(posted_rows, 1)
        return forms.LearningForm(
            data,
            initial=initial,
            organisations=selectors.partnership_agencies(partnership_id=case.partnership_id),
            rows=min(rows, 50),
            today=today,
        )
    organisations = selectors.partnership_agencies(partnership_id=case.partnership_id)
    statutory = selectors.statutory_agencies(partnership_id=case.partnership_id)
    if review:
        initial["involved"] = [str(pk) for pk in review.agencies_involved.values_list("id", flat=True)]
        for organisation_id, _name, reason in selectors.omissions_revealed(review=review):
            initial[f"omission_{organisation_id}"] = reason
    return forms.AgenciesForm(data, initial=initial, organisations=organisations, statutory=statutory)


def _section_values(part: Section, form: Any, case: Case) -> dict[str, Any]:
    data = form.cleaned_data
    if part is Section.SAFEGUARDING:
        return {
            "arrangements": {
                int(name.removeprefix("arrangements_")): value
                for name, value in data.items()
                if name.startswith("arrangements_")
            }
        }
    if part is Section.FACTS:
        return {name: data.get(name, "") for name in ("facts_summary", "key_practice_episodes", "equality_analysis")}
    if part is Section.CRITERIA:
        codes = [name.removeprefix("judgement_") for name in data if name.startswith("judgement_")]
        return {
            "judgements": {code: (data.get(f"judgement_{code}", ""), data.get(f"reason_{code}", "")) for code in codes}
        }
    if part is Section.DECISIONS:
        return dict(data)
    if part is Section.LEARNING:
        return {
            "immediate_learning": data.get("immediate_learning", ""),
            "actions": [
                services.ActionInput(what=what, owner_organisation_id=owner, due_on=due)
                for what, owner, due in form.actions()
            ],
        }
    return {
        "involved": [int(value) for value in data.get("involved", [])],
        "omissions": {
            int(name.removeprefix("omission_")): value for name, value in data.items() if name.startswith("omission_")
        },
    }


@RAPID.view("record/<slug:section>/", name="section", find=case_page("rapid_reviews.edit"))
def section(request: HttpRequest, case: Case, section: str) -> HttpResponse:
    try:
        part = Section(section)
    except ValueError:
        return not_found(request, "no such part of the rapid review")
    review = selectors.review_get(case=case)
    if not domain_rules.open_for(case.stage, services.PRG_DECISION):
        return _back(request, case, services.NOT_AT_RAPID_REVIEW)
    if review is not None and hasattr(review, "prg_decision"):
        return _back(request, case, services.RECORD_LOCKED)
    form = _section_form(request, case, part, review, posted(request))
    # "Add another action" saves the section and comes back to it.
    then = (
        reverse("rapid_reviews:section", kwargs={"reference": case.reference, "section": part.value})
        if "add_action" in request.POST
        else _overview_url(case)
    )

    def context() -> dict[str, Any]:
        problems: tuple[Problem, ...] = ()
        if review is not None:
            problems = selectors.review_completeness(case=case, review=review).for_section(part)
        return {"case": case, "part": part, "problems": problems}

    return edit_page(
        request,
        form,
        save=lambda acting, data: services.rapid_review_section_save(
            acting=acting,
            case=case,
            section=part.value,
            values=_section_values(part, form, case),
            opened_version=data[OPENED_VERSION],
        ),
        done=f"{part.heading}: saved",
        then=then,
        template="rapid_reviews/section.html",
        context=context,
        version=lambda: services.section_stamp(review, part.value).version,
        labels={name: str(field.label) for name, field in form.fields.items() if isinstance(field.widget, Textarea)},
        saved=form.initial,
    )


@RAPID.view("check/", name="check", find=case_page("rapid_reviews.view"))
def check(request: HttpRequest, case: Case) -> HttpResponse:
    """The completeness check; for the PRG chair, "Send to the Executive" once it passes."""
    scope = _scope(request)
    can_decide = domain_rules.open_for(case.stage, services.PRG_DECISION) and bool(
        rules.test_rule("rapid_reviews.decide", scope, case)
    )
    if request.method == "POST" and not can_decide:
        return not_found(request, "may not send the rapid review to the Executive")
    state = selectors.review_state(case=case)
    context = {
        "state": state,
        "can_decide": can_decide,
        "meeting_held": state.meeting is not None and state.meeting.held_on is not None,
        "sections": [(part, state.check.for_section(part)) for part in Section],
    }
    return RAPID.form(
        request,
        case,
        forms.SendToExecutiveForm(posted(request)),
        "check.html",
        act=calls(services.prg_decision_record, "late_reason", case=case),
        done="The PRG's decision is recorded and the rapid review is sent to the Executive",
        context=context,
    )


# -- the PRG meeting -------------------------------------------------------------------------------------------------


@RAPID.view("meeting/", name="meeting", find=case_page("rapid_reviews.organise_meeting"))
def meeting(request: HttpRequest, case: Case) -> HttpResponse:
    current = selectors.meeting_get(case=case)
    if not domain_rules.open_for(case.stage, services.PRG_DECISION) or (
        current is not None and current.held_on is not None
    ):
        return _back(request, case, "The PRG meeting can no longer be changed.")
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "scheduled_on": current.scheduled_on,
            "starts_at": current.starts_at,
            "mode": current.mode,
            "where": current.where,
            **selectors.meeting_texts_revealed(meeting=current),
        }
    return RAPID.form(
        request,
        case,
        forms.MeetingForm(posted(request), initial=initial),
        "meeting.html",
        act=calls(
            services.meeting_schedule, "scheduled_on", "starts_at", "mode", "where", "agenda", "late_reason", case=case
        ),
        done="The PRG meeting is scheduled",
        context=lambda: {"due": selectors.review_state(case=case).clock_due("prg_meeting")},
    )


@RAPID.view("meeting/held/", name="meeting-held", find=case_page("rapid_reviews.organise_meeting"))
def meeting_held(request: HttpRequest, case: Case) -> HttpResponse:
    current = selectors.meeting_get(case=case)
    if current is None:
        return _back(request, case, services.MEETING_NOT_SCHEDULED)
    if current.held_on is not None or not domain_rules.open_for(case.stage, services.PRG_DECISION):
        return _back(request, case, services.MEETING_ALREADY_HELD)
    organisations = selectors.partnership_agencies(partnership_id=case.partnership_id)
    statutory_ids = {org.pk for org in selectors.statutory_agencies(partnership_id=case.partnership_id)}
    today = timezone.localdate()

    def record(acting: Acting, data: dict[str, Any]) -> None:
        attendance = [
            services.AttendanceInput(
                organisation_id=org.pk,
                status=data[f"status_{org.pk}"],
                explanation=data.get(f"explanation_{org.pk}", ""),
            )
            for org in organisations
            if data.get(f"status_{org.pk}")
        ]
        services.meeting_held_record(
            acting=acting,
            case=case,
            held_on=data["held_on"],
            attendance=attendance,
            minutes=data["minutes"],
            actions_agreed=data["actions_agreed"],
            late_reason=data["late_reason"],
        )

    return RAPID.form(
        request,
        case,
        forms.MeetingHeldForm(posted(request), organisations=organisations, statutory_ids=statutory_ids, today=today),
        "meeting_held.html",
        act=record,
        done="The PRG meeting is recorded as held",
        context={"meeting": current, "statuses": MeetingAttendance.Status},
    )


@RAPID.view("meeting/papers/add/", name="paper-upload", find=case_page("rapid_reviews.organise_meeting"))
def paper_upload(request: HttpRequest, case: Case) -> HttpResponse:
    if selectors.meeting_get(case=case) is None:
        return _back(request, case, services.MEETING_NOT_SCHEDULED)
    return RAPID.form(
        request,
        case,
        forms.PaperForm(posted(request), posted_files(request)),
        "paper_upload.html",
        act=uploaded_to(services.meeting_paper_attach, case=case),
        done="The paper is added to the PRG meeting",
    )


@routes.page("meeting/papers/<uuid:paper_uuid>/", name="paper-download")
@case_page("rapid_reviews.read_papers")
def paper_download(request: HttpRequest, case: Case, paper_uuid: str) -> HttpResponse | FileResponse:
    paper = selectors.meeting_paper_get(case=case, paper_uuid=paper_uuid)
    if paper is None:
        return not_found(request, "no such paper on this case")
    return kept_file(
        request,
        lambda acting: services.meeting_paper_download(acting=acting, case=case, paper=paper),
        back=_overview_url(case),
    )


# -- ratification ------------------------------------------------------------------------------------------------


@RAPID.view("sign-off/", name="sign-off", find=case_page("rapid_reviews.sign_off"))
def sign_off(request: HttpRequest, case: Case) -> HttpResponse:
    if not domain_rules.open_for(case.stage, "ratify"):
        return _back(request, case, services.NOT_PRG_DECIDED)
    scope = _scope(request)
    state = selectors.review_state(case=case)
    mine = scope.organisation_ids_in(case.partnership_id, roles=[Role.EXECUTIVE_MEMBER])
    organisations = [org for org in state.partners if org.pk in mine and org.pk not in state.signed_organisation_ids]
    if not organisations:
        return _back(
            request,
            case,
            "There is nothing for you to sign off: your organisation has signed, or is not a "
            "lead safeguarding partner you are an Executive member for.",
        )
    return RAPID.form(
        request,
        case,
        forms.SignOffForm(posted(request), organisations=organisations, today=timezone.localdate()),
        "sign_off.html",
        act=lambda acting, data: services.partner_sign_off(
            acting=acting,
            case=case,
            organisation_id=data["organisation"],
            agrees=data["agrees"] == "yes",
            rationale=data["rationale"],
            signed_on=data["signed_on"],
        ),
        done="Your organisation's sign-off is recorded",
        context={"state": state},
    )


@RAPID.view("ratify/", name="ratify", find=case_page("rapid_reviews.sign_off"))
def ratify(request: HttpRequest, case: Case) -> HttpResponse:
    if not domain_rules.open_for(case.stage, "ratify"):
        return _back(request, case, services.NOT_PRG_DECIDED)
    state = selectors.review_state(case=case)
    if not state.all_partners_signed:
        missing = ", ".join(org.name for org in state.partners if org.pk not in state.signed_organisation_ids)
        return _back(request, case, services.PARTNERS_MISSING.format(names=missing or "none set up"))
    return RAPID.form(
        request,
        case,
        forms.RatifyForm(posted(request), ask_decision=state.any_disagree, today=timezone.localdate()),
        "ratify.html",
        act=lambda acting, data: services.rapid_review_ratify(
            acting=acting,
            case=case,
            ratified_on=data["ratified_on"],
            local_review=(data["local_review"] == "yes") if "local_review" in data else None,
            late_reason=data["late_reason"],
        ),
        done="The rapid review is ratified",
        context={"state": state},
    )


@RAPID.view("rationale-sent/", name="rationale-sent", find=case_page("rapid_reviews.correspond_with_panel"))
def rationale_sent(request: HttpRequest, case: Case) -> HttpResponse:
    state = selectors.review_state(case=case)
    if state.ratification is None or not state.ratification.disagrees_with_prg or state.rationale_sent is not None:
        return _back(request, case, "There is no rationale waiting to go to the Panel.")
    return _date_sent_page(
        request,
        case,
        record=services.rationale_sent_record,
        label="Date the rationale was sent",
        done="The date the rationale was sent is recorded",
        context={
            "heading": "Record that the Executive's rationale was sent to the Panel",
            "section": "§4.5",
            "due": state.clock_due("discrepancy_rationale_to_panel"),
        },
    )


def _date_sent_page(
    request: HttpRequest,
    case: Case,
    *,
    record: Callable[..., Any],
    label: str,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page recording the date something went to the Panel (with a reason if late), through ``record``."""
    return RAPID.form(
        request,
        case,
        forms.DateSentForm(posted(request), today=timezone.localdate(), label=label),
        "date_sent.html",
        act=calls(record, "sent_on", "late_reason", case=case),
        done=done,
        context=context,
    )


# -- the document and the Panel ------------------------------------------------------------------------------------


def _docx_response(case: Case, record: presenters.RecordDocument, *, identifying: bool) -> HttpResponse:
    content = wordfile.render_docx(record)
    suffix = "with-identifying-details" if identifying else "pseudonymised"
    filename = f"{case.reference}-rapid-review-{suffix}.docx"
    return content_attachment(content, filename=filename, content_type=wordfile.CONTENT_TYPE)


@routes.page("document/", name="document")
@case_page("rapid_reviews.view")
def document(request: HttpRequest, case: Case) -> HttpResponse:
    """The Word document without identifying details (pseudonyms only); each download audited."""
    services.rapid_review_document_open(acting=acting_from_request(request), case=case, identifying=False)
    record = presenters.record_document(case=case, state=selectors.review_state(case=case))
    return _docx_response(case, record, identifying=False)


@RAPID.view(
    "document/with-identifying-details/",
    name="document-identifying",
    find=case_page("rapid_reviews.identifying_document"),
)
def document_identifying(request: HttpRequest, case: Case) -> HttpResponse:
    """Asks the purpose (GET); the Word document with identifying details answers the POST, audited."""

    def document_with(details: Any) -> HttpResponse:
        record = presenters.record_document(case=case, state=selectors.review_state(case=case), identifying=details)
        return _docx_response(case, record, identifying=True)

    return RAPID.form(
        request,
        case,
        forms.IdentifyingPurposeForm(posted(request)),
        "document_purpose.html",
        act=calls(services.rapid_review_document_open, "purpose", "purpose_other", case=case, identifying=True),
        done="",
        then=document_with,
    )


@routes.page("print/", name="print")
@case_page("rapid_reviews.view")
def print_view(request: HttpRequest, case: Case) -> HttpResponse:
    services.rapid_review_document_open(
        acting=acting_from_request(request), case=case, identifying=False, output="print"
    )
    record = presenters.record_document(case=case, state=selectors.review_state(case=case))
    response = render(request, "rapid_reviews/print.html", {"case": case, "record": record})
    response["Cache-Control"] = "no-store"
    return response


@RAPID.view("panel/sent/", name="submit", find=case_page("rapid_reviews.correspond_with_panel"))
def submit(request: HttpRequest, case: Case) -> HttpResponse:
    if not domain_rules.open_for(case.stage, "submit_to_panel"):
        return _back(request, case, services.NOT_RATIFIED)
    state = selectors.review_state(case=case)
    return _date_sent_page(
        request,
        case,
        record=services.panel_submission_record,
        label="Date it was sent to the Panel",
        done="The rapid review is recorded as sent to the Panel",
        context={
            "heading": "Record that the rapid review was sent to the Panel",
            "section": "§4.6",
            "due": state.clock_due("rapid_review_to_panel"),
            "extension_href": reverse(
                "cases:extension", kwargs={"reference": case.reference, "clock_id": "rapid_review_to_panel"}
            ),
            "documents": True,
        },
    )


@RAPID.view("panel/response/", name="panel-response", find=case_page("rapid_reviews.correspond_with_panel"))
def panel_response(request: HttpRequest, case: Case) -> HttpResponse:
    if not domain_rules.open_for(case.stage, *services.PANEL_WAITING):
        return _back(request, case, "The case is not waiting for the Panel.")
    return RAPID.form(
        request,
        case,
        forms.PanelResponseForm(
            posted(request), kinds=presenters.response_choices(case.stage), today=timezone.localdate()
        ),
        "panel_response.html",
        act=calls(services.panel_response_record, "kind", "received_on", "details", "information_due_on", case=case),
        done="The Panel's response is recorded",
        context=lambda: {"state": selectors.review_state(case=case), "kinds": PanelResponse.Kind},
    )


@RAPID.view("close/", name="close", find=case_page("rapid_reviews.close_criteria_not_met"))
def close(request: HttpRequest, case: Case) -> HttpResponse:
    if not domain_rules.open_for(case.stage, services.CLOSE_CRITERIA_NOT_MET):
        return _back(request, case, "The case can be closed this way only during the rapid review.")
    return RAPID.form(
        request,
        case,
        forms.CloseForm(posted(request)),
        "close.html",
        act=calls(services.criteria_not_met_close, "reason", case=case),
        done="The case is closed as not meeting the criteria",
        then=case_url(case),
    )


@routes.page("family/", name="family")
@case_page("rapid_reviews.record_family_told")
def family(request: HttpRequest, case: Case) -> HttpResponse:
    """Telling the family is the case's record now, on every path: its page."""
    return redirect("cases:family-told", reference=case.reference)


# -- the learning actions, followed to their end (§7.10) --------------------------------------------------------------


@routes.page("actions/", name="actions")
@case_page("rapid_reviews.view")
def actions(request: HttpRequest, case: Case) -> HttpResponse:
    context = {
        "case": case,
        "actions": selectors.learning_action_rows(case=case),
        "can_resolve": bool(rules.test_rule("rapid_reviews.resolve_action", _scope(request), case)),
        "case_open": not case.is_closed,
        "agreed": selectors.learning_actions_agreed(case=case),
    }
    return render(request, "rapid_reviews/actions.html", context)


@RAPID.view("actions/<int:action_id>/", name="action", find=case_page("rapid_reviews.resolve_action"), sensitive=False)
def action(request: HttpRequest, case: Case, action_id: int) -> HttpResponse:
    row = selectors.learning_action_row(case=case, action_id=action_id)
    if row is None:
        return _back(request, case, services.UNKNOWN_ACTION)
    if not row.is_open:
        return _back(request, case, services.ACTION_RESOLVED.format(status=row.status_label.lower()))
    return RAPID.form(
        request,
        case,
        forms.ActionResolveForm(posted(request), today=timezone.localdate()),
        "action.html",
        act=lambda acting, data: services.learning_action_resolve(
            acting=acting,
            case=case,
            action_id=action_id,
            ending=services.ActionEnding(data["outcome"], data["resolved_on"], data["reason"]),
        ),
        done=f"Action {row.number} is recorded as ended",
        then=reverse("rapid_reviews:actions", kwargs={"reference": case.reference}),
        # Not "action": the form layout takes that name for the form's address.
        context={"learning_action": row},
    )
