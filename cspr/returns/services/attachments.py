"""Files kept with a return: added with the case documents' checks, removed (the file itself goes once no version
holds it), opened (audited).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from cspr.kernel import documents, kit, text
from cspr.kernel.acting import Acting
from cspr.kernel.text import clean_text
from cspr.returns.models import InformationRequest, ReturnAttachment
from cspr.returns.services.common import (
    NOT_ALLOWED,
    ReturnActionRefused,
    _audit_return,
    _draft_for_editing,
    _locked_request,
    _require_contributor,
    _require_reader,
    _touch,
)


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
