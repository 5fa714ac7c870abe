"""Asking agencies for information: the business unit's requests, assigning one to a colleague, recording an
organisation as not involved, and the identifying details an asked agency sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import IdentifyingDetails, case_organisations_involve, identifying_details_view
from cspr.domain.rules import before_rapid_review, is_closed
from cspr.kernel import kit, text
from cspr.kernel.acting import Acting
from cspr.kernel.text import clean_text
from cspr.partnerships.models import PartnershipOrganisation
from cspr.returns.models import InformationRequest, RequestStatus
from cspr.returns.selectors import contributor_memberships
from cspr.returns.services.clock import _clock_stop_if_all_in
from cspr.returns.services.common import (
    ReturnActionRefused,
    _audit_request,
    _case_named,
    _contributor_emails,
    _locked_open_request,
    _locked_request,
    _reason_given,
    _request_link,
    _require_contributor,
    _require_requester,
    _tell_nobody_to_answer,
)

STAGE_TOO_EARLY = "Agencies can be asked for information once the rapid review has started."
STAGE_CLOSED = "This case is closed: agencies cannot be asked for information."
ORGANISATIONS_NEEDED = "Select at least one organisation to ask."
ORGANISATION_UNKNOWN = "One of the organisations selected is not part of this partnership."
ALREADY_ASKED = "{name} has already been asked for information on this case."
DUE_IN_PAST = "The return date must be today or in the future."
NOT_A_CONTRIBUTOR = "Choose a colleague who contributes for your organisation in this partnership."
NOT_INVOLVED_REASON_NEEDED = "Enter why the organisation was not involved."
CASE_CLOSED_FOR_AGENCIES = (
    "The case is closed, so the child's and family's details are no longer shown to the agencies asked. "
    "Ask the partnership's business unit if you still need them."
)


def identifying_details_for_agency(*, acting: Acting, info_request: InformationRequest) -> IdentifyingDetails:
    """The identifying details an asked agency needs to search its records, while the case is open (audited
    by ``identifying_details_view`` with that purpose). Once the case is closed the agency keeps its request and
    sees the outcome, but not the child's details."""
    case = info_request.case
    if is_closed(case.stage):
        raise ReturnActionRefused(CASE_CLOSED_FOR_AGENCIES)
    return identifying_details_view(acting=acting, case=case, purpose="find_records")


def may_ask(case: Case) -> bool:
    """Whether the business unit may ask agencies for information: from the rapid review onwards, until closed."""
    return not before_rapid_review(case.stage) and not is_closed(case.stage)


def information_requests_send(
    *,
    acting: Acting,
    case: Case,
    organisation_ids: Iterable[int],
    due_on: date,
    questions: str = "",
    at: datetime | None = None,
) -> list[InformationRequest]:
    """Ask each organisation for its return by ``due_on``; e-mail its contributors (reference and link only)."""
    grant = _require_requester(acting, case)
    at = kit.now(at)
    if is_closed(case.stage):
        raise ReturnActionRefused(STAGE_CLOSED)
    if before_rapid_review(case.stage):
        raise ReturnActionRefused(STAGE_TOO_EARLY)
    wanted = sorted(set(organisation_ids))
    if not wanted:
        raise ReturnActionRefused(ORGANISATIONS_NEEDED, field="organisations")
    if due_on < kit.local_today(at):
        raise ReturnActionRefused(DUE_IN_PAST, field="due_on")
    questions = clean_text(
        questions, subject="The questions", limit=text.NARRATIVE, field="questions", refused=ReturnActionRefused
    )
    links = {
        link.organisation_id: link.organisation
        for link in PartnershipOrganisation.objects.filter(
            partnership_id=case.partnership_id, organisation_id__in=wanted
        ).select_related("organisation")
    }
    if set(links) != set(wanted):
        raise ReturnActionRefused(ORGANISATION_UNKNOWN, field="organisations")
    created = []
    with transaction.atomic():
        asked = set(
            InformationRequest.objects.filter(case=case, organisation_id__in=wanted).values_list(
                "organisation_id", flat=True
            )
        )
        if asked:
            name = links[min(asked)].name
            raise ReturnActionRefused(ALREADY_ASKED.format(name=name), field="organisations")
        named = _case_named(case)
        # An organisation asked for information is involved from now on, so that its contributors see the case (and
        # the identifying details they need to search their records) through cases_visible.
        added = case_organisations_involve(
            acting=acting, case=case, organisation_ids=wanted, because="information_requested", grant=grant
        )
        for organisation_id in wanted:
            organisation = links[organisation_id]
            info_request = kit.inserted(
                InformationRequest(
                    case=case,
                    partnership_id=case.partnership_id,
                    organisation=organisation,
                    due_on=due_on,
                    sent_by=acting.user,
                    sent_at=at,
                ),
                questions=questions,
            )
            told = kit.tell_case(
                case=info_request.case,
                to=_contributor_emails(info_request),
                about=f"information requested from {organisation.name}",
                news=f"{organisation.name} is asked for information about case {named} for the rapid review. Please "
                f"return it by {due_on:%d %B %Y}.",
                then="Sign in to see the request",
                link=_request_link(info_request),
                kind="returns.request_sent",
            )
            if not told:
                _tell_nobody_to_answer(info_request=info_request, what=f"{organisation.name} was asked for information")
            _audit_request(
                acting,
                "returns.request_sent",
                info_request,
                grant,
                due_on=due_on,
                recipients=told,
                added_to_involved=organisation_id in added,
            )
            created.append(info_request)
    return created


def request_assign(*, acting: Acting, info_request: InformationRequest, assignee_id: int) -> InformationRequest:
    """Give the request to a colleague: another contributor for the same organisation in the same partnership."""
    grant = _require_contributor(acting, info_request)
    colleague = contributor_memberships(info_request=info_request).filter(user_id=assignee_id).first()
    if colleague is None:
        raise ReturnActionRefused(NOT_A_CONTRIBUTOR, field="assignee")
    with transaction.atomic():
        info_request = _locked_request(info_request)
        info_request.assigned_to = colleague.user
        info_request.save(update_fields=["assigned_to"])
        if colleague.user_id != acting.user_id:
            kit.tell_case(
                case=info_request.case,
                to=[colleague.user.email],
                about="an information request is assigned to you",
                news=f"The information request to {info_request.organisation.name} on case "
                f"{_case_named(info_request.case)} is assigned to you.",
                then="Sign in to see it",
                link=_request_link(info_request),
                kind="returns.request_assigned",
            )
        _audit_request(acting, "returns.request_assigned", info_request, grant, assignee_id=colleague.user_id)
    return info_request


def request_mark_not_involved(
    *, acting: Acting, info_request: InformationRequest, reason: str, at: datetime | None = None
) -> InformationRequest:
    """Record that the organisation had no involvement (with the reason); the request is then closed."""
    grant = _require_requester(acting, info_request.case)
    at = kit.now(at)
    reason = _reason_given(reason, needed=NOT_INVOLVED_REASON_NEEDED)
    with transaction.atomic():
        info_request = _locked_open_request(info_request)
        info_request.status = RequestStatus.NOT_INVOLVED
        info_request.not_involved_at = at
        info_request.not_involved_by = acting.user
        info_request.seal("not_involved_reason", reason)
        info_request.save(update_fields=["status", "not_involved_at", "not_involved_by", "not_involved_reason_sealed"])
        _audit_request(acting, "returns.marked_not_involved", info_request, grant)
        _clock_stop_if_all_in(acting=acting, case=info_request.case)
    return info_request
