"""The file store's keys: required (and their own) in production, generated under var/ for local development."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.production_env import PRODUCTION
from tests.test_settings import run_manage

FIELD_KEY = PRODUCTION["FIELD_ENCRYPTION_KEYS"]
AUDIT_KEY = PRODUCTION["AUDIT_CHAIN_KEYS"]


@pytest.mark.parametrize(
    ("file_keys", "said"),
    [
        ("", "FILE_KEYS"),
        ("   ", "FILE_KEYS"),
        ("not-a-key", "keyid:base64key"),
        ("short:c2hvcnQ", "FILE_KEYS must be 32 bytes"),
        ("reused:" + FIELD_KEY.partition(":")[2], "FILE_KEYS must not reuse"),
        ("reused:" + AUDIT_KEY.partition(":")[2], "FILE_KEYS must not reuse"),
    ],
)
def test_production_settings_refuse_to_start_without_file_keys_of_their_own(file_keys: str, said: str) -> None:
    result = run_manage("check", env={**PRODUCTION, "FILE_KEYS": file_keys})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert said in last


def test_production_settings_start_with_file_keys_and_keep_files_in_the_private_folder() -> None:
    show = (
        "from django.conf import settings; "
        "print(settings.FILE_KEYS); "
        "print(settings.STORAGES['private_files']['OPTIONS']['location'] == settings.PRIVATE_MEDIA_ROOT)"
    )
    result = run_manage("shell", "-c", show, env={**PRODUCTION, "PRIVATE_MEDIA_ROOT": "/srv/cspr/private"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == [str([PRODUCTION["FILE_KEYS"]]), "True"]


def test_local_settings_generate_a_private_file_key_once(tmp_path: Path) -> None:
    from cspr.files.keys import local_file_keys
    from cspr.kernel.crypto import parse_keys

    first = local_file_keys(tmp_path)
    path = tmp_path / "file-keys.json"
    assert path.stat().st_mode & 0o077 == 0
    assert local_file_keys(tmp_path) == first
    assert parse_keys(first, setting="FILE_KEYS")[0][0] == "local1"
    assert json.loads(path.read_text()) == {"file_keys": first}
