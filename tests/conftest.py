"""Shared fixtures: the demo partnerships, and clients signed in as any demo person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db.models.signals import post_save
from django.test import Client

from cspr.accounts.models import User
from cspr.demo.partnerships import seed_demo
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership
from tests.demo_copy import demo_loaded, keep_seeded_copy
from tests.support import kinds_naming_a_child, mark_second_factor_verified


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Seed the demo once for the whole run: each test's transaction then rolls back to it.

    A test that needs real transactions (``transaction=True``) empties the tables when it ends;
    ``demo`` below brings the demo back for the next one that asks. pytest-django runs those tests last.
    """
    with django_db_blocker.unblock():
        seed_demo()
        keep_seeded_copy()


@pytest.fixture
def demo(db: None) -> dict[str, Partnership]:
    demo_loaded()  # a no-op unless a transactional test emptied the tables
    return {
        "northvale": Partnership.objects.get(code="NVALE"),
        "southmoor": Partnership.objects.get(code="SMOOR"),
    }


@pytest.fixture
def user(demo: dict[str, Partnership]) -> Callable[[str], User]:
    def get(email: str) -> User:
        return User.objects.get(email=email)

    return get


@pytest.fixture
def client_as(demo: dict[str, Partnership]) -> Callable[[str], Client]:
    """A test client signed in as the demo person with this e-mail address, second factor passed."""

    def sign_in(email: str) -> Client:
        client = Client()
        person = User.objects.get(email=email)
        client.force_login(person)
        mark_second_factor_verified(client, person)
        return client

    return sign_in


# --- Every message the suite produces is scanned for identifying details --------------------------------------------

_messages_seen: list[tuple[str, str]] = []


def _remember_message(
    sender: type[OutboundMessage], instance: OutboundMessage, created: bool, **kwargs: object
) -> None:
    if created:
        text = "\n".join([instance.to, instance.subject, instance.body, instance.html_body])
        _messages_seen.append((instance.kind, text))


@pytest.fixture(scope="session", autouse=True)
def no_message_names_a_child() -> Iterator[None]:
    """Whatever any test makes the service send, no message may carry a child's or family's identifying details.

    Messages are recorded as they are queued (before each test's transaction is rolled back) and scanned
    when the whole run ends; a leak fails the run at the last test's teardown, naming the kind of message.
    """
    post_save.connect(_remember_message, sender=OutboundMessage, dispatch_uid="tests.no_message_names_a_child")
    yield
    post_save.disconnect(sender=OutboundMessage, dispatch_uid="tests.no_message_names_a_child")
    leaks = kinds_naming_a_child(_messages_seen)
    assert not leaks, f"Messages of these kinds carried identifying details: {leaks}"
