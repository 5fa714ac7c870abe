"""Issuing and revoking tokens, and what happens to a request without a usable one."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from cspr.api.models import ApiToken
from cspr.audit.models import AuditEvent
from cspr.partnerships.models import Membership, Partnership
from tests.api.conftest import NOW, TokenFunc, bearer


def issue(*args: str) -> tuple[str, str]:
    """Run issue_api_token; (everything it printed, the token on its last line)."""
    out = io.StringIO()
    call_command("issue_api_token", *args, stdout=out)
    text = out.getvalue()
    return text, text.strip().splitlines()[-1]


def test_issue_prints_the_token_once_and_keeps_only_its_hash(demo: dict[str, Partnership]) -> None:
    text, token = issue("--email", "notifier@example.org", "--partnership", "NVALE", "--name", "Northvale case system")
    assert token.startswith("cspr_")
    assert len(token) == len("cspr_") + 43  # 32 random bytes, base64url
    assert text.count(token) == 1
    stored = ApiToken.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(stored.prefix)
    assert stored.prefix in text.splitlines()[0]
    assert stored.name == "Northvale case system"
    assert stored.membership == Membership.objects.get(
        user__email="notifier@example.org", partnership=demo["northvale"]
    )
    assert not any(token in str(value) for value in ApiToken.objects.values_list().get())
    event = AuditEvent.objects.filter(verb="api_token.issued").get()
    assert token not in str(event.details)
    assert event.details["prefix"] == stored.prefix
    assert bearer(token).get("/api/v1/cases").status_code == 200


def test_the_token_on_the_last_line_is_all_a_script_needs(demo: dict[str, Partnership]) -> None:
    _, token = issue("--email", "business.unit@example.org", "--partnership", "nvale")
    assert bearer(token).get("/api/v1/cases").status_code == 200


def test_a_person_with_memberships_in_two_partnerships_gets_a_token_for_the_one_named(
    demo: dict[str, Partnership],
) -> None:
    _, token = issue("--email", "police.lead@example.org", "--partnership", "SMOOR", "--role", "agency_contributor")
    assert ApiToken.objects.get().membership.partnership == demo["southmoor"]
    assert bearer(token).get("/api/v1/cases").json()["count"] == 0


@pytest.mark.parametrize(
    ("email", "partnership", "more", "message"),
    [
        ("nobody@example.org", "NVALE", [], "No active account"),
        ("notifier@example.org", "NOPE", [], "No partnership"),
        ("notifier@example.org", "SMOOR", [], "no active membership"),
        ("notifier@example.org", "NVALE", ["--role", "auditor"], "no active membership"),
        ("notifier@example.org", "NVALE", ["--by", "auditor@example.org"], "superuser"),
    ],
)
def test_issue_refuses_what_it_cannot_do(
    demo: dict[str, Partnership], email: str, partnership: str, more: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        issue("--email", email, "--partnership", partnership, *more)
    assert not ApiToken.objects.exists()


def test_issue_asks_which_membership_when_there_are_several(demo: dict[str, Partnership]) -> None:
    northvale = demo["northvale"]
    notifier = Membership.objects.get(user__email="notifier@example.org", partnership=northvale)
    Membership.objects.create(user=notifier.user, partnership=northvale, role="auditor")
    with pytest.raises(CommandError, match="more than one"):
        issue("--email", "notifier@example.org", "--partnership", "NVALE")
    issue("--email", "notifier@example.org", "--partnership", "NVALE", "--role", "auditor")
    assert ApiToken.objects.get().membership.role == "auditor"


def test_a_disabled_membership_gets_no_token(demo: dict[str, Partnership]) -> None:
    Membership.objects.filter(user__email="notifier@example.org").update(is_active=False)
    with pytest.raises(CommandError, match="no active membership"):
        issue("--email", "notifier@example.org", "--partnership", "NVALE")


def test_revoke_by_prefix_stops_the_token_at_once(demo: dict[str, Partnership]) -> None:
    _, token = issue("--email", "business.unit@example.org", "--partnership", "NVALE")
    client = bearer(token)
    assert client.get("/api/v1/cases").status_code == 200
    stored = ApiToken.objects.get()
    out = io.StringIO()
    call_command("revoke_api_token", "--prefix", stored.prefix, stdout=out)
    assert "Revoked" in out.getvalue()
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The token is not valid: it is unknown, revoked, or its membership is disabled."
    }
    assert AuditEvent.objects.filter(verb="api_token.revoked", object_id=str(stored.pk)).exists()
    out = io.StringIO()
    call_command("revoke_api_token", "--prefix", stored.prefix, stdout=out)
    assert "already revoked" in out.getvalue()


def test_revoke_accepts_a_pasted_token_but_not_a_vague_prefix(demo: dict[str, Partnership]) -> None:
    _, token = issue("--email", "business.unit@example.org", "--partnership", "NVALE")
    with pytest.raises(CommandError, match="at least"):
        call_command("revoke_api_token", "--prefix", "cspr_", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No API token"):
        call_command("revoke_api_token", "--prefix", "cspr_zzzzzzzz", stdout=io.StringIO())
    call_command("revoke_api_token", "--prefix", token, stdout=io.StringIO())
    assert ApiToken.objects.get().revoked_at is not None
    assert not AuditEvent.objects.filter(details__icontains=token[len("cspr_") + 8 :]).exists()


# -- requests without a usable token ---------------------------------------------------------------------------


UNUSABLE = [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer not-a-token",
    "Bearer cspr_" + "A" * 43,
    "Token cspr_" + "A" * 43,
    "Bearer cspr_" + "A" * 42 + "\x00",
]


def test_no_usable_token_is_a_json_401_and_audited(demo: dict[str, Partnership]) -> None:
    for authorization in UNUSABLE:
        headers = {"Authorization": authorization} if authorization is not None else {}
        before = AuditEvent.objects.filter(verb="access.refused").count()
        response = Client(headers=headers).get("/api/v1/cases")
        assert response.status_code == 401, authorization
        assert response["Content-Type"] == "application/json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response["Cache-Control"] == "no-store"
        assert "detail" in response.json()
        refused = AuditEvent.objects.filter(verb="access.refused").order_by("id")
        assert refused.count() == before + 1
        event = refused.last()
        assert event is not None
        # What was refused and why; nothing of what was presented.
        assert set(event.details) == {"path", "method", "reason", "status", "api"}
        assert event.details["status"] == 401
        assert event.details["api"] is True


def test_a_revoked_tokens_refusal_is_audited_against_its_membership(
    demo: dict[str, Partnership], token_for: TokenFunc
) -> None:
    token = token_for("business.unit@example.org")
    ApiToken.objects.update(revoked_at=timezone.now())
    assert bearer(token).get("/api/v1/cases").status_code == 401
    event = AuditEvent.objects.filter(verb="access.refused").latest("id")
    stored = ApiToken.objects.get()
    assert event.details["reason"] == "revoked token"
    assert event.details["api_token_id"] == stored.pk
    assert event.membership_id == stored.membership_id
    assert token not in str(event.details)


def test_a_disabled_membership_or_account_stops_its_tokens(demo: dict[str, Partnership], token_for: TokenFunc) -> None:
    token = token_for("business.unit@example.org")
    membership = ApiToken.objects.get().membership
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert bearer(token).get("/api/v1/cases").status_code == 401
    Membership.objects.filter(pk=membership.pk).update(is_active=True)
    assert bearer(token).get("/api/v1/cases").status_code == 200
    membership.user.is_active = False
    membership.user.save()
    assert bearer(token).get("/api/v1/cases").status_code == 401


def test_a_session_cookie_alone_does_not_authenticate_the_api(client_as: Callable[[str], Client]) -> None:
    browser = client_as("business.unit@example.org")
    assert browser.get("/partnership/").status_code == 200  # the session works for pages...
    response = browser.get("/api/v1/cases")  # ...but not for the API
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_the_token_decides_who_acts_even_with_someone_elses_session(
    client_as: Callable[[str], Client], token_for: TokenFunc
) -> None:
    browser = client_as("business.unit@example.org")
    token = token_for("reviewer@example.org")
    # The reviewer's token may not read cases, whatever the business unit's session cookie says.
    response = browser.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_a_post_with_a_token_needs_no_csrf_token_and_a_post_with_a_session_is_refused(
    client_as: Callable[[str], Client], token_for: TokenFunc
) -> None:
    strict = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_for('notifier@example.org')}"})
    response = strict.post("/api/v1/notifications", {}, content_type="application/json")
    assert response.status_code == 422  # reached validation: no CSRF failure
    browser = client_as("notifier@example.org")
    browser.handler.enforce_csrf_checks = True
    assert browser.post("/api/v1/notifications", {}, content_type="application/json").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(demo: dict[str, Partnership], token_for: TokenFunc) -> None:
    client = bearer(token_for("business.unit@example.org"))
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/cases")
    assert ApiToken.objects.get().last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=59), tick=False):
        client.get("/api/v1/cases")
    assert ApiToken.objects.get().last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        client.get("/api/v1/cases")
    assert ApiToken.objects.get().last_used_at == NOW + timedelta(seconds=61)


def test_a_role_the_endpoint_does_not_allow_is_a_json_403_and_audited(api_as: Callable[..., Client]) -> None:
    response = api_as("reviewer@example.org").get("/api/v1/cases")
    assert response.status_code == 403
    assert response.json() == {"detail": "This token's role cannot use this endpoint."}
    event = AuditEvent.objects.filter(verb="access.refused").latest("id")
    assert event.details["status"] == 403
    assert event.details["reason"] == "role not allowed on this endpoint"


def test_the_index_says_which_membership_the_token_acts_for(api_as: Callable[..., Client]) -> None:
    response = api_as("police.lead@example.org", "southmoor").get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["token"]["role"] == "agency_contributor"
    assert body["token"]["partnership"] == "SMOOR"
    assert body["token"]["organisation"] == "Vale and Moor Police (demo)"
    assert body["token"]["prefix"].startswith("cspr_")
    assert body["links"] == {
        "openapi": "/api/v1/openapi.json",
        "notifications": "/api/v1/notifications",
        "cases": "/api/v1/cases",
    }
