"""The return and its sections: saving the draft, sign-off by the designated lead, submission (then locked), a new
version with a reason, and the return as a Word document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from cspr.kernel import kit, text
from cspr.kernel.acting import Acting
from cspr.kernel.edits import check_not_stale
from cspr.kernel.text import clean_text
from cspr.returns.models import (
    RETURN_TEXT_FIELDS,
    AgencyReturn,
    InformationRequest,
    OrganisationLead,
    RequestStatus,
    ReturnAttachment,
    ReturnStatus,
)
from cspr.returns.services.chronology import _entry_create
from cspr.returns.services.clock import _clock_stop_if_all_in
from cspr.returns.services.common import (
    ReturnActionRefused,
    _audit_return,
    _board_link,
    _case_named,
    _contribution,
    _draft_for_editing,
    _locked_request,
    _reason_given,
    _request_link,
    _requester_emails,
    _require_reader,
    latest_return,
    lead_for,
    return_stamp,
)

DATES_ORDER = "The end of the involvement must be the same as or after its start."
INCOMPLETE = "Complete these parts of the return first: {parts}."
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
    return's text since, :class:`cspr.kernel.edits.StaleEdit` is raised and nothing is written (``None``: no check).
    """
    writing = _contribution(acting, info_request, at)
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
        draft = _draft_for_editing(acting=acting, info_request=info_request, at=writing.at)
        start = cleaned.get("involved_from", draft.involved_from)
        end = cleaned.get("involved_to", draft.involved_to)
        if start and end and end < start:
            raise ReturnActionRefused(DATES_ORDER, field="involved_to")
        for name, value in cleaned.items():
            if name in RETURN_TEXT_FIELDS:
                draft.seal(name, value)
            else:
                setattr(draft, name, value)
        draft.updated_at = writing.at
        draft.edit_version += 1
        draft.edited_by = acting.user
        draft.edited_at = writing.at
        draft.save()
        writing.audit("returns.return_saved", draft, fields=sorted(cleaned))
    return draft


def return_missing_fields(agency_return: AgencyReturn) -> list[tuple[str, str]]:
    """What the return still lacks before it can be signed off: (field name on the return's page, words)."""
    return [(name, words) for name, words in REQUIRED_PARTS if not getattr(agency_return, f"{name}_sealed")]


def return_missing_parts(agency_return: AgencyReturn) -> list[str]:
    """What the return still lacks before it can be signed off, in words."""
    return [words for _, words in return_missing_fields(agency_return)]


def _refuse_incomplete(draft: AgencyReturn) -> None:
    """Refuse to go on while the return lacks any part it needs before sign-off, naming each."""
    missing = return_missing_parts(draft)
    if missing:
        raise ReturnActionRefused(INCOMPLETE.format(parts="; ".join(missing)), field=INCOMPLETE_FIELD)


def _lead_of(info_request: InformationRequest) -> OrganisationLead:
    """The designated lead of the request's organisation, who signs the return off; refused when none is named."""
    lead = lead_for(partnership_id=info_request.partnership_id, organisation_id=info_request.organisation_id)
    if lead is None:
        raise ReturnActionRefused(NO_LEAD)
    return lead


def return_sign_off_request(
    *, acting: Acting, info_request: InformationRequest, at: datetime | None = None
) -> AgencyReturn:
    """Send the finished draft to the organisation's designated lead (e-mailed) for sign-off."""
    writing = _contribution(acting, info_request, at)
    with writing.draft_locked(create=False, changes_content=False) as (info_request, draft):
        if draft.status == ReturnStatus.AWAITING_SIGN_OFF:
            raise ReturnActionRefused(ALREADY_AWAITING)
        _refuse_incomplete(draft)
        lead = _lead_of(info_request)
        draft.status = ReturnStatus.AWAITING_SIGN_OFF
        draft.sign_off_requested_at = writing.at
        draft.updated_at = writing.at
        draft.save(update_fields=["status", "sign_off_requested_at", "updated_at"])
        if info_request.status != RequestStatus.SUBMITTED:
            info_request.status = RequestStatus.AWAITING_SIGN_OFF
            info_request.save(update_fields=["status"])
        kit.tell_case(
            case=info_request.case,
            to=[lead.user.email],
            about="a return is waiting for your sign-off",
            news=f"{info_request.organisation.name}'s return on case {_case_named(info_request.case)} is ready for "
            "your sign-off as the organisation's designated lead.",
            then="Sign in to read and submit it",
            link=_request_link(info_request),
            kind="returns.sign_off_requested",
        )
        writing.audit("returns.sign_off_requested", draft, lead_id=lead.user_id)
    return draft


def return_submit(*, acting: Acting, info_request: InformationRequest, at: datetime | None = None) -> AgencyReturn:
    """The designated lead signs off and submits the return; it is then locked. The business unit is told."""
    writing = _contribution(acting, info_request, at)
    with writing.draft_locked(create=False, changes_content=False) as (info_request, draft):
        lead = _lead_of(info_request)
        if lead.user_id != acting.user_id:
            raise ReturnActionRefused(LEAD_ONLY.format(organisation=info_request.organisation.name))
        _refuse_incomplete(draft)
        draft.status = ReturnStatus.SUBMITTED
        draft.signed_off_by = acting.user
        draft.submitted_by = acting.user
        draft.submitted_at = writing.at
        draft.updated_at = writing.at
        draft.save(update_fields=["status", "signed_off_by", "submitted_by", "submitted_at", "updated_at"])
        info_request.status = RequestStatus.SUBMITTED
        if info_request.first_submitted_at is None:
            info_request.first_submitted_at = writing.at
        info_request.save(update_fields=["status", "first_submitted_at"])
        words = "submitted its return" if draft.version == 1 else f"submitted version {draft.version} of its return"
        kit.tell_case(
            case=info_request.case,
            to=_requester_emails(info_request),
            about=f"{info_request.organisation.name} {words}",
            news=f"{info_request.organisation.name} {words} on case {_case_named(info_request.case)}.",
            then="Sign in to see the returns",
            link=_board_link(info_request),
            kind="returns.return_submitted",
        )
        writing.audit("returns.return_submitted", draft)
        _clock_stop_if_all_in(acting=acting, case=info_request.case)
    return draft


def return_revise(
    *, acting: Acting, info_request: InformationRequest, reason: str, at: datetime | None = None
) -> AgencyReturn:
    """Start a new version of a submitted return, saying why. The submitted versions stay as they were."""
    writing = _contribution(acting, info_request, at)
    reason = _reason_given(reason, needed=REVISION_REASON_NEEDED)
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
            started_at=writing.at,
            updated_at=writing.at,
            # A new version moves the edit version on: a form still open on the submitted text cannot save over it.
            edit_version=current.edit_version + 1,
            edited_by=acting.user,
            edited_at=writing.at,
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
            # The new version holds the same file: a row of its own pointing at the same stored file.
            ReturnAttachment.objects.create(agency_return=new, stored_file_id=attachment.stored_file_id)
        writing.audit("returns.revision_started", new, replaces_version=current.version)
    return new


def return_download(*, acting: Acting, agency_return: AgencyReturn) -> bytes:
    """The return as a Word document: its own organisation, or readers of submitted returns; audited."""
    from cspr.returns.exports import return_document

    grant = _require_reader(acting, agency_return)
    info_request = agency_return.request
    case = info_request.case
    with transaction.atomic():
        _audit_return(acting, "returns.return_downloaded", agency_return, info_request, grant)
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
        attachments=[
            attachment.stored_file.unseal("title")
            for attachment in agency_return.attachments.select_related("stored_file")
        ],
    )
