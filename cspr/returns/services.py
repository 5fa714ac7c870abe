"""Writes to information requests and agency returns. Keyword-only, atomic, audited; e-mails through the outbox.

Audit details and e-mails carry the case reference, pseudonyms, organisation names, ids and versions, never the
child's or family's identifying details or any free text typed into a return. Every service takes ``acting`` (who acts,
through which membership, from where: :mod:`cspr.kernel.acting`); "now" is a parameter (``at=``) that defaults to
the kit's ``now()``; dates are calendar dates in Europe/London.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import rules
from django.conf import settings
from django.db import IntegrityError, transaction

from cspr.calendars.selectors import partnership_calendar
from cspr.cases import documents
from cspr.cases.errors import CaseActionRefused
from cspr.cases.models import Case, CaseClock
from cspr.cases.selectors import case_clock_rows
from cspr.cases.services import IdentifyingDetails, case_clock_met, identifying_details_view
from cspr.core import text
from cspr.core.crypto import normalise
from cspr.core.edits import EditStamp, check_not_stale
from cspr.core.forms import EARLIEST_HISTORICAL_DATE
from cspr.core.policy import RETURN_CONTRIBUTORS, RETURN_REQUESTERS
from cspr.core.text import clean_text
from cspr.domain.calendar import CalendarRangeError
from cspr.domain.clocks import LATE_REASON_MIN, is_late, late_reason_missing
from cspr.domain.roles import Role
from cspr.domain.rules import before_rapid_review, closed_stages, is_closed
from cspr.kernel import kit
from cspr.kernel.acting import Acting, system_acting
from cspr.partnerships.models import Membership, Organisation, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import Grant, Scope
from cspr.returns.models import (
    RETURN_TEXT_FIELDS,
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    OrganisationLead,
    ReminderKind,
    RequestReminder,
    RequestStatus,
    ReturnAttachment,
    ReturnStatus,
)

logger = logging.getLogger(__name__)

CLOCK_ID = "information_returns"
REMINDER_WORKING_DAYS = 2
IMPORT_MAX_ROWS = 2_000
IMPORT_KINDS = frozenset({"csv", "xlsx"})

# -- messages (module constants: tests match the exact words) ------------------------------------------------------

NOT_ALLOWED = "You cannot do this on this case."
STAGE_TOO_EARLY = "Agencies can be asked for information once the rapid review has started."
STAGE_CLOSED = "This case is closed: agencies cannot be asked for information."
ORGANISATIONS_NEEDED = "Select at least one organisation to ask."
ORGANISATION_UNKNOWN = "One of the organisations selected is not part of this partnership."
ALREADY_ASKED = "{name} has already been asked for information on this case."
DUE_IN_PAST = "The return date must be today or in the future."
NOT_A_CONTRIBUTOR = "Choose a colleague who contributes for your organisation in this partnership."
RETURN_LOCKED = "This return was submitted and is locked. Start a new version, saying why, to change it."
REQUEST_CLOSED = "This request is closed: the organisation was recorded as not involved."
DATES_ORDER = "The end of the involvement must be the same as or after its start."
DATE_NEEDED = "Enter the date of the event."
EVENT_NEEDED = "Enter what happened."
ENTRY_NOT_FOUND = "There is no such chronology entry on this return."
NOTHING_TO_SUBMIT = "There is no return to submit yet: save the return first."
INCOMPLETE = "Complete these parts of the return first: {parts}."
IMPORT_ARCHIVE = (
    "The selected workbook would expand to more than the service can check: save the chronology as a CSV file, or "
    "split it into smaller workbooks"
)
IMPORT_ALL_THERE = "Every row of this file is already in the chronology: nothing was added"
NOBODY_TO_ANSWER = (
    "Nobody at {organisation} can receive requests: ask the partnership admin to invite a contributor from "
    "{organisation}, then chase again"
)
INCOMPLETE_FIELD = "return"
"""The ``field`` of an INCOMPLETE refusal: the page lists each missing part, linked to its box on the return."""
NO_LEAD = (
    "Your organisation has no designated lead for this partnership to sign off returns. "
    "Ask the business unit to designate one."
)
LEAD_ONLY = "Only {organisation}'s designated lead can sign off and submit the return."
ALREADY_AWAITING = "The return is already waiting for sign-off."
NOT_SUBMITTED_YET = "Only a submitted return can be changed with a new version."
REVISION_REASON_NEEDED = "Enter why the submitted return needs to change."
NOT_INVOLVED_REASON_NEEDED = "Enter why the organisation was not involved."
ALREADY_SUBMITTED = "This organisation has already submitted its return."
ALREADY_NOT_INVOLVED = "This organisation is already recorded as not involved."
RETURNS_OUTSTANDING = "Some organisations have not answered yet, so the deadline cannot be stopped."
LATE_REASON_NEEDED = (
    f"The returns came in after the due date: enter the reason they were late (at least {LATE_REASON_MIN} characters)."
)
CLOCK_ALREADY_MET = "The information returns deadline is already recorded as met."
IMPORT_FILE_NEEDED = "Select a CSV or Excel (XLSX) file."
IMPORT_TOO_BIG = "The file must be smaller than {limit} KB."
IMPORT_TYPE = "The file must be a CSV file or an Excel spreadsheet (XLSX)."
IMPORT_HEADER = "The first row must name the columns: date, event and (optionally) source."
IMPORT_TOO_MANY = "The file has more than {limit} rows: split it into smaller files."
IMPORT_EMPTY = "The file has no rows under the header row."
ROW_DATE_MISSING = "the date is missing"
ROW_DATE_INVALID = "'{value}' is not a date (use 2026-03-31 or 31/03/2026)"
ROW_DATE_FUTURE = "the date is in the future"
ROW_DATE_EARLY = "the date is before 1900"
ROW_EVENT_MISSING = "the event is missing"
LEAD_NOT_CONTRIBUTOR = "The lead must be an active contributor or notifier for the organisation in this partnership."

# Stages at which the business unit may ask agencies for information: from the rapid review onwards, until closed.

RETURN_SUBJECTS = {
    "services": "Services provided",
    "key_contacts": "Key contacts",
    "involvement": "The summary of involvement",
    "key_practice_episodes": "Key practice episodes",
    "immediate_actions": "Immediate safeguarding actions",
    "early_learning": "Early learning",
    "equality_considerations": "Equality considerations",
}
"""How each of the return's text fields is named in messages (the form uses the same words)."""

REQUIRED_PARTS: tuple[tuple[str, str], ...] = (
    ("involvement", "involvement with the child and family"),
    ("key_practice_episodes", "key practice episodes and your analysis"),
    ("immediate_actions", "immediate safeguarding actions taken"),
    ("early_learning", "early learning"),
    ("equality_considerations", "equality considerations"),
)


class ReturnActionRefused(CaseActionRefused):
    """An information request or return action cannot be taken; ``message`` says why, ``field`` names the input."""


# -- helpers -------------------------------------------------------------------------------------------------------

# The roles that allow each kind of action, in the order a membership is preferred when a person holds several
# (the role that normally acts first). Each holds exactly the access policy's set (a test checks).
REQUESTER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT,)
CONTRIBUTOR_ROLES: tuple[Role, ...] = (Role.AGENCY_CONTRIBUTOR, Role.NOTIFIER)
READER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR, Role.PRG_MEMBER)
LEAD_MANAGER_ROLES: tuple[Role, ...] = (Role.BUSINESS_UNIT, Role.PARTNERSHIP_ADMIN)


def _request_details(info_request: InformationRequest) -> dict[str, Any]:
    return {"information_request": str(info_request.uuid), "organisation_id": info_request.organisation_id}


def _audit_return(
    acting: Acting,
    verb: str,
    *,
    draft: AgencyReturn,
    info_request: InformationRequest,
    grant: Grant | None,
    **details: Any,
) -> None:
    """An event about one version of an organisation's return: which request, which organisation, which version."""
    kit.audit_case(
        acting,
        verb,
        info_request.case,
        obj=draft,
        grant=grant,
        version=draft.version,
        **details,
        **_request_details(info_request),
    )


def _tell_nobody_to_answer(*, info_request: InformationRequest, what: str) -> None:
    """An organisation was asked (or reminded) but nobody there can receive it: the business unit hears at once,
    since the request would otherwise wait unseen until its deadline."""
    case = info_request.case
    organisation = info_request.organisation.name
    kit.tell(
        partnership=case.partnership,
        to=kit.member_emails(partnership_id=info_request.partnership_id, roles=RETURN_REQUESTERS),
        subject=f"{case.reference}: nobody at {organisation} can receive requests",
        body=(
            f"{case.partnership.name}\n\n{what} for case {case.reference}, but nobody at {organisation} can receive "
            "information requests in this partnership (no active contributor or notifier), so no e-mail went.\n\n"
            "Ask the partnership admin to invite someone from the organisation, then chase the request from the "
            f"board: {kit.link('returns:board', reference=case.reference)}\n"
        ),
        kind="returns.nobody_to_answer",
    )


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


def is_contributor(scope: Scope, info_request: InformationRequest) -> bool:
    """Whether this scope answers for the request's organisation in the request's partnership."""
    return contributor_grant(scope, info_request) is not None


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
    *,
    acting: Acting,
    info_request: InformationRequest,
    at: datetime,
    create: bool = True,
    changes_content: bool = True,
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
    return not before_rapid_review(case.stage) and not is_closed(case.stage)


# -- asking agencies -----------------------------------------------------------------------------------------------


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
        involved = set(case.involved_organisations.values_list("id", flat=True))
        children = kit.pseudonyms_text(child.pseudonym for child in case.children.all())
        for organisation_id in wanted:
            organisation = links[organisation_id]
            info_request = InformationRequest(
                case=case,
                partnership_id=case.partnership_id,
                organisation=organisation,
                due_on=due_on,
                sent_by=acting.user,
                sent_at=at,
            )
            info_request.seal("questions", questions)
            info_request.save(force_insert=True)
            if organisation_id not in involved:
                # An organisation asked for information is treated as involved, so that its contributors can see
                # the case (and the identifying details they need to search their records) through cases_visible.
                case.involved_organisations.add(organisation)
            told = kit.tell(
                partnership=case.partnership,
                to=kit.member_emails(
                    partnership_id=info_request.partnership_id,
                    roles=RETURN_CONTRIBUTORS,
                    organisation_ids=[info_request.organisation_id],
                ),
                subject=f"{case.reference}: information requested from {organisation.name}",
                body=(
                    f"{case.partnership.name}\n\n{organisation.name} is asked for information about case "
                    f"{case.reference} ({children}) for the rapid review. Please return it by "
                    f"{due_on:%d %B %Y}.\n\nSign in to see the request: "
                    f"{kit.link('returns:request', request_uuid=info_request.uuid)}\n"
                ),
                kind="returns.request_sent",
            )
            if not told:
                _tell_nobody_to_answer(info_request=info_request, what=f"{organisation.name} was asked for information")
            kit.audit_case(
                acting,
                "returns.request_sent",
                case,
                obj=info_request,
                grant=grant,
                due_on=due_on,
                recipients=told,
                added_to_involved=organisation_id not in involved,
                **_request_details(info_request),
            )
            created.append(info_request)
    return created


def request_assign(
    *,
    acting: Acting,
    info_request: InformationRequest,
    assignee_id: int,
) -> InformationRequest:
    """Give the request to a colleague: another contributor for the same organisation in the same partnership."""
    grant = _require_contributor(acting, info_request)
    colleague = (
        Membership.objects.filter(
            partnership_id=info_request.partnership_id,
            organisation_id=info_request.organisation_id,
            role__in=[role.value for role in RETURN_CONTRIBUTORS],
            is_active=True,
            user__is_active=True,
            user_id=assignee_id,
        )
        .select_related("user")
        .first()
    )
    if colleague is None:
        raise ReturnActionRefused(NOT_A_CONTRIBUTOR, field="assignee")
    with transaction.atomic():
        info_request = _locked_request(info_request)
        info_request.assigned_to = colleague.user
        info_request.save(update_fields=["assigned_to"])
        case = info_request.case
        if colleague.user_id != acting.user_id:
            children = kit.pseudonyms_text(child.pseudonym for child in case.children.all())
            kit.tell(
                partnership=case.partnership,
                to=[colleague.user.email],
                subject=f"{case.reference}: an information request is assigned to you",
                body=(
                    f"{case.partnership.name}\n\nThe information request to {info_request.organisation.name} on case "
                    f"{case.reference} ({children}) is assigned to you.\n\nSign in to see it: "
                    f"{kit.link('returns:request', request_uuid=info_request.uuid)}\n"
                ),
                kind="returns.request_assigned",
            )
        kit.audit_case(
            acting,
            "returns.request_assigned",
            case,
            obj=info_request,
            grant=grant,
            assignee_id=colleague.user_id,
            **_request_details(info_request),
        )
    return info_request


# -- writing the return --------------------------------------------------------------------------------------------


def return_save(
    *,
    acting: Acting,
    info_request: InformationRequest,
    values: Mapping[str, Any],
    opened_version: int | None = None,
    at: datetime | None = None,
) -> AgencyReturn:
    """Save what was typed into the draft (only the keys given): every save keeps work, nothing is submitted.

    ``opened_version`` is :func:`return_stamp`'s version when the page was opened; if a colleague has saved the
    return's text since, :class:`cspr.core.edits.StaleEdit` is raised and nothing is written (``None``: no check).
    """
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    cleaned: dict[str, Any] = {}
    for name in RETURN_TEXT_FIELDS:
        if name in values:
            cleaned[name] = clean_text(
                str(values[name] or ""),
                subject=RETURN_SUBJECTS[name],
                limit=text.NARRATIVE,
                field=name,
                refused=ReturnActionRefused,
            )
    for name in ("involved_from", "involved_to"):
        if name in values:
            cleaned[name] = values[name]
    with transaction.atomic():
        info_request = _locked_request(info_request)
        check_not_stale(what="The return", opened=opened_version, current=return_stamp(latest_return(info_request)))
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at)
        start = cleaned.get("involved_from", draft.involved_from)
        end = cleaned.get("involved_to", draft.involved_to)
        if start and end and end < start:
            raise ReturnActionRefused(DATES_ORDER, field="involved_to")
        for name, value in cleaned.items():
            if name in RETURN_TEXT_FIELDS:
                draft.seal(name, value)
            else:
                setattr(draft, name, value)
        draft.updated_at = at
        draft.edit_version += 1
        draft.edited_by = acting.user
        draft.edited_at = at
        draft.save()
        _audit_return(
            acting,
            "returns.return_saved",
            draft=draft,
            info_request=info_request,
            grant=grant,
            fields=sorted(cleaned),
        )
    return draft


def _entry_values(happened_on: date | None, event: str, source: str) -> tuple[date, str, str]:
    """A chronology entry's date, event and source as typed, checked and cleaned (an event and a date needed)."""
    if happened_on is None:
        raise ReturnActionRefused(DATE_NEEDED, field="happened_on")
    event = clean_text(event, subject="The event", limit=text.NOTE, field="event", refused=ReturnActionRefused)
    source = clean_text(source, subject="The source", limit=text.NOTE, field="source", refused=ReturnActionRefused)
    if not event:
        raise ReturnActionRefused(EVENT_NEEDED, field="event")
    return happened_on, event, source


def chronology_entry_add(
    *,
    acting: Acting,
    info_request: InformationRequest,
    happened_on: date | None,
    event: str,
    source: str = "",
    at: datetime | None = None,
) -> ChronologyEntry:
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    happened_on, event, source = _entry_values(happened_on, event, source)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at)
        entry = _entry_create(draft, happened_on=happened_on, event=event, source=source)
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.chronology_entry_added",
            draft=draft,
            info_request=info_request,
            grant=grant,
            entry=str(entry.uuid),
        )
    return entry


def _entry_create(draft: AgencyReturn, *, happened_on: date, event: str, source: str, position: int = 0) -> Any:
    entry = ChronologyEntry(agency_return=draft, happened_on=happened_on, position=position)
    entry.seal("event", event)
    entry.seal("source", source)
    entry.save(force_insert=True)
    return entry


def chronology_entry_remove(
    *,
    acting: Acting,
    info_request: InformationRequest,
    entry_id: int,
    at: datetime | None = None,
) -> None:
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at, create=False)
        entry = ChronologyEntry.objects.filter(agency_return=draft, pk=entry_id).first()
        if entry is None:
            raise ReturnActionRefused(ENTRY_NOT_FOUND)
        entry_uuid = str(entry.uuid)
        entry.delete()
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.chronology_entry_removed",
            draft=draft,
            info_request=info_request,
            grant=grant,
            entry=entry_uuid,
        )


def chronology_entry_change(
    *,
    acting: Acting,
    info_request: InformationRequest,
    entry_id: int,
    happened_on: date | None,
    event: str,
    source: str = "",
    at: datetime | None = None,
) -> ChronologyEntry:
    """Correct an entry of the return being written (typed or imported); a submitted version stays as it was."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    happened_on, event, source = _entry_values(happened_on, event, source)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at, create=False)
        entry = ChronologyEntry.objects.filter(agency_return=draft, pk=entry_id).first()
        if entry is None:
            raise ReturnActionRefused(ENTRY_NOT_FOUND)
        entry.happened_on = happened_on
        entry.seal("event", event)
        entry.seal("source", source)
        entry.save(update_fields=["happened_on", "event_sealed", "source_sealed"])
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.chronology_entry_changed",
            draft=draft,
            info_request=info_request,
            grant=grant,
            entry=str(entry.uuid),
        )
    return entry


# -- importing a chronology ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    why: str


@dataclass(frozen=True)
class ImportReport:
    added: int
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)
    already_there: tuple[int, ...] = ()
    """Rows already in the chronology (the same date, event and source), not added again."""


def _import_limit() -> int:
    return int(getattr(settings, "RETURN_IMPORT_MAX_BYTES", 1024 * 1024))


def _read_upload(upload: Any) -> bytes:
    if upload is None:
        raise ReturnActionRefused(IMPORT_FILE_NEEDED, field="file")
    limit = _import_limit()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ReturnActionRefused(IMPORT_TOO_BIG.format(limit=limit // 1024), field="file")
    data = b""
    chunks = upload.chunks() if hasattr(upload, "chunks") else [upload.read()]
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise ReturnActionRefused(IMPORT_TOO_BIG.format(limit=limit // 1024), field="file")
    if not data:
        raise ReturnActionRefused(IMPORT_FILE_NEEDED, field="file")
    return data


def _import_kind(upload: Any, data: bytes) -> str:
    """The file store's checks, for a chronology: a safe name ending .csv or .xlsx, content that agrees with it, and
    (for a workbook) an archive that does not expand past fifty times the upload limit."""
    try:
        claimed = documents.check_upload_name(upload, allowed=IMPORT_KINDS)
        return documents.check_content(
            io.BytesIO(data), claimed=claimed, allowed=IMPORT_KINDS, max_expanded=50 * _import_limit()
        )
    except documents.FileRejected as error:
        if error.reason == "archive":
            raise ReturnActionRefused(IMPORT_ARCHIVE, field="file") from error
        raise ReturnActionRefused(IMPORT_TYPE if error.reason == "type" else error.message, field="file") from error


def _rows_from_xlsx(data: bytes) -> list[list[Any]]:
    """The first sheet's rows of a workbook the store's checks passed (so not a zip bomb)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for count, row in enumerate(sheet.iter_rows(values_only=True)):
                if count > IMPORT_MAX_ROWS + 1:
                    break
                rows.append(list(row))
        finally:
            workbook.close()
    except Exception as error:  # any fault inside an uploaded workbook is the file's, not ours
        # openpyxl reads lazily: a damaged sheet (bad XML, a missing part) fails while rows are read, with
        # whatever exception its parser raises. Whatever it is, the person is told the file cannot be read.
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error
    return rows


def _rows_from_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error
    if "\x00" in text:
        raise ReturnActionRefused(IMPORT_TYPE, field="file")
    try:
        return list(csv.reader(io.StringIO(text)))[: IMPORT_MAX_ROWS + 2]
    except csv.Error as error:
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day_month_year(text: str) -> date:
    day, month, year = text.split("/")
    if len(year) != 4:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def _cell_date(value: Any, today: date) -> tuple[date | None, str]:
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _cell_text(value)
        if not text:
            return None, ROW_DATE_MISSING
        for parse in (date.fromisoformat, _day_month_year):
            try:
                day = parse(text)
                break
            except (ValueError, OverflowError):
                continue
        if day is None:
            return None, ROW_DATE_INVALID.format(value=text[:40])
    if day is not None and day > today:
        return None, ROW_DATE_FUTURE
    if day is not None and day < EARLIEST_HISTORICAL_DATE:
        return None, ROW_DATE_EARLY
    return day, ""


def parse_chronology(
    rows: list[list[Any]], *, today: date
) -> tuple[list[tuple[int, date, str, str]], list[RowProblem]]:
    """Good rows (row number, date, event, source) and the problems with the others. Row numbers are as a
    spreadsheet shows them (header = row 1)."""
    if not rows:
        raise ReturnActionRefused(IMPORT_EMPTY, field="file")
    header = [_cell_text(cell).casefold() for cell in rows[0]]
    if "date" not in header or "event" not in header:
        raise ReturnActionRefused(IMPORT_HEADER, field="file")
    if len(rows) - 1 > IMPORT_MAX_ROWS:
        raise ReturnActionRefused(IMPORT_TOO_MANY.format(limit=IMPORT_MAX_ROWS), field="file")
    date_at, event_at = header.index("date"), header.index("event")
    source_at = header.index("source") if "source" in header else None
    good: list[tuple[int, date, str, str]] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * 3
        if all(_cell_text(cell) == "" for cell in row):
            continue  # blank lines are not errors
        day, why = _cell_date(cells[date_at], today)
        event = _cell_text(cells[event_at])
        source = _cell_text(cells[source_at]) if source_at is not None else ""
        if not why and not event:
            why = ROW_EVENT_MISSING
        for value, subject in ((event, "The event"), (source, "The source")):
            problem = None if why else text.text_problem(value, subject=subject, limit=text.NOTE)
            if problem is not None:
                why = problem[0]
        if why or day is None:
            problems.append(RowProblem(row=number, why=why or ROW_DATE_MISSING))
            continue
        good.append((number, day, text.normalise(event), text.normalise(source)))
    if not good and not problems:
        raise ReturnActionRefused(IMPORT_EMPTY, field="file")
    return good, problems


def chronology_import(
    *,
    acting: Acting,
    info_request: InformationRequest,
    upload: Any,
    at: datetime | None = None,
) -> ImportReport:
    """Add the readable rows of a CSV or XLSX chronology to the draft; report every row that could not be read."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    data = _read_upload(upload)
    rows = _rows_from_xlsx(data) if _import_kind(upload, data) == "xlsx" else _rows_from_csv(data)
    parsed, problems = parse_chronology(rows, today=kit.local_today(at))
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at)
        # The same file imported twice (or two files that overlap) must not double the chronology: a row whose
        # date, event and source are already an entry of this return is reported, not added.
        existing = list(ChronologyEntry.objects.filter(agency_return=draft))
        seen = {_entry_identity(entry.happened_on, entry.unseal("event"), entry.unseal("source")) for entry in existing}
        added = 0
        already: list[int] = []
        for number, day, event, source in parsed:
            identity = _entry_identity(day, event, source)
            if identity in seen:
                already.append(number)
                continue
            seen.add(identity)
            _entry_create(draft, happened_on=day, event=event, source=source, position=len(existing) + added)
            added += 1
        if parsed and not added and not problems:
            raise ReturnActionRefused(IMPORT_ALL_THERE, field="file")
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.chronology_imported",
            draft=draft,
            info_request=info_request,
            grant=grant,
            added=added,
            rows_refused=[problem.row for problem in problems],
            rows_already_there=already,
        )
    return ImportReport(added=added, problems=tuple(problems), already_there=tuple(already))


def _entry_identity(day: date, event: str, source: str) -> tuple[date, str, str]:
    """What makes two chronology entries the same: the date, and the event and source with spacing and case
    folded (a file saved again by a spreadsheet may differ only in those)."""
    return day, normalise(event), normalise(source)


# -- attachments ---------------------------------------------------------------------------------------------------


def attachment_add(
    *,
    acting: Acting,
    info_request: InformationRequest,
    upload: Any,
    title: str,
    at: datetime | None = None,
) -> ReturnAttachment:
    """Keep a file with the draft: the case documents' checks (size, type by content, scanner), outside the web root."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    title = clean_text(
        title, subject="What the file is", limit=text.ONE_LINE, field="title", refused=ReturnActionRefused
    )
    if not title:
        raise ReturnActionRefused(documents.TITLE_NEEDED, field="title")
    attachment_uuid = uuid.uuid4()
    folder = f"{info_request.case.uuid}/returns"
    with documents.kept(upload=upload, folder=folder, name=str(attachment_uuid)) as stored, transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at)
        attachment = ReturnAttachment(
            uuid=attachment_uuid,
            agency_return=draft,
            uploaded_by=acting.user,
            uploaded_at=at,
            **stored.model_fields(),
        )
        attachment.seal("title", title)
        attachment.seal("original_name", documents.original_name(upload, "attachment"))
        attachment.save(force_insert=True)
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.attachment_added",
            draft=draft,
            info_request=info_request,
            grant=grant,
            attachment=str(attachment_uuid),
            **stored.audit_details(),
        )
    return attachment


def attachment_remove(
    *,
    acting: Acting,
    info_request: InformationRequest,
    attachment_uuid: str,
    at: datetime | None = None,
) -> None:
    """Take a file off the draft. The file itself goes only when no earlier (submitted) version still holds it."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at, create=False)
        attachment = ReturnAttachment.objects.filter(agency_return=draft, uuid=attachment_uuid).first()
        if attachment is None:
            raise ReturnActionRefused(NOT_ALLOWED)
        stored_name = attachment.stored_name
        attachment.delete()
        still_used = ReturnAttachment.objects.filter(stored_name=stored_name).exists()
        _touch(draft, at)
        _audit_return(
            acting,
            "returns.attachment_removed",
            draft=draft,
            info_request=info_request,
            grant=grant,
            attachment=attachment_uuid,
        )
        if not still_used:
            transaction.on_commit(lambda: documents.remove(stored_name))


def attachment_open(
    *,
    acting: Acting,
    attachment: ReturnAttachment,
) -> documents.Download:
    """Open a return's file: its organisation's contributors, or readers of submitted returns; audited."""
    agency_return = attachment.agency_return
    grant = _require_reader(acting, agency_return)
    with transaction.atomic():
        _audit_return(
            acting,
            "returns.attachment_downloaded",
            draft=agency_return,
            info_request=agency_return.request,
            grant=grant,
            attachment=str(attachment.uuid),
        )
    return documents.Download.of(attachment)


# -- sign-off and submission ---------------------------------------------------------------------------------------


def return_missing_fields(agency_return: AgencyReturn) -> list[tuple[str, str]]:
    """What the return still lacks before it can be signed off: (field name on the return's page, words)."""
    return [(name, words) for name, words in REQUIRED_PARTS if not getattr(agency_return, f"{name}_sealed")]


def return_missing_parts(agency_return: AgencyReturn) -> list[str]:
    """What the return still lacks before it can be signed off, in words."""
    return [words for _, words in return_missing_fields(agency_return)]


def return_sign_off_request(
    *,
    acting: Acting,
    info_request: InformationRequest,
    at: datetime | None = None,
) -> AgencyReturn:
    """Send the finished draft to the organisation's designated lead (e-mailed) for sign-off."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at, create=False, changes_content=False)
        if draft.status == ReturnStatus.AWAITING_SIGN_OFF:
            raise ReturnActionRefused(ALREADY_AWAITING)
        missing = return_missing_parts(draft)
        if missing:
            raise ReturnActionRefused(INCOMPLETE.format(parts="; ".join(missing)), field=INCOMPLETE_FIELD)
        lead = lead_for(partnership_id=info_request.partnership_id, organisation_id=info_request.organisation_id)
        if lead is None:
            raise ReturnActionRefused(NO_LEAD)
        draft.status = ReturnStatus.AWAITING_SIGN_OFF
        draft.sign_off_requested_at = at
        draft.updated_at = at
        draft.save(update_fields=["status", "sign_off_requested_at", "updated_at"])
        if info_request.status != RequestStatus.SUBMITTED:
            info_request.status = RequestStatus.AWAITING_SIGN_OFF
            info_request.save(update_fields=["status"])
        case = info_request.case
        children = kit.pseudonyms_text(child.pseudonym for child in case.children.all())
        kit.tell(
            partnership=case.partnership,
            to=[lead.user.email],
            subject=f"{case.reference}: a return is waiting for your sign-off",
            body=(
                f"{case.partnership.name}\n\n{info_request.organisation.name}'s return on case {case.reference} "
                f"({children}) is ready for your sign-off as the organisation's designated lead.\n\n"
                f"Sign in to read and submit it: {kit.link('returns:request', request_uuid=info_request.uuid)}\n"
            ),
            kind="returns.sign_off_requested",
        )
        _audit_return(
            acting,
            "returns.sign_off_requested",
            draft=draft,
            info_request=info_request,
            grant=grant,
            lead_id=lead.user_id,
        )
    return draft


def return_submit(
    *,
    acting: Acting,
    info_request: InformationRequest,
    at: datetime | None = None,
) -> AgencyReturn:
    """The designated lead signs off and submits the return; it is then locked. The business unit is told."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=at, create=False, changes_content=False)
        lead = lead_for(partnership_id=info_request.partnership_id, organisation_id=info_request.organisation_id)
        if lead is None:
            raise ReturnActionRefused(NO_LEAD)
        if lead.user_id != acting.user_id:
            raise ReturnActionRefused(LEAD_ONLY.format(organisation=info_request.organisation.name))
        missing = return_missing_parts(draft)
        if missing:
            raise ReturnActionRefused(INCOMPLETE.format(parts="; ".join(missing)), field=INCOMPLETE_FIELD)
        draft.status = ReturnStatus.SUBMITTED
        draft.signed_off_by = acting.user
        draft.submitted_by = acting.user
        draft.submitted_at = at
        draft.updated_at = at
        draft.save(update_fields=["status", "signed_off_by", "submitted_by", "submitted_at", "updated_at"])
        info_request.status = RequestStatus.SUBMITTED
        if info_request.first_submitted_at is None:
            info_request.first_submitted_at = at
        info_request.save(update_fields=["status", "first_submitted_at"])
        case = info_request.case
        words = "submitted its return" if draft.version == 1 else f"submitted version {draft.version} of its return"
        children = kit.pseudonyms_text(child.pseudonym for child in case.children.all())
        kit.tell(
            partnership=case.partnership,
            to=kit.member_emails(partnership_id=case.partnership_id, roles=RETURN_REQUESTERS),
            subject=f"{case.reference}: {info_request.organisation.name} {words}",
            body=(
                f"{case.partnership.name}\n\n{info_request.organisation.name} {words} on case {case.reference} "
                f"({children}).\n\nSign in to see the returns: "
                f"{kit.link('returns:board', reference=case.reference)}\n"
            ),
            kind="returns.return_submitted",
        )
        _audit_return(acting, "returns.return_submitted", draft=draft, info_request=info_request, grant=grant)
        _clock_stop_if_all_in(acting=acting, case=case)
    return draft


def return_revise(
    *,
    acting: Acting,
    info_request: InformationRequest,
    reason: str,
    at: datetime | None = None,
) -> AgencyReturn:
    """Start a new version of a submitted return, saying why. The submitted versions stay as they were."""
    grant = _require_contributor(acting, info_request)
    at = kit.now(at)
    reason = clean_text(reason, subject="The reason", limit=text.REASON, field="reason", refused=ReturnActionRefused)
    if not reason:
        raise ReturnActionRefused(REVISION_REASON_NEEDED, field="reason")
    with transaction.atomic():
        info_request = _locked_request(info_request)
        current = latest_return(info_request)
        if current is None or not current.locked:
            raise ReturnActionRefused(NOT_SUBMITTED_YET)
        new = AgencyReturn(
            request=info_request,
            version=current.version + 1,
            involved_from=current.involved_from,
            involved_to=current.involved_to,
            started_by=acting.user,
            started_at=at,
            updated_at=at,
            # A new version moves the edit version on: a form still open on the submitted text cannot save over it.
            edit_version=current.edit_version + 1,
            edited_by=acting.user,
            edited_at=at,
        )
        for name in RETURN_TEXT_FIELDS:
            new.seal(name, current.unseal(name))
        new.seal("revision_reason", reason)
        new.save(force_insert=True)
        for entry in current.entries.all():
            _entry_create(
                new,
                happened_on=entry.happened_on,
                event=entry.unseal("event"),
                source=entry.unseal("source"),
                position=entry.position,
            )
        for attachment in current.attachments.all():
            copy = ReturnAttachment(
                agency_return=new,
                stored_name=attachment.stored_name,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                uploaded_by=attachment.uploaded_by,
                uploaded_at=attachment.uploaded_at,
            )
            copy.seal("title", attachment.unseal("title"))
            copy.seal("original_name", attachment.unseal("original_name"))
            copy.save(force_insert=True)
        _audit_return(
            acting,
            "returns.revision_started",
            draft=new,
            info_request=info_request,
            grant=grant,
            replaces_version=current.version,
        )
    return new


# -- the business unit's board -------------------------------------------------------------------------------------


def _reminder_body(info_request: InformationRequest, *, opening: str) -> str:
    case = info_request.case
    children = kit.pseudonyms_text(child.pseudonym for child in case.children.all())
    return (
        f"{case.partnership.name}\n\n{opening}\n\nCase {case.reference} ({children}); "
        f"return due by {info_request.due_on:%d %B %Y}.\n\nSign in to see the request: "
        f"{kit.link('returns:request', request_uuid=info_request.uuid)}\n"
    )


def request_chase(
    *,
    acting: Acting,
    info_request: InformationRequest,
    at: datetime | None = None,
) -> RequestReminder:
    """The business unit chases an organisation now: an e-mail to its contributors, recorded and audited."""
    grant = _require_requester(acting, info_request.case)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_request(info_request)
        if info_request.status == RequestStatus.SUBMITTED:
            raise ReturnActionRefused(ALREADY_SUBMITTED)
        if info_request.status == RequestStatus.NOT_INVOLVED:
            raise ReturnActionRefused(ALREADY_NOT_INVOLVED)
        case = info_request.case
        recipients = kit.member_emails(
            partnership_id=info_request.partnership_id,
            roles=RETURN_CONTRIBUTORS,
            organisation_ids=[info_request.organisation_id],
        )
        if not recipients:
            raise ReturnActionRefused(NOBODY_TO_ANSWER.format(organisation=info_request.organisation.name))
        told = kit.tell(
            partnership=case.partnership,
            to=recipients,
            subject=f"{case.reference}: the business unit is chasing {info_request.organisation.name}'s return",
            body=_reminder_body(
                info_request, opening=f"The business unit asks {info_request.organisation.name} for its return."
            ),
            kind="returns.chased",
        )
        reminder = RequestReminder.objects.create(
            request=info_request, kind=ReminderKind.MANUAL, sent_at=at, sent_by=acting.user, recipients=told
        )
        kit.audit_case(
            acting,
            "returns.chased",
            case,
            obj=info_request,
            grant=grant,
            recipients=told,
            **_request_details(info_request),
        )
    return reminder


def request_mark_not_involved(
    *,
    acting: Acting,
    info_request: InformationRequest,
    reason: str,
    at: datetime | None = None,
) -> InformationRequest:
    """Record that the organisation had no involvement (with the reason); the request is then closed."""
    grant = _require_requester(acting, info_request.case)
    at = kit.now(at)
    reason = clean_text(reason, subject="The reason", limit=text.REASON, field="reason", refused=ReturnActionRefused)
    if not reason:
        raise ReturnActionRefused(NOT_INVOLVED_REASON_NEEDED, field="reason")
    with transaction.atomic():
        info_request = _locked_request(info_request)
        if info_request.status == RequestStatus.SUBMITTED:
            raise ReturnActionRefused(ALREADY_SUBMITTED)
        if info_request.status == RequestStatus.NOT_INVOLVED:
            raise ReturnActionRefused(ALREADY_NOT_INVOLVED)
        info_request.status = RequestStatus.NOT_INVOLVED
        info_request.not_involved_at = at
        info_request.not_involved_by = acting.user
        info_request.seal("not_involved_reason", reason)
        info_request.save(update_fields=["status", "not_involved_at", "not_involved_by", "not_involved_reason_sealed"])
        kit.audit_case(
            acting,
            "returns.marked_not_involved",
            info_request.case,
            obj=info_request,
            grant=grant,
            **_request_details(info_request),
        )
        _clock_stop_if_all_in(acting=acting, case=info_request.case)
    return info_request


def information_clock(case: Case) -> CaseClock | None:
    # From the case's clock rows, which the case page reads once for all its sections.
    return next((row for row in case_clock_rows(case=case) if row.clock_id == CLOCK_ID and row.applicable), None)


def _all_in_on(case: Case) -> date | None:
    """The day the last organisation answered, once every request is submitted or not involved; else ``None``."""
    requests = list(InformationRequest.objects.filter(case=case))
    if not requests or any(not info_request.is_closed for info_request in requests):
        return None
    days = [info_request.came_in_on for info_request in requests]
    return max(day for day in days if day is not None)


def _clock_stop_if_all_in(*, acting: Acting, case: Case) -> None:
    """Once every organisation has answered, stop the information returns clock if that was on time.

    Late, the clock keeps running and the board asks the business unit to record why (``returns_clock_close``):
    the person whose action happened to complete the set (an agency's lead, say) is not the one to explain.
    """
    last = _all_in_on(case)
    clock = information_clock(case)
    if last is None or clock is None or clock.met_on is not None or is_late(last, clock.effective_due):
        return
    case_clock_met(acting=acting, case=case, clock_id=CLOCK_ID, met_on=last)


def returns_clock_close(
    *,
    acting: Acting,
    case: Case,
    late_reason: str,
) -> CaseClock | None:
    """All returns are in after the due date: the business unit stops the clock on that day, saying why."""
    _require_requester(acting, case)
    late_reason = clean_text(
        late_reason,
        subject="The reason the returns were late",
        limit=text.REASON,
        field="late_reason",
        refused=ReturnActionRefused,
    )
    with transaction.atomic():
        last = _all_in_on(case)
        if last is None:
            raise ReturnActionRefused(RETURNS_OUTSTANDING)
        clock = information_clock(case)
        if clock is not None and clock.met_on is not None:
            raise ReturnActionRefused(CLOCK_ALREADY_MET)
        if clock is not None and late_reason_missing(last, clock.effective_due, late_reason):
            raise ReturnActionRefused(LATE_REASON_NEEDED, field="late_reason")
        return case_clock_met(
            acting=acting,
            case=case,
            clock_id=CLOCK_ID,
            met_on=last,
            late_reason=late_reason,
        )


# -- reminders (the worker's periodic job) -------------------------------------------------------------------------


def returns_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Remind each open request 2 working days before its due date, and chase it the day after; once each.

    Idempotent: a reminder or chaser is recorded with the request (one of each kind, by a constraint), so running
    the job again — or in two workers at once — sends nothing twice. Each request is dealt with in its own ``try``: one
    that cannot be read is logged with its case reference alone, and the others are still reminded.
    """
    now = kit.now(now)
    today = kit.local_today(now)
    sent = {"reminder": 0, "chaser": 0}
    calendars: dict[int, Any] = {}
    open_requests = (
        InformationRequest.objects.exclude(status__in=[RequestStatus.SUBMITTED, RequestStatus.NOT_INVOLVED])
        .exclude(case__stage__in=sorted(stage.value for stage in closed_stages()))
        .select_related("case", "partnership", "organisation")
        .prefetch_related("reminders")
        .order_by("id")
    )
    for info_request in open_requests:
        try:
            kind = _reminder_kind_due(info_request, today=today, calendars=calendars)
            if kind is not None and _reminder_send(info_request=info_request, kind=kind, at=now):
                sent[kind.value] += 1
        except Exception as error:
            # One request's bad data never stops the others; the case reference only, never its details.
            logger.error("Return reminders failed for case %s (%s)", info_request.case.reference, type(error).__name__)
    return sent


def _reminder_kind_due(info_request: InformationRequest, *, today: date, calendars: dict[int, Any]) -> Any:
    """The reminder or chaser ``info_request`` is due on ``today`` and has not had, or ``None``."""
    done = {reminder.kind for reminder in info_request.reminders.all()}
    if today > info_request.due_on:
        return ReminderKind.CHASER if ReminderKind.CHASER not in done else None
    if ReminderKind.REMINDER in done:
        return None
    if info_request.partnership_id not in calendars:
        calendars[info_request.partnership_id] = partnership_calendar(partnership_id=info_request.partnership_id)
    try:
        remind_from = calendars[info_request.partnership_id].subtract_working_days(
            info_request.due_on, REMINDER_WORKING_DAYS, local=True
        )
    except CalendarRangeError:
        return None
    return ReminderKind.REMINDER if today >= remind_from else None


def _reminder_send(*, info_request: InformationRequest, kind: ReminderKind, at: datetime) -> bool:
    organisation = info_request.organisation.name
    if kind == ReminderKind.REMINDER:
        subject = f"{info_request.case.reference}: {organisation}'s return is due on {info_request.due_on:%d %B %Y}"
        opening = f"A reminder: {organisation}'s return for the rapid review is due soon."
    else:
        subject = f"{info_request.case.reference}: {organisation}'s return is overdue"
        opening = f"{organisation}'s return for the rapid review was due on {info_request.due_on:%d %B %Y}."
    try:
        with transaction.atomic():
            reminder = RequestReminder.objects.create(request=info_request, kind=kind, sent_at=at)
            told = kit.tell(
                partnership=info_request.partnership,
                to=kit.member_emails(
                    partnership_id=info_request.partnership_id,
                    roles=RETURN_CONTRIBUTORS,
                    organisation_ids=[info_request.organisation_id],
                ),
                subject=subject,
                body=_reminder_body(info_request, opening=opening),
                kind=f"returns.{kind.value}",
            )
            reminder.recipients = told
            reminder.save(update_fields=["recipients"])
            if not told:
                # Recorded (so the job does not try every pass) but not counted as sent; the business unit hears.
                _tell_nobody_to_answer(info_request=info_request, what=f"A {kind.value} to {organisation} was due")
            kit.audit_case(
                system_acting(partnership_id=info_request.partnership_id),
                f"returns.{kind.value}_sent",
                info_request.case,
                obj=info_request,
                recipients=told,
                **_request_details(info_request),
            )
    except IntegrityError:
        return False  # another worker recorded it first
    return True


# -- designated leads ----------------------------------------------------------------------------------------------


def organisation_lead_set(
    *,
    acting: Acting,
    partnership: Partnership,
    organisation: Organisation,
    user_id: int,
    at: datetime | None = None,
) -> OrganisationLead:
    """Designate the organisation's lead in this partnership (the business unit or the partnership admin)."""
    grant = None
    if not acting.is_system:
        grant = acting.grant_for(partnership.pk, LEAD_MANAGER_ROLES)
        if grant is None:
            raise ReturnActionRefused(NOT_ALLOWED)
    at = kit.now(at)
    membership = Membership.objects.filter(
        partnership=partnership,
        organisation=organisation,
        role__in=[role.value for role in RETURN_CONTRIBUTORS],
        is_active=True,
        user__is_active=True,
        user_id=user_id,
    ).first()
    if membership is None:
        raise ReturnActionRefused(LEAD_NOT_CONTRIBUTOR, field="lead")
    with transaction.atomic():
        lead, _ = OrganisationLead.objects.update_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={"user_id": user_id, "designated_by": acting.user, "designated_at": at},
        )
        kit.audit(
            acting,
            "returns.lead_designated",
            obj=lead,
            partnership=partnership,
            grant=grant,
            organisation_id=organisation.pk,
            lead_id=user_id,
        )
    return lead


# -- downloads (audited) -------------------------------------------------------------------------------------------


def return_download(
    *,
    acting: Acting,
    agency_return: AgencyReturn,
) -> bytes:
    """The return as a Word document: its own organisation, or readers of submitted returns; audited."""
    from cspr.returns.exports import return_document

    grant = _require_reader(acting, agency_return)
    info_request = agency_return.request
    case = info_request.case
    with transaction.atomic():
        _audit_return(acting, "returns.return_downloaded", draft=agency_return, info_request=info_request, grant=grant)
    return return_document(
        reference=case.reference,
        partnership=case.partnership.name,
        organisation=info_request.organisation.name,
        version=agency_return.version,
        status=agency_return.get_status_display(),
        submitted_on=kit.local_today(agency_return.submitted_at) if agency_return.submitted_at else None,
        sections={name: agency_return.unseal(name) for name in RETURN_TEXT_FIELDS},
        involved_from=agency_return.involved_from,
        involved_to=agency_return.involved_to,
        entries=[
            (entry.happened_on, entry.unseal("event"), entry.unseal("source")) for entry in agency_return.entries.all()
        ],
        attachments=[attachment.unseal("title") for attachment in agency_return.attachments.all()],
    )


def chronology_download(
    *,
    acting: Acting,
    case: Case,
    rows: list[Any],
    filters: dict[str, Any],
) -> bytes:
    """The merged chronology (already filtered to what this person may see) as a Word document; audited."""
    from cspr.returns.exports import chronology_document

    grant = _require("returns.read_chronology", acting, case, READER_ROLES + CONTRIBUTOR_ROLES)
    with transaction.atomic():
        kit.audit_case(
            acting,
            "returns.chronology_downloaded",
            case,
            grant=grant,
            entries=len(rows),
            **{key: value for key, value in filters.items() if value},
        )
    words = []
    if filters.get("organisation"):
        words.append(f"Organisation: {filters['organisation']}.")
    if filters.get("date_from"):
        words.append(f"From {filters['date_from']}.")
    if filters.get("date_to"):
        words.append(f"To {filters['date_to']}.")
    return chronology_document(
        reference=case.reference, partnership=case.partnership.name, rows=rows, filters=" ".join(words)
    )
