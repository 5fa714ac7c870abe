"""Files kept with a return, in the one file store (ADR 0016): added with the case documents' checks and encrypted
at rest, taken off a draft (the file itself goes once no version holds it), opened (audited once, with a reason).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from cspr.files.models import Purpose
from cspr.files.services import (
    FileDownload,
    FileEvents,
    FileKind,
    StoredFileRefused,
    stored_file_kept,
    stored_file_open,
    stored_file_remove,
    upload_titled,
)
from cspr.kernel import text
from cspr.kernel.acting import Acting
from cspr.kernel.text import FieldTexts
from cspr.returns.models import AgencyReturn, InformationRequest, ReturnAttachment
from cspr.returns.services.common import (
    NOT_ALLOWED,
    ReturnActionRefused,
    _audit_return,
    _contribution,
    _draft_for_editing,
    _locked_request,
    _request_details,
    _require_reader,
    _touch,
    contributor_grant,
)

#: Why a return's file is opened: by its own organisation's contributors while they work on it, or by the case's
#: readers once it is submitted (no one else reaches it).
CONTRIBUTOR_REASON = "Working on the organisation's return"
READER_REASON = "Reading the organisation's submitted return"

RETURN_ATTACHMENT = FileKind(
    Purpose.RETURN_ATTACHMENT, "returns.attachment_added", "returns.attachment_downloaded", "attachment"
)
TITLE_TEXTS = FieldTexts({text.ONE_LINE: {"title": "What the file is"}}, refused=ReturnActionRefused)


def attachment_add(
    *, acting: Acting, info_request: InformationRequest, upload: Any, title: str, at: datetime | None = None
) -> ReturnAttachment:
    """Keep a file with the draft in the file store: the case documents' checks (size, type by content, scanner),
    encrypted at rest. One audit event, ``returns.attachment_added``, about the version it went onto."""
    writing = _contribution(acting, info_request, at)
    titled = upload_titled(upload, title, at=writing.at, texts=TITLE_TEXTS)
    onto: list[tuple[InformationRequest, AgencyReturn]] = []  # the locked request and the draft, found in the block

    def on_the_draft(verb: str, **details: Any) -> None:
        locked, draft = onto[0]
        _audit_return(acting, verb, draft, locked, **details)

    events = FileEvents(RETURN_ATTACHMENT, writing.grant, on_the_draft)
    with stored_file_kept(
        acting=acting, partnership=info_request.partnership, upload=titled, events=events
    ) as stored_file:
        locked = _locked_request(info_request)
        draft = _draft_for_editing(acting=acting, info_request=locked, at=writing.at)
        attachment = ReturnAttachment.objects.create(
            uuid=stored_file.uuid, agency_return=draft, stored_file=stored_file
        )
        _touch(draft, writing.at)
        onto.append((locked, draft))
    return attachment


def attachment_remove(
    *, acting: Acting, info_request: InformationRequest, attachment_uuid: str, at: datetime | None = None
) -> None:
    """Take a file off the draft. The file itself goes (from the store, once this commits) only when no earlier,
    submitted version still holds it."""
    writing = _contribution(acting, info_request, at)
    with writing.draft_change(create=False) as draft:
        attachment = (
            ReturnAttachment.objects.filter(agency_return=draft, uuid=attachment_uuid)
            .select_related("stored_file")
            .first()
        )
        if attachment is None:
            raise ReturnActionRefused(NOT_ALLOWED)
        stored_file = attachment.stored_file
        attachment.delete()
        writing.audit("returns.attachment_removed", draft, attachment=attachment_uuid)
        if not ReturnAttachment.objects.filter(stored_file=stored_file).exists():
            try:
                stored_file_remove(
                    acting=acting, stored_file=stored_file, grant=writing.grant, **_request_details(info_request)
                )
            except StoredFileRefused as refused:  # another record still points at it: it stays
                if refused.problem != "in_use":
                    raise


def attachment_open(*, acting: Acting, attachment: ReturnAttachment) -> FileDownload:
    """Open a return's file: its organisation's contributors, or readers of submitted returns. Checked whole by the
    file store; the one audit event, ``returns.attachment_downloaded``, gives the reader's part as its reason."""
    agency_return = attachment.agency_return
    info_request = agency_return.request
    grant = _require_reader(acting, agency_return)
    reason = CONTRIBUTOR_REASON if contributor_grant(acting.scope, info_request) is not None else READER_REASON
    on_the_return = partial(_audit_return, acting, draft=agency_return, info_request=info_request)
    refusals = {"reference": info_request.case.reference, **_request_details(info_request)}
    events = FileEvents(RETURN_ATTACHMENT, grant, on_the_return, attachment.uuid, refusals)
    return stored_file_open(acting=acting, stored_file=attachment.stored_file, reason=reason, events=events)
