"""The business unit's "Messages not delivered" page, through the test client with real permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.messaging.models import OutboundMessage
from cspr.messaging.services import message_queue, messages_flag_undeliverable
from cspr.partnerships.models import Partnership

PAGE = reverse("messaging:undeliverable")


def queue_for(partnership: Partnership, *, to: str, subject: str) -> OutboundMessage:
    with transaction.atomic():
        return message_queue(
            to=to, subject=subject, body="Please sign in.", kind="case.notified", partnership=partnership
        )


@pytest.fixture
def flagged(demo: dict[str, Partnership]) -> dict[str, OutboundMessage]:
    northvale = queue_for(demo["northvale"], to="gone@example.org", subject="Northvale case NVALE-2026-001")
    southmoor = queue_for(demo["southmoor"], to="away@example.org", subject="Southmoor case SMOOR-2026-007")
    messages_flag_undeliverable(now=timezone.now() + timedelta(hours=25))
    fresh = queue_for(demo["northvale"], to="fresh@example.org", subject="Northvale case NVALE-2026-002")
    return {"northvale": northvale, "southmoor": southmoor, "fresh": fresh}


@pytest.mark.parametrize("email", ["business.unit@example.org", "admin@example.org"])
def test_the_business_unit_and_admin_see_their_partnerships_flagged_messages(
    email: str, client_as: Callable[[str], Client], flagged: dict[str, OutboundMessage]
) -> None:
    response = client_as(email).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Messages not delivered" in html
    assert "gone@example.org" in html
    assert "Northvale case NVALE-2026-001" in html
    assert "case.notified" in html
    assert "Still trying" in html
    assert "fresh@example.org" not in html, "not yet a day old"
    assert "away@example.org" not in html, "another partnership's message"


def test_the_business_unit_of_another_partnership_sees_nothing_of_this_ones_messages(
    client_as: Callable[[str], Client], flagged: dict[str, OutboundMessage]
) -> None:
    html = client_as("southmoor.business.unit@example.org").get(PAGE).content.decode()
    assert "away@example.org" in html
    assert "gone@example.org" not in html
    assert "Northvale" not in html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("email", ["auditor@example.org", "notifier@example.org", "prg.chair@example.org"])
def test_other_roles_are_refused_and_the_refusal_audited(
    email: str, client_as: Callable[[str], Client], flagged: dict[str, OutboundMessage]
) -> None:
    response = client_as(email).get(PAGE)
    assert response.status_code == 403
    assert b"gone@example.org" not in response.content
    assert AuditEvent.objects.filter(verb="access.refused", details__path=PAGE).exists()


def test_a_message_delivered_after_being_flagged_leaves_the_page(
    client_as: Callable[[str], Client], flagged: dict[str, OutboundMessage]
) -> None:
    northvale = flagged["northvale"].partnership
    OutboundMessage.objects.filter(partnership=northvale).update(status="sent", sent_at=timezone.now())
    html = client_as("business.unit@example.org").get(PAGE).content.decode()
    assert "gone@example.org" not in html
    assert "No message has gone undelivered for more than 24 hours." in html
