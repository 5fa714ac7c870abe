"""A case's documents: kept after the file store's checks, opened for a stated purpose; both audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import rules
from django.db import transaction

from cspr.cases import selectors
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services.common import NOT_ALLOWED, TEXTS, grant_on_case, require
from cspr.cases.services.identifying import PURPOSE_LABELS, purpose_checked
from cspr.core.policy import DOCUMENT_READERS, DOCUMENT_UPLOADERS
from cspr.kernel import documents
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, now


def document_attach(
    *,
    acting: Acting,
    case: Case,
    upload: Any,
    title: str,
    uploaded_at: datetime | None = None,
) -> CaseDocument:
    """Keep an uploaded file outside the web root after checking its size and type (by content) and scanning it.

    Raises :class:`cspr.kernel.documents.FileRejected` (a ``CaseActionRefused``) for a file that may not be kept.
    """
    require("cases.attach_document", acting.scope, case)
    title = TEXTS.clean("title", title)
    if not title:
        raise CaseActionRefused(documents.TITLE_NEEDED, field="title")
    uploaded_at = now(uploaded_at)
    document_uuid = uuid.uuid4()
    with documents.kept(upload=upload, folder=str(case.uuid), name=str(document_uuid)) as stored, transaction.atomic():
        document = CaseDocument(
            uuid=document_uuid,
            case=case,
            uploaded_by=acting.user,
            uploaded_at=uploaded_at,
            **stored.model_fields(),
        )
        document.seal("title", title)
        document.seal("original_name", documents.original_name(upload, "document"))
        document.save(force_insert=True)
        audit_case(
            acting,
            "case.document_attached",
            case,
            grant=grant_on_case(acting, case, DOCUMENT_UPLOADERS),
            document=str(document_uuid),
            **stored.audit_details(),
        )
    return document


def document_download(
    *,
    acting: Acting,
    case: Case,
    document: CaseDocument,
    purpose: str,
    purpose_other: str = "",
) -> documents.Download:
    """Open a case document for one of the roles that work the case, for a stated purpose; each download audited.

    The file keeps its original name (which may name people) only for a reader who may see identifying details;
    anyone else gets ``<reference>-document-<n>.<ext>``.
    """
    require("cases.download_document", acting.scope, case)
    if document.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)
    purpose_other = purpose_checked(purpose, purpose_other)
    neutral = ""
    if not rules.test_rule("cases.view_identifying_details", acting.scope, case):
        neutral = f"{case.reference}-document-{selectors.case_document_number(case=case, document=document)}"
    with transaction.atomic():
        audit_case(
            acting,
            "case.document_downloaded",
            case,
            grant=grant_on_case(acting, case, DOCUMENT_READERS),
            document=str(document.uuid),
            purpose=purpose,
            purpose_label=PURPOSE_LABELS[purpose],
            purpose_other=purpose_other,
        )
    return documents.Download.of(document, neutral_name=neutral)
