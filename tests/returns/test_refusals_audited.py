"""An id of another organisation's or partnership's chronology entry or attachment is refused (404) and the refusal
is in the audit trail with the attempted object's type and id, and nothing that identifies anyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import ChronologyEntry, ReturnAttachment
from tests.returns.support import POLICE, POLICE_ORGANISATION, attachment_on, demo_request


def refusal(object_type: str, object_id: object) -> AuditEvent:
    return AuditEvent.objects.get(verb="access.refused", object_type=object_type, object_id=str(object_id))


def health_entry() -> ChronologyEntry:
    entry = ChronologyEntry.objects.filter(agency_return__request=demo_request()).first()
    assert entry is not None, "the demo's health return has a chronology"
    return entry


def police_in(client_as: Callable[[str], Client], partnership: Partnership) -> Client:
    client = client_as(POLICE)
    client.post("/partnership/switch/", {"partnership": partnership.id})
    return client


def test_removing_another_organisations_chronology_entry_through_ones_own_request_is_refused_and_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    entry = health_entry()
    own = demo_request(POLICE_ORGANISATION)
    police = police_in(client_as, demo["northvale"])
    url = reverse("returns:entry-remove", kwargs={"request_uuid": own.uuid, "entry_id": entry.pk})
    response = police.post(url)
    assert response.status_code == 404
    assert ChronologyEntry.objects.filter(pk=entry.pk).exists()
    event = refusal("returns.chronologyentry", entry.pk)
    assert event.actor_id == user(POLICE).pk
    assert event.partnership_id == demo["northvale"].id
    assert event.details["status"] == 404
    assert event.details["reason"] == "no such chronology entry on this return"
    assert event.details["url_ids"] == {"request_uuid": str(own.uuid), "entry_id": str(entry.pk)}


def test_another_partnerships_chronology_entry_is_refused_and_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    """Working in Southmoor, the shared police lead tries a Northvale request and its entry."""
    entry = health_entry()
    own_in_northvale = demo_request(POLICE_ORGANISATION)
    police = police_in(client_as, demo["southmoor"])
    url = reverse("returns:entry-remove", kwargs={"request_uuid": own_in_northvale.uuid, "entry_id": entry.pk})
    assert police.post(url).status_code == 404
    assert ChronologyEntry.objects.filter(pk=entry.pk).exists()
    event = refusal("returns.chronologyentry", entry.pk)
    assert event.partnership_id == demo["southmoor"].id


@pytest.mark.parametrize("name", ["returns:attachment", "returns:attachment-remove"])
@pytest.mark.parametrize(
    ("working_in", "reason"),
    [
        ("northvale", "no such attachment on this return"),
        ("southmoor", "no such information request for an organisation this person answers for"),
    ],
)
def test_another_organisations_or_partnerships_attachment_is_refused_and_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership], name: str, working_in: str, reason: str
) -> None:
    """The police lead, working in Northvale or in Southmoor, tries another organisation's attachment through a
    Northvale request of its own: refused, audited in the partnership it works in, and the attachment kept."""
    attachment = attachment_on(demo_request())
    own = demo_request(POLICE_ORGANISATION)
    police = police_in(client_as, demo[working_in])
    url = reverse(name, kwargs={"request_uuid": own.uuid, "attachment_uuid": attachment.uuid})
    response = police.post(url) if name.endswith("remove") else police.get(url)
    assert response.status_code == 404
    assert ReturnAttachment.objects.filter(pk=attachment.pk).exists()
    event = refusal("returns.returnattachment", attachment.uuid)
    assert event.partnership_id == demo[working_in].id
    assert event.details["reason"] == reason
    assert "Policy test file" not in str(event.details)  # the title is the attachment's content, never audited


def test_another_partnerships_case_attachment_is_refused_and_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    health = demo_request()
    attachment = attachment_on(health)
    url = reverse(
        "returns:case-attachment",
        kwargs={"reference": health.case.reference, "request_uuid": health.uuid, "attachment_uuid": attachment.uuid},
    )
    assert client_as("southmoor.business.unit@example.org").get(url).status_code == 404
    event = refusal("returns.returnattachment", attachment.uuid)
    assert event.details["url_ids"]["reference"] == health.case.reference


def test_removing_ones_own_entry_still_works(client_as: Callable[[str], Client], demo: dict[str, Partnership]) -> None:
    own = demo_request(POLICE_ORGANISATION)
    police = police_in(client_as, demo["northvale"])
    entry = services.chronology_entry_add(
        acting=acting_for(User.objects.get(email=POLICE)),
        info_request=own,
        happened_on=date(2026, 1, 5),
        event="Officers attended the home.",
    )
    response = police.post(reverse("returns:entry-remove", kwargs={"request_uuid": own.uuid, "entry_id": entry.pk}))
    assert response.status_code == 302
    assert not ChronologyEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditEvent.objects.filter(verb="access.refused").exists()
