from __future__ import annotations

import datetime
from collections.abc import Callable
from unittest import mock

import pytest
from django.test import Client

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.calendars import services
from cspr.calendars.models import ClosureDay
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import acting_for

CHRISTMAS_EVE_2030 = {"date-day": "24", "date-month": "12", "date-year": "2030", "description": "Christmas shutdown"}


def test_the_business_unit_adds_a_closure_day_and_it_is_audited(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("business.unit@example.org")
    response = client.post("/partnership/closure-days/add/", CHRISTMAS_EVE_2030)
    assert response.status_code == 302
    closure = ClosureDay.objects.get(partnership=demo["northvale"], date=datetime.date(2030, 12, 24))
    assert closure.description == "Christmas shutdown"
    event = AuditEvent.objects.filter(verb="closure_day.added").latest("id")
    assert event.actor is not None
    assert event.partnership == demo["northvale"]
    assert "Closure day added: 24 December 2030" in client.get("/partnership/closure-days/").content.decode()


def test_a_bad_date_is_refused_with_the_govuk_message_and_what_was_typed_is_kept(
    client_as: Callable[[str], Client],
) -> None:
    response = client_as("business.unit@example.org").post(
        "/partnership/closure-days/add/", {**CHRISTMAS_EVE_2030, "date-month": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Date the office is closed must include a month" in html
    assert 'href="#id_date-month"' in html
    assert 'value="Christmas shutdown"' in html
    assert not ClosureDay.objects.filter(date=datetime.date(2030, 12, 24)).exists()


def test_a_weekend_or_bank_holiday_is_refused_as_a_closure_day(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    with pytest.raises(services.CalendarChangeRefused, match="not a working day already"):
        services.closure_day_add(
            acting=acting_for(user("business.unit@example.org")),
            partnership=demo["northvale"],
            day=datetime.date(2026, 12, 25),
            description="Christmas",
        )


def test_the_same_day_twice_is_refused(demo: dict[str, Partnership], user: Callable[[str], User]) -> None:
    acting = acting_for(user("business.unit@example.org"))
    day = datetime.date(2030, 12, 24)
    services.closure_day_add(acting=acting, partnership=demo["northvale"], day=day, description="Shutdown")
    with pytest.raises(services.CalendarChangeRefused, match="already a closure day"):
        services.closure_day_add(acting=acting, partnership=demo["northvale"], day=day, description="Again")
    assert ClosureDay.objects.filter(date=day).count() == 1


def test_adding_is_atomic_when_the_audit_write_fails(demo: dict[str, Partnership], user: Callable[[str], User]) -> None:
    with (
        mock.patch.object(services, "audit", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.closure_day_add(
            acting=acting_for(user("business.unit@example.org")),
            partnership=demo["northvale"],
            day=datetime.date(2030, 12, 24),
            description="Shutdown",
        )
    assert not ClosureDay.objects.filter(date=datetime.date(2030, 12, 24)).exists()


def test_a_prg_member_sees_closure_days_but_cannot_change_them(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("prg.member@example.org")
    page = client.get("/partnership/closure-days/").content.decode()
    assert "Add a closure day" not in page
    assert client.post("/partnership/closure-days/add/", CHRISTMAS_EVE_2030).status_code == 403
    assert not ClosureDay.objects.filter(date=datetime.date(2030, 12, 24)).exists()


def test_another_partnerships_closure_day_cannot_be_removed_by_guessing_its_id(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    theirs = ClosureDay.objects.create(partnership=demo["southmoor"], date="2030-12-24", description="Theirs")
    response = client_as("business.unit@example.org").post(f"/partnership/closure-days/{theirs.id}/remove/")
    assert response.status_code == 404
    assert ClosureDay.objects.filter(id=theirs.id).exists()


def test_removing_a_closure_day_is_audited(client_as: Callable[[str], Client], demo: dict[str, Partnership]) -> None:
    mine = ClosureDay.objects.create(partnership=demo["northvale"], date="2030-12-24", description="Mine")
    response = client_as("admin@example.org").post(f"/partnership/closure-days/{mine.id}/remove/")
    assert response.status_code == 302
    assert not ClosureDay.objects.filter(id=mine.id).exists()
    assert AuditEvent.objects.filter(verb="closure_day.removed", object_id=str(mine.id)).exists()


def test_a_person_with_several_roles_records_the_membership_that_allowed_the_change(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    """Closure days are the business unit's and the partnership admin's: the business unit's membership is
    recorded first, and an admin-only change (a clock's number) records the admin membership."""
    person = user("business.unit@example.org")
    northvale = demo["northvale"]
    unit = Membership.objects.get(user=person, partnership=northvale, role=Role.BUSINESS_UNIT)
    admin = Membership.objects.create(user=person, partnership=northvale, role=Role.PARTNERSHIP_ADMIN)
    acting = acting_for(person, client_ip="192.0.2.7")
    closure = services.closure_day_add(
        acting=acting, partnership=northvale, day=datetime.date(2030, 12, 24), description="Shutdown"
    )
    added = AuditEvent.objects.get(verb="closure_day.added", object_id=str(closure.pk))
    assert (added.actor, added.membership_id, added.ip_address) == (person, unit.pk, "192.0.2.7")
    closure_id = str(closure.pk)
    services.closure_day_remove(acting=acting, closure_day=closure)
    assert AuditEvent.objects.get(verb="closure_day.removed", object_id=closure_id).membership_id == unit.pk
    services.clock_override_set(acting=acting, partnership=northvale, clock_id="prg_meeting", amount=8, reason="Sooner")
    assert AuditEvent.objects.filter(verb="clock_override.set").latest("id").membership_id == admin.pk
