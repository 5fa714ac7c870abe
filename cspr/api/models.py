"""API tokens: a service account's key, acting with exactly one membership's permissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One bearer token. Only the SHA-256 of the token is kept; the token itself is shown once, when issued.

    The token acts with its membership's role, organisation and partnership and nothing else, and only while
    the membership and its person are active and the token is not revoked.
    """

    membership = models.ForeignKey("partnerships.Membership", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=200, help_text="What the token is for, e.g. the system that uses it.")
    prefix = models.CharField(max_length=20, unique=True, help_text="The token's first characters, to identify it.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="Updated at most once a minute.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotentRequest(models.Model):
    """A POST that carried an ``Idempotency-Key``: the body's hash and the answer given, kept for a day.

    The same token sending the same key and the same body again within :data:`cspr.api.services.IDEMPOTENCY_WINDOW`
    gets this answer again instead of a second case; the same key with another body is refused. Only successful
    answers are kept (a refused or invalid request leaves nothing, so it can be corrected and sent again).
    The answer holds a reference and a stage, never identifying details.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_token_and_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]

    def __str__(self) -> str:
        return f"{self.token_id}/{self.key}"
