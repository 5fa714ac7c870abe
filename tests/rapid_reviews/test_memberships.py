"""Each write's audit event records the membership that allowed it, and the address it came from."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, OrganisationType
from cspr.rapid_reviews import services
from cspr.rapid_reviews.rules import ROLES
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    EXEC_LA,
    REFERENCE,
    acting_as,
    at,
    meeting_form,
    partners,
    person,
    save,
    the_case,
    to_awaiting_panel,
    to_prg_decided,
)
from tests.support import ClientAs

pytestmark = pytest.mark.django_db


# The rule each audited write of the rapid review is checked against (the §4.7 notice goes with the action that
# decided a local review: here, the ratification).
RULE_OF_VERB = {
    "rapid_review.meeting_scheduled": "rapid_reviews.organise_meeting",
    "rapid_review.meeting_held": "rapid_reviews.organise_meeting",
    "rapid_review.section_saved": "rapid_reviews.edit",
    "rapid_review.prg_decision_recorded": "rapid_reviews.decide",
    "rapid_review.partner_signed_off": "rapid_reviews.sign_off",
    "rapid_review.ratified": "rapid_reviews.sign_off",
    "rapid_review.local_review_notified": "rapid_reviews.sign_off",
    "rapid_review.sent_to_panel": "rapid_reviews.correspond_with_panel",
}


def membership(email: str, case: Case, role: Role) -> Membership:
    return Membership.objects.get(user__email=email, partnership_id=case.partnership_id, role=role)


def last_event(verb: str) -> AuditEvent:
    event = AuditEvent.objects.filter(verb=verb).order_by("-id").first()
    assert event is not None, f"no {verb} event"
    return event


def test_every_write_of_the_journey_records_a_membership_of_the_person_that_its_rule_allows(demo: dict) -> None:
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    case = to_awaiting_panel(the_case())
    events = list(AuditEvent.objects.filter(id__gt=first, verb__startswith="rapid_review.").order_by("id"))
    assert {event.verb for event in events} == set(RULE_OF_VERB)
    for event in events:
        assert event.membership is not None, event.verb
        assert event.membership.user_id == event.actor_id, event.verb
        assert event.membership.partnership_id == case.partnership_id, event.verb
        assert event.membership.role in ROLES[RULE_OF_VERB[event.verb]], event.verb


def test_a_person_with_several_roles_records_the_one_that_allowed_the_write(demo: dict) -> None:
    case = the_case()
    # A notifier's role comes before the PRG chair's in the list of roles, but it does not allow editing the record.
    organisation = partners(case)[0]
    notifier = Membership.objects.create(
        user=person(CHAIR), partnership_id=case.partnership_id, role=Role.NOTIFIER, organisation=organisation
    )
    save(case, "facts", {"facts_summary": "A summary of the facts, long enough to count."}, email=CHAIR)
    event = last_event("rapid_review.section_saved")
    assert event.membership_id == membership(CHAIR, case, Role.PRG_CHAIR).pk
    assert event.membership_id != notifier.pk


def test_a_partner_signs_off_through_the_executive_membership_for_that_organisation(demo: dict) -> None:
    case = to_prg_decided(the_case())
    health = next(org for org in partners(case) if org.type == OrganisationType.HEALTH)
    # The local authority's Executive member is an Executive member for health as well.
    for_health = Membership.objects.create(
        user=person(EXEC_LA), partnership_id=case.partnership_id, role=Role.EXECUTIVE_MEMBER, organisation=health
    )
    services.partner_sign_off(
        acting=acting_as(EXEC_LA, client_ip="192.0.2.44"),
        case=case,
        organisation_id=health.pk,
        agrees=True,
        at=at(30),
    )
    event = last_event("rapid_review.partner_signed_off")
    assert event.details["organisation"] == health.pk
    assert event.membership_id == for_health.pk
    assert event.ip_address == "192.0.2.44"


def test_a_page_records_the_membership_and_the_address_of_the_request(demo: dict, client_as: ClientAs) -> None:
    case = the_case()
    response = client_as(BU).post(
        reverse("rapid_reviews:meeting", kwargs={"reference": REFERENCE}),
        meeting_form("25", "11", "2026"),
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    event = last_event("rapid_review.meeting_scheduled")
    assert event.details["scheduled_on"] == date(2026, 11, 25).isoformat()
    assert event.membership_id == membership(BU, case, Role.BUSINESS_UNIT).pk
    assert event.ip_address == "192.0.2.7"
