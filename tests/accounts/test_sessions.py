"""Session limits (idle 30 minutes, absolute 12 hours) and ending a person's sessions on the server."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from cspr.accounts.models import User, UserSession
from cspr.accounts.services import user_sessions_end
from cspr.audit.models import AuditEvent
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.kernel.acting import system_acting
from cspr.partnerships.models import Partnership

T0 = datetime.datetime(2031, 3, 4, 8, 0, tzinfo=datetime.UTC)
MINUTE = 60


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_for_30_minutes_ends_on_the_server(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        key = client.session.session_key
        traveller.shift(29 * MINUTE)
        assert client.get("/").status_code == 200  # activity: the 30 minutes start again
        traveller.shift(29 * MINUTE)
        assert client.get("/").status_code == 200
        traveller.shift(30 * MINUTE)
        response = client.get("/partnership/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/timed-out/?reason=idle&next=%2Fpartnership%2F"
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
        assert client.get("/")["Location"].startswith("/accounts/sign-in/")
    event = AuditEvent.objects.get(verb="account.session_ended")
    assert event.details == {"reason": "idle"}


def test_a_session_ends_after_12_hours_however_busy_the_person_is(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        for _ in range(12 * 3 - 1):
            traveller.shift(20 * MINUTE)
            assert client.get("/").status_code == 200
        traveller.shift(20 * MINUTE)
        response = client.get("/")
        assert response["Location"].startswith("/accounts/timed-out/?reason=absolute")
    assert AuditEvent.objects.get(verb="account.session_ended").details == {"reason": "absolute"}


def test_the_session_is_written_at_most_once_a_minute(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        written = session_row(client).expire_date
        traveller.shift(10)
        assert client.get("/").status_code == 200
        traveller.shift(40)
        assert client.get("/partnership/").status_code == 200
        assert session_row(client).expire_date == written  # two requests, no write
        traveller.shift(15)
        assert client.get("/").status_code == 200
        assert session_row(client).expire_date == written + datetime.timedelta(seconds=65)


def test_asking_how_long_is_left_is_not_activity_but_staying_signed_in_is(
    client_as: Callable[[str], Client],
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        traveller.shift(28 * MINUTE)
        status = client.get("/accounts/session/")
        assert json.loads(status.content) == {"signed_in": True, "seconds": 120, "extendable": True, "warning": 120}
        traveller.shift(MINUTE)
        kept = client.post("/accounts/session/keep-alive/")
        assert json.loads(kept.content)["seconds"] == 30 * MINUTE
        traveller.shift(29 * MINUTE)
        assert client.get("/").status_code == 200


def test_the_page_tells_its_script_how_long_is_left(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        traveller.shift(30)
        page = client.get("/").content.decode()
        # Activity 30 s ago is not rewritten yet (once a minute), so the server counts from sign-in.
        assert 'data-session-seconds="1770" data-session-warning-seconds="120" data-session-extendable="true"' in page
        assert 'id="session-timeout-dialog"' in page
        assert "<script>" not in page


def test_an_ended_session_answers_the_pages_script_with_401(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        traveller.shift(31 * MINUTE)
        response = client.get("/accounts/session/")
        assert response.status_code == 401
        assert json.loads(response.content) == {"signed_in": False}


def test_near_the_12_hour_limit_staying_signed_in_cannot_extend_the_session(
    client_as: Callable[[str], Client],
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = client_as("business.unit@example.org")
        for _ in range(12 * 2):
            traveller.shift(29 * MINUTE + 50)
            client.get("/")
        state = json.loads(client.post("/accounts/session/keep-alive/").content)
        assert state["extendable"] is False
        assert state["seconds"] < 30 * MINUTE


def test_the_timed_out_page_explains_what_happened() -> None:
    idle = Client().get("/accounts/timed-out/?reason=idle&next=/partnership/").content.decode()
    assert "You were signed out" in idle
    assert "30 minutes" in idle
    assert 'href="/accounts/sign-in/?next=%2Fpartnership%2F"' in idle
    assert "12 hours" in Client().get("/accounts/timed-out/?reason=absolute").content.decode()
    assert (
        'href="/accounts/sign-in/"' in Client().get("/accounts/timed-out/?next=https://evil.example/").content.decode()
    )


def test_signing_in_records_the_session_and_signing_out_forgets_it(demo: dict[str, Partnership]) -> None:
    client = Client()
    client.post("/accounts/sign-in/", {"email": "auditor@example.org", "password": DEMO_PASSWORD})
    key = client.session.session_key
    assert UserSession.objects.get(session_key=key).user.email == "auditor@example.org"
    client.post("/accounts/sign-out/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_ending_a_persons_sessions_ends_all_of_them_or_all_but_one(
    client_as: Callable[[str], Client], user: Callable[[str], User]
) -> None:
    clients = [client_as("reviewer@example.org") for _ in range(3)]
    bystander = client_as("auditor@example.org")
    keep = clients[0].session.session_key
    person = user("reviewer@example.org")
    assert (
        user_sessions_end(acting=system_acting(), user=person, except_session_key=keep, reason="membership disabled")
        == 2
    )
    assert clients[0].get("/").status_code == 200
    assert [c.get("/").status_code for c in clients[1:]] == [302, 302]
    assert bystander.get("/").status_code == 200
    event = AuditEvent.objects.get(verb="account.sessions_ended")
    assert event.details == {"sessions": 2, "reason": "membership disabled", "kept_current": True}
    assert user_sessions_end(acting=system_acting(), user=person) == 1
    assert clients[0].get("/").status_code == 302
    assert not UserSession.objects.filter(user=person).exists()


def test_ending_sessions_touches_only_the_persons_own_session_rows(
    client_as: Callable[[str], Client], user: Callable[[str], User], django_assert_max_num_queries: Any
) -> None:
    for email in ["auditor@example.org", "admin@example.org", "notifier@example.org"]:
        client_as(email)
    client_as("reviewer@example.org")
    before = Session.objects.count()
    with django_assert_max_num_queries(12):
        assert user_sessions_end(acting=system_acting(), user=user("reviewer@example.org")) == 1
    assert Session.objects.count() == before - 1


def test_a_disabled_account_is_signed_out_at_its_next_request(
    client_as: Callable[[str], Client], user: Callable[[str], User]
) -> None:
    client = client_as("reviewer@example.org")
    person = user("reviewer@example.org")
    person.is_active = False
    person.save(update_fields=["is_active"])
    user_sessions_end(acting=system_acting(), user=person, reason="account disabled")
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("second_client_signs_in_first", [True, False])
def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    client_as: Callable[[str], Client], second_client_signs_in_first: bool
) -> None:
    other = client_as("reviewer@example.org") if second_client_signs_in_first else None
    client = client_as("reviewer@example.org")
    other = other or client_as("reviewer@example.org")
    new_password = "a-brand-new-reviewer-password"
    response = client.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert "Your password has been changed" in client.get("/").content.decode()
    assert other.get("/")["Location"].startswith("/accounts/sign-in/")
    person = User.objects.get(email="reviewer@example.org")
    assert list(UserSession.objects.filter(user=person).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    assert AuditEvent.objects.filter(verb="account.password_changed", actor=person).count() == 1


def test_changing_the_password_keeps_the_second_factor_in_this_session(client_as: Callable[[str], Client]) -> None:
    client = client_as("reviewer@example.org")
    new_password = "a-brand-new-reviewer-password"
    client.post(
        "/accounts/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert client.get("/partnership/").status_code == 200
