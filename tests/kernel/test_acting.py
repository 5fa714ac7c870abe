"""The acting value and the service kit: one membership chosen by rule, one audit call, one way to tell people."""

from __future__ import annotations

import pytest
from django.db import transaction

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting, ActingMismatch, system_acting
from cspr.kernel.kit import audit, link, pseudonym, pseudonyms_text, tell
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import NO_SCOPE, Grant, Scope, acting_for
from cspr.partnerships.selectors import member_emails


def grant(membership_id: int, role: Role, partnership_id: int = 1) -> Grant:
    return Grant(membership_id=membership_id, partnership_id=partnership_id, role=role, organisation_id=None)


class FakeUser:
    def __init__(self, pk: int) -> None:
        self.pk = pk


def acting_with(*grants: Grant) -> Acting:
    return Acting(user=FakeUser(7), scope=Scope(user_id=7, grants=grants))  # type: ignore[arg-type]


def test_the_membership_of_the_first_wanted_role_is_chosen_whatever_order_the_rows_came_in() -> None:
    chair, admin = grant(30, Role.PRG_CHAIR), grant(10, Role.PARTNERSHIP_ADMIN)
    for grants in [(chair, admin), (admin, chair)]:
        acting = acting_with(*grants)
        assert acting.grant_for(1, [Role.PRG_CHAIR, Role.PARTNERSHIP_ADMIN]) == chair
        assert acting.grant_for(1, [Role.PARTNERSHIP_ADMIN, Role.PRG_CHAIR]) == admin


def test_the_oldest_membership_wins_between_two_of_the_same_role_and_other_partnerships_never_count() -> None:
    acting = acting_with(grant(12, Role.NOTIFIER), grant(4, Role.NOTIFIER), grant(1, Role.NOTIFIER, partnership_id=2))
    assert acting.grant_for(1, [Role.NOTIFIER]) == grant(4, Role.NOTIFIER)
    assert acting.grant_for(3, [Role.NOTIFIER]) is None
    assert acting.grant_for(1, [Role.AUDITOR]) is None


def test_a_scope_of_someone_else_is_refused() -> None:
    with pytest.raises(ActingMismatch):
        Acting(user=FakeUser(7), scope=Scope(user_id=8))  # type: ignore[arg-type]
    with pytest.raises(ActingMismatch):
        Acting(user=None, scope=Scope(user_id=8))


def test_the_system_acts_as_nobody_with_no_membership() -> None:
    acting = system_acting(partnership_id=3)
    assert acting.is_system
    assert acting.scope == NO_SCOPE
    assert acting.via == "system"
    assert acting.grant_for(3, list(Role)) is None


def test_pseudonyms_run_past_z_and_read_in_a_message() -> None:
    assert [pseudonym(n) for n in (0, 25, 26, 27, 701, 702)] == [
        "Child A",
        "Child Z",
        "Child AA",
        "Child AB",
        "Child ZZ",
        "Child AAA",
    ]
    assert pseudonyms_text(["Child A", "Child B"]) == "Child A, Child B"
    assert pseudonyms_text([]) == "no child recorded"


def test_a_link_is_absolute_on_the_service_url(settings: object) -> None:
    settings.SERVICE_URL = "https://cspr.example.org"  # type: ignore[attr-defined]
    assert link("cases:detail", reference="NV-2026-0001") == "https://cspr.example.org/cases/NV-2026-0001/"


@pytest.mark.django_db
def test_audit_records_the_person_the_membership_that_allowed_it_and_the_address(demo: object) -> None:
    user = User.objects.get(email="admin@example.org")
    membership = Membership.objects.filter(user=user).order_by("id").first()
    assert membership is not None
    acting = acting_for(user, partnership_id=membership.partnership_id, client_ip="192.0.2.9", via="api")
    chosen = acting.grant_for(membership.partnership_id, [Role(membership.role)])
    event = audit(acting, "kit.tested", partnership=membership.partnership_id, grant=chosen, note_id=4)
    event.refresh_from_db()
    assert (event.actor_id, event.membership_id, event.partnership_id) == (
        user.pk,
        membership.pk,
        membership.partnership_id,
    )
    assert event.ip_address == "192.0.2.9"
    assert event.details == {"note_id": 4}
    assert AuditEvent.objects.filter(verb="kit.tested").count() == 1


@pytest.mark.django_db
def test_member_emails_are_the_active_holders_of_the_roles_each_once_and_tell_queues_one_each(demo: object) -> None:
    partnership = Partnership.objects.order_by("id").first()
    assert partnership is not None
    business_unit = member_emails(partnership_id=partnership.pk, roles=[Role.BUSINESS_UNIT])
    assert business_unit
    assert business_unit == sorted(set(business_unit))
    holder = Membership.objects.filter(partnership=partnership, role=Role.BUSINESS_UNIT.value).first()
    assert holder is not None
    Membership.objects.filter(pk=holder.pk).update(is_active=False)
    assert holder.user.email not in member_emails(partnership_id=partnership.pk, roles=[Role.BUSINESS_UNIT])
    before = OutboundMessage.objects.count()
    with transaction.atomic():
        sent = tell(partnership=partnership, to=["a@example.org", "b@example.org"], subject="s", body="b", kind="k")
    assert sent == 2
    assert OutboundMessage.objects.count() == before + 2


def test_a_set_of_roles_is_read_in_the_roles_own_order_however_it_iterates() -> None:
    chair, business_unit = grant(30, Role.PRG_CHAIR), grant(10, Role.BUSINESS_UNIT)
    acting = acting_with(chair, business_unit)
    first = next(role for role in Role if role in {Role.PRG_CHAIR, Role.BUSINESS_UNIT})
    expected = chair if first is Role.PRG_CHAIR else business_unit
    assert acting.grant_for(1, frozenset({Role.PRG_CHAIR, Role.BUSINESS_UNIT})) == expected
    assert acting.grant_for(1, {Role.BUSINESS_UNIT, Role.PRG_CHAIR}) == expected
