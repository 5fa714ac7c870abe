from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_healthz_answers_ok_with_at_most_one_database_query() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) <= 1


@pytest.mark.django_db
def test_the_home_page_sends_anonymous_people_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2F"


def test_signed_in_pages_carry_security_headers_and_are_never_cached(client_as: Callable[[str], Client]) -> None:
    response = client_as("business.unit@example.org").get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_page_shows_the_official_sensitive_marking_and_no_crown(client_as: Callable[[str], Client]) -> None:
    html = client_as("business.unit@example.org").get("/").content.decode()
    assert "OFFICIAL-SENSITIVE" in html
    assert "govuk-header" not in html  # the GOV.UK header draws the crown: ours is our own
    assert "GOV.UK" not in html
    assert "Northvale Safeguarding Children Partnership (demo)" in html


def test_the_compiled_stylesheet_does_not_use_the_gds_transport_font() -> None:
    from pathlib import Path

    from django.conf import settings

    css = Path(settings.BASE_DIR, "build", "static", "css", "application.css")
    if not css.exists():
        pytest.skip("front-end assets not built (make assets builds them)")
    text = css.read_text()
    assert "GDS Transport" not in text
    assert "arial" in text.lower()
