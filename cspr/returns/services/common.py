"""What the returns services share: the refusal, the roles that allow each kind of action and the membership that
allowed it, the request row locked for a write, a contributor's write to the draft being written (a change to it in
one transaction), and the audit event of a return.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rules
from django.db import models, transaction

from cspr.cases.models import Case
from cspr.cases.selectors import case_pseudonyms_text
from cspr.core.policy import RETURN_CONTRIBUTORS, RETURN_REQUESTERS
from cspr.domain.roles import Role
from cspr.kernel import kit, text
from cspr.kernel.acting import Acting
from cspr.kernel.edits import EditStamp
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.text import clean_text
from cspr.partnerships.scoping import Grant, Scope
from cspr.partnerships.selectors import member_emails
from cspr.returns.models import AgencyReturn, InformationRequest, OrganisationLead, RequestStatus, ReturnStatus

NOT_ALLOWED = "You cannot do this on this case."
RETURN_LOCKED = "This return was submitted and is locked. Start a new version, saying why, to change it."
REQUEST_CLOSED = "This request is closed: the organisation was recorded as not involved."
NOTHING_TO_SUBMIT = "There is no return to submit yet: save the return first."
ALREADY_SUBMITTED = "This organisation has already submitted its return."
ALREADY_NOT_INVOLVED = "This organisation is already recorded as not involved."


class ReturnActionRefused(CaseActionRefused):
    """An information request or return action cannot be taken; ``message`` says why, ``field`` names the input."""


# The roles that allow each kind of action, in the order a membership is preferred when a person holds several
# (the role that normally acts first). Each holds exactly the access policy's set (a test checks).
REQUESTER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT,)
CONTRIBUTOR_ROLES: tuple[Role, ...] = (Role.AGENCY_CONTRIBUTOR, Role.NOTIFIER)
READER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR, Role.PRG_MEMBER)
LEAD_MANAGER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN)


def _request_details(info_request: InformationRequest) -> dict[str, Any]:
    return {"information_request": str(info_request.uuid), "organisation_id": info_request.organisation_id}


def _audit_request(
    acting: Acting,
    verb: str,
    info_request: InformationRequest,
    grant: Grant | None = None,
    *,
    obj: models.Model | None = None,
    **details: Any,
) -> None:
    """An event about an information request (or ``obj``, a row of it): which request, which organisation."""
    kit.audit_case(
        acting,
        verb,
        info_request.case,
        obj=obj if obj is not None else info_request,
        grant=grant,
        **details,
        **_request_details(info_request),
    )


def _audit_return(
    acting: Acting,
    verb: str,
    draft: AgencyReturn,
    info_request: InformationRequest,
    grant: Grant | None,
    **details: Any,
) -> None:
    """An event about one version of an organisation's return: which request, which organisation, which version."""
    _audit_request(acting, verb, info_request, grant, obj=draft, version=draft.version, **details)


def _requester_emails(info_request: InformationRequest) -> list[str]:
    """The addresses of the business unit of the request's partnership (who ask, chase and read the returns)."""
    return member_emails(partnership_id=info_request.partnership_id, roles=RETURN_REQUESTERS)


def _contributor_emails(info_request: InformationRequest) -> list[str]:
    """The addresses of everyone who answers for the request's organisation in its partnership."""
    return member_emails(
        partnership_id=info_request.partnership_id,
        roles=RETURN_CONTRIBUTORS,
        organisation_ids=[info_request.organisation_id],
    )


def _case_named(case: Case) -> str:
    """How a message names the case: its reference, then its children's pseudonyms in brackets."""
    return f"{case.reference} ({case_pseudonyms_text(case=case)})"


def _request_link(info_request: InformationRequest) -> str:
    return kit.link("returns:request", request_uuid=info_request.uuid)


def _board_link(info_request: InformationRequest) -> str:
    return kit.link("returns:board", reference=info_request.case.reference)


def _tell_nobody_to_answer(*, info_request: InformationRequest, what: str) -> None:
    """An organisation was asked (or reminded) but nobody there can receive it: the business unit hears at once,
    since the request would otherwise wait unseen until its deadline."""
    organisation = info_request.organisation.name
    kit.tell_case(
        case=info_request.case,
        to=_requester_emails(info_request),
        about=f"nobody at {organisation} can receive requests",
        news=f"{what} for case {info_request.case.reference}, but nobody at {organisation} can receive information "
        "requests in this partnership (no active contributor or notifier), so no e-mail went.",
        then="Ask the partnership admin to invite someone from the organisation, then chase the request from the board",
        link=_board_link(info_request),
        kind="returns.nobody_to_answer",
    )


def _reason_given(reason: str, *, needed: str) -> str:
    """The reason typed, cleaned; refused (``needed`` asks for one) when there is none."""
    reason = clean_text(reason, subject="The reason", limit=text.REASON, field="reason", refused=ReturnActionRefused)
    if not reason:
        raise ReturnActionRefused(needed, field="reason")
    return reason


def contributor_grant(scope: Scope, info_request: InformationRequest) -> Grant | None:
    """The membership through which this scope answers for the request's organisation in the request's partnership
    (the preferred role first, then the oldest membership), or ``None``."""
    held = [
        grant
        for grant in scope.grants_in(info_request.partnership_id)
        if grant.organisation_id == info_request.organisation_id and grant.role in CONTRIBUTOR_ROLES
    ]
    held.sort(key=lambda grant: (CONTRIBUTOR_ROLES.index(grant.role), grant.membership_id))
    return held[0] if held else None


def lead_for(*, partnership_id: int, organisation_id: int) -> OrganisationLead | None:
    return (
        OrganisationLead.objects.filter(partnership_id=partnership_id, organisation_id=organisation_id)
        .select_related("user")
        .first()
    )


def _require_contributor(acting: Acting, info_request: InformationRequest) -> Grant:
    """The membership that lets the person answer this request; refused when they hold none."""
    grant = contributor_grant(acting.scope, info_request)
    if grant is None:
        raise ReturnActionRefused(NOT_ALLOWED)
    return grant


def _require(rule: str, acting: Acting, case: Case, roles: tuple[Role, ...]) -> Grant | None:
    """The case's rule for the person acting, and the membership (of ``roles``) that allowed it."""
    if not rules.test_rule(rule, acting.scope, case):
        raise ReturnActionRefused(NOT_ALLOWED)
    return acting.grant_for(case.partnership_id, roles)


def _require_requester(acting: Acting, case: Case) -> Grant | None:
    return _require("returns.manage_requests", acting, case, REQUESTER_ROLES)


def _require_reader(acting: Acting, agency_return: AgencyReturn) -> Grant | None:
    """A return is read by its own organisation's contributors (any version), or, once submitted, by the case's
    readers of returns."""
    info_request = agency_return.request
    grant = contributor_grant(acting.scope, info_request)
    if grant is not None:
        return grant
    if not agency_return.locked:
        raise ReturnActionRefused(NOT_ALLOWED)
    return _require("returns.read_returns", acting, info_request.case, READER_ROLES)


def _locked_request(info_request: InformationRequest) -> InformationRequest:
    """The request row, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return (
        InformationRequest.objects.select_for_update()
        .select_related("case", "partnership", "organisation")
        .get(pk=info_request.pk)
    )


def _locked_open_request(info_request: InformationRequest) -> InformationRequest:
    """The request row locked, refused once the return is submitted or the organisation recorded as not involved."""
    info_request = _locked_request(info_request)
    if info_request.status == RequestStatus.SUBMITTED:
        raise ReturnActionRefused(ALREADY_SUBMITTED)
    if info_request.status == RequestStatus.NOT_INVOLVED:
        raise ReturnActionRefused(ALREADY_NOT_INVOLVED)
    return info_request


def latest_return(info_request: InformationRequest) -> AgencyReturn | None:
    return AgencyReturn.objects.filter(request=info_request).order_by("-version").first()


def return_stamp(agency_return: AgencyReturn | None) -> EditStamp:
    """The return's text version and who saved it last and when (version 0: nothing typed yet)."""
    if agency_return is None or not agency_return.edit_version:
        return EditStamp(version=0)
    editor = agency_return.edited_by
    return EditStamp(
        version=agency_return.edit_version,
        by=(editor.full_name or editor.email) if editor else "",
        at=agency_return.edited_at,
    )


def _draft_for_editing(
    *, acting: Acting, info_request: InformationRequest, at: datetime, create: bool = True, changes_content: bool = True
) -> AgencyReturn:
    """The version being drafted (made on first need). A change to its content by anyone but the designated lead
    sends a draft awaiting sign-off back to "draft": the lead must never sign off text they have not seen."""
    if info_request.status == RequestStatus.NOT_INVOLVED:
        raise ReturnActionRefused(REQUEST_CLOSED)
    current = latest_return(info_request)
    if current is not None and current.locked:
        raise ReturnActionRefused(RETURN_LOCKED)
    if current is None:
        if not create:
            raise ReturnActionRefused(NOTHING_TO_SUBMIT)
        current = AgencyReturn(request=info_request, version=1, started_by=acting.user, started_at=at, updated_at=at)
        current.save(force_insert=True)
    if info_request.status == RequestStatus.NOT_STARTED:
        info_request.status = RequestStatus.IN_PROGRESS
        info_request.save(update_fields=["status"])
    if changes_content and current.status == ReturnStatus.AWAITING_SIGN_OFF:
        lead = lead_for(partnership_id=info_request.partnership_id, organisation_id=info_request.organisation_id)
        if lead is None or lead.user_id != acting.user_id:
            current.status = ReturnStatus.DRAFT
            current.sign_off_requested_at = None
            current.save(update_fields=["status", "sign_off_requested_at"])
            if info_request.status == RequestStatus.AWAITING_SIGN_OFF:
                info_request.status = RequestStatus.IN_PROGRESS
                info_request.save(update_fields=["status"])
    return current


def _touch(agency_return: AgencyReturn, at: datetime) -> None:
    agency_return.updated_at = at
    agency_return.save(update_fields=["updated_at"])


@dataclass(frozen=True, kw_only=True)
class Contribution:
    """A write by one of the organisation's contributors to its return (made by :func:`_contribution`): who is acting,
    the membership through which they answer the request, the request and the moment. Its writes to the draft go
    through :meth:`draft_locked` or :meth:`draft_change`, and its events are about a version of the return."""

    acting: Acting
    grant: Grant
    info_request: InformationRequest
    at: datetime

    @contextmanager
    def draft_locked(
        self, *, create: bool = True, changes_content: bool = True
    ) -> Iterator[tuple[InformationRequest, AgencyReturn]]:
        """One transaction on the draft being written: the request locked, and the draft (see
        :func:`_draft_for_editing` for ``create`` and ``changes_content``) given to the block."""
        with transaction.atomic():
            locked = _locked_request(self.info_request)
            draft = _draft_for_editing(
                acting=self.acting, info_request=locked, at=self.at, create=create, changes_content=changes_content
            )
            yield locked, draft

    @contextmanager
    def draft_change(self, *, create: bool = True) -> Iterator[AgencyReturn]:
        """One change to the content of the draft being written, as :meth:`draft_locked`; when the block is done, the
        draft's time moves on."""
        with self.draft_locked(create=create) as (_, draft):
            yield draft
            _touch(draft, self.at)

    def audit(self, verb: str, draft: AgencyReturn, **details: Any) -> None:
        """The write's event about ``draft`` (a version of the return), through the contributor's membership."""
        _audit_return(self.acting, verb, draft, self.info_request, self.grant, **details)


def _contribution(acting: Acting, info_request: InformationRequest, at: datetime | None) -> Contribution:
    """A contributor's write to the request's return, at ``at`` (now unless given); refused when the person answers
    for no such organisation there."""
    grant = _require_contributor(acting, info_request)
    return Contribution(acting=acting, grant=grant, info_request=info_request, at=kit.now(at))
