"""A bare manage.py uses local settings; production settings refuse to start without their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_env import PRODUCTION

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unwanted = {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ALLOWED_HOSTS",
        "SERVICE_URL",
        "CSPR_MAIL_BACKEND",
        "CASE_DOCUMENT_SCANNER",
        "CASE_DOCUMENT_SCANNER_WAIVED",
        "DEMO_MODE",
        "FIELD_ENCRYPTION_KEYS",
        "LOOKUP_HASH_KEY",
    }
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_a_bare_manage_py_uses_local_development_settings_on_sqlite() -> None:
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])", env={}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.sqlite3"


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": "cspr.settings.production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


NOT_SCANNED = "WARNING: uploads are not virus-scanned"


def test_production_settings_pass_the_deployment_checks() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert NOT_SCANNED not in result.stderr


# By setting, values production must refuse to start with, naming the setting in its error.
UNSAFE_VALUES = {
    "DATABASE_URL": ["sqlite:////srv/cspr/db.sqlite3", "sqlite://:memory:", "mysql://cspr@db.internal/cspr"],
    "ALLOWED_HOSTS": ["*", "reviews.example.org,*", "reviews.example.org,,other.example.org", "reviews.example.org, "],
    "CSPR_MAIL_BACKEND": ["file"],
    "SERVICE_URL": ["", "http://reviews.example.org", "https://"],
    "DEMO_MODE": ["true"],
}
# No virus scanner is refused as well, unless it is waived in so many words (the next test).
NOT_WAIVED = [{}, {"CASE_DOCUMENT_SCANNER_WAIVED": "false"}, {"CASE_DOCUMENT_SCANNER_WAIVED": "maybe"}]
UNSAFE_CHANGES = [
    *(({"CASE_DOCUMENT_SCANNER": "", **waiver}, "CASE_DOCUMENT_SCANNER") for waiver in NOT_WAIVED),
    *(({setting: value}, setting) for setting, values in UNSAFE_VALUES.items() for value in values),
]


@pytest.mark.parametrize(("change", "named"), UNSAFE_CHANGES)
def test_production_settings_refuse_to_start_with_an_unsafe_setting_and_name_it(
    change: dict[str, str], named: str
) -> None:
    result = run_manage("check", "--deploy", env={**PRODUCTION, **change})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert named in last


def test_production_may_run_without_a_scanner_only_when_waived_and_says_so_once_at_start_up() -> None:
    env = {**PRODUCTION, "CASE_DOCUMENT_SCANNER": "", "CASE_DOCUMENT_SCANNER_WAIVED": "true"}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.count(NOT_SCANNED) == 1


# The basic settings of a production start, with none of the keys.
BASIC = {name: PRODUCTION[name] for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")}


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        pytest.param({}, "FIELD_ENCRYPTION_KEYS", id="missing"),
        pytest.param(
            {"FIELD_ENCRYPTION_KEYS": "not-a-key", "LOOKUP_HASH_KEY": PRODUCTION["LOOKUP_HASH_KEY"]},
            "keyid:base64key",
            id="malformed",
        ),
    ],
)
def test_production_settings_refuse_to_start_without_good_field_encryption_keys(
    keys: dict[str, str], said: str
) -> None:
    result = run_manage("check", env={**BASIC, **keys})
    assert result.returncode != 0
    assert said in result.stderr


def test_local_settings_generate_a_private_key_file_once(tmp_path: Path) -> None:
    from cspr.kernel.keys import local_keys

    first = local_keys(tmp_path)
    assert (tmp_path / "field-keys.json").stat().st_mode & 0o077 == 0
    assert local_keys(tmp_path) == first
