"""Every URL pattern has an access policy, and every role gets exactly what the policy says.

The matrix (every pattern by every role, signed out, before the second factor, a session on the API) is checked
a namespace at a time: each test walks its cells, each cell in a savepoint rolled back after it, so a cell sees
what it would see alone; the test collects every wrong cell and fails naming all of them. Sign-ins, API tokens
and the objects a page needs that are new rows of their own are made once per namespace, outside the cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User
from cspr.calendars.models import ClosureDay
from cspr.core.policy import URL_POLICY, Policy, policy_for
from cspr.demo.partnerships import NORTHVALE_PEOPLE
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Partnership
from tests.api.support import API_CASE_PAGES, API_POST_ONLY, api_policy_case, api_url_kwargs
from tests.cases.notification_form_support import NOTIFY_POST_ONLY, notify_url_kwargs
from tests.cases.support import CASE_PAGES, CASE_POST_ONLY, case_url_kwargs
from tests.letters.support import LETTERS_POST_ONLY, letters_url_kwargs
from tests.local_reviews.support import LOCAL_REVIEW_POST_ONLY, local_review_url_kwargs
from tests.local_reviews.support_drafts import DRAFT_PAGES, drafts_url_kwargs
from tests.local_reviews.support_people import PEOPLE_PAGES, explainer_url_kwargs, people_url_kwargs
from tests.national_reviews.support import NATIONAL_REVIEW_POST_ONLY, national_review_url_kwargs
from tests.rapid_reviews.support import RAPID_REVIEW_POST_ONLY, rapid_review_url_kwargs
from tests.returns.support import RETURNS_POST_ONLY, returns_url_kwargs
from tests.reviewers.support import (
    REVIEWER_CASE_PAGES,
    REVIEWERS_POST_ONLY,
    reviewer_policy_case,
    reviewer_url_kwargs,
)
from tests.support import ACCOUNT_AND_SETTINGS_POST_ONLY, mark_second_factor_verified


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


def namespace(name: str) -> str:
    return name.partition(":")[0]


def in_namespace(names: list[str], group: str) -> list[str]:
    return [name for name in names if namespace(name) == group]


def namespaces(names: list[str]) -> list[str]:
    return sorted({namespace(name) for name in names})


# Pages that only accept POST are requested with POST (an empty form).
POST_ONLY = {
    *ACCOUNT_AND_SETTINGS_POST_ONLY,
    *CASE_POST_ONLY,
    *LETTERS_POST_ONLY,
    *NOTIFY_POST_ONLY,
    *API_POST_ONLY,
    *RAPID_REVIEW_POST_ONLY,
    *NATIONAL_REVIEW_POST_ONLY,
    *LOCAL_REVIEW_POST_ONLY,
    *RETURNS_POST_ONLY,
    *REVIEWERS_POST_ONLY,
}

ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}


def test_every_url_pattern_has_an_access_policy() -> None:
    missing = [name for name in ALL_PATTERNS if policy_for(name) is None]
    assert missing == [], f"Add these URL patterns to cspr.core.policy.URL_POLICY: {missing}"


def test_the_policy_table_names_no_url_that_does_not_exist() -> None:
    known = {namespace(name) for name in ALL_PATTERNS}
    stale = sorted(
        entry
        for entry in set(URL_POLICY) - set(ALL_PATTERNS)
        if not (entry.endswith(":*") and entry.removesuffix(":*") in known)
    )
    assert stale == [], f"Remove these entries from URL_POLICY: {stale}"


def test_every_role_has_a_demo_person_to_test_with() -> None:
    assert set(ROLE_EMAILS) == set(Role)


# -- the objects a page needs ----------------------------------------------------------------------------------------

# Pages whose objects depend on who asks (their own draft, their own organisation's request), or whose making
# changes a demo object other cells read (a meeting scheduled on the demo case): made in each cell, rolled back.
MADE_PER_CELL_PREFIXES = ("notify:", "returns:")
MADE_PER_CELL = frozenset({"rapid_reviews:paper-download"})


def made_per_cell(name: str) -> bool:
    return name.startswith(MADE_PER_CELL_PREFIXES) or name in MADE_PER_CELL


# Each part's own pages (a set of names, or a namespace's prefix) and the helper that makes their objects in Northvale:
# the first that takes a page makes them, so a part's pages in another part's namespace come before that namespace.
PARTS_PAGES: tuple[tuple[frozenset[str] | str, Callable[[str, Partnership], dict[str, Any]]], ...] = (
    (CASE_PAGES, case_url_kwargs),
    ("rapid_reviews:", rapid_review_url_kwargs),
    ("national_reviews:", national_review_url_kwargs),
    ("reviewers:", reviewer_url_kwargs),
    # The report's drafts: on the demo reviewer's own case, the Board asked about a draft.
    (DRAFT_PAGES, drafts_url_kwargs),
    # Pages the commissioned reviewer opens too: on the demo reviewer's own case.
    (PEOPLE_PAGES, people_url_kwargs),
    ("local_reviews:", local_review_url_kwargs),
    ("explainers:", explainer_url_kwargs),
    ("api:", api_url_kwargs),
    ("letters:", letters_url_kwargs),
)


def url_kwargs(name: str, demo: dict[str, Partnership], client: Client) -> dict[str, Any]:
    """Real objects of the signed-in person's partnership, so an allowed role is not refused for a missing id."""
    if name.startswith("notify:"):  # drafts belong to the person asking: anybody else's is "not found"
        return notify_url_kwargs(name, client, demo["northvale"])
    if name.startswith("returns:"):  # contributors open their own organisation's request
        return returns_url_kwargs(name, client, demo["northvale"])
    if name in REVIEWER_CASE_PAGES:  # the pages a reviewer may open: their own case, which every other role sees
        return {"reference": reviewer_policy_case(demo["northvale"]).reference}
    for pages, made in PARTS_PAGES:
        if (name in pages) if isinstance(pages, frozenset) else name.startswith(pages):
            return made(name, demo["northvale"])
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


def post_data(name: str, demo: dict[str, Partnership]) -> dict[str, Any]:
    if name == "partnerships:switch":
        return {"partnership": demo["northvale"].id}
    return {}


class Pages:
    """The path of each page, its objects made once for the namespace unless ``made_per_cell``."""

    def __init__(self, names: list[str], demo: dict[str, Partnership]) -> None:
        self.demo = demo
        self.shared: dict[str, dict[str, Any]] = {}
        api_case: dict[str, Any] = {}
        for name in names:
            if made_per_cell(name):
                continue
            if name in API_CASE_PAGES:
                # One case (a whole notification) serves every API page that reads a case.
                api_case.setdefault("reference", api_policy_case(demo["northvale"]).reference)
                self.shared[name] = dict(api_case)
            else:
                self.shared[name] = url_kwargs(name, demo, Client())

    def request(self, client: Client, name: str) -> Any:
        kwargs = url_kwargs(name, self.demo, client) if made_per_cell(name) else self.shared[name]
        path = reverse(name, kwargs=kwargs)
        return client.post(path, post_data(name, self.demo)) if name in POST_ONLY else client.get(path)


@contextmanager
def cell() -> Iterator[None]:
    """One cell of the matrix: whatever it writes (sessions, drafts, rows a POST makes) is rolled back after it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def checked(cells: list[Any], check: Callable[[Any], str | None]) -> list[str]:
    """Run ``check`` for every cell, each rolled back; every cell's complaint (or exception), in order."""
    wrong: list[str] = []
    for each in cells:
        try:
            with cell():
                problem = check(each)
        except Exception as error:  # a crashing cell is a wrong cell, named with the others
            problem = f"{each}: raised {type(error).__name__}: {error}"
        if problem:
            wrong.append(problem)
    return wrong


def report(wrong: list[str], total: int) -> str:
    return f"{len(wrong)} of {total} cells wrong:\n" + "\n".join(wrong)


def session_client(session_key: str) -> Client:
    """A fresh client carrying an existing session (one sign-in serves every cell)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def signed_in_session(person: User, *, second_factor: bool = True) -> str:
    client = Client()
    client.force_login(person)
    if second_factor:
        mark_second_factor_verified(client, person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def api_token(email: str, partnership: Partnership) -> str:
    from cspr.api.services import api_token_issue
    from cspr.kernel.acting import system_acting

    membership = Membership.objects.get(user__email=email, partnership=partnership, is_active=True)
    return api_token_issue(acting=system_acting(), membership=membership, name="URL policy test").secret


# -- the matrix, a namespace at a time ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", namespaces(CHECKED))
def test_anonymous_people_are_sent_to_sign_in_except_on_public_pages(group: str, demo: dict[str, Partnership]) -> None:
    names = in_namespace(CHECKED, group)
    pages = Pages(names, demo)

    def check(name: str) -> str | None:
        response = pages.request(Client(), name)
        signs_in = response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
        if policy(name).api:  # the JSON API has no sign-in page to go to: 401, in JSON
            if response.status_code != 401 or response["Content-Type"] != "application/json":
                return f"{name} answered {response.status_code} ({response['Content-Type']}) to an anonymous request"
        elif policy(name).public:
            if signs_in or response.status_code >= 500:
                return f"{name} (public) answered {response.status_code} to an anonymous request"
        elif not signs_in:
            return f"{name} answered {response.status_code} to an anonymous request"
        return None

    wrong = checked(names, check)
    assert not wrong, report(wrong, len(names))


@pytest.mark.parametrize("group", namespaces([name for name in CHECKED if not policy(name).public]))
def test_each_role_is_allowed_or_refused_exactly_as_the_policy_says(group: str, demo: dict[str, Partnership]) -> None:
    names = [name for name in in_namespace(CHECKED, group) if not policy(name).public]
    api = {name for name in names if policy(name).api}
    pages = Pages(names, demo)
    roles = sorted(Role)
    sessions = {role: signed_in_session(User.objects.get(email=ROLE_EMAILS[role])) for role in roles}
    # The API is used with a token for the person's membership, not a session.
    tokens = {role: api_token(ROLE_EMAILS[role], demo["northvale"]) for role in roles} if api else {}

    def check(name_and_role: tuple[str, Role]) -> str | None:
        name, role = name_and_role
        if name in api:
            client = Client(headers={"Authorization": f"Bearer {tokens[role]}"})
        else:
            client = session_client(sessions[role])
        response = pages.request(client, name)
        allowed = policy(name).allows(authenticated=True, is_superuser=False, roles_here=frozenset({role}))
        status = response.status_code
        if allowed:
            if status in (401, 403, 404) or status >= 500:
                return f"{role} was refused {name} ({status})"
        elif name in api:
            if status != 403 or not response.json().get("detail"):
                return f"{role} reached {name} ({status})"
        elif status not in (403, 404) or not (
            b"You cannot use this page" in response.content or b"Page not found" in response.content
        ):
            return f"{role} reached {name} ({status})"
        return None

    cells = [(name, role) for name in names for role in roles]
    wrong = checked(cells, check)
    assert not wrong, report(wrong, len(cells))


@pytest.mark.django_db
def test_a_page_missing_from_the_policy_table_is_refused_even_to_a_signed_in_member(
    settings: Any, client_as: Callable[[str], Client]
) -> None:
    settings.ROOT_URLCONF = "tests.core.unlisted_urls"
    response = client_as("admin@example.org").get("/unlisted/")
    assert response.status_code == 403
    assert b"secret content" not in response.content


PAGES = [name for name in CHECKED if not policy(name).api]
AFTER_SECOND_FACTOR = [name for name in PAGES if not policy(name).public and not policy(name).before_second_factor]


@pytest.mark.parametrize("group", namespaces(AFTER_SECOND_FACTOR))
def test_a_person_who_has_given_only_their_password_is_sent_to_the_second_factor_from_every_page(
    group: str, demo: dict[str, Partnership]
) -> None:
    names = in_namespace(AFTER_SECOND_FACTOR, group)
    pages = Pages(names, demo)
    person = User.objects.get(email="admin@example.org")
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    session = signed_in_session(person, second_factor=False)  # the password step, without the second factor

    def check(name: str) -> str | None:
        response = pages.request(session_client(session), name)
        if response.status_code != 302 or not response["Location"].startswith(reverse("accounts:second-factor")):
            return f"{name} answered {response.status_code}"
        return None

    wrong = checked(names, check)
    assert not wrong, report(wrong, len(names))


def test_a_signed_in_session_alone_does_not_authenticate_the_api(demo: dict[str, Partnership]) -> None:
    names = [name for name in CHECKED if policy(name).api]
    pages = Pages(names, demo)
    session = signed_in_session(User.objects.get(email="business.unit@example.org"))

    def check(name: str) -> str | None:
        response = pages.request(session_client(session), name)
        if response.status_code != 401 or response["Content-Type"] != "application/json":
            return f"{name} answered {response.status_code} to a session without a token"
        return None

    wrong = checked(names, check)
    assert not wrong, report(wrong, len(names))
