"""The second factor: set-up, verification at every sign-in, recovery codes, lockout and reset."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.forms import CODE_WRONG, RECOVERY_CODE_WRONG, SET_UP_CODE_WRONG
from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership
from tests.support import authenticator_app, code_for, code_from_key

ADDRESS = "198.51.100.20"
SET_UP = "/accounts/second-factor/set-up/"
VERIFY = "/accounts/second-factor/"
RECOVERY = "/accounts/second-factor/recovery-code/"
T0 = datetime.datetime(2031, 3, 4, 9, 0, 5, tzinfo=datetime.UTC)


@pytest.fixture
def no_throttle(settings: Any) -> None:
    """django-otp's own back-off (1 s, 2 s, 4 s… after each wrong code) would hide the lockout count."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_only(email: str, *, address: str = ADDRESS) -> tuple[Client, Any]:
    """A client that has given the right password and nothing else, and the sign-in response."""
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/sign-in/", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client, response


def codes_on(page: str) -> list[str]:
    return re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", page)


def set_up_app(client: Client) -> tuple[str, list[str]]:
    """Go through the set-up page as a person would: read the key, type the code. Returns (key, recovery codes)."""
    page = client.get(SET_UP).content.decode()
    key = "".join(re.findall(r'<span class="app-secret-key__group">([A-Z2-7]{4})</span>', page))
    response = client.post(SET_UP, {"code": code_from_key(key)})
    assert response.status_code == 200, response.content.decode()
    return key, codes_on(response.content.decode())


# --- Only the second-factor pages before the second factor ------------------------------------


def test_someone_without_an_app_is_sent_to_set_one_up_and_nowhere_else(demo: dict[str, Partnership]) -> None:
    client, response = password_only("business.unit@example.org")
    assert response["Location"] == SET_UP
    for path in ["/", "/partnership/", "/audit/", "/accounts/password/", "/accounts/recovery-codes/"]:
        assert client.get(path)["Location"].startswith(SET_UP), path


def test_the_second_factor_page_shows_no_partnership_and_offers_sign_out(demo: dict[str, Partnership]) -> None:
    authenticator_app(User.objects.get(email="police.lead@example.org"))
    client, response = password_only("police.lead@example.org")
    page = client.get(response["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    assert "Northvale" not in page
    assert "Southmoor" not in page
    assert 'action="/accounts/sign-out/"' in page
    assert client.post("/accounts/sign-out/").status_code == 302


# --- Verification ----------------------------------------------------------------------------


def test_the_right_code_signs_the_person_in_and_returns_them_to_the_page_they_asked_for(
    demo: dict[str, Partnership],
) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    client = Client(REMOTE_ADDR=ADDRESS)
    first = client.get("/partnership/")
    sign_in = client.post(first["Location"], {"email": "admin@example.org", "password": DEMO_PASSWORD})
    assert sign_in["Location"] == f"{VERIFY}?next=%2Fpartnership%2F"
    key_before = client.session.session_key
    response = client.post(sign_in["Location"], {"code": code_for(app), "next": "/partnership/"})
    assert response["Location"] == "/partnership/"
    assert client.get("/partnership/").status_code == 200
    assert client.session.session_key != key_before  # a new key once the session is fully signed in


def test_a_wrong_code_is_refused_audited_and_counted_towards_the_lockout(demo: dict[str, Partnership]) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    client, _ = password_only("admin@example.org")
    wrong = f"{(int(code_for(app)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert CODE_WRONG in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)
    failed = AuditEvent.objects.get(verb="account.second_factor_failed")
    assert failed.actor is not None
    assert failed.actor.email == "admin@example.org"
    assert failed.details == {"method": "totp"}
    assert not AuditEvent.objects.filter(verb="account.sign_in_failed").exists()
    attempt = AccessAttempt.objects.get(username="admin@example.org", ip_address=ADDRESS)
    assert attempt.failures_since_start == 1
    assert wrong not in attempt.post_data  # axes keeps the form, never the code


def test_five_wrong_codes_lock_the_account_from_that_address_and_end_the_session(
    demo: dict[str, Partnership], no_throttle: None
) -> None:
    authenticator_app(User.objects.get(email="admin@example.org"))
    client, _ = password_only("admin@example.org")
    statuses = [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")  # signed out
    again = Client(REMOTE_ADDR=ADDRESS).post(
        "/accounts/sign-in/", {"email": "admin@example.org", "password": DEMO_PASSWORD}
    )
    assert again.status_code == 429


def test_wrong_passwords_and_wrong_codes_add_up_and_a_right_password_does_not_clear_them(
    demo: dict[str, Partnership], no_throttle: None
) -> None:
    authenticator_app(User.objects.get(email="admin@example.org"))
    guesser = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(3):
        guesser.post("/accounts/sign-in/", {"email": "admin@example.org", "password": "wrong-password"})
    client, _ = password_only("admin@example.org")
    assert client.post(VERIFY, {"code": "000000"}).status_code == 400
    assert client.post(VERIFY, {"code": "000000"}).status_code == 429


def test_passing_both_factors_clears_the_failures(demo: dict[str, Partnership]) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    guesser = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(4):
        guesser.post("/accounts/sign-in/", {"email": "admin@example.org", "password": "wrong-password"})
    client, _ = password_only("admin@example.org")
    assert client.post(VERIFY, {"code": code_for(app)}).status_code == 302
    assert not AccessAttempt.objects.filter(username="admin@example.org").exists()


def test_a_code_cannot_be_used_twice_even_within_its_30_seconds(demo: dict[str, Partnership]) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    with time_machine.travel(T0, tick=False):
        code = code_for(app)
        first, _ = password_only("admin@example.org")
        assert first.post(VERIFY, {"code": code}).status_code == 302
        app.refresh_from_db()
        assert app.last_t == int(T0.timestamp()) // 30
        second, _ = password_only("admin@example.org", address="198.51.100.21")
        response = second.post(VERIFY, {"code": code})
        assert response.status_code == 400
        assert CODE_WRONG in response.content.decode()
        # The previous window's code is older still: refused too.
        assert second.post(VERIFY, {"code": code_for(app, steps_ahead=-1)}).status_code == 400


def test_the_next_code_works_once_the_window_has_moved_on(demo: dict[str, Partnership]) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    with time_machine.travel(T0, tick=False) as traveller:
        first, _ = password_only("admin@example.org")
        assert first.post(VERIFY, {"code": code_for(app)}).status_code == 302
        traveller.shift(30)
        second, _ = password_only("admin@example.org")
        assert second.post(VERIFY, {"code": code_for(app)}).status_code == 302


def test_a_right_code_straight_after_a_wrong_one_must_wait_a_moment_and_is_not_counted(
    demo: dict[str, Partnership],
) -> None:
    app = authenticator_app(User.objects.get(email="admin@example.org"))
    with time_machine.travel(T0, tick=False) as traveller:
        client, _ = password_only("admin@example.org")
        assert client.post(VERIFY, {"code": "000000"}).status_code == 400
        waiting = client.post(VERIFY, {"code": code_for(app)})
        assert waiting.status_code == 400
        assert "Wait 1 second, then" in waiting.content.decode()
        assert AccessAttempt.objects.get(username="admin@example.org").failures_since_start == 1
        traveller.shift(2)
        assert client.post(VERIFY, {"code": code_for(app)}).status_code == 302


def test_codes_in_the_wrong_format_are_explained_and_not_counted(demo: dict[str, Partnership]) -> None:
    authenticator_app(User.objects.get(email="admin@example.org"))
    client, _ = password_only("admin@example.org")
    response = client.post(VERIFY, {"code": "12345"})
    assert "The code must be 6 numbers" in response.content.decode()
    assert 'href="#id_code"' in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert "Enter the code from your authenticator app" in client.post(VERIFY, {"code": ""}).content.decode()


# --- Set-up and recovery codes -----------------------------------------------------------------


def test_setting_up_an_app_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(
    demo: dict[str, Partnership],
) -> None:
    client, _ = password_only("business.unit@example.org")
    page = client.get(SET_UP).content.decode()
    assert '<img class="app-qr-code" src="data:image/svg+xml;base64,' in page
    assert len(re.findall(r'class="app-secret-key__group"', page)) == 8  # 32 characters in groups of 4
    assert "<script>" not in page
    assert "style=" not in page
    assert client.post(SET_UP, {"code": "123456"}).content.decode().count(SET_UP_CODE_WRONG) == 2  # summary+field
    _, codes = set_up_app(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get("/").status_code == 200  # fully signed in now
    person = User.objects.get(email="business.unit@example.org")
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=person).count() == 10
    event = AuditEvent.objects.get(verb="account.second_factor_set_up")
    assert event.details == {"replaced_earlier_app": False, "recovery_codes": 10}
    assert not any(code.replace(" ", "") in str(event.details) for code in codes)


def test_the_set_up_key_stays_the_same_across_page_loads(demo: dict[str, Partnership]) -> None:
    client, _ = password_only("business.unit@example.org")
    first = re.findall(r"app-secret-key__group\">(\w+)<", client.get(SET_UP).content.decode())
    second = re.findall(r"app-secret-key__group\">(\w+)<", client.get(SET_UP).content.decode())
    assert first == second


def test_a_key_noted_in_another_session_is_never_the_one_set_up(demo: dict[str, Partnership]) -> None:
    # Someone with only the password opens the set-up page first and notes the key…
    intruder, _ = password_only("business.unit@example.org")
    noted = "".join(re.findall(r"app-secret-key__group\">(\w+)<", intruder.get(SET_UP).content.decode()))
    # …then the person signs in and sets up their app: with a key of their own.
    owner, _ = password_only("business.unit@example.org", address="192.0.2.77")
    key, _ = set_up_app(owner)
    assert key != noted
    # The intruder is now asked for the person's app, and the noted key's code does not pass.
    assert intruder.post(SET_UP, {"code": code_from_key(noted)})["Location"] == VERIFY
    refused = intruder.post(VERIFY, {"code": code_from_key(noted)})
    assert refused.status_code == 400
    assert intruder.get("/partnership/")["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user__email="business.unit@example.org", confirmed=True).count() == 1


def test_a_recovery_code_works_once(demo: dict[str, Partnership], no_throttle: None) -> None:
    client, _ = password_only("business.unit@example.org")
    _, codes = set_up_app(client)
    client.post("/accounts/sign-out/")

    later, response = password_only("business.unit@example.org")
    assert response["Location"] == VERIFY
    signed_in = later.post(RECOVERY, {"code": codes[0].upper()})  # typed in capitals, with its space
    assert signed_in.status_code == 302
    assert later.get("/").status_code == 200
    event = AuditEvent.objects.filter(verb="account.second_factor_verified").latest("id")
    assert event.details == {"method": "recovery_code", "recovery_codes_left": 9}
    later.post("/accounts/sign-out/")

    again, _ = password_only("business.unit@example.org")
    refused = again.post(RECOVERY, {"code": codes[0]})
    assert refused.status_code == 400
    assert RECOVERY_CODE_WRONG in refused.content.decode()
    assert again.get("/")["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old_ones_and_it_is_audited(client_as: Callable[[str], Client]) -> None:
    client = client_as("auditor@example.org")
    person = User.objects.get(email="auditor@example.org")
    old = StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True)
    old.token_set.create(token="abcd2345")
    assert "You have 1 recovery code left" in client.get("/accounts/recovery-codes/").content.decode()
    response = client.post("/accounts/recovery-codes/")
    codes = codes_on(response.content.decode())
    assert len(codes) == 10
    assert "abcd2345" not in {code.replace(" ", "") for code in StaticToken.objects.values_list("token", flat=True)}
    assert AuditEvent.objects.filter(verb="account.recovery_codes_regenerated", actor=person).count() == 1
    assert "10 recovery codes left" in client.get("/accounts/recovery-codes/").content.decode()
    assert "<code>" not in client.get("/accounts/recovery-codes/").content.decode()  # shown once only
    told = OutboundMessage.objects.get(to="auditor@example.org", kind="accounts.second_factor_changed")
    assert "New recovery codes were made" in told.body
    assert not any(code.replace(" ", "") in told.body for code in codes)  # the codes never travel


def test_someone_with_an_app_must_verify_before_replacing_it(demo: dict[str, Partnership]) -> None:
    authenticator_app(User.objects.get(email="admin@example.org"))
    client, _ = password_only("admin@example.org")
    assert client.get(SET_UP)["Location"].startswith(VERIFY)


def test_a_verified_person_may_replace_their_app_and_the_old_one_stops_working(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("reviewer@example.org")
    person = User.objects.get(email="reviewer@example.org")
    elsewhere = client_as("reviewer@example.org")  # the same person signed in somewhere else
    old = TOTPDevice.objects.get(user=person)
    assert "replaces the one you use now" in client.get(SET_UP).content.decode()
    set_up_app(client)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/").status_code == 200  # still verified, with the new app
    assert elsewhere.get("/")["Location"].startswith("/accounts/sign-in/")  # the other session has ended
    assert OutboundMessage.objects.filter(to="reviewer@example.org", kind="accounts.second_factor_changed").exists()


# --- Demo mode ----------------------------------------------------------------------------------


def test_in_demo_mode_the_app_is_offered_but_optional(demo: dict[str, Partnership], settings: Any) -> None:
    settings.DEMO_MODE = True
    client, response = password_only("business.unit@example.org")
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Set up an authenticator app" in page
    assert client.get("/partnership/").status_code == 200
    assert "Not set up" in client.get("/accounts/").content.decode()
    assert client.post("/accounts/recovery-codes/")["Location"] == SET_UP  # no codes without an app
    assert not StaticToken.objects.exists()


def test_in_demo_mode_someone_who_set_up_an_app_still_uses_it(demo: dict[str, Partnership], settings: Any) -> None:
    settings.DEMO_MODE = True
    authenticator_app(User.objects.get(email="business.unit@example.org"))
    _, response = password_only("business.unit@example.org")
    assert response["Location"] == VERIFY


# --- Reset by a superuser -----------------------------------------------------------------------


def test_a_superuser_resets_a_second_factor_which_ends_the_persons_sessions_and_is_audited(
    client_as: Callable[[str], Client],
) -> None:
    operator = User.objects.create_superuser(
        email="ops@example.org", password="a-long-operator-password", full_name="O"
    )
    client = client_as("reviewer@example.org")
    person = User.objects.get(email="reviewer@example.org")
    StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True).token_set.create(token="abcd2345")
    key = client.session.session_key
    out = StringIO()
    call_command("reset_second_factor", "--email", "Reviewer@example.org", "--by", "ops@example.org", stdout=out)
    assert "2 device(s) removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(verb="account.second_factor_reset")
    assert event.actor == operator
    assert event.object_id == str(person.pk)
    _, response = password_only("reviewer@example.org")
    assert response["Location"] == SET_UP


def test_only_a_superuser_may_reset_a_second_factor(demo: dict[str, Partnership]) -> None:
    with pytest.raises(CommandError, match="not an active superuser"):
        call_command("reset_second_factor", "--email", "reviewer@example.org", "--by", "admin@example.org")
    User.objects.create_superuser(email="ops@example.org", password="a-long-operator-password", full_name="O")
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_second_factor", "--email", "nobody@example.org", "--by", "ops@example.org")
