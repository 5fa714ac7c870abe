"""Drafts of the "Report a serious incident" form: reads, writes and the documents kept with them.

A draft's answers are one JSON document, sealed in the row (:class:`~cspr.cases.models_drafts.NotificationDraft`).
Pages save what the person typed, as typed, so nothing is lost when a page has errors or the session ends. The
answers' shape is the web form's business (:mod:`cspr.intake.forms`); this module stores and audits them.

Drafts are audited when created, submitted and deleted, with the draft's uuid only, never its content. Files
uploaded to a draft are checked exactly as case documents are (:func:`cspr.kernel.documents.store`: size, type by
content, the scanner hook) and then kept sealed under ``PRIVATE_MEDIA_ROOT/drafts/<draft uuid>/`` until the draft
is submitted (they are attached to the case with :func:`cspr.cases.services.document_attach`) or deleted.
"""

from __future__ import annotations

import base64
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cspr.cases.models import Case
from cspr.cases.models_drafts import NotificationDraft
from cspr.cases.notification import NotificationData
from cspr.cases.services import document_attach, notification_submit, submitting_grant
from cspr.cases.services.common import la_notifier_grant, referring_grant
from cspr.core.policy import DOCUMENT_UPLOADERS
from cspr.kernel import documents
from cspr.kernel.acting import Acting, system_acting
from cspr.kernel.crypto import DecryptionError, decrypt, encrypt, needs_rotation
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
    *,
    acting: Acting,
    partnership: Partnership,
    answers: dict[str, Any],
    current_step: str,
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


def _files_dir(draft: NotificationDraft) -> Path:
    return documents.root() / "drafts" / str(draft.uuid)


def _remove_files(draft_uuid: uuid.UUID) -> None:
    shutil.rmtree(documents.root() / "drafts" / str(draft_uuid), ignore_errors=True)


def draft_delete(*, acting: Acting, draft: NotificationDraft) -> None:
    draft_uuid = draft.uuid
    with transaction.atomic():
        audit(acting, "notification_draft.deleted", obj=draft, partnership=draft.partnership, draft=str(draft_uuid))
        draft.delete()
        transaction.on_commit(lambda: _remove_files(draft_uuid))


# -- documents -----------------------------------------------------------------------------------------------------


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


def _document_context(draft_uuid: uuid.UUID, key: str) -> str:
    return f"cases.notificationdraft.document.{draft_uuid}.{key}"


def draft_document_add(*, draft: NotificationDraft, upload: Any, title: str) -> DraftDocument:
    """Check the file as a case document is checked, then keep it sealed with the draft.

    Raises :class:`cspr.kernel.documents.FileRejected` (with the words to show) for a file that may not be kept.
    """
    if len(draft.answers.get("documents", [])) >= MAX_DRAFT_DOCUMENTS:
        raise documents.FileRejected(TOO_MANY_DOCUMENTS)
    key = uuid.uuid4().hex
    # The same checks as a case document; the checked copy is sealed and the plain one removed at once.
    checking_dir = f"draft-{draft.uuid}"
    stored = documents.store(upload=upload, case_uuid=checking_dir, document_uuid=key)
    plain = documents.absolute(stored.relative_path)
    try:
        sealed = encrypt(
            base64.b64encode(plain.read_bytes()).decode("ascii"), context=_document_context(draft.uuid, key)
        )
    finally:
        documents.remove(stored.relative_path)
        shutil.rmtree(plain.parent, ignore_errors=True)
    directory = _files_dir(draft)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = directory / key
    with open(target, "x", encoding="ascii") as handle:
        target.chmod(0o600)
        handle.write(sealed)
    document = DraftDocument(
        key=key,
        title=title.strip(),
        filename=documents.safe_name(getattr(upload, "name", "") or "document"),
        content_type=stored.content_type,
        size=stored.size,
    )

    def add(answers: dict[str, Any]) -> None:
        answers.setdefault("documents", []).append(document.__dict__.copy())

    try:
        draft_update(draft=draft, change=add)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return document


def draft_document_remove(*, draft: NotificationDraft, key: str) -> bool:
    found = any(item.get("key") == key for item in draft.answers.get("documents", []))
    if not found:
        return False

    def remove(answers: dict[str, Any]) -> None:
        answers["documents"] = [item for item in answers.get("documents", []) if item.get("key") != key]

    draft_update(draft=draft, change=remove)
    (_files_dir(draft) / key).unlink(missing_ok=True)
    return True


def _document_upload(draft: NotificationDraft, document: DraftDocument) -> SimpleUploadedFile:
    path = _files_dir(draft) / document.key
    try:
        sealed = path.read_text(encoding="ascii")
    except (OSError, ValueError):
        raise documents.FileRejected(DOCUMENT_MISSING) from None
    try:
        content = base64.b64decode(decrypt(sealed, context=_document_context(draft.uuid, document.key)))
    except DecryptionError:  # its key was removed, or the file was changed or moved
        raise documents.FileRejected(DOCUMENT_MISSING) from None
    return SimpleUploadedFile(document.filename, content, content_type=document.content_type)


def draft_documents_reseal() -> int:
    """Re-seal draft documents that an older key sealed, with the newest key. Returns how many were re-sealed.

    Each file is rewritten whole (a new file, then renamed over the old one), so a crash leaves either the old
    sealed file or the new one. Safe to run again; audited when anything changed.
    """
    count = 0
    for draft in NotificationDraft.objects.only("pk", "uuid", "payload_sealed").iterator():
        for item in draft.answers.get("documents", []):
            key = str(item.get("key", ""))
            path = _files_dir(draft) / key
            if not key or not path.is_file():
                continue
            sealed = path.read_text(encoding="ascii")
            if not needs_rotation(sealed):
                continue
            context = _document_context(draft.uuid, key)
            fresh = path.with_name(f"{key}.new")
            with open(fresh, "w", encoding="ascii") as handle:
                fresh.chmod(0o600)
                handle.write(encrypt(decrypt(sealed, context=context), context=context))
            fresh.replace(path)
            count += 1
    if count:
        with transaction.atomic():
            audit(system_acting(), "keys.resealed", object_type="cases.draft_document", files=count)
    return count


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
    """Submit the notification or referral, attach the draft's documents, and remove the draft: all or nothing.

    One draft makes one case. The draft's row is claimed (deleted) first, inside the transaction, so a second
    submission of the same draft (a double click, two tabs) waits for the first and then finds it gone: it raises
    :class:`DraftAlreadySubmitted` with the first one's case reference instead of making a second case. The case
    also keeps the draft's id under a unique constraint, which the database enforces whatever happens.

    Raises what :func:`cspr.cases.services.notification_submit` and ``document_attach`` raise
    (``NotificationRefused``, ``NotificationInvalid``, ``CaseActionRefused``); then nothing is kept and the draft
    stays as it was.
    """
    draft_uuid = draft.uuid
    attached = [DraftDocument.from_answer(item) for item in draft.answers.get("documents", [])]
    created: list[Case] = []
    try:
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
            created.append(case)
            for document in attached:
                document_attach(
                    acting=acting,
                    case=case,
                    upload=_document_upload(draft, document),
                    title=document.title,
                    uploaded_at=case.submitted_at,
                )
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
            transaction.on_commit(lambda: _remove_files(draft_uuid))
    except BaseException:
        # The case is rolled back; so are the files attached to it before the failure.
        for case in created:
            shutil.rmtree(documents.root() / "cases" / str(case.uuid), ignore_errors=True)
        raise
    return case
