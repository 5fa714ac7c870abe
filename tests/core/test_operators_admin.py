"""The operators' admin: superusers with a verified second factor may look; nobody may write through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.partnerships.models import Membership, Partnership
from cspr.web.admin_site import operators_site
from tests.support import mark_second_factor_verified


@pytest.fixture
def operator(demo: dict[str, Partnership]) -> User:
    return User.objects.create_superuser(email="ops@example.org", password="a-long-operator-password", full_name="O")


def verified_client(person: User) -> Client:
    client = Client()
    client.force_login(person)
    mark_second_factor_verified(client, person)
    return client


def test_a_superuser_with_a_second_factor_sees_the_records_read_only(operator: User) -> None:
    client = verified_client(operator)
    assert client.get(reverse("admin:index")).status_code == 200
    membership = Membership.objects.filter(user__email="reviewer@example.org").first()
    assert membership is not None
    listing = client.get(reverse("admin:partnerships_membership_changelist"))
    assert listing.status_code == 200
    assert b"reviewer@example.org" in listing.content or b"Reviewer" in listing.content
    page = client.get(reverse("admin:partnerships_membership_change", args=[membership.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("admin:partnerships_membership_add", []),
        ("admin:accounts_user_add", []),
        ("admin:partnerships_membership_delete", ["membership"]),
    ],
)
def test_nothing_can_be_added_changed_or_deleted_through_it(operator: User, name: str, args: list[str]) -> None:
    membership = Membership.objects.filter(user__email="reviewer@example.org").first()
    assert membership is not None
    path = reverse(name, args=[membership.pk for _ in args])
    client = verified_client(operator)
    assert client.get(path).status_code == 403
    assert client.post(path, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_every_registered_model_is_read_only_without_bulk_actions(rf: Any, operator: User) -> None:
    request = rf.get("/")
    request.user = operator
    for model, model_admin in operators_site._registry.items():
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.get_actions(request), model


def test_the_password_hash_is_not_shown(operator: User) -> None:
    page = verified_client(operator).get(reverse("admin:accounts_user_change", args=[operator.pk]))
    assert page.status_code == 200
    assert operator.password.encode() not in page.content


def test_a_superuser_without_the_second_factor_is_sent_to_give_it(operator: User) -> None:
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second-factor-set-up")) or response["Location"].startswith(
        reverse("accounts:second-factor")
    )


def test_in_demo_mode_a_superuser_without_a_second_factor_still_cannot_enter(operator: User, settings: Any) -> None:
    settings.DEMO_MODE = True  # the service lets them in on the password alone; the admin does not
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:second-factor-set-up"))


def test_a_partnership_admin_is_refused(client_as: Callable[[str], Client]) -> None:
    response = client_as("admin@example.org").get(reverse("admin:partnerships_membership_changelist"))
    assert response.status_code == 403


def test_anonymous_people_are_sent_to_the_services_sign_in(demo: dict[str, Partnership]) -> None:
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_passwords_are_not_changed_here_and_queued_messages_do_not_show_their_bodies(operator: User) -> None:
    from cspr.messaging.admin import OutboundMessageAdmin

    client = verified_client(operator)
    response = client.post(reverse("admin:password_change"), {"old_password": "x", "new_password1": "y"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")
    assert User.objects.get(pk=operator.pk).check_password("a-long-operator-password")

    assert {"body", "html_body"} <= set(OutboundMessageAdmin.exclude or ())
