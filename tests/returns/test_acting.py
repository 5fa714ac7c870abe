"""Who acted, through which membership and from where: each returns service records the membership that allowed
the action (of a person holding several), the address it came from, and the reminder job acts as the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.core.policy import ORGANISATION_LEAD_MANAGERS, RETURN_CONTRIBUTORS, RETURN_READERS, RETURN_REQUESTERS
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Organisation, Partnership
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import InformationRequest, RequestStatus
from tests.returns.factories import acting_as, organisations_to_ask
from tests.returns.support import DEMO_CASE, POLICE, POLICE_ORGANISATION, demo_request

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
BU = "business.unit@example.org"
LA_ORGANISATION = "Northvale Council Children's Services (demo)"
ADDRESS = "192.0.2.44"


def _latest(verb: str) -> AuditEvent:
    return AuditEvent.objects.filter(verb=verb).latest("id")


def _membership(email: str, partnership: Partnership, role: Role, organisation: Organisation | None = None) -> int:
    """A further active membership of this person; its id."""
    return Membership.objects.create(
        user=User.objects.get(email=email), partnership=partnership, role=role.value, organisation=organisation
    ).pk


def test_the_preferred_roles_are_exactly_the_access_policys() -> None:
    assert frozenset(services.REQUESTER_ROLES) == RETURN_REQUESTERS
    assert frozenset(services.CONTRIBUTOR_ROLES) == RETURN_CONTRIBUTORS
    assert frozenset(services.READER_ROLES) == RETURN_READERS
    assert frozenset(services.LEAD_MANAGER_ROLES) == ORGANISATION_LEAD_MANAGERS


def test_a_contributor_for_two_organisations_is_recorded_through_the_one_the_request_is_for(
    demo: dict[str, Partnership],
) -> None:
    """The police lead also answers for the local authority (a newer membership): writing the local authority's
    return is recorded through that membership, not the police one they happen to hold first."""
    la_request = demo_request(LA_ORGANISATION)
    police_membership = Membership.objects.get(
        user__email=POLICE, partnership=demo["northvale"], organisation__name=POLICE_ORGANISATION
    )
    la_membership = _membership(POLICE, demo["northvale"], Role.NOTIFIER, la_request.organisation)
    assert police_membership.pk < la_membership
    services.return_save(
        acting=acting_as(POLICE, client_ip=ADDRESS), info_request=la_request, values={"services": "Early help."}
    )
    event = _latest("returns.return_saved")
    assert (event.actor_id, event.membership_id, event.partnership_id) == (
        User.objects.get(email=POLICE).pk,
        la_membership,
        demo["northvale"].pk,
    )
    assert event.ip_address == ADDRESS
    services.chronology_entry_add(
        acting=acting_as(POLICE), info_request=la_request, happened_on=date(2026, 2, 1), event="Home visit."
    )
    assert _latest("returns.chronology_entry_added").membership_id == la_membership


def test_the_business_unit_is_recorded_through_its_business_unit_membership_not_an_older_role(
    demo: dict[str, Partnership],
) -> None:
    person = User.objects.create_user(email="two.roles@example.org", full_name="Two Roles", password="not-used-123456")
    older = Membership.objects.create(user=person, partnership=demo["northvale"], role=Role.PRG_MEMBER.value)
    business_unit = Membership.objects.create(user=person, partnership=demo["northvale"], role=Role.BUSINESS_UNIT.value)
    [info_request] = services.information_requests_send(
        acting=acting_for(person, client_ip=ADDRESS),
        case=Case.objects.get(reference=DEMO_CASE),
        organisation_ids=organisations_to_ask(demo["northvale"], 1),
        due_on=date(2026, 12, 4),
        at=datetime(2026, 11, 20, 10, tzinfo=LONDON),
    )
    event = AuditEvent.objects.get(verb="returns.request_sent", object_id=str(info_request.pk))
    assert older.pk < business_unit.pk
    assert (event.actor_id, event.membership_id, event.ip_address) == (person.pk, business_unit.pk, ADDRESS)


def test_marking_the_last_organisation_not_involved_stops_the_clock_as_the_same_person_and_address(
    demo: dict[str, Partnership],
) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    for info_request in InformationRequest.objects.filter(case=case).exclude(status=RequestStatus.SUBMITTED):
        services.request_mark_not_involved(
            acting=acting_as(BU, client_ip=ADDRESS),
            info_request=info_request,
            reason="No contact.",
            at=datetime(2026, 11, 20, 10, tzinfo=LONDON),
        )
    bu = Membership.objects.get(user__email=BU, partnership=demo["northvale"], role=Role.BUSINESS_UNIT.value)
    marked = _latest("returns.marked_not_involved")
    assert (marked.membership_id, marked.ip_address) == (bu.pk, ADDRESS)
    clock = _latest("case.clock_met")
    assert (clock.actor_id, clock.ip_address) == (bu.user_id, ADDRESS)


def test_a_reader_downloading_a_submitted_return_is_recorded_through_the_reading_role(
    demo: dict[str, Partnership],
) -> None:
    health = demo_request()  # submitted in the demo
    submitted = services.latest_return(health)
    assert submitted is not None
    services.return_download(acting=acting_as("prg.chair@example.org"), agency_return=submitted)
    chair = Membership.objects.get(user__email="prg.chair@example.org", partnership=demo["northvale"])
    assert _latest("returns.return_downloaded").membership_id == chair.pk


def test_designating_a_lead_is_recorded_through_the_partnership_admin_membership(
    demo: dict[str, Partnership],
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    services.organisation_lead_set(
        acting=acting_as("admin@example.org"),
        partnership=demo["northvale"],
        organisation=police.organisation,
        user_id=User.objects.get(email=POLICE).pk,
    )
    admin = Membership.objects.get(
        user__email="admin@example.org", partnership=demo["northvale"], role=Role.PARTNERSHIP_ADMIN.value
    )
    assert _latest("returns.lead_designated").membership_id == admin.pk


def test_the_reminder_job_acts_as_the_service_in_the_requests_partnership(demo: dict[str, Partnership]) -> None:
    services.returns_reminders_send(now=datetime(2026, 11, 19, 10, tzinfo=LONDON))
    event = _latest("returns.reminder_sent")
    assert (event.actor_id, event.membership_id, event.ip_address) == (None, None, None)
    assert event.partnership_id == demo["northvale"].pk


def test_a_page_hands_the_requests_acting_to_the_service(demo: Any, client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)
    url = reverse("returns:chase", kwargs={"reference": DEMO_CASE, "request_uuid": police.uuid})
    assert client_as(BU).post(url, REMOTE_ADDR="192.0.2.45").status_code == 302
    bu = Membership.objects.get(user__email=BU, partnership=demo["northvale"], role=Role.BUSINESS_UNIT.value)
    event = _latest("returns.chased")
    assert (event.actor_id, event.membership_id, event.ip_address) == (bu.user_id, bu.pk, "192.0.2.45")
