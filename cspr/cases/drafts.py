"""Drafts of the "Report a serious incident" form: reads, writes and the documents kept with them.

A draft's answers are one JSON document, sealed in the row (:class:`~cspr.cases.models_drafts.NotificationDraft`).
Pages save what the person typed, as typed, so nothing is lost when a page has errors or the session ends. The
answers' shape is the web form's business (:mod:`cspr.intake.forms`); this module stores and audits them.

Drafts are audited when created, submitted and deleted, with the draft's uuid only, never its content. Files
uploaded to a draft are kept by the one file store from the start (ADR 0016: checked exactly as case documents are,
encrypted at rest, purpose ``notification_document``); the draft's answers keep each one's uuid (``key``) with what
the documents page shows of it. On submission they become the case's documents without being copied
(:func:`cspr.cases.services.documents_adopt`); a removed document, or a deleted draft's, leaves the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cspr.cases.models import Case, CaseDocument
from cspr.cases.models_drafts import NotificationDraft
from cspr.cases.notification import NotificationData
from cspr.cases.services import documents_adopt, notification_submit, submitting_grant
from cspr.cases.services.common import la_notifier_grant, referring_grant
from cspr.core.policy import DOCUMENT_UPLOADERS
from cspr.files.models import Purpose, StoredFile
from cspr.files.services import (
    FileEvents,
    FileKind,
    stored_file_kept,
    stored_file_readable,
    stored_file_remove,
    upload_titled,
)
from cspr.kernel import documents
from cspr.kernel.acting import Acting
from cspr.kernel.crypto import DecryptionError
from cspr.kernel.kit import audit
from cspr.partnerships.models import Organisation, Partnership
from cspr.partnerships.scoping import Scope

__all__ = [
    "MAX_DRAFT_DOCUMENTS",
    "DraftDocument",
    "ReportingMode",
    "draft_create",
    "draft_delete",
    "draft_document_add",
    "draft_document_remove",
    "draft_get",
    "draft_submit",
    "draft_update",
    "drafts_of",
    "reporting_mode",
]

MAX_DRAFT_DOCUMENTS = 20
TOO_MANY_DOCUMENTS = f"You can add up to {MAX_DRAFT_DOCUMENTS} documents. Remove one to add another."
DOCUMENT_MISSING = "A document uploaded to this draft can no longer be read: remove it and upload it again."


@dataclass(frozen=True)
class ReportingMode:
    """How this person reports here: a local authority's notification, or an agency's referral (§3.8)."""

    as_referral: bool
    organisation_name: str
    can_attach_documents: bool


def reporting_mode(*, scope: Scope, partnership_id: int | None) -> ReportingMode | None:
    """``None`` when the person has no organisation in this partnership and so cannot report an incident here.

    A notifier for a local-authority organisation notifies; anyone else with an organisation refers. The choice is
    the membership's, never the form's.
    """
    if partnership_id is None:
        return None
    # As notification_submit chooses: the local authority's notifier notifies; anyone else with an organisation
    # refers, an agency contributor's organisation first (§3.8).
    notifier = la_notifier_grant(scope, partnership_id)
    grant = notifier if notifier is not None else referring_grant(scope, partnership_id)
    if grant is None:
        return None
    as_referral = notifier is None
    organisation_id = cast(int, grant.organisation_id)  # both kinds of grant have one
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first() or ""
    return ReportingMode(
        as_referral=as_referral,
        organisation_name=name,
        can_attach_documents=scope.has_any_role(partnership_id, DOCUMENT_UPLOADERS),
    )


# -- reads ---------------------------------------------------------------------------------------------------------


def drafts_of(*, user: Any, partnership_id: int | None) -> QuerySet[NotificationDraft]:
    """The person's own drafts in this partnership, most recently saved first."""
    if partnership_id is None or getattr(user, "pk", None) is None:
        return NotificationDraft.objects.none()
    return NotificationDraft.objects.filter(owner_id=user.pk, partnership_id=partnership_id).order_by(
        "-updated_at", "-id"
    )


def drafts_listed(*, user: Any, partnership_id: int | None) -> QuerySet[NotificationDraft]:
    """:func:`drafts_of` with only the columns the drafts list shows: the sealed answers stay in the database."""
    return drafts_of(user=user, partnership_id=partnership_id).only(
        "id", "uuid", "started_at", "updated_at", "current_step"
    )


def draft_get(*, user: Any, partnership_id: int | None, draft_uuid: uuid.UUID) -> NotificationDraft | None:
    """One of the person's own drafts in this partnership (``None`` for anybody else's)."""
    return drafts_of(user=user, partnership_id=partnership_id).filter(uuid=draft_uuid).first()


# -- writes --------------------------------------------------------------------------------------------------------


def draft_create(
    *, acting: Acting, partnership: Partnership, answers: dict[str, Any], current_step: str
) -> NotificationDraft:
    """A new draft owned by the person acting, in this partnership."""
    now = timezone.now()
    with transaction.atomic():
        draft = NotificationDraft(
            partnership=partnership, owner=acting.user, started_at=now, updated_at=now, current_step=current_step
        )
        draft.seal_answers(answers)
        draft.save(force_insert=True)
        audit(acting, "notification_draft.created", obj=draft, partnership=partnership, draft=str(draft.uuid))
    return draft


def draft_update(
    *, draft: NotificationDraft, change: Callable[[dict[str, Any]], None], current_step: str | None = None
) -> NotificationDraft:
    """Apply ``change`` to the answers as they are in the database now (two tabs do not undo each other's pages)."""
    with transaction.atomic():
        fresh = NotificationDraft.objects.select_for_update().get(pk=draft.pk)
        answers = fresh.answers
        change(answers)
        fresh.seal_answers(answers)
        fresh.updated_at = timezone.now()
        fields = ["payload_sealed", "updated_at"]
        if current_step is not None:
            fresh.current_step = current_step
            fields.append("current_step")
        fresh.save(update_fields=fields)
    return fresh


def _draft_files(draft: NotificationDraft, answers: dict[str, Any] | None = None) -> list[StoredFile]:
    """The stored files of the draft's documents (those its answers name, in the draft's partnership)."""
    keys = []
    for item in (draft.answers if answers is None else answers).get("documents", []):
        try:
            keys.append(uuid.UUID(str(item.get("key", ""))))
        except ValueError:
            continue
    return list(
        StoredFile.objects.filter(
            uuid__in=keys, partnership_id=draft.partnership_id, purpose=Purpose.NOTIFICATION_DOCUMENT
        )
    )


def _files_of_unreadable_draft(draft: NotificationDraft) -> list[StoredFile]:
    """The documents of a draft whose answers can no longer be decrypted (it can only be deleted): the owner's
    documents in the partnership that no case has and no other draft of theirs that can still be read names."""
    named: set[str] = set()
    for other in drafts_of(user=draft.owner, partnership_id=draft.partnership_id).exclude(pk=draft.pk):
        try:
            named.update(stored_file.uuid.hex for stored_file in _draft_files(other))
        except DecryptionError:
            continue
    return [
        stored_file
        for stored_file in StoredFile.objects.filter(
            partnership_id=draft.partnership_id, purpose=Purpose.NOTIFICATION_DOCUMENT, uploaded_by_id=draft.owner_id
        ).exclude(pk__in=CaseDocument.objects.values("stored_file_id"))
        if stored_file.uuid.hex not in named
    ]


def draft_delete(*, acting: Acting, draft: NotificationDraft) -> None:
    """Delete the draft and its documents (their rows with it, their contents from the store once it commits)."""
    draft_uuid = draft.uuid
    try:
        files = _draft_files(draft)
    except DecryptionError:  # its answers cannot be read (a key gone, a changed row): it can only be deleted
        files = _files_of_unreadable_draft(draft)
    with transaction.atomic():
        audit(acting, "notification_draft.deleted", obj=draft, partnership=draft.partnership, draft=str(draft_uuid))
        for stored_file in files:
            stored_file_remove(acting=acting, stored_file=stored_file, draft=str(draft_uuid))
        draft.delete()


# -- documents -----------------------------------------------------------------------------------------------------


#: Kept by the store under its own verbs, from the upload to the draft until the case adopts it.
NOTIFICATION_DOCUMENT = FileKind(Purpose.NOTIFICATION_DOCUMENT)


@dataclass(frozen=True)
class DraftDocument:
    key: str
    title: str
    filename: str
    content_type: str
    size: int

    @classmethod
    def from_answer(cls, value: dict[str, Any]) -> DraftDocument:
        return cls(
            key=str(value.get("key", "")),
            title=str(value.get("title", "")),
            filename=str(value.get("filename", "")),
            content_type=str(value.get("content_type", "")),
            size=int(value.get("size", 0)),
        )


def draft_document_add(*, acting: Acting, draft: NotificationDraft, upload: Any, title: str) -> DraftDocument:
    """Keep the file in the file store (checked as a case document is, encrypted at rest) for the draft.

    Raises :class:`cspr.kernel.documents.FileRejected` (with the words to show) for a file that may not be kept, and
    :class:`cspr.files.services.StoredFileRefused` for a title the store refuses.
    """
    if len(draft.answers.get("documents", [])) >= MAX_DRAFT_DOCUMENTS:
        raise documents.FileRejected(TOO_MANY_DOCUMENTS)
    titled = upload_titled(upload, title)
    events = FileEvents(NOTIFICATION_DOCUMENT, details={"draft": str(draft.uuid)})
    with stored_file_kept(acting=acting, partnership=draft.partnership, upload=titled, events=events) as stored_file:
        # In the store's transaction: if the answers cannot be saved, the file is not kept either.
        document = DraftDocument(
            key=stored_file.uuid.hex,
            title=title.strip(),
            filename=documents.original_name(upload, "document"),
            content_type=stored_file.content_type,
            size=stored_file.size,
        )

        def add(answers: dict[str, Any]) -> None:
            answers.setdefault("documents", []).append(document.__dict__.copy())

        draft_update(draft=draft, change=add)
    return document


def draft_document_remove(*, acting: Acting, draft: NotificationDraft, key: str) -> bool:
    """Take a document off the draft and out of the store (its contents go once this commits)."""
    found = any(item.get("key") == key for item in draft.answers.get("documents", []))
    if not found:
        return False

    def remove(answers: dict[str, Any]) -> None:
        answers["documents"] = [item for item in answers.get("documents", []) if item.get("key") != key]

    with transaction.atomic():
        draft_update(draft=draft, change=remove)
        for stored_file in _draft_files(draft, {"documents": [{"key": key}]}):
            stored_file_remove(acting=acting, stored_file=stored_file, draft=str(draft.uuid))
    return True


def _documents_sent(draft: NotificationDraft, attached: list[DraftDocument]) -> list[StoredFile]:
    """The stored files of the draft's documents, in the order they were added; refused (in words, on the documents
    page) when one is gone or can no longer be read, so a case never gets a document that cannot be opened."""
    found = {stored_file.uuid.hex: stored_file for stored_file in _draft_files(draft)}
    sent = []
    for document in attached:
        stored_file = found.get(document.key.replace("-", ""))
        if stored_file is None or not stored_file_readable(stored_file=stored_file):
            raise documents.FileRejected(DOCUMENT_MISSING)
        sent.append(stored_file)
    return sent


# -- submitting ----------------------------------------------------------------------------------------------------


class DraftAlreadySubmitted(Exception):
    """The draft was submitted already (a second click, another tab): ``reference`` is the case it made, or ``""``
    when the draft is gone for another reason (deleted)."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def submitted_reference(*, user: Any, partnership_id: int | None, draft_uuid: uuid.UUID) -> str | None:
    """The reference of the case this person submitted from the draft ``draft_uuid`` in this partnership, if any
    (the confirmation page then checks the case is theirs to see, as it always does)."""
    if partnership_id is None or getattr(user, "pk", None) is None:
        return None
    return (
        Case.objects.filter(source_draft=draft_uuid, partnership_id=partnership_id, created_by_id=user.pk)
        .values_list("reference", flat=True)
        .first()
    )


def draft_submit(
    *,
    acting: Acting,
    draft: NotificationDraft,
    data: NotificationData,
    as_referral: bool,
    submitted_at: datetime | None = None,
) -> Case:
    """Submit the notification or referral, give the case the draft's documents, and remove the draft: all or nothing.

    One draft makes one case. The draft's row is claimed (deleted) first, inside the transaction, so a second
    submission of the same draft (a double click, two tabs) waits for the first and then finds it gone: it raises
    :class:`DraftAlreadySubmitted` with the first one's case reference instead of making a second case. The case
    also keeps the draft's id under a unique constraint, which the database enforces whatever happens.

    The draft's documents, already in the file store, become the case's (``documents_adopt``: nothing is copied);
    one that can no longer be read is refused in words. Raises what :func:`cspr.cases.services.notification_submit`
    and ``documents_adopt`` raise (``NotificationRefused``, ``NotificationInvalid``, ``CaseActionRefused``); then
    nothing is kept and the draft stays as it was, its documents with it.
    """
    draft_uuid = draft.uuid
    attached = [DraftDocument.from_answer(item) for item in draft.answers.get("documents", [])]
    with transaction.atomic():
        claimed, _ = NotificationDraft.objects.filter(pk=draft.pk).delete()
        if not claimed:
            earlier = Case.objects.filter(source_draft=draft_uuid).only("reference").first()
            raise DraftAlreadySubmitted(earlier.reference if earlier is not None else "")
        case = notification_submit(
            acting=acting,
            partnership=draft.partnership,
            data=data,
            as_referral=as_referral,
            submitted_at=submitted_at,
            source_draft=draft_uuid,
        )
        if attached:
            documents_adopt(acting=acting, case=case, stored_files=_documents_sent(draft, attached))
        audit(
            acting,
            "notification_draft.submitted",
            object_type=NotificationDraft._meta.label_lower,
            object_id=str(draft.pk),
            partnership=draft.partnership,
            grant=submitting_grant(acting=acting, partnership_id=draft.partnership_id, as_referral=as_referral),
            draft=str(draft_uuid),
            reference=case.reference,
            documents=len(attached),
        )
    return case
