from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import pytest

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.partnerships import services
from cspr.partnerships.models import Membership, Organisation, Partnership
from cspr.partnerships.scoping import acting_for


def test_granting_a_membership_creates_it_and_records_an_audit_event(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    admin, auditor = user("admin@example.org"), user("auditor@example.org")
    membership, created = services.membership_grant(
        acting=acting_for(admin), user=auditor, partnership=demo["northvale"], role=Role.PRG_MEMBER
    )
    assert created
    event = AuditEvent.objects.filter(verb="membership.granted").latest("id")
    assert event.actor == admin
    assert event.object_id == str(membership.id)
    assert event.details["role"] == "prg_member"
    assert event.membership_id == Membership.objects.get(user=admin, role=Role.PARTNERSHIP_ADMIN).pk


def test_a_person_with_several_roles_records_the_membership_that_allowed_the_change(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    """Managing people is the partnership admin's: that membership is recorded, never another role the person holds
    there (nor one in another partnership), whichever was made first."""
    northvale = demo["northvale"]
    admin, auditor = user("admin@example.org"), user("auditor@example.org")
    Membership.objects.create(user=admin, partnership=demo["southmoor"], role=Role.PARTNERSHIP_ADMIN)
    Membership.objects.create(user=admin, partnership=northvale, role=Role.BUSINESS_UNIT)
    allowed = Membership.objects.get(user=admin, partnership=northvale, role=Role.PARTNERSHIP_ADMIN)
    acting = acting_for(admin, client_ip="192.0.2.9")
    membership, _ = services.membership_grant(acting=acting, user=auditor, partnership=northvale, role=Role.PRG_MEMBER)
    services.membership_change(acting=acting, membership=membership, role=Role.REVIEWER, organisation=None)
    services.membership_set_active(acting=acting, membership=membership, active=False)
    services.invitation_send(acting=acting, partnership=northvale, email="new.person@example.org", role=Role.AUDITOR)
    for verb in ["membership.granted", "membership.changed", "membership.disabled", "invitation.sent"]:
        event = AuditEvent.objects.filter(verb=verb).latest("id")
        assert (event.actor, event.membership_id, event.ip_address) == (admin, allowed.pk, "192.0.2.9"), verb


@pytest.mark.parametrize(
    ("partnership", "organisation", "refusal"),
    [
        pytest.param("northvale", None, "needs an organisation", id="an agency role without an organisation"),
        pytest.param(
            "southmoor",
            "Northvale Integrated Care Board (demo)",
            "does not serve",
            id="an organisation that does not serve the partnership",
        ),
    ],
)
def test_an_agency_role_needs_an_organisation_that_serves_the_partnership(
    demo: dict[str, Partnership],
    user: Callable[[str], User],
    partnership: str,
    organisation: str | None,
    refusal: str,
) -> None:
    with pytest.raises(services.MembershipError, match=refusal):
        services.membership_grant(
            acting=system_acting(),
            user=user("auditor@example.org"),
            partnership=demo[partnership],
            role=Role.AGENCY_CONTRIBUTOR,
            organisation=Organisation.objects.get(name=organisation) if organisation else None,
        )


def test_granting_is_atomic_when_the_audit_write_fails(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    before = Membership.objects.count()
    with (
        mock.patch.object(services, "audit", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.membership_grant(
            acting=system_acting(),
            user=user("auditor@example.org"),
            partnership=demo["northvale"],
            role=Role.PRG_MEMBER,
        )
    assert Membership.objects.count() == before


def test_granting_again_reactivates_a_disabled_membership(
    demo: dict[str, Partnership], user: Callable[[str], User]
) -> None:
    auditor = user("auditor@example.org")
    Membership.objects.filter(user=auditor).update(is_active=False)
    membership, created = services.membership_grant(
        acting=system_acting(), user=auditor, partnership=demo["northvale"], role=Role.AUDITOR
    )
    assert not created
    assert membership.is_active


def test_partnership_codes_must_be_short_capitals(db: None) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.partnership_create(
            acting=system_acting(), name="Bad", code="lower-case!", local_authority_areas=["X"], preset="bnes-2020"
        )
    assert not Partnership.objects.filter(name="Bad").exists()
