"""Designated leads: who signs off an organisation's returns in a partnership."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cspr.core.policy import RETURN_CONTRIBUTORS
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Membership, Organisation, Partnership
from cspr.returns.models import OrganisationLead
from cspr.returns.services.common import LEAD_MANAGER_ROLES, NOT_ALLOWED, ReturnActionRefused

LEAD_NOT_CONTRIBUTOR = "The lead must be an active contributor or notifier for the organisation in this partnership."


def organisation_lead_set(
    *, acting: Acting, partnership: Partnership, organisation: Organisation, user_id: int, at: datetime | None = None
) -> OrganisationLead:
    """Designate the organisation's lead in this partnership (the business unit or the partnership admin)."""
    grant = None
    if not acting.is_system:
        grant = acting.grant_for(partnership.pk, LEAD_MANAGER_ROLES)
        if grant is None:
            raise ReturnActionRefused(NOT_ALLOWED)
    at = kit.now(at)
    membership = Membership.objects.filter(
        partnership=partnership,
        organisation=organisation,
        role__in=[role.value for role in RETURN_CONTRIBUTORS],
        is_active=True,
        user__is_active=True,
        user_id=user_id,
    ).first()
    if membership is None:
        raise ReturnActionRefused(LEAD_NOT_CONTRIBUTOR, field="lead")
    with transaction.atomic():
        lead, _ = OrganisationLead.objects.update_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={"user_id": user_id, "designated_by": acting.user, "designated_at": at},
        )
        kit.audit(
            acting,
            "returns.lead_designated",
            obj=lead,
            partnership=partnership,
            grant=grant,
            organisation_id=organisation.pk,
            lead_id=user_id,
        )
    return lead
