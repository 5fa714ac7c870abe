"""Drafts of the "Report a serious incident" form (issue 5 item 1).

A draft belongs to one person in one partnership. Its answers may name children and families, so they are kept only
as one JSON document sealed with :func:`cspr.kernel.crypto.encrypt`, bound to
``cases.notificationdraft.payload.<uuid>``: the database row, the session table and the URL hold nothing that
identifies anybody. Files uploaded to a draft are kept by the file store, encrypted at rest, and the answers name
them by uuid (see :mod:`cspr.cases.drafts`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models

from cspr.kernel.crypto import decrypt, encrypt

__all__ = ["NotificationDraft"]


class NotificationDraft(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_drafts")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    current_step = models.CharField(max_length=40, blank=True, help_text="The page to resume on.")
    payload_sealed = models.TextField(blank=True, help_text="The answers as JSON, encrypted with the row's context.")

    class Meta:
        ordering = ["-updated_at", "-id"]
        # The drafts list: one person's drafts in one partnership, most recently saved first.
        indexes = [models.Index(fields=["owner", "partnership", "updated_at", "id"], name="draft_list_idx")]

    def __str__(self) -> str:
        return f"Draft {self.uuid}"

    @property
    def payload_context(self) -> str:
        return f"{self._meta.app_label}.{self._meta.model_name}.payload.{self.uuid}"

    @property
    def answers(self) -> dict[str, Any]:
        """The decrypted answers ({} for a new draft)."""
        if not self.payload_sealed:
            return {}
        value = json.loads(decrypt(self.payload_sealed, context=self.payload_context))
        return value if isinstance(value, dict) else {}

    def seal_answers(self, answers: dict[str, Any]) -> None:
        self.payload_sealed = encrypt(json.dumps(answers, separators=(",", ":")), context=self.payload_context)
