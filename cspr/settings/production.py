"""Production: chosen explicitly with DJANGO_SETTINGS_MODULE, refuses to start without its secrets."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from cspr.core.crypto import check_field_keys, parse_keys

from .base import *  # noqa: F403


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Production settings need the environment variable {name}.")
    return value


SECRET_KEY = required("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
required("DATABASE_URL")
FIELD_ENCRYPTION_KEYS = [entry.strip() for entry in required("FIELD_ENCRYPTION_KEYS").split(",") if entry.strip()]
LOOKUP_HASH_KEY = required("LOOKUP_HASH_KEY")
# Check the keys' form now, so a bad key stops the start rather than the first request that needs it.
check_field_keys(FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY)
# The audit chain's keys (never the field keys) and the shared directory its signed checkpoints go to.
AUDIT_CHAIN_KEYS = parse_keys(required("AUDIT_CHAIN_KEYS").split(","), setting="AUDIT_CHAIN_KEYS")
if {key for _, key in AUDIT_CHAIN_KEYS} & {key for _, key in parse_keys(FIELD_ENCRYPTION_KEYS)}:
    raise ImproperlyConfigured("AUDIT_CHAIN_KEYS must not reuse a key from FIELD_ENCRYPTION_KEYS.")
AUDIT_CHECKPOINT_DIR = Path(required("AUDIT_CHECKPOINT_DIR"))
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

DEBUG = False
DEMO_MODE = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The TLS proxies in front of the service (each appends the address it saw to X-Forwarded-For).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
