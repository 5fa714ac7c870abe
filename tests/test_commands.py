from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.accounts.models import User
from cspr.partnerships.models import Membership, Partnership


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_idempotent_and_prints_the_sign_ins() -> None:
    call_command("flush", interactive=False)  # the run's own seeded demo may be here
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Demo data loaded." in text
    assert "Demo data already present" in text
    assert "police.lead@example.org" in text
    assert Partnership.objects.count() == 2
    assert Membership.objects.filter(user__email="police.lead@example.org").count() == 2


def test_seed_demo_has_the_five_statutory_agencies_and_education(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    northvale = Partnership.objects.get(code="NVALE")
    links = northvale.organisation_links.select_related("organisation")
    assert {link.organisation.type for link in links if link.is_statutory_agency} == {
        "local_authority",
        "health",
        "police",
        "probation",
        "fire_and_rescue",
    }
    assert {link.organisation.type for link in links if link.is_safeguarding_partner} == {
        "local_authority",
        "health",
        "police",
    }
    assert any(link.organisation.type == "education" for link in links)


def test_create_user_makes_an_account_with_a_membership(demo: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD", "a-sufficiently-long-one-2026")
    out = io.StringIO()
    call_command(
        "create_user", "--email", "New.Person@example.org", "--partnership", "nvale", "--role", "prg_member", stdout=out
    )
    person = User.objects.get(email="new.person@example.org")
    assert person.check_password("a-sufficiently-long-one-2026")
    assert Membership.objects.filter(user=person, role="prg_member", partnership__code="NVALE").exists()
    assert "Created the account" in out.getvalue()


def test_create_user_adds_a_membership_to_an_existing_account_without_touching_its_password(
    demo: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSWORD", "ignored-for-existing-accounts")
    call_command(
        "create_user",
        "--email",
        "auditor@example.org",
        "--partnership",
        "SMOOR",
        "--role",
        "agency_contributor",
        "--organisation",
        "Southmoor Integrated Care Board (demo)",
        stdout=io.StringIO(),
    )
    auditor = User.objects.get(email="auditor@example.org")
    assert not auditor.check_password("ignored-for-existing-accounts")
    assert auditor.memberships.filter(partnership__code="SMOOR", organisation__type="health").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--partnership", "NOPE", "--role", "auditor"], "No partnership has the code"),
        (["--partnership", "NVALE", "--role", "notifier"], "needs an organisation"),
        (["--partnership", "NVALE", "--role", "notifier", "--organisation", "Nobody"], "No organisation"),
    ],
)
def test_create_user_refuses_bad_input_with_a_clear_message(
    demo: object, monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str
) -> None:
    monkeypatch.setenv("PASSWORD", "a-sufficiently-long-one-2026")
    with pytest.raises(CommandError, match=message) as raised:
        call_command("create_user", "--email", "x@example.org", *arguments, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert not User.objects.filter(email="x@example.org").exists()


def test_create_user_refuses_a_short_password(demo: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD", "short")
    with pytest.raises(CommandError, match="at least 12"):
        call_command(
            "create_user",
            "--email",
            "y@example.org",
            "--partnership",
            "NVALE",
            "--role",
            "auditor",
            stdout=io.StringIO(),
        )
