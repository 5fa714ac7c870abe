"""The environment of a correctly configured production start, for tests that change one setting at a time."""

from __future__ import annotations

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cspr.settings.production",
    "SECRET_KEY": "p" * 30 + "q" * 30 + "r7s8t9",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "ALLOWED_HOSTS": "reviews.example.org",
    "SERVICE_URL": "https://reviews.example.org",
    "FIELD_ENCRYPTION_KEYS": "prod1:dGVzdC1rZXktb25lLW5vdC1zZWNyZXQtMzJieXRlcyE",
    "LOOKUP_HASH_KEY": "bG9va3VwLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGU",
    "CASE_DOCUMENT_SCANNER": "scanners.clamd.scan",
    "AUDIT_CHAIN_KEYS": "prodaudit1:YXVkaXQta2V5LW9uZS1mb3ItdGVzdHMtb25seS0zMmI",
    "AUDIT_CHECKPOINT_DIR": "/nonexistent/shared/audit",
    "FILE_KEYS": "prodfiles1:cHJvZC1maWxlLWtleS1mb3ItdGVzdHMtb25seS0zMmI",
}
