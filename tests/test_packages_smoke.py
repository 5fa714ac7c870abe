"""Installing cleanly is not working: exercise the security packages under this Django."""

from __future__ import annotations

import django
import pytest
import rules
from axes.handlers.proxy import AxesProxyHandler
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.util import random_hex

from cspr.accounts.models import User


def test_django_is_the_6_1_series() -> None:
    assert django.VERSION[:2] == (6, 1)


def test_rules_evaluates_a_predicate_with_an_object() -> None:
    @rules.predicate
    def same_number(user: object, obj: int) -> bool:
        return obj == 7

    ruleset = rules.RuleSet()
    ruleset.add_rule("smoke", same_number)
    assert ruleset.test_rule("smoke", None, 7)
    assert not ruleset.test_rule("smoke", None, 8)


def test_django_otp_computes_a_totp_code() -> None:
    key = bytes.fromhex(random_hex(20))
    code = totp(key, step=30, t0=0, digits=6, drift=0)
    assert 0 <= code < 1_000_000


@pytest.mark.django_db
def test_django_axes_counts_failures_for_a_request() -> None:
    request = RequestFactory().post("/accounts/sign-in/", REMOTE_ADDR="192.0.2.10")
    request.axes_ip_address = "192.0.2.10"  # type: ignore[attr-defined]
    request.axes_user_agent = "pytest"  # type: ignore[attr-defined]
    request.axes_path_info = "/accounts/sign-in/"  # type: ignore[attr-defined]
    request.axes_http_accept = "*/*"  # type: ignore[attr-defined]
    request.axes_attempt_time = None  # type: ignore[attr-defined]
    User.objects.create_user(email="smoke@example.org", password="a-long-password-1", full_name="Smoke")
    assert not AxesProxyHandler.is_locked(request, credentials={"email": "smoke@example.org"})
