"""POST /api/v1/notifications with an Idempotency-Key: a retried request makes one case, whatever the timing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cspr.api.access import api_acting
from cspr.api.models import ApiToken, IdempotentRequest
from cspr.api.services import Answer, Once, api_request_once, body_fingerprint, idempotent_requests_expire
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from tests.api.conftest import VALID_PAYLOAD, payload
from tests.support import at_the_same_moment

URL = "/api/v1/notifications"
KEY = "5f0c2b1e-8d7a-4c39-9f5e-2a6b1c0d9e84"


def send(client: Client, body: dict[str, object], key: str | None = KEY) -> object:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_the_same_key_and_body_answers_the_first_response_again_and_makes_no_second_case(
    api_as: Callable[..., Client],
) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    first = send(client, VALID_PAYLOAD)
    again = send(client, VALID_PAYLOAD)
    assert first.status_code == again.status_code == 201  # type: ignore[attr-defined]
    assert again.json() == first.json()  # type: ignore[attr-defined]
    assert again["Location"] == first["Location"]  # type: ignore[index]
    assert Case.objects.count() == before + 1
    replay = AuditEvent.objects.get(verb="api.idempotent_replay")
    token = ApiToken.objects.latest("created_at")
    # Recorded as the token's person, through the token's membership (the one that allowed it), from its address.
    assert (replay.actor_id, replay.membership_id, replay.ip_address) == (
        token.membership.user_id,
        token.membership_id,
        "127.0.0.1",
    )


def test_a_retry_serialised_differently_is_still_the_same_request(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    send(client, VALID_PAYLOAD)
    reordered = dict(reversed(list(VALID_PAYLOAD.items())))
    assert send(client, reordered).status_code == 201  # type: ignore[attr-defined]
    assert Case.objects.count() == before + 1


def test_the_same_key_with_another_body_is_refused_naming_the_header(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    send(client, VALID_PAYLOAD)
    before = Case.objects.count()
    other = send(client, payload(media_interest=True))
    assert other.status_code == 422  # type: ignore[attr-defined]
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]  # type: ignore[attr-defined]
    assert Case.objects.count() == before
    assert AuditEvent.objects.filter(verb="api.idempotency_key_reused").exists()


def test_without_a_key_every_request_is_a_new_notification(api_as: Callable[..., Client]) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    send(client, VALID_PAYLOAD, key=None)
    send(client, VALID_PAYLOAD, key=None)
    assert Case.objects.count() == before + 2
    assert not IdempotentRequest.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve-key", "two words"])
def test_a_malformed_key_is_refused_and_nothing_is_made(api_as: Callable[..., Client], key: str) -> None:
    before = Case.objects.count()
    response = send(api_as("notifier@example.org"), VALID_PAYLOAD, key=key)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Idempotency-Key" in str(response.json())  # type: ignore[attr-defined]
    assert Case.objects.count() == before


def test_an_invalid_request_keeps_no_answer_so_the_corrected_one_may_use_the_key(
    api_as: Callable[..., Client],
) -> None:
    client = api_as("notifier@example.org")
    invalid = send(client, payload(children=[]))
    assert invalid.status_code == 422  # type: ignore[attr-defined]
    assert not IdempotentRequest.objects.exists()
    assert send(client, VALID_PAYLOAD).status_code == 201  # type: ignore[attr-defined]


def test_keys_belong_to_one_token(api_as: Callable[..., Client]) -> None:
    before = Case.objects.count()
    assert send(api_as("notifier@example.org"), VALID_PAYLOAD).status_code == 201  # type: ignore[attr-defined]
    assert send(api_as("contributor.health@example.org"), VALID_PAYLOAD).status_code == 201  # type: ignore[attr-defined]
    assert Case.objects.count() == before + 2


def test_after_24_hours_the_key_may_be_used_again_and_the_worker_removes_old_answers(
    api_as: Callable[..., Client],
) -> None:
    client = api_as("notifier@example.org")
    before = Case.objects.count()
    send(client, VALID_PAYLOAD)
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1), tick=False):
        assert send(client, VALID_PAYLOAD).status_code == 201  # type: ignore[attr-defined]
        assert Case.objects.count() == before + 2
        assert IdempotentRequest.objects.count() == 1
    assert idempotent_requests_expire(now=timezone.now() + timedelta(days=3)) == 1
    assert not IdempotentRequest.objects.exists()


def test_a_failure_after_the_claim_keeps_neither_the_claim_nor_the_write(api_as: Callable[..., Client]) -> None:
    """Atomic: the claim and what ``perform`` wrote commit together or not at all."""
    api_as("notifier@example.org")
    token = ApiToken.objects.latest("created_at")

    def perform() -> Answer:
        IdempotentRequest.objects.create(
            token=token, key="written-then-failed", body_sha256="0" * 64, status_code=201, created_at=timezone.now()
        )
        raise RuntimeError("the write failed")

    acting = api_acting(token.membership)
    with pytest.raises(RuntimeError):
        api_request_once(acting=acting, token=token, key=KEY, body=b"{}", perform=perform)
    assert not IdempotentRequest.objects.exists()
    outcome, answer = api_request_once(
        acting=acting, token=token, key=KEY, body=b"{}", perform=lambda: Answer(201, {"ok": True})
    )
    assert (outcome, answer) == (Once.PERFORMED, Answer(201, {"ok": True}))


def test_the_fingerprint_ignores_key_order_and_spacing_but_not_values() -> None:
    assert body_fingerprint(b'{"a": 1, "b": [2, 3]}') == body_fingerprint(b'{"b":[2,3],"a":1}')
    assert body_fingerprint(b'{"a": 1}') != body_fingerprint(b'{"a": 2}')
    assert body_fingerprint(b"not json") != body_fingerprint(b"not json!")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_perform_once(demo: object) -> None:
    """Two retries racing each other: the second waits on the first's claim, then answers as it did."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time; the race needs PostgreSQL's row locks")
    from cspr.api.services import api_token_issue
    from cspr.kernel.acting import system_acting
    from cspr.partnerships.models import Membership

    membership = Membership.objects.filter(user__email="notifier@example.org", is_active=True).first()
    assert membership is not None
    token = api_token_issue(acting=system_acting(), membership=membership, name="race").token
    performed: list[int] = []
    results: list[tuple[Once, object]] = []

    def perform() -> Answer:
        performed.append(1)
        time.sleep(0.3)  # hold the claim while the other request arrives
        return Answer(201, {"reference": "NVALE-2026-999"})

    def request() -> None:
        results.append(
            api_request_once(acting=api_acting(membership), token=token, key=KEY, body=b"{}", perform=perform)
        )

    at_the_same_moment(request)
    assert len(performed) == 1
    assert sorted(outcome for outcome, _ in results) == [Once.PERFORMED, Once.REPLAYED]
    assert [answer for _, answer in results] == [Answer(201, {"reference": "NVALE-2026-999"})] * 2
