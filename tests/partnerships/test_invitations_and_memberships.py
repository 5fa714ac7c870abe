"""A partnership admin invites people and manages memberships; nobody learns about other partnerships."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Invitation, Membership, Organisation, Partnership

INVITE = "/partnership/people/invite/"


def invite(client: Client, email: str, role: str = "prg_member", organisation: int | str = "") -> object:
    return client.post(INVITE, {"email": email, "role": role, "organisation": organisation})


def link_in(message: OutboundMessage) -> str:
    match = re.search(r"http://\S+/partnership/invitation/(\S+)/", message.body)
    assert match, message.body
    return f"/partnership/invitation/{match.group(1)}/"


def test_inviting_a_new_person_sends_a_one_time_link_and_records_it(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    response = invite(client_as("admin@example.org"), "new.member@example.org")
    assert response.status_code == 302  # type: ignore[attr-defined]
    invitation = Invitation.objects.get(email="new.member@example.org")
    message = OutboundMessage.objects.get(to="new.member@example.org")
    assert message.kind == "invitation"
    assert message.holds_secret  # the one-time link is blanked from the outbox once sent
    assert "Northvale Safeguarding Children Partnership (demo)" in message.body
    assert invitation.token_hash not in message.body  # only the token travels, never what is stored
    assert AuditEvent.objects.filter(verb="invitation.sent", object_id=str(invitation.id)).exists()


def test_the_invited_person_sets_up_an_account_once(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    invite(client_as("admin@example.org"), "new.member@example.org")
    link = link_in(OutboundMessage.objects.get(to="new.member@example.org"))
    visitor = Client()
    assert "Set up your account" in visitor.get(link).content.decode()
    response = visitor.post(
        link,
        {"full_name": "New Member", "password": "correct-horse-battery", "password_again": "correct-horse-battery"},
    )
    assert response.status_code == 302
    person = User.objects.get(email="new.member@example.org")
    assert person.check_password("correct-horse-battery")
    assert Membership.objects.filter(user=person, partnership=demo["northvale"], role="prg_member").exists()
    assert visitor.get(link).status_code == 404  # the link works once


def test_a_weak_password_or_a_mismatch_is_refused_and_the_name_is_kept(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    invite(client_as("admin@example.org"), "new.member@example.org")
    link = link_in(OutboundMessage.objects.get(to="new.member@example.org"))
    short = Client().post(link, {"full_name": "New Member", "password": "short", "password_again": "short"})
    assert short.status_code == 400
    assert "at least 12 characters" in short.content.decode()
    assert 'value="New Member"' in short.content.decode()
    differ = Client().post(
        link, {"full_name": "New Member", "password": "correct-horse-battery", "password_again": "different-horse-1"}
    )
    assert "Passwords must match" in differ.content.decode()
    assert not User.objects.filter(email="new.member@example.org").exists()
    assert Client().get(link).status_code == 200  # still usable after a failed attempt


def test_an_expired_invitation_link_does_not_work(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    invite(client_as("admin@example.org"), "new.member@example.org")
    link = link_in(OutboundMessage.objects.get(to="new.member@example.org"))
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert Client().get(link).status_code == 404


def test_inviting_an_existing_account_adds_the_membership_and_reveals_nothing_of_other_partnerships(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    # The Southmoor business unit already has an account; Northvale's admin invites them.
    response = invite(client_as("admin@example.org"), "southmoor.business.unit@example.org")
    follow = client_as("admin@example.org").get("/partnership/people/").content.decode()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert "Southmoor" not in follow
    person = user("southmoor.business.unit@example.org")
    assert Membership.objects.filter(user=person, partnership=demo["northvale"], role="prg_member").exists()
    message = OutboundMessage.objects.get(to="southmoor.business.unit@example.org")
    assert message.kind == "membership.added"
    assert "Southmoor" not in message.body


def test_the_inviter_sees_the_same_confirmation_for_new_and_existing_accounts(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("admin@example.org")
    texts = []
    for email in ("brand.new@example.org", "southmoor.business.unit@example.org"):
        response = client.post(INVITE, {"email": email, "role": "prg_member", "organisation": ""}, follow=True)
        page = response.content.decode()
        texts.append(page.split("Invitation sent to ")[1].split("<")[0].replace(email, "EMAIL"))
    assert texts[0] == texts[1]


def test_an_agency_role_needs_an_organisation_of_this_partnership(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("admin@example.org")
    response = invite(client, "x@example.org", role="agency_contributor")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Select the organisation this person works for" in response.content.decode()  # type: ignore[attr-defined]
    elsewhere = Organisation.objects.get(name="Southmoor Integrated Care Board (demo)")
    response = invite(client, "x@example.org", role="agency_contributor", organisation=elsewhere.id)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Invitation.objects.exists()


def test_only_the_partnership_admin_invites(client_as: Callable[[str], Client], demo: dict[str, Partnership]) -> None:
    assert invite(client_as("business.unit@example.org"), "x@example.org").status_code == 403  # type: ignore[attr-defined]
    assert not Invitation.objects.exists()


def test_the_admin_changes_a_role_and_it_is_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    membership = demo["northvale"].memberships.get(user__email="reviewer@example.org")
    response = client_as("admin@example.org").post(
        f"/partnership/people/{membership.id}/change/", {"role": "prg_member", "organisation": ""}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "prg_member"
    event = AuditEvent.objects.get(verb="membership.changed")
    assert event.details["before"]["role"] == "reviewer"


def test_a_membership_of_another_partnership_cannot_be_changed_by_guessing_its_id(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    theirs = demo["southmoor"].memberships.get(user__email="southmoor.business.unit@example.org")
    client = client_as("admin@example.org")
    assert client.post(f"/partnership/people/{theirs.id}/disable/").status_code == 404
    assert client.get(f"/partnership/people/{theirs.id}/change/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_the_only_partnership_admin_cannot_be_disabled(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    own = demo["northvale"].memberships.get(user__email="admin@example.org")
    client = client_as("admin@example.org")
    client.post(f"/partnership/people/{own.id}/disable/")
    own.refresh_from_db()
    assert own.is_active
    assert "only active partnership admin" in client.get("/partnership/people/").content.decode()


@pytest.mark.parametrize("token", ["", "x" * 500, "../../etc"])
def test_odd_invitation_tokens_are_simply_not_found(demo: dict[str, Partnership], token: str) -> None:
    response = Client().get(f"/partnership/invitation/{token}/")
    assert response.status_code == 404
