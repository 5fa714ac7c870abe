"""The audit chain's keys: ``settings.AUDIT_CHAIN_KEYS``, parsed by the settings (``cspr.kernel.crypto.parse_keys``)
into ((key id, 32-byte key), …), newest first. They live in the environment, never in the database."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def audit_keys() -> dict[str, bytes]:
    return dict(settings.AUDIT_CHAIN_KEYS)


def current_audit_key() -> tuple[str, bytes]:
    """The newest key: every new event and checkpoint is signed with it."""
    keys = tuple(settings.AUDIT_CHAIN_KEYS)
    if not keys:
        raise ImproperlyConfigured("No audit chain key is configured (AUDIT_CHAIN_KEYS).")
    key_id, key = keys[0]
    return str(key_id), bytes(key)
