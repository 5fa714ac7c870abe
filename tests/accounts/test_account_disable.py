"""A superuser disables an account everywhere; nobody else can, and it is audited and atomic."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cspr.accounts.models import User
from cspr.accounts.services import AccountChangeRefused, account_set_active
from cspr.audit.models import AuditEvent
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for


@pytest.fixture
def operator(demo: dict[str, Partnership]) -> User:
    return User.objects.create_superuser(email="ops@example.org", password="a-long-operator-password", full_name="O")


def test_disabling_an_account_ends_its_sessions_in_every_partnership(
    client_as: Callable[[str], Client], operator: User
) -> None:
    # The police lead belongs to both demo partnerships: one account, two memberships.
    client = client_as("police.lead@example.org")
    person = User.objects.get(email="police.lead@example.org")
    assert account_set_active(acting=acting_for(operator), user=person, active=False, reason="left the force") == 1
    person.refresh_from_db()
    assert not person.is_active
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")
    event = AuditEvent.objects.get(verb="account.disabled")
    assert (event.actor, event.object_id, event.details) == (operator, str(person.pk), {"reason": "left the force"})
    assert AuditEvent.objects.filter(verb="account.sessions_ended", object_id=str(person.pk)).exists()


def test_enabling_it_again_is_audited_and_lets_the_person_sign_in(operator: User, demo: dict[str, Partnership]) -> None:
    person = User.objects.get(email="reviewer@example.org")
    account_set_active(acting=acting_for(operator), user=person, active=False, reason="suspended")
    account_set_active(acting=acting_for(operator), user=person, active=True, reason="back")
    person.refresh_from_db()
    assert person.is_active
    assert AuditEvent.objects.filter(verb="account.enabled", object_id=str(person.pk)).count() == 1


@pytest.mark.parametrize("actor_email", ["admin@example.org", "business.unit@example.org", None])
def test_only_an_active_superuser_may_disable_an_account(demo: dict[str, Partnership], actor_email: str | None) -> None:
    actor = User.objects.get(email=actor_email) if actor_email else None
    person = User.objects.get(email="reviewer@example.org")
    with pytest.raises(AccountChangeRefused, match="Only a superuser"):
        account_set_active(acting=acting_for(actor), user=person, active=False, reason="no")
    person.refresh_from_db()
    assert person.is_active
    assert not AuditEvent.objects.filter(verb="account.disabled").exists()


def test_a_reason_is_required_and_a_superuser_cannot_disable_themself(operator: User) -> None:
    person = User.objects.get(email="reviewer@example.org")
    with pytest.raises(AccountChangeRefused, match="reason"):
        account_set_active(acting=acting_for(operator), user=person, active=False, reason="  ")
    with pytest.raises(AccountChangeRefused, match="your own account"):
        account_set_active(acting=acting_for(operator), user=operator, active=False, reason="oops")


def test_disabling_is_atomic(operator: User) -> None:
    person = User.objects.get(email="reviewer@example.org")
    with (
        mock.patch("cspr.accounts.services.user_sessions_end", side_effect=RuntimeError("store down")),
        pytest.raises(RuntimeError),
    ):
        account_set_active(acting=acting_for(operator), user=person, active=False, reason="left")
    person.refresh_from_db()
    assert person.is_active
    assert not AuditEvent.objects.filter(verb="account.disabled").exists()


def test_the_operators_command_disables_and_enables(operator: User) -> None:
    out = StringIO()
    call_command(
        "set_account_active", "--email", "Reviewer@example.org", "--by", "ops@example.org", "--reason", "x", stdout=out
    )
    assert "Disabled the account of reviewer@example.org everywhere" in out.getvalue()
    assert not User.objects.get(email="reviewer@example.org").is_active
    call_command(
        "set_account_active", "--email", "reviewer@example.org", "--by", "ops@example.org", "--reason", "y", "--enable"
    )
    assert User.objects.get(email="reviewer@example.org").is_active
    with pytest.raises(CommandError, match="Only a superuser"):
        call_command(
            "set_account_active", "--email", "reviewer@example.org", "--by", "admin@example.org", "--reason", "z"
        )
    with pytest.raises(CommandError, match="No account"):
        call_command("set_account_active", "--email", "nobody@example.org", "--by", "ops@example.org", "--reason", "z")
