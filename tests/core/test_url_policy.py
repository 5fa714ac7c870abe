"""Every URL pattern has an access policy, and every role gets exactly what the policy says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User
from cspr.calendars.models import ClosureDay
from cspr.core.policy import URL_POLICY, Policy, policy_for
from cspr.domain.roles import Role
from cspr.partnerships.demo import NORTHVALE_PEOPLE
from cspr.partnerships.models import Partnership
from tests.api.support import API_POST_ONLY, api_client_for, api_url_kwargs
from tests.cases.notification_form_support import NOTIFY_POST_ONLY, notify_url_kwargs
from tests.cases.support import CASE_PAGES, CASE_POST_ONLY, case_url_kwargs
from tests.rapid_reviews.support import RAPID_REVIEW_POST_ONLY, rapid_review_url_kwargs
from tests.returns.support import RETURNS_POST_ONLY, returns_url_kwargs


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
# The operators' admin shares one namespace-wide entry: its index stands for all its pages here
# (tests/core/test_operators_admin.py covers the rest).
CHECKED = [name for name in ALL_PATTERNS if not name.startswith("admin:")] + ["admin:index"]


def policy(name: str) -> Policy:
    found = policy_for(name)
    assert found is not None, name
    return found


# Pages that only accept POST are requested with POST (an empty form).
POST_ONLY = {
    "accounts:sign-out",
    "accounts:session-keep-alive",
    "partnerships:switch",
    "partnerships:membership-disable",
    "partnerships:membership-enable",
    "calendars:closure-day-add",
    "calendars:closure-day-remove",
    *CASE_POST_ONLY,
    *NOTIFY_POST_ONLY,
    *API_POST_ONLY,
    *RAPID_REVIEW_POST_ONLY,
    *RETURNS_POST_ONLY,
}


def url_kwargs(name: str, demo: dict[str, Partnership]) -> dict[str, Any]:
    """Real objects of the signed-in person's partnership, so an allowed role is not refused for a missing id."""
    if name in CASE_PAGES:
        return case_url_kwargs(name, demo["northvale"])
    if name.startswith("rapid_reviews:"):
        return rapid_review_url_kwargs(name, demo["northvale"])
    if name.startswith("api:"):
        return api_url_kwargs(name, demo["northvale"])
    if name == "calendars:closure-day-remove":
        closure = ClosureDay.objects.create(partnership=demo["northvale"], date="2030-12-24", description="Policy test")
        return {"closure_day_id": closure.id}
    if name in {"partnerships:membership-change", "partnerships:membership-disable", "partnerships:membership-enable"}:
        return {"membership_id": demo["northvale"].memberships.get(user__email="reviewer@example.org").id}
    if name == "partnerships:invitation-accept":
        return {"token": "not-a-real-token"}
    if name in {"accounts:password-reset-link", "accounts:password-reset-set"}:
        person = User.objects.get(email="reviewer@example.org")
        uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
        if name == "accounts:password-reset-set":
            return {"uidb64": uidb64}
        return {"uidb64": uidb64, "token": default_token_generator.make_token(person)}
    if name == "procedure:clock-edit":
        return {"clock_id": "prg_meeting"}
    if name == "procedure:criterion-edit":
        return {"code": "near_miss"}
    return {}


ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}


def test_every_url_pattern_has_an_access_policy() -> None:
    missing = [name for name in ALL_PATTERNS if policy_for(name) is None]
    assert missing == [], f"Add these URL patterns to cspr.core.policy.URL_POLICY: {missing}"


def test_the_policy_table_names_no_url_that_does_not_exist() -> None:
    namespaces = {name.partition(":")[0] for name in ALL_PATTERNS}
    stale = sorted(
        entry
        for entry in set(URL_POLICY) - set(ALL_PATTERNS)
        if not (entry.endswith(":*") and entry.removesuffix(":*") in namespaces)
    )
    assert stale == [], f"Remove these entries from URL_POLICY: {stale}"


def test_every_role_has_a_demo_person_to_test_with() -> None:
    assert set(ROLE_EMAILS) == set(Role)


def post_data(name: str, demo: dict[str, Partnership]) -> dict[str, Any]:
    if name == "partnerships:switch":
        return {"partnership": demo["northvale"].id}
    return {}


def _request(client: Client, name: str, demo: dict[str, Partnership]) -> Any:
    if name.startswith("notify:"):  # drafts belong to the person asking: anybody else's is "not found"
        path = reverse(name, kwargs=notify_url_kwargs(name, client, demo["northvale"]))
    elif name.startswith("returns:"):  # contributors open their own organisation's request
        path = reverse(name, kwargs=returns_url_kwargs(name, client, demo["northvale"]))
    else:
        path = reverse(name, kwargs=url_kwargs(name, demo))
    return client.post(path, post_data(name, demo)) if name in POST_ONLY else client.get(path)


@pytest.mark.parametrize("name", CHECKED)
def test_anonymous_people_are_sent_to_sign_in_except_on_public_pages(name: str, demo: dict[str, Partnership]) -> None:
    response = _request(Client(), name, demo)
    signs_in = response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    if policy(name).api:  # the JSON API has no sign-in page to go to: 401, in JSON
        assert response.status_code == 401, f"{name} answered {response.status_code} to an anonymous request"
        assert response["Content-Type"] == "application/json"
    elif policy(name).public:
        assert not signs_in
        assert response.status_code < 500
    else:
        assert signs_in, f"{name} answered {response.status_code} to an anonymous request"


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", [name for name in CHECKED if not policy(name).public])
def test_each_role_is_allowed_or_refused_exactly_as_the_policy_says(
    name: str, role: Role, client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    api = policy(name).api  # the API is used with a token for the person's membership, not a session
    client = api_client_for(ROLE_EMAILS[role], demo["northvale"]) if api else client_as(ROLE_EMAILS[role])
    response = _request(client, name, demo)
    allowed = policy(name).allows(authenticated=True, is_superuser=False, roles_here=frozenset({role}))
    if allowed:
        assert response.status_code not in (401, 403, 404), f"{role} was refused {name}"
        assert response.status_code < 500
    elif api:
        assert response.status_code == 403, f"{role} reached {name} ({response.status_code})"
        assert response.json()["detail"]
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


PAGES = [name for name in CHECKED if not policy(name).api]


@pytest.mark.parametrize(
    "name", [name for name in PAGES if not policy(name).public and not policy(name).before_second_factor]
)
def test_a_person_who_has_given_only_their_password_is_sent_to_the_second_factor_from_every_page(
    name: str, demo: dict[str, Partnership]
) -> None:
    person = User.objects.get(email="admin@example.org")
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    client = Client()
    client.force_login(person)  # the password step, without the second factor
    response = _request(client, name, demo)
    assert response.status_code == 302, f"{name} answered {response.status_code}"
    assert response["Location"].startswith(reverse("accounts:second-factor"))


@pytest.mark.parametrize("name", [name for name in CHECKED if policy(name).api])
def test_a_signed_in_session_alone_does_not_authenticate_the_api(
    name: str, client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    response = _request(client_as("business.unit@example.org"), name, demo)
    assert response.status_code == 401, f"{name} answered {response.status_code} to a session without a token"
    assert response["Content-Type"] == "application/json"
