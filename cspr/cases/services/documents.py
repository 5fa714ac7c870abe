"""A case's documents: kept by the one file store (ADR 0016), opened for a stated purpose; both audited once.

The store checks and encrypts the file and keeps its title, name, kind, size and checksum; the case's row says which
case it belongs to. A document sent with a notification is already in the store: :func:`documents_adopt` makes it
the case's without copying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import rules

from cspr.cases import selectors
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services.common import TEXTS, allowed
from cspr.cases.services.identifying import PURPOSE_LABELS, purpose_checked
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import FileDownload, stored_file_kept, stored_file_open
from cspr.kernel import documents
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED, audit_case

VERB_ATTACHED = "case.document_attached"
VERB_DOWNLOADED = "case.document_downloaded"


def document_attach(
    *, acting: Acting, case: Case, upload: Any, title: str, uploaded_at: datetime | None = None
) -> CaseDocument:
    """Keep an uploaded file for the case in the file store, after its checks (name, size, kind by content, the
    scanner hook), encrypted at rest. One audit event, ``case.document_attached``, with the store's facts.

    Raises :class:`cspr.kernel.documents.FileRejected` (a ``CaseActionRefused``) for a file that may not be kept.
    """
    grant = allowed(acting, "cases.attach_document", case)
    title = TEXTS.clean("title", title)
    if not title:
        raise CaseActionRefused(documents.TITLE_NEEDED, field="title")

    def recorded(facts: dict[str, Any]) -> None:
        audit_case(acting, VERB_ATTACHED, case, grant=grant, document=facts["file"], **facts)

    with stored_file_kept(
        acting=acting,
        partnership=case.partnership,
        upload=upload,
        purpose=Purpose.CASE_DOCUMENT,
        title=title,
        grant=grant,
        at=uploaded_at,
        audit_as=recorded,
    ) as stored_file:
        document = CaseDocument.objects.create(uuid=stored_file.uuid, case=case, stored_file=stored_file)
    return document


def documents_adopt(*, acting: Acting, case: Case, stored_files: Iterable[StoredFile]) -> list[CaseDocument]:
    """Make documents sent with the notification (already kept by the store, ``notification_document``) the case's
    documents: a row each pointing at the same stored file, nothing copied. Called inside the submission's
    transaction; each is audited as a document added. Refused for a file of another partnership or purpose, or
    one that is already a case's."""
    grant = allowed(acting, "cases.attach_document", case)
    adopted = []
    for stored_file in stored_files:
        if (
            stored_file.partnership_id != case.partnership_id
            or stored_file.purpose != Purpose.NOTIFICATION_DOCUMENT
            or CaseDocument.objects.filter(stored_file=stored_file).exists()
        ):
            raise CaseActionRefused(NOT_ALLOWED)
        adopted.append(CaseDocument.objects.create(uuid=stored_file.uuid, case=case, stored_file=stored_file))
        audit_case(
            acting,
            VERB_ATTACHED,
            case,
            grant=grant,
            document=str(stored_file.uuid),
            file=str(stored_file.uuid),
            file_purpose=stored_file.purpose,
            content_type=stored_file.content_type,
            size=stored_file.size,
            sha256=stored_file.sha256,
        )
    return adopted


def document_download(
    *, acting: Acting, case: Case, document: CaseDocument, purpose: str, purpose_other: str = ""
) -> FileDownload:
    """Open a case document for one of the roles that work the case, for a stated purpose: the file store checks
    it whole and hands it back; the one audit event, ``case.document_downloaded``, names the purpose as its reason.

    The file keeps its original name (which may name people) only for a reader who may see identifying details;
    anyone else gets ``<reference>-document-<n>.<ext>``, and the name is not even decrypted. Raises
    :class:`cspr.files.services.StoredFileRefused` (audited by the store) for a file that is missing or changed.
    """
    grant = allowed(acting, "cases.download_document", case)
    if document.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)
    purpose_other = purpose_checked(purpose, purpose_other)
    neutral = ""
    if not rules.test_rule("cases.view_identifying_details", acting.scope, case):
        neutral = f"{case.reference}-document-{selectors.case_document_number(case=case, document=document)}"

    def recorded(facts: dict[str, Any]) -> None:
        audit_case(
            acting,
            VERB_DOWNLOADED,
            case,
            grant=grant,
            document=str(document.uuid),
            purpose=purpose,
            purpose_label=PURPOSE_LABELS[purpose],
            purpose_other=purpose_other,
            **facts,
        )

    return stored_file_open(
        acting=acting,
        stored_file=document.stored_file,
        reason=f"{PURPOSE_LABELS[purpose]}: {purpose_other}" if purpose_other else PURPOSE_LABELS[purpose],
        neutral_name=neutral,
        grant=grant,
        audit_as=recorded,
        reference=case.reference,
        document=str(document.uuid),
    )
