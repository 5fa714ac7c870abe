"""Production: chosen explicitly with DJANGO_SETTINGS_MODULE, refuses to start without its secrets or with settings
that are only safe for the demo. Each refusal is an ImproperlyConfigured naming the setting to change.

Production never runs in demo mode: demo mode lets people sign in without a second factor, so a ``DEMO_MODE`` that is
switched on is itself refused. A demonstration runs with the local settings (``make run``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cspr.kernel.crypto import check_field_keys, parse_keys

from .base import *  # noqa: F403
from .base import CSPR_MAIL_BACKEND, env_bool


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Production settings need the environment variable {name}.")
    return value


if env_bool("DEMO_MODE", False):
    raise ImproperlyConfigured(
        "DEMO_MODE must not be on with the production settings: demo mode lets people sign in without a second factor."
    )
DEMO_MODE = False

SECRET_KEY = required("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

_database_engine = str(dj_database_url.parse(required("DATABASE_URL")).get("ENGINE", ""))
if "sqlite" in _database_engine:
    raise ImproperlyConfigured(
        "DATABASE_URL names a SQLite database: production needs PostgreSQL (SQLite is for the demo only)."
    )
if not _database_engine.endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://…) in production.")

FIELD_ENCRYPTION_KEYS = [entry.strip() for entry in required("FIELD_ENCRYPTION_KEYS").split(",") if entry.strip()]
LOOKUP_HASH_KEY = required("LOOKUP_HASH_KEY")
# Check the keys' form now, so a bad key stops the start rather than the first request that needs it.
check_field_keys(FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY)
# The audit chain's keys (never the field keys) and the shared directory its signed checkpoints go to.
AUDIT_CHAIN_KEYS = parse_keys(required("AUDIT_CHAIN_KEYS").split(","), setting="AUDIT_CHAIN_KEYS")
if {key for _, key in AUDIT_CHAIN_KEYS} & {key for _, key in parse_keys(FIELD_ENCRYPTION_KEYS)}:
    raise ImproperlyConfigured("AUDIT_CHAIN_KEYS must not reuse a key from FIELD_ENCRYPTION_KEYS.")
AUDIT_CHECKPOINT_DIR = Path(required("AUDIT_CHECKPOINT_DIR"))
# The file store's keys (ADR 0016): their own, never a field or audit chain key.
FILE_KEYS = [entry.strip() for entry in required("FILE_KEYS").split(",") if entry.strip()]
if {key for _, key in parse_keys(FILE_KEYS, setting="FILE_KEYS")} & (
    {key for _, key in AUDIT_CHAIN_KEYS} | {key for _, key in parse_keys(FIELD_ENCRYPTION_KEYS)}
):
    raise ImproperlyConfigured("FILE_KEYS must not reuse a key from FIELD_ENCRYPTION_KEYS or AUDIT_CHAIN_KEYS.")

ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",")]
if any(not host or "*" in host for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the service's host names, comma-separated: '*' and empty entries are not allowed "
        "in production."
    )
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

# Links in e-mails: the address people reach the service at, over HTTPS.
SERVICE_URL = required("SERVICE_URL").rstrip("/")
if not SERVICE_URL.startswith("https://") or len(SERVICE_URL) <= len("https://"):
    raise ImproperlyConfigured("SERVICE_URL must be the service's https:// address in production.")

if CSPR_MAIL_BACKEND == "file":
    raise ImproperlyConfigured(
        "CSPR_MAIL_BACKEND=file writes e-mails to disk and sends nothing: use smtp or notify in production."
    )

# Uploads are scanned for viruses (cspr.kernel.documents.scan_file) unless the operator waives it in so many words.
CASE_DOCUMENT_SCANNER = os.environ.get("CASE_DOCUMENT_SCANNER", "").strip()
CASE_DOCUMENT_SCANNER_WAIVED = env_bool("CASE_DOCUMENT_SCANNER_WAIVED", False)
if not CASE_DOCUMENT_SCANNER and not CASE_DOCUMENT_SCANNER_WAIVED:
    raise ImproperlyConfigured(
        "CASE_DOCUMENT_SCANNER must name the virus scanner for uploads (a dotted path to a function scan(path)); "
        "to run without one, set CASE_DOCUMENT_SCANNER_WAIVED=true."
    )
if not CASE_DOCUMENT_SCANNER:
    # Said once at start-up (by each process that loads the settings), before logging is configured.
    print(
        "WARNING: uploads are not virus-scanned (CASE_DOCUMENT_SCANNER_WAIVED=true, no CASE_DOCUMENT_SCANNER).",
        file=sys.stderr,
    )

DEBUG = False
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
