"""Every URL pattern has an access policy, and every role gets exactly what the policy says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cspr.calendars.models import ClosureDay
from cspr.core.policy import URL_POLICY
from cspr.domain.roles import Role
from cspr.partnerships.demo import NORTHVALE_PEOPLE
from cspr.partnerships.models import Partnership


def named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry
        else:
            yield f"{namespace}<unnamed {entry.pattern}>", entry


ALL_PATTERNS = sorted(name for name, _ in named_patterns())

# Pages that only accept POST are requested with POST (an empty form).
POST_ONLY = {"accounts:sign-out", "partnerships:switch", "calendars:closure-day-add", "calendars:closure-day-remove"}


def url_kwargs(name: str, demo: dict[str, Partnership]) -> dict[str, Any]:
    """Real objects of the signed-in person's partnership, so an allowed role is not refused for a missing id."""
    if name == "calendars:closure-day-remove":
        closure = ClosureDay.objects.create(partnership=demo["northvale"], date="2030-12-24", description="Policy test")
        return {"closure_day_id": closure.id}
    if name == "procedure:clock-edit":
        return {"clock_id": "prg_meeting"}
    if name == "procedure:criterion-edit":
        return {"code": "near_miss"}
    return {}


ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}


def test_every_url_pattern_has_an_access_policy() -> None:
    missing = [name for name in ALL_PATTERNS if name not in URL_POLICY]
    assert missing == [], f"Add these URL patterns to cspr.core.policy.URL_POLICY: {missing}"


def test_the_policy_table_names_no_url_that_does_not_exist() -> None:
    stale = sorted(set(URL_POLICY) - set(ALL_PATTERNS))
    assert stale == [], f"Remove these entries from URL_POLICY: {stale}"


def test_every_role_has_a_demo_person_to_test_with() -> None:
    assert set(ROLE_EMAILS) == set(Role)


def post_data(name: str, demo: dict[str, Partnership]) -> dict[str, Any]:
    if name == "partnerships:switch":
        return {"partnership": demo["northvale"].id}
    return {}


def _request(client: Client, name: str, demo: dict[str, Partnership]) -> Any:
    path = reverse(name, kwargs=url_kwargs(name, demo))
    return client.post(path, post_data(name, demo)) if name in POST_ONLY else client.get(path)


@pytest.mark.parametrize("name", ALL_PATTERNS)
def test_anonymous_people_are_sent_to_sign_in_except_on_public_pages(name: str, demo: dict[str, Partnership]) -> None:
    response = _request(Client(), name, demo)
    signs_in = response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    if URL_POLICY[name].public:
        assert not signs_in
        assert response.status_code < 400
    else:
        assert signs_in, f"{name} answered {response.status_code} to an anonymous request"


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", [name for name in ALL_PATTERNS if not URL_POLICY[name].public])
def test_each_role_is_allowed_or_refused_exactly_as_the_policy_says(
    name: str, role: Role, client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as(ROLE_EMAILS[role])
    response = _request(client, name, demo)
    allowed = URL_POLICY[name].allows(authenticated=True, is_superuser=False, roles_here=frozenset({role}))
    if allowed:
        assert response.status_code not in (403, 404), f"{role} was refused {name}"
        assert response.status_code < 500
    else:
        assert response.status_code in (403, 404), f"{role} reached {name} ({response.status_code})"
        assert b"You cannot use this page" in response.content or b"Page not found" in response.content


@pytest.mark.django_db
def test_a_page_missing_from_the_policy_table_is_refused_even_to_a_signed_in_member(
    settings: Any, client_as: Callable[[str], Client]
) -> None:
    settings.ROOT_URLCONF = "tests.core.unlisted_urls"
    response = client_as("admin@example.org").get("/unlisted/")
    assert response.status_code == 403
    assert b"secret content" not in response.content
