"""A case's documents: kept by the one file store (ADR 0016), opened for a stated purpose; both audited once.

The store checks and encrypts the file and keeps its title, name, kind, size and checksum; the case's row says which
case it belongs to. A document sent with a notification is already in the store: :func:`documents_adopt` makes it
the case's without copying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from functools import partial
from typing import Any, Protocol
from uuid import UUID

import rules

from cspr.cases import selectors
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services.common import TEXTS, allowed
from cspr.cases.services.identifying import PURPOSE_LABELS, purpose_checked
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import (
    FileDownload,
    FileEvents,
    FileKind,
    Upload,
    file_facts,
    stored_file_kept,
    stored_file_open,
    upload_titled,
)
from cspr.kernel.acting import Acting, Grant
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED, audit_case

VERB_ATTACHED = "case.document_attached"
VERB_DOWNLOADED = "case.document_downloaded"


class CaseFile(Protocol):
    """An app's row for a file it keeps for a case (a case document, a meeting paper)."""

    @property
    def uuid(self) -> UUID: ...

    @property
    def stored_file(self) -> StoredFile: ...


#: A kind of file kept for a case is a kind of file the store keeps (the name stays for the apps that import it).
CaseFileKind = FileKind

CASE_DOCUMENT = FileKind(Purpose.CASE_DOCUMENT, VERB_ATTACHED, VERB_DOWNLOADED, "document")


def _on_the_case(
    kind: FileKind, *, acting: Acting, case: Case, grant: Grant | None, row: UUID | None = None, **details: Any
) -> FileEvents:
    """A case's file's events: each recorded on the case (its reference, ``details``) through ``grant``; the store's
    refusals name the case's reference."""
    on_case = partial(audit_case, acting, case=case, **details)
    return FileEvents(kind, grant, on_case, row, {"reference": case.reference})


def case_file_kept(
    kind: FileKind, *, acting: Acting, case: Case, upload: Upload, grant: Grant | None
) -> AbstractContextManager[StoredFile]:
    """Keep an upload for the case in the file store, after its checks (name, size, kind by content, the scanner
    hook), encrypted at rest, for the block that writes the app's own row: both in the store's transaction
    (:func:`cspr.files.services.stored_file_kept`). One audit event, ``kind.kept_verb``, with the store's facts and
    the membership ``grant``."""
    events = _on_the_case(kind, acting=acting, case=case, grant=grant)
    return stored_file_kept(acting=acting, partnership=case.partnership, upload=upload, events=events)


def case_file_open(
    kind: FileKind,
    *,
    acting: Acting,
    case: Case,
    row: CaseFile,
    reason: str,
    grant: Grant | None,
    neutral_name: str = "",
    **details: Any,
) -> FileDownload:
    """Open a file kept for the case, for someone the app has allowed: the file store checks it whole and hands it
    back (:func:`cspr.files.services.stored_file_open`), refusing one that is missing or changed. One audit event,
    ``kind.opened_verb``, with ``details`` (never a title or a name), the store's facts and the membership ``grant``;
    ``reason`` says why it was opened, in words."""
    events = _on_the_case(kind, acting=acting, case=case, grant=grant, row=row.uuid, **details)
    return stored_file_open(
        acting=acting, stored_file=row.stored_file, reason=reason, neutral_name=neutral_name, events=events
    )


def document_attach(
    *, acting: Acting, case: Case, upload: Any, title: str, uploaded_at: datetime | None = None
) -> CaseDocument:
    """Keep an uploaded file for the case in the file store (:func:`case_file_kept`). One audit event,
    ``case.document_attached``, with the store's facts.

    Raises :class:`cspr.kernel.documents.FileRejected` (a ``CaseActionRefused``) for a file that may not be kept.
    """
    grant = allowed(acting, "cases.attach_document", case)
    titled = upload_titled(upload, title, at=uploaded_at, texts=TEXTS)
    with case_file_kept(CASE_DOCUMENT, acting=acting, case=case, upload=titled, grant=grant) as stored_file:
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
            **file_facts(stored_file),
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

    reason = f"{PURPOSE_LABELS[purpose]}: {purpose_other}" if purpose_other else PURPOSE_LABELS[purpose]
    return case_file_open(
        CASE_DOCUMENT,
        acting=acting,
        case=case,
        row=document,
        reason=reason,
        grant=grant,
        neutral_name=neutral,
        purpose=purpose,
        purpose_label=PURPOSE_LABELS[purpose],
        purpose_other=purpose_other,
    )
