"""View models for the returns pages: plain dictionaries and dataclasses the templates read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cspr.cases.models import Case
from cspr.domain.clocks import is_late
from cspr.domain.rules import is_closed
from cspr.kernel.errors import CaseActionRefused
from cspr.returns import selectors, services
from cspr.returns.models import AgencyReturn, InformationRequest, RequestStatus, ReturnStatus

STATUS_TAGS = {
    RequestStatus.NOT_STARTED: "govuk-tag--grey",
    RequestStatus.IN_PROGRESS: "govuk-tag--blue",
    RequestStatus.AWAITING_SIGN_OFF: "govuk-tag--yellow",
    RequestStatus.SUBMITTED: "govuk-tag--green",
    RequestStatus.NOT_INVOLVED: "govuk-tag--purple",
}


def overdue(info_request: InformationRequest, *, stage: str, today: date) -> bool:
    """Whether a request is overdue on ``today``: past its due date, not answered, on a case still open (a closed
    case asks nothing more of anyone). The one rule of the board, the inbox and the contributor's request page."""
    return not is_closed(stage) and not info_request.is_closed and today > info_request.due_on


@dataclass(frozen=True)
class BoardRow:
    info_request: InformationRequest
    organisation: str
    status: str
    status_label: str
    tag: str
    due_on: date
    overdue: bool
    submitted_on: date | None
    reminders_sent: int
    nobody_to_answer: bool
    revision_in_progress: bool
    assigned_to: str


def board(*, case: Case, today: date, requests: Iterable[InformationRequest]) -> dict[str, Any]:
    """The board for one page of the case's requests; whether every organisation has answered, and when the last
    did, come from the database over all of them."""
    requests = list(requests)
    latest = selectors.latest_versions(case=case, request_ids=[info_request.pk for info_request in requests])
    can_answer = selectors.organisations_that_can_answer(
        partnership_id=case.partnership_id, organisation_ids=[info_request.organisation_id for info_request in requests]
    )
    rows = []
    for info_request in requests:
        current = latest.get(info_request.pk)
        rows.append(
            BoardRow(
                info_request=info_request,
                organisation=info_request.organisation.name,
                status=info_request.status,
                status_label=info_request.get_status_display(),
                tag=STATUS_TAGS[RequestStatus(info_request.status)],
                due_on=info_request.due_on,
                overdue=overdue(info_request, stage=case.stage, today=today),
                submitted_on=timezone.localdate(info_request.first_submitted_at)
                if info_request.first_submitted_at
                else None,
                reminders_sent=info_request.reminders_sent,  # type: ignore[attr-defined]
                nobody_to_answer=not info_request.is_closed and info_request.organisation_id not in can_answer,
                revision_in_progress=bool(
                    info_request.status == RequestStatus.SUBMITTED
                    and current is not None
                    and current.status != ReturnStatus.SUBMITTED
                ),
                assigned_to=(info_request.assigned_to.full_name or info_request.assigned_to.email)
                if info_request.assigned_to
                else "",
            )
        )
    clock = services.information_clock(case)
    summary = selectors.case_requests_summary(case=case)
    all_in = summary.total > 0 and summary.still_open == 0
    last_in = timezone.localdate(summary.last_in_at) if summary.last_in_at else None
    needs_late_reason = bool(
        all_in and clock is not None and clock.met_on is None and last_in and is_late(last_in, clock.effective_due)
    )
    return {
        "rows": rows,
        "clock": clock,
        "all_in": all_in,
        "last_in": last_in,
        "needs_late_reason": needs_late_reason,
        "may_ask": services.may_ask(case),
        "case_closed": is_closed(case.stage),
    }


@dataclass(frozen=True)
class InboxRow:
    info_request: InformationRequest
    here: bool
    case_closed: bool
    overdue: bool


def inbox_rows(
    requests: Iterable[InformationRequest], *, current_partnership_id: int | None, today: date
) -> list[InboxRow]:
    return [
        InboxRow(
            info_request=item,
            here=item.partnership_id == current_partnership_id,
            case_closed=is_closed(item.case.stage),
            overdue=overdue(item, stage=item.case.stage, today=today),
        )
        for item in requests
    ]


def return_view(agency_return: AgencyReturn) -> dict[str, Any]:
    revealed = selectors.return_revealed(agency_return=agency_return)
    texts = revealed["texts"]
    return {
        "version": agency_return.version,
        "status": agency_return.status,
        "status_label": agency_return.get_status_display(),
        "locked": agency_return.locked,
        "involved_from": agency_return.involved_from,
        "involved_to": agency_return.involved_to,
        "sections": [
            ("Services provided", texts["services"]),
            ("Key contacts", texts["key_contacts"]),
            ("Summary of involvement", texts["involvement"]),
            ("Key practice episodes and analysis", texts["key_practice_episodes"]),
            ("Immediate safeguarding actions taken", texts["immediate_actions"]),
            ("Early learning", texts["early_learning"]),
            ("Equality considerations", texts["equality_considerations"]),
        ],
        "revision_reason": revealed["revision_reason"],
        "entries": revealed["entries"],
        "attachments": revealed["attachments"],
        "submitted_on": timezone.localdate(agency_return.submitted_at) if agency_return.submitted_at else None,
        "submitted_by": (agency_return.submitted_by.full_name if agency_return.submitted_by else ""),
        "missing": services.return_missing_parts(agency_return),
    }


def request_page(*, info_request: InformationRequest, user: Any, today: date) -> dict[str, Any]:
    versions = selectors.return_versions(info_request=info_request)
    current = versions[0] if versions else None
    lead = services.lead_for(partnership_id=info_request.partnership_id, organisation_id=info_request.organisation_id)
    return {
        "info_request": info_request,
        **selectors.request_revealed(info_request=info_request),
        "current": return_view(current) if current else None,
        "earlier": [
            {
                "version": item.version,
                "submitted_on": timezone.localdate(item.submitted_at) if item.submitted_at else None,
            }
            for item in versions[1:]
            if item.status == ReturnStatus.SUBMITTED
        ],
        "lead": lead,
        "is_lead": lead is not None and lead.user_id == user.pk,
        "stage_label": info_request.case.stage_label,
        "case_closed": is_closed(info_request.case.stage),
        "overdue": overdue(info_request, stage=info_request.case.stage, today=today),
        "editable": info_request.status != RequestStatus.NOT_INVOLVED and (current is None or not current.locked),
    }


def submit_problems(*, info_request: InformationRequest, refused: CaseActionRefused) -> list[dict[str, str]]:
    """The error summary of "Sign off and submit": each missing part linked to its box on the return's page;
    any other refusal (no designated lead, not the lead) linked to the paragraph that explains it."""
    if refused.field == services.INCOMPLETE_FIELD:
        current = services.latest_return(info_request)
        if current is not None:
            edit = reverse("returns:edit", kwargs={"request_uuid": info_request.uuid})
            return [
                {"text": f"Complete the {words}", "href": f"{edit}#id_{name}"}
                for name, words in services.return_missing_fields(current)
            ]
    return [{"text": refused.message, "href": "#who-signs-off"}]
