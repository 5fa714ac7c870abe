"""Local development: what a bare ``manage.py`` uses. SQLite under ``var/``, demo mode on."""

from __future__ import annotations

import os

from cspr.audit.local_keys import local_audit_keys
from cspr.files.keys import local_file_keys
from cspr.kernel.crypto import parse_keys
from cspr.kernel.keys import local_keys

from .base import *  # noqa: F403
from .base import AUDIT_CHAIN_KEYS, FIELD_ENCRYPTION_KEYS, FILE_KEYS, LOOKUP_HASH_KEY, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-not-a-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# The worker started by `make run` writes each e-mail to var/mail/<message-id>.eml.
CSPR_MAIL_BACKEND = os.environ.get("CSPR_MAIL_BACKEND", "file")

VAR_DIR.mkdir(parents=True, exist_ok=True)

if not FIELD_ENCRYPTION_KEYS or not LOOKUP_HASH_KEY:
    # Generated once under var/ (never committed) so the demo's data is encrypted like production's.
    FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY = local_keys(VAR_DIR)

if not AUDIT_CHAIN_KEYS:
    # Generated once under var/ too, so the demo's audit trail is signed like production's.
    AUDIT_CHAIN_KEYS = parse_keys(local_audit_keys(VAR_DIR), setting="AUDIT_CHAIN_KEYS")

if not FILE_KEYS:
    # And the file store's key, so the demo's uploads are encrypted at rest like production's (ADR 0016).
    FILE_KEYS = local_file_keys(VAR_DIR)
