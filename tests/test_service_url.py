"""Links in e-mails point at the service: SERVICE_URL, which `make run` sets from PORT."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cspr.messaging.models import OutboundMessage
from cspr.returns.models import InformationRequest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_URL = "http://127.0.0.1:8080"


def _env(**extra: str) -> dict[str, str]:
    unwanted = {"SERVICE_URL", "PORT", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MAKEFLAGS", "MAKELEVEL"}
    return {**{k: v for k, v in os.environ.items() if k not in unwanted}, **extra}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8080"}, 'SERVICE_URL="http://127.0.0.1:8080" scripts/run-dev'),
        ({}, 'SERVICE_URL="http://127.0.0.1:8000" scripts/run-dev'),
        ({"PORT": "8080", "SERVICE_URL": "https://reviews.example.org"}, 'SERVICE_URL="https://reviews.example.org"'),
    ],
)
def test_make_run_gives_the_service_the_address_it_is_started_at(env: dict[str, str], expected: str) -> None:
    result = subprocess.run(
        ["make", "-n", "run"],  # noqa: S607
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    # The demo's own e-mails, queued while it is seeded, link to the same address.
    seeding = next(line for line in result.stdout.splitlines() if "seed_demo" in line)
    assert seeding.startswith(expected.split(" ")[0])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_worker_gives_the_worker_the_address_too() -> None:
    result = subprocess.run(
        ["make", "-n", "worker"],  # noqa: S607
        cwd=ROOT,
        env=_env(PORT="8080"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert 'SERVICE_URL="http://127.0.0.1:8080"' in next(
        line for line in result.stdout.splitlines() if "run_worker" in line
    )


def test_the_dev_script_uses_the_port_when_no_service_url_is_set() -> None:
    script = (ROOT / "scripts" / "run-dev").read_text()
    assert 'export SERVICE_URL="${SERVICE_URL:-http://127.0.0.1:$port}"' in script
    assert script.index("export SERVICE_URL") < script.index("run_worker")


def test_the_settings_take_the_service_url_from_the_environment() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.SERVICE_URL)"],
        cwd=ROOT,
        env=_env(SERVICE_URL=SERVICE_URL + "/"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == SERVICE_URL


def _links(message: OutboundMessage) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", message.body + " " + message.html_body)


def test_links_in_queued_emails_come_from_service_url(
    client_as: Callable[[str], Client], settings: Any, demo: Any
) -> None:
    settings.SERVICE_URL = SERVICE_URL
    before = set(OutboundMessage.objects.values_list("pk", flat=True))
    police = InformationRequest.objects.get(
        case__reference="NVALE-2026-003", organisation__name="Vale and Moor Police (demo)"
    )
    chase = reverse("returns:chase", kwargs={"reference": "NVALE-2026-003", "request_uuid": police.uuid})
    assert client_as("business.unit@example.org").post(chase).status_code == 302
    # A password reset asked for through another host name still links to the service.
    Client(HTTP_HOST="localhost").post(reverse("accounts:password-reset"), {"email": "police.lead@example.org"})
    queued = OutboundMessage.objects.exclude(pk__in=before)
    assert {message.kind for message in queued} >= {"returns.chased", "accounts.password_reset"}
    for message in queued:
        links = _links(message)
        assert links, message.kind
        assert all(link.startswith(SERVICE_URL + "/") for link in links), (message.kind, links)
