from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import NO_SCOPE, scope_for
from cspr.partnerships.selectors import partnerships_visible


def test_a_person_sees_only_the_partnerships_they_are_a_member_of(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    assert list(partnerships_visible(scope=scope_for(user("business.unit@example.org")))) == [demo["northvale"]]
    assert list(partnerships_visible(scope=scope_for(user("southmoor.business.unit@example.org")))) == [
        demo["southmoor"]
    ]


def test_the_shared_police_lead_sees_both_partnerships(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    scope = scope_for(user("police.lead@example.org"))
    assert set(partnerships_visible(scope=scope)) == {demo["northvale"], demo["southmoor"]}
    assert scope.roles_in(demo["southmoor"].id) == {Role.AGENCY_CONTRIBUTOR}


def test_a_disabled_membership_or_account_gives_no_access(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    police = user("police.lead@example.org")
    Membership.objects.filter(user=police, partnership=demo["southmoor"]).update(is_active=False)
    assert scope_for(police).partnership_ids == {demo["northvale"].id}
    police.is_active = False
    assert scope_for(police) == NO_SCOPE


def test_building_a_scope_takes_one_query_however_many_memberships(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    police = user("police.lead@example.org")
    with CaptureQueriesContext(connection) as queries:
        scope_for(police)
    assert len(queries) == 1


def test_the_switcher_appears_only_for_people_in_several_partnerships(client_as: Callable[[str], Client]) -> None:
    assert 'id="partnership-switcher"' in client_as("police.lead@example.org").get("/").content.decode()
    assert 'id="partnership-switcher"' not in client_as("business.unit@example.org").get("/").content.decode()


def test_the_shared_police_lead_switches_between_partnerships(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("police.lead@example.org")
    response = client.post("/partnership/switch/", {"partnership": demo["southmoor"].id, "next": "/partnership/"})
    assert response.status_code == 302
    assert response["Location"] == "/partnership/"
    page = client.get("/partnership/").content.decode()
    assert "Southmoor Safeguarding Children Partnership (demo)" in page
    assert "Southmoor Council Children&#39;s Services (demo)" in page
    assert "Northvale Council" not in page
    client.post("/partnership/switch/", {"partnership": demo["northvale"].id})
    assert "Northvale Council" in client.get("/partnership/").content.decode()


def test_switching_to_a_partnership_one_is_not_a_member_of_is_refused_and_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("business.unit@example.org")
    response = client.post("/partnership/switch/", {"partnership": demo["southmoor"].id})
    assert response.status_code == 404
    assert "Southmoor" not in client.get("/partnership/").content.decode()
    assert AuditEvent.objects.filter(verb="access.refused", details__status=404).exists()


def test_a_session_working_in_a_partnership_the_person_lost_ends_and_says_so(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    client = client_as("police.lead@example.org")
    client.post("/partnership/switch/", {"partnership": demo["southmoor"].id})
    Membership.objects.filter(user=user("police.lead@example.org"), partnership=demo["southmoor"]).update(
        is_active=False
    )
    response = client.get("/partnership/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/access-removed/"
    page = client.get("/accounts/access-removed/").content.decode()
    assert "Southmoor Safeguarding Children Partnership (demo)" in page
    assert client.get("/partnership/").status_code == 302  # signed out: to the sign-in page
    assert client.get("/partnership/")["Location"].startswith("/accounts/sign-in/")


def test_a_session_that_never_chose_falls_back_to_a_partnership_the_person_still_belongs_to(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    client = client_as("police.lead@example.org")
    Membership.objects.filter(user=user("police.lead@example.org"), partnership=demo["northvale"]).update(
        is_active=False
    )
    page = client.get("/partnership/").content.decode()
    assert "Southmoor Safeguarding Children Partnership (demo)" in page
    assert "Northvale" not in page


def test_the_people_page_lists_only_this_partnerships_memberships(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    page = client_as("southmoor.business.unit@example.org").get("/partnership/people/").content.decode()
    assert "Morgan Holloway" in page
    assert "Sol Braddock" in page
    assert "Bea Unwin" not in page  # Northvale's business unit
    assert page.count("Agency contributor") == 1  # not the police lead's Northvale membership too


@pytest.mark.parametrize("email", ["business.unit@example.org", "police.lead@example.org", "auditor@example.org"])
def test_the_home_page_lists_ones_own_roles(client_as: Callable[[str], Client], email: str) -> None:
    assert "Your roles here" in client_as(email).get("/").content.decode()


def test_home_query_count_does_not_grow_with_memberships(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    client = client_as("police.lead@example.org")
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    police = user("police.lead@example.org")
    for role in (Role.PRG_MEMBER, Role.EXECUTIVE_MEMBER, Role.AUDITOR):
        Membership.objects.create(user=police, partnership=demo["southmoor"], role=role)
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before)
