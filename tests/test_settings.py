"""A bare manage.py uses local settings; production settings refuse to start without their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unwanted = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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


def test_production_settings_pass_the_deployment_checks() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "cspr.settings.production",
        "SECRET_KEY": "p" * 30 + "q" * 30 + "r7s8t9",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ALLOWED_HOSTS": "reviews.example.org",
        "FIELD_ENCRYPTION_KEYS": "prod1:dGVzdC1rZXktb25lLW5vdC1zZWNyZXQtMzJieXRlcyE",
        "LOOKUP_HASH_KEY": "bG9va3VwLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGU",
        "AUDIT_CHAIN_KEYS": "prodaudit1:YXVkaXQta2V5LW9uZS1mb3ItdGVzdHMtb25seS0zMmI",
        "AUDIT_CHECKPOINT_DIR": "/nonexistent/shared/audit",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_the_field_encryption_keys() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "cspr.settings.production",
        "SECRET_KEY": "p" * 30 + "q" * 30 + "r7s8t9",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ALLOWED_HOSTS": "reviews.example.org",
    }
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_local_settings_generate_a_private_key_file_once(tmp_path: Path) -> None:
    from cspr.core.keys import local_keys

    first = local_keys(tmp_path)
    assert (tmp_path / "field-keys.json").stat().st_mode & 0o077 == 0
    assert local_keys(tmp_path) == first


def test_production_settings_refuse_to_start_with_a_malformed_field_key() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "cspr.settings.production",
        "SECRET_KEY": "p" * 30 + "q" * 30 + "r7s8t9",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ALLOWED_HOSTS": "reviews.example.org",
        "FIELD_ENCRYPTION_KEYS": "not-a-key",
        "LOOKUP_HASH_KEY": "bG9va3VwLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGU",
    }
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "keyid:base64key" in result.stderr
