"""Reads about API tokens (operators' commands; requests find their token through ``api_token_use``)."""

from __future__ import annotations

from django.db.models import QuerySet

from cspr.api.models import ApiToken

__all__ = ["api_tokens_by_prefix"]


def api_tokens_by_prefix(*, prefix: str) -> QuerySet[ApiToken]:
    """Tokens whose shown prefix starts with ``prefix`` (operators' commands only: not scoped)."""
    return ApiToken.objects.filter(prefix__startswith=prefix.strip()).select_related(
        "membership__user", "membership__partnership", "membership__organisation"
    )
