"""The one stored-file model (ADR 0016): every file the service keeps, whatever it is for.

A row holds what the service knows about a file without opening it: whose it is (the partnership), what it is for
(``purpose``), where the storage keeps it (``storage_name``, ours, never the upload's), its kind (the content type
of the kind detected from its contents), the size and SHA-256 of its plain contents (checked on every read), and the
id of the ``FILE_KEYS`` key its contents are encrypted under. Its title and the name it was uploaded under may name
people: both are sealed like other free text (ADR 0009), bound to ``files.storedfile.<field>.<uuid>``.

The feature apps point at a row (case documents, meeting papers, return attachments, drafts and reports) and keep
their own object rules; the row knows nothing of cases or meetings.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils import timezone

from cspr.kernel.records import NamedById, account
from cspr.kernel.sealing import SealedModel, sealed_text


class Purpose(models.TextChoices):
    CASE_DOCUMENT = "case_document", "Case document"
    NOTIFICATION_DOCUMENT = "notification_document", "Document sent with a notification"
    MEETING_PAPER = "meeting_paper", "Paper for a PRG meeting"
    RETURN_ATTACHMENT = "return_attachment", "File attached to an agency return"
    REVIEW_DRAFT = "review_draft", "Draft of a review report"
    LETTERHEAD_LOGO = "letterhead_logo", "The partnership's logo on its letters"


class StoredFile(SealedModel):
    """A file kept by the store: contents encrypted at rest, read only through ``cspr.files.services``."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="stored_files")
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    storage_name = models.CharField(
        max_length=255, unique=True, help_text="The name the private_files storage keeps the encrypted blob under."
    )
    original_name_sealed = sealed_text(
        "The name the file was uploaded under (it may name people): sealed.", blank=False
    )
    title_sealed = sealed_text("What the file is (sealed: it may name people all the same).", blank=False)
    content_type = models.CharField(max_length=100, help_text="The detected kind's content type, never the browser's.")
    size = models.PositiveBigIntegerField(help_text="Bytes of the plain contents.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the plain contents, compared on every read.")
    key_id = models.CharField(max_length=40, help_text="The FILE_KEYS key the contents are encrypted under.")
    uploaded_by = account(optional=True, help_text="Empty for a file the service made itself.")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["key_id"], name="files_storedfile_key_id")]

    @property
    def uploaded_on(self) -> date:
        return timezone.localdate(self.uploaded_at)


class StoredFileRow(NamedById):
    """The base of a feature app's row for one stored file (a case document, a meeting paper, a return attachment):
    the row's own uuid, for its URLs, and the file, listed in the order the files were uploaded. The app adds the
    foreign key to what the file belongs to."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["stored_file__uploaded_at", "id"]
