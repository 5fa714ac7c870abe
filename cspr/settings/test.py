"""Settings for the test suite: fast hashing, in-memory mail, whatever database DATABASE_URL names."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from cspr.kernel.crypto import parse_keys

from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES, VAR_DIR, private_files_storage

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
DEMO_MODE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Argon2 is deliberately slow; the suite signs in as every role many times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT = VAR_DIR / "test-static"
WHITENOISE_AUTOREFRESH = True
TEST_RUNNER_ROOT = BASE_DIR

# The outbox delivers through Django's in-memory mailer: inspect django.core.mail.outbox.
CSPR_MAIL_BACKEND = "smtp"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CSPR_MAIL_DIR = VAR_DIR / "test-mail"
CSPR_MESSAGE_ID_DOMAIN = "cspr.invalid"
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
# Tests do not need collected, hashed static files; the file store writes under the tests' private folder.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private_files": private_files_storage(PRIVATE_MEDIA_ROOT),
}

# Fixed keys for tests only: two, so rotation can be exercised.
FIELD_ENCRYPTION_KEYS = [
    "test2:dGVzdC1rZXktdHdvLW5vdC1zZWNyZXQtMzJieXRlcyE",
    "test1:dGVzdC1rZXktb25lLW5vdC1zZWNyZXQtMzJieXRlcyE",
]
LOOKUP_HASH_KEY = "bG9va3VwLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGU"
# Fixed file store keys for tests only (two, for rotation), like the field keys above.
FILE_KEYS = [
    "files2:ZmlsZS1rZXktdHdvLWZvci10ZXN0cy1vbmx5LTMyYnk",
    "files1:ZmlsZS1rZXktb25lLWZvci10ZXN0cy1vbmx5LTMyYnk",
]

# Fixed audit chain keys for tests only (two, for rotation), and checkpoints in a private temporary
# directory of this test process, removed when it ends: tests never write to a real checkpoint store.
AUDIT_CHAIN_KEYS = parse_keys(
    [
        "audit2:YXVkaXQta2V5LXR3by1mb3ItdGVzdHMtb25seS0zMmI",
        "audit1:YXVkaXQta2V5LW9uZS1mb3ItdGVzdHMtb25seS0zMmI",
    ],
    setting="AUDIT_CHAIN_KEYS",
)
AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="cspr-test-audit-checkpoints-"))
atexit.register(shutil.rmtree, AUDIT_CHECKPOINT_DIR, ignore_errors=True)
