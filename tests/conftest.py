"""Shared fixtures: the demo partnerships, and clients signed in as any demo person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cspr.accounts.models import User
from cspr.partnerships.demo import seed_demo
from cspr.partnerships.models import Partnership


@pytest.fixture
def demo(db: None) -> dict[str, Partnership]:
    seed_demo()
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
    """A test client signed in as the demo person with this e-mail address."""

    def sign_in(email: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(email=email))
        return client

    return sign_in
