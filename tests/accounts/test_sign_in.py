from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from cspr.accounts.forms import SIGN_IN_FAILED
from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.kernel.crypto import lookup_hash
from tests.support import authenticator_app, code_for

SIGN_IN = "/accounts/sign-in/"
SECOND_FACTOR = "/accounts/second-factor/"


def post_sign_in(client: Client, email: str, password: str, **extra: str) -> Any:
    return client.post(SIGN_IN, {"email": email, "password": password, **extra}, REMOTE_ADDR="198.51.100.7")


def sign_in_with_both_factors(client: Client, email: str, **extra: str) -> Any:
    """The password, then the code from the person's app: the response to the second step."""
    app = authenticator_app(User.objects.get(email=email.lower()))
    response = post_sign_in(client, email, DEMO_PASSWORD, **extra)
    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_FACTOR)
    return client.post(response["Location"], {"code": code_for(app), **extra}, REMOTE_ADDR="198.51.100.7")


def test_a_person_signs_in_with_e_mail_password_and_code_and_it_is_audited(demo: object) -> None:
    client = Client()
    response = sign_in_with_both_factors(client, "Business.Unit@Example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(verb="account.signed_in", actor__email="business.unit@example.org").exists()
    assert AuditEvent.objects.filter(verb="account.second_factor_verified", actor__email="business.unit@example.org")


def test_a_wrong_password_is_refused_with_a_clear_message_and_audited_without_the_address(demo: object) -> None:
    response = post_sign_in(Client(), "business.unit@example.org", "not-the-password")
    assert response.status_code == 400
    assert SIGN_IN_FAILED in response.content.decode()
    assert 'value="business.unit@example.org"' in response.content.decode()  # what was typed is kept
    failed = AuditEvent.objects.get(verb="account.sign_in_failed")
    assert "business.unit" not in str(failed.details)
    # A keyed hash: the same address gives the same value, but a list of addresses cannot reverse it.
    plain = hashlib.sha256(b"business.unit@example.org").hexdigest()[:16]
    assert failed.details["email_hash"] != plain
    assert failed.details["email_hash"] == lookup_hash("audit.email", "business.unit@example.org")[:16]


def test_empty_fields_get_an_error_summary_linking_to_each_field(demo: object) -> None:
    html = Client().post(SIGN_IN, {"email": "", "password": ""}).content.decode()
    assert "There is a problem" in html
    assert 'href="#id_email"' in html
    assert 'href="#id_password"' in html
    assert "<title>Error: Sign in" in html


def test_the_password_is_never_sent_back_to_the_browser(demo: object) -> None:
    html = post_sign_in(Client(), "business.unit@example.org", "wrong-password-typed").content.decode()
    assert "wrong-password-typed" not in html


def test_a_username_is_locked_after_five_failures_from_one_address(demo: object) -> None:
    client = Client()
    for _ in range(5):
        post_sign_in(client, "admin@example.org", "wrong-password")
    response = post_sign_in(client, "admin@example.org", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_a_lock_lifts_by_itself_half_an_hour_after_the_last_try(demo: object) -> None:
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_sign_in(client, "admin@example.org", "wrong-password")
        assert post_sign_in(client, "admin@example.org", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=29), tick=False):  # trying again keeps it locked
        assert post_sign_in(client, "admin@example.org", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert post_sign_in(client, "admin@example.org", DEMO_PASSWORD).status_code == 302


def test_failures_from_elsewhere_do_not_lock_the_username_out_from_a_different_address(demo: object) -> None:
    attacker = Client()
    for _ in range(6):
        attacker.post(SIGN_IN, {"email": "business.unit@example.org", "password": "guess"}, REMOTE_ADDR="203.0.113.9")
    response = post_sign_in(Client(), "business.unit@example.org", DEMO_PASSWORD)
    assert response.status_code == 302


def test_changing_the_case_of_the_address_does_not_buy_more_guesses(demo: object) -> None:
    client = Client()
    variants = [
        "admin@example.org",
        "Admin@example.org",
        "ADMIN@example.org",
        "admin@Example.org",
        " aDmin@example.org",
    ]
    for email in variants:
        post_sign_in(client, email, "wrong-password")
    assert post_sign_in(client, "Admin@EXAMPLE.org", DEMO_PASSWORD).status_code == 429


def test_sign_out_ends_the_session_on_the_server(client_as: Callable[[str], Client]) -> None:
    client = client_as("business.unit@example.org")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post(client_as: Callable[[str], Client]) -> None:
    assert client_as("business.unit@example.org").get("/accounts/sign-out/").status_code == 405


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/"])
def test_sign_in_never_redirects_to_another_site(demo: object, target: str) -> None:
    response = sign_in_with_both_factors(Client(), "business.unit@example.org", next=target)
    assert response["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(demo: object) -> None:
    response = sign_in_with_both_factors(Client(), "business.unit@example.org", next="/partnership/")
    assert response["Location"] == "/partnership/"


def test_a_disabled_account_cannot_sign_in(demo: object, user: Callable[[str], object]) -> None:
    person = user("auditor@example.org")
    person.is_active = False  # type: ignore[attr-defined]
    person.save()  # type: ignore[attr-defined]
    assert post_sign_in(Client(), "auditor@example.org", DEMO_PASSWORD).status_code == 400
