from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.calendars.models import ClockOverride
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Partnership
from cspr.procedure.models import CriterionWording


def test_every_member_reads_the_clocks_and_criteria_in_words(client_as: Callable[[str], Client]) -> None:
    page = client_as("prg.member@example.org").get("/partnership/procedure/").content.decode()
    assert "Within 5 working days of the local authority becoming aware of the incident" in page
    assert "§5.4" in page
    assert "A child nearly came to serious harm." in page
    assert "Change wording" not in page  # only the partnership admin changes the procedure


def test_the_partnership_admin_sets_its_own_number_for_a_procedure_clock(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("admin@example.org")
    response = client.post(
        "/partnership/procedure/clocks/prg_meeting/", {"amount": "8", "reason": "Our PRG meets sooner"}
    )
    assert response.status_code == 302
    assert ClockOverride.objects.get(partnership=demo["northvale"], clock_id="prg_meeting").amount == 8
    page = client.get("/partnership/procedure/").content.decode()
    assert "Within 8 working days" in page
    assert "default 10" in page
    event = AuditEvent.objects.get(verb="clock_override.set")
    assert event.details["reason"] == "Our PRG meets sooner"
    admin = Membership.objects.get(user__email="admin@example.org", role=Role.PARTNERSHIP_ADMIN)
    assert (event.membership_id, event.ip_address) == (admin.pk, "127.0.0.1")  # the membership that allowed it


def test_a_statutory_clock_cannot_be_made_more_lenient(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    response = client_as("admin@example.org").post(
        "/partnership/procedure/clocks/panel_notification/", {"amount": "7", "reason": "We are slow"}
    )
    assert response.status_code == 400
    assert "stricter" in response.content.decode()
    assert 'value="We are slow"' not in response.content.decode()  # textarea: the text is inside the element
    assert "We are slow" in response.content.decode()
    assert not ClockOverride.objects.exists()


def test_setting_the_presets_own_number_removes_the_override(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("admin@example.org")
    client.post("/partnership/procedure/clocks/prg_meeting/", {"amount": "8", "reason": "Sooner"})
    client.post("/partnership/procedure/clocks/prg_meeting/", {"amount": "10", "reason": "Back to the preset"})
    assert not ClockOverride.objects.exists()
    assert AuditEvent.objects.filter(verb="clock_override.reset").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "", "reason": "x"}, "Enter a number"),
        ({"amount": "ten", "reason": "x"}, "Number must be a whole number"),
        ({"amount": "0", "reason": "x"}, "Number must be 1 or more"),
        ({"amount": "99999999999999999999", "reason": "x"}, "Number must be 120 or fewer"),
        ({"amount": "8", "reason": ""}, "Enter why the partnership uses its own number"),
    ],
)
def test_bad_numbers_get_clear_messages(client_as: Callable[[str], Client], data: dict[str, str], message: str) -> None:
    response = client_as("admin@example.org").post("/partnership/procedure/clocks/prg_meeting/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_partnership_uses_its_own_wording_for_a_criterion_and_can_go_back(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    client = client_as("admin@example.org")
    client.post("/partnership/procedure/criteria/near_miss/", {"text": "Our own procedure's near-miss text."})
    assert CriterionWording.objects.get(partnership=demo["northvale"], code="near_miss")
    assert "Our own procedure&#39;s near-miss text." in client.get("/partnership/procedure/").content.decode()
    client.post("/partnership/procedure/criteria/near_miss/", {"text": ""})
    assert not CriterionWording.objects.exists()
    events = AuditEvent.objects.filter(verb__startswith="criterion_wording").order_by("id")
    admin = Membership.objects.get(user__email="admin@example.org", role=Role.PARTNERSHIP_ADMIN)
    assert list(events.values_list("verb", "membership_id")) == [
        ("criterion_wording.set", admin.pk),
        ("criterion_wording.reset", admin.pk),
    ]


def test_another_partnership_does_not_see_this_ones_wording(
    client_as: Callable[[str], Client], demo: dict[str, Partnership]
) -> None:
    CriterionWording.objects.create(partnership=demo["northvale"], code="near_miss", text="Northvale-only text")
    page = client_as("southmoor.business.unit@example.org").get("/partnership/procedure/").content.decode()
    assert "Northvale-only text" not in page


def test_an_unknown_clock_or_criterion_is_not_found(client_as: Callable[[str], Client]) -> None:
    client = client_as("admin@example.org")
    assert client.get("/partnership/procedure/clocks/no_such_clock/").status_code == 404
    assert client.get("/partnership/procedure/criteria/no_such_code/").status_code == 404


def test_the_demo_partnership_has_a_christmas_shutdown(demo: dict[str, Partnership]) -> None:
    assert demo["northvale"].closure_days.count() == 4
