"""Disabling a membership: asked for on a confirmation page, it ends the person's sessions in that partnership at
once, and their next request lands on a page that says their access was removed (never a 500), audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from cspr.accounts.models import User, UserSession
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.partnerships import services
from cspr.partnerships.middleware import ACCESS_REMOVED_REASON
from cspr.partnerships.models import Membership, Partnership

REMOVED = "/accounts/access-removed/"


def disable_url(membership: Membership) -> str:
    return f"/partnership/people/{membership.id}/disable/"


def membership_of(partnership: Partnership, email: str) -> Membership:
    return partnership.memberships.get(user__email=email)


def session_data(client: Client) -> dict[str, object]:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()


def test_the_people_page_links_each_active_membership_to_its_confirmation_page(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    membership = membership_of(demo["northvale"], "business.unit@example.org")
    page = client_as("admin@example.org").get("/partnership/people/").content.decode()
    assert f'href="{disable_url(membership)}"' in page
    assert f'action="{disable_url(membership)}"' not in page  # no one-click disabling


def test_the_confirmation_page_says_what_will_happen_and_disables_nothing(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    membership = membership_of(demo["northvale"], "business.unit@example.org")
    response = client_as("admin@example.org").get(disable_url(membership))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure you want to disable Bea Unwin as Business unit?" in page
    assert "govuk-button--warning" in page
    assert "sign them out at once" in page
    assert 'href="/partnership/people/">No, go back to people</a>' in page
    membership.refresh_from_db()
    assert membership.is_active
    assert not AuditEvent.objects.filter(verb="membership.disabled").exists()


def test_only_a_partnership_admin_reaches_the_confirmation_page(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    membership = membership_of(demo["northvale"], "prg.chair@example.org")
    assert client_as("business.unit@example.org").get(disable_url(membership)).status_code == 403
    theirs = membership_of(demo["southmoor"], "southmoor.business.unit@example.org")
    assert client_as("admin@example.org").get(disable_url(theirs)).status_code == 404
    assert AuditEvent.objects.filter(
        verb="access.refused", object_type="partnerships.membership", object_id=str(theirs.id)
    ).exists()


def test_posting_from_the_confirmation_page_disables_and_says_so(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    membership = membership_of(demo["northvale"], "prg.chair@example.org")
    admin = client_as("admin@example.org")
    response = admin.post(disable_url(membership))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    people = admin.get("/partnership/people/").content.decode()
    assert "Priya Garrow&#39;s membership as PRG chair is disabled" in people
    assert AuditEvent.objects.filter(verb="membership.disabled", object_id=str(membership.id)).exists()


def test_the_last_partnership_admin_still_cannot_be_disabled_from_the_confirmation_page(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    own = membership_of(demo["northvale"], "admin@example.org")
    client = client_as("admin@example.org")
    assert client.get(disable_url(own)).status_code == 200
    client.post(disable_url(own))
    own.refresh_from_db()
    assert own.is_active
    assert "only active partnership admin" in client.get("/partnership/people/").content.decode()


def test_a_disabled_members_next_request_lands_on_the_access_removed_page_not_an_error(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    member = client_as("business.unit@example.org")
    assert member.get("/cases/").status_code == 200
    client_as("admin@example.org").post(disable_url(membership_of(demo["northvale"], "business.unit@example.org")))

    response = member.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == REMOVED
    page = member.get(REMOVED)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Your access was removed" in text
    assert "removed your access to Northvale Safeguarding Children Partnership (demo)" in text
    assert "contact the partnership admin or the business unit of Northvale" in text
    # Signed out: the next page asks them to sign in, and shows nothing of the partnership.
    assert member.get("/cases/")["Location"].startswith("/accounts/sign-in/")
    refusal = AuditEvent.objects.get(verb="access.refused", details__reason=ACCESS_REMOVED_REASON)
    assert refusal.actor_id == user("business.unit@example.org").pk
    assert refusal.partnership_id == demo["northvale"].id
    assert (refusal.object_type, refusal.object_id) == ("partnerships.partnership", str(demo["northvale"].id))
    assert refusal.details["path"] == "/cases/"


def test_disabling_ends_the_session_on_the_server_at_once(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    member = client_as("prg.chair@example.org")
    member.get("/")
    client_as("admin@example.org").post(disable_url(membership_of(demo["northvale"], "prg.chair@example.org")))
    data = session_data(member)
    assert "_auth_user_id" not in data  # nobody is signed in with that session any more
    assert set(data) == {"cspr_access_removed"}
    assert not UserSession.objects.filter(user=user("prg.chair@example.org")).exists()
    ended = AuditEvent.objects.get(verb="account.sessions_ended")
    assert ended.details == {"sessions": 1, "reason": "membership disabled", "kept_current": False}


def test_a_session_in_another_partnership_carries_on_and_the_one_in_the_disabled_partnership_ends(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    in_northvale = client_as("police.lead@example.org")
    in_northvale.post("/partnership/switch/", {"partnership": demo["northvale"].id})
    in_southmoor = client_as("police.lead@example.org")
    in_southmoor.post("/partnership/switch/", {"partnership": demo["southmoor"].id})

    client_as("admin@example.org").post(disable_url(membership_of(demo["northvale"], "police.lead@example.org")))

    assert in_northvale.get("/partnership/")["Location"] == REMOVED
    page = in_southmoor.get("/partnership/").content.decode()
    assert "Southmoor Safeguarding Children Partnership (demo)" in page
    assert "Northvale" not in page  # nor in the switcher
    assert in_southmoor.post("/partnership/switch/", {"partnership": demo["northvale"].id}).status_code == 404
    assert User.objects.get(email="police.lead@example.org").is_active


def test_a_person_who_keeps_another_role_in_the_partnership_keeps_their_session_with_fewer_pages(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    person = user("business.unit@example.org")
    services.membership_grant(acting=system_acting(), user=person, partnership=demo["northvale"], role=Role.PRG_MEMBER)
    member = client_as("business.unit@example.org")
    client_as("admin@example.org").post(
        disable_url(demo["northvale"].memberships.get(user=person, role=Role.BUSINESS_UNIT))
    )
    assert member.get("/partnership/").status_code == 200
    assert member.get("/partnership/people/").status_code == 403  # a business unit page, refused and audited
    assert AuditEvent.objects.filter(verb="access.refused", actor=person, details__status=403).exists()


def test_a_request_running_while_its_session_ended_cannot_bring_the_access_back(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    member = client_as("police.lead@example.org")
    member.post("/partnership/switch/", {"partnership": demo["northvale"].id})
    before = session_data(member)
    client_as("admin@example.org").post(disable_url(membership_of(demo["northvale"], "police.lead@example.org")))
    # A request that was running then writes the session as it had read it, still signed in.
    row = Session.objects.get(session_key=member.cookies["sessionid"].value)
    row.session_data = Session.objects.encode(before)
    row.save()
    assert member.get("/cases/")["Location"] == REMOVED
    assert "Northvale" in member.get(REMOVED).content.decode()
    assert member.get("/partnership/")["Location"].startswith("/accounts/sign-in/")


def test_the_session_timer_hears_that_the_session_ended(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    member = client_as("prg.chair@example.org")
    client_as("admin@example.org").post(disable_url(membership_of(demo["northvale"], "prg.chair@example.org")))
    response = member.get("/accounts/session/")
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_a_signed_in_person_left_with_no_partnership_is_refused_and_audited_never_a_server_error(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    member = client_as("contributor.health@example.org")
    member.raise_request_exception = False
    Membership.objects.filter(user__email="contributor.health@example.org").update(is_active=False)
    for path in ["/cases/", "/partnership/", "/cases/NVALE-2026-003/information/"]:
        assert member.get(path).status_code == 403, path
    assert member.get("/").status_code == 200
    assert AuditEvent.objects.filter(verb="access.refused", partnership=None, details__path="/cases/").exists()


def test_disabling_and_ending_the_sessions_happen_together_or_not_at_all(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], monkeypatch: pytest.MonkeyPatch
) -> None:
    member = client_as("prg.chair@example.org")
    membership = membership_of(demo["northvale"], "prg.chair@example.org")

    def broken(**kwargs: object) -> int:
        raise RuntimeError("the session store failed")

    monkeypatch.setattr(services, "user_sessions_end", broken)
    with pytest.raises(RuntimeError):
        services.membership_set_active(acting=system_acting(), membership=membership, active=False)
    membership.refresh_from_db()
    assert membership.is_active
    assert not AuditEvent.objects.filter(verb="membership.disabled").exists()
    assert member.get("/partnership/").status_code == 200


def test_enabling_again_ends_no_session(client_as: Callable[[str], Client], demo: dict[str, Partnership]) -> None:
    membership = membership_of(demo["northvale"], "prg.chair@example.org")
    admin = client_as("admin@example.org")
    admin.post(disable_url(membership))
    member = client_as("prg.chair@example.org")
    response = admin.post(f"/partnership/people/{membership.id}/enable/")
    assert response.status_code == 302
    assert member.get("/partnership/").status_code == 200
    assert AuditEvent.objects.filter(verb="account.sessions_ended").count() == 1
