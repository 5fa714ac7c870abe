"""Resetting a forgotten password by e-mail, and changing it when signed in."""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cspr.accounts.forms import CURRENT_PASSWORD_WRONG, NEW_PASSWORDS_DIFFER
from cspr.accounts.models import User, UserSession
from cspr.accounts.services import PASSWORD_RESET_MESSAGE_KIND
from cspr.audit.models import AuditEvent
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership

RESET = "/accounts/password-reset/"
NEW_PASSWORD = "lantern-orchard-velvet-42"


@pytest.fixture
def quick_floor(settings: Any) -> float:
    settings.PASSWORD_RESET_RESPONSE_SECONDS = 0.05
    return 0.05


def reset_messages() -> Any:
    return OutboundMessage.objects.filter(kind=PASSWORD_RESET_MESSAGE_KIND)


def reset_message() -> OutboundMessage:
    message: OutboundMessage = reset_messages().get()
    return message


def ask_for_link(email: str) -> Any:
    return Client().post(RESET, {"email": email}, follow=True)


def link_in(message: OutboundMessage) -> str:
    # The link starts with SERVICE_URL, never with the Host header the request came with ("testserver").
    match = re.search(re.escape(settings.SERVICE_URL) + r"(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def choose_password(link: str, password: str = NEW_PASSWORD) -> tuple[Client, Any]:
    client = Client()
    landing = client.get(link)
    assert landing.status_code == 302
    set_password = landing["Location"]
    assert "/set-password/" in set_password
    assert link.split("/")[-2] not in set_password  # the token left the address bar
    return client, client.post(set_password, {"new_password1": password, "new_password2": password})


def test_a_known_address_gets_one_message_with_only_a_link(demo: dict[str, Partnership], quick_floor: float) -> None:
    response = ask_for_link("Reviewer@Example.org ")
    assert response.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    message = reset_message()
    assert message.to == "reviewer@example.org"
    assert message.kind == PASSWORD_RESET_MESSAGE_KIND
    assert message.holds_secret  # the reset link is blanked from the outbox once sent
    assert message.partnership is None
    assert message.subject == "Reset your password"
    for personal in ("Rowan", "Achterberg", "reviewer"):
        assert personal not in message.body
    assert link_in(message)
    event = AuditEvent.objects.get(verb="account.password_reset_requested")
    assert "reviewer" not in str(event.details)


def test_an_unknown_address_gets_the_same_answer_and_no_message(
    demo: dict[str, Partnership], quick_floor: float
) -> None:
    known = ask_for_link("reviewer@example.org")
    unknown = ask_for_link("nobody@example.org")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert reset_messages().count() == 1
    assert AuditEvent.objects.filter(verb="account.password_reset_requested").count() == 2


def test_a_disabled_account_gets_no_message(demo: dict[str, Partnership], quick_floor: float) -> None:
    User.objects.filter(email="reviewer@example.org").update(is_active=False)
    ask_for_link("reviewer@example.org")
    assert not reset_messages().exists()


def test_asking_takes_the_same_minimum_time_whether_or_not_the_address_exists(
    demo: dict[str, Partnership], settings: Any
) -> None:
    settings.PASSWORD_RESET_RESPONSE_SECONDS = 0.3
    timings = {}
    for email in ["reviewer@example.org", "nobody@example.org"]:
        started = time.monotonic()
        Client().post(RESET, {"email": email})
        timings[email] = time.monotonic() - started
    assert all(seconds >= 0.3 for seconds in timings.values()), timings


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    demo: dict[str, Partnership], quick_floor: float, client_as: Callable[[str], Client]
) -> None:
    signed_in = client_as("reviewer@example.org")
    ask_for_link("reviewer@example.org")
    link = link_in(reset_message())
    _, response = choose_password(link)
    assert response["Location"] == "/accounts/password-reset/done/"
    person = User.objects.get(email="reviewer@example.org")
    assert person.check_password(NEW_PASSWORD)
    assert signed_in.get("/")["Location"].startswith("/accounts/sign-in/")
    assert not UserSession.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(verb="account.password_reset", actor=person).count() == 1
    # Used once: the link no longer works.
    again = Client().get(link)
    assert again.status_code == 200
    assert "The link has expired" in again.content.decode()
    # The new password signs in (the second factor is still needed afterwards).
    fresh = Client().post("/accounts/sign-in/", {"email": "reviewer@example.org", "password": NEW_PASSWORD})
    assert fresh["Location"].startswith("/accounts/second-factor/")


def test_a_reset_link_expires_after_an_hour(demo: dict[str, Partnership], quick_floor: float) -> None:
    ask_for_link("reviewer@example.org")
    link = link_in(reset_message())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        response = Client().get(link)
    assert "The link has expired" in response.content.decode()
    assert User.objects.get(email="reviewer@example.org").check_password(DEMO_PASSWORD)


def test_a_link_opened_in_time_cannot_be_used_after_it_expires(
    demo: dict[str, Partnership], quick_floor: float
) -> None:
    ask_for_link("reviewer@example.org")
    link = link_in(reset_message())
    client = Client()
    set_password = client.get(link)["Location"]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        response = client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "The link has expired" in response.content.decode()


@pytest.mark.parametrize(
    "link",
    [
        "/accounts/password-reset/MTIzNDU2/abc-123/",
        "/accounts/password-reset/%00/x/",
        "/accounts/password-reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ/x-y/",
    ],
)
def test_made_up_links_are_refused_politely(demo: dict[str, Partnership], link: str) -> None:
    response = Client().get(link)
    assert response.status_code == 200
    assert "The link has expired" in response.content.decode()


def test_the_new_password_must_pass_the_rules(demo: dict[str, Partnership], quick_floor: float) -> None:
    ask_for_link("reviewer@example.org")
    link = link_in(reset_message())
    client, response = choose_password(link, "short-one")
    assert response.status_code == 400
    assert "Your password must be 12 characters or more" in response.content.decode()
    set_password = client.get(link)["Location"]
    mismatch = client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert NEW_PASSWORDS_DIFFER in mismatch.content.decode()
    common = client.post(set_password, {"new_password1": "qwerty123456", "new_password2": "qwerty123456"})
    assert "too easy to guess" in common.content.decode()
    assert User.objects.get(email="reviewer@example.org").check_password(DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/accounts/sign-in/", {"password"}),
        ("/accounts/password/", {"old_password", "new_password1", "new_password2"}),
        ("/accounts/second-factor/", {"code"}),
        ("/accounts/second-factor/recovery-code/", {"code"}),
    ],
)
def test_passwords_and_codes_are_kept_out_of_error_reports(
    client_as: Callable[[str], Client], path: str, fields: set[str]
) -> None:
    response = client_as("reviewer@example.org").post(path, {})
    assert set(response.wsgi_request.sensitive_post_parameters) >= fields  # type: ignore[attr-defined]


# --- Changing the password when signed in -----------------------------------------------------


def test_a_wrong_current_password_is_refused_audited_and_counts_towards_the_lockout(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("reviewer@example.org")
    data = {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post("/accounts/password/", data)
    assert response.status_code == 400
    assert CURRENT_PASSWORD_WRONG in response.content.decode()
    assert AuditEvent.objects.filter(verb="account.current_password_failed").count() == 1
    assert AccessAttempt.objects.get(username="reviewer@example.org").failures_since_start == 1
    for _ in range(3):
        client.post("/accounts/password/", data)
    assert client.post("/accounts/password/", data).status_code == 429
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")
    assert User.objects.get(email="reviewer@example.org").check_password(DEMO_PASSWORD)


def test_the_new_password_must_differ_from_the_current_one(client_as: Callable[[str], Client]) -> None:
    client = client_as("reviewer@example.org")
    response = client.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert "must be different from your current password" in response.content.decode()


def test_the_change_password_page_is_a_govuk_form(client_as: Callable[[str], Client]) -> None:
    page = client_as("reviewer@example.org").get("/accounts/password/").content.decode()
    assert 'autocomplete="current-password"' in page
    assert page.count('autocomplete="new-password"') == 2
    empty = client_as("reviewer@example.org").post("/accounts/password/", {"old_password": ""}).content.decode()
    assert 'href="#id_old_password"' in empty
    assert "Enter your current password" in empty


def test_asking_again_and_again_sends_one_message_per_ten_minutes(
    demo: dict[str, Partnership], quick_floor: float
) -> None:
    start = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        first = ask_for_link("reviewer@example.org")
        again = ask_for_link("reviewer@example.org")
    assert again.content == first.content  # the same answer: nothing tells the asker what happened
    assert reset_messages().count() == 1
    assert AuditEvent.objects.filter(verb="account.password_reset_requested").count() == 2  # both recorded
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        ask_for_link("reviewer@example.org")
    assert reset_messages().count() == 2
