"""A partnership's own wording for the procedure's criteria (its procedure's text is its data, not ours)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CriterionWording(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="criterion_wordings"
    )
    code = models.CharField(max_length=60)
    text = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="one_wording_per_criterion")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:40]}"
