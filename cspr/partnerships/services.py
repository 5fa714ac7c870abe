"""Changes to partnerships and memberships. Every write is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.domain.roles import Role
from cspr.partnerships.models import (
    ROLES_NEEDING_ORGANISATION,
    Contact,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
)
from cspr.partnerships.scoping import CURRENT_PARTNERSHIP_SESSION_KEY, Scope

ORGANISATION_REQUIRED = "The role '{role}' needs an organisation."
ORGANISATION_NOT_IN_PARTNERSHIP = "{organisation} does not serve {partnership}."
PARTNERSHIP_NOT_AVAILABLE = "You are not a member of that partnership."


class MembershipError(ValueError):
    pass


def membership_grant(
    *,
    actor: Any,
    user: Any,
    partnership: Partnership,
    role: Role,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> tuple[Membership, bool]:
    """Give a person a role in a partnership; re-activates a disabled one. Returns (membership, created)."""
    if role in ROLES_NEEDING_ORGANISATION and organisation is None:
        raise MembershipError(ORGANISATION_REQUIRED.format(role=role.label))
    if organisation is not None and not partnership.organisation_links.filter(organisation=organisation).exists():
        raise MembershipError(
            ORGANISATION_NOT_IN_PARTNERSHIP.format(organisation=organisation, partnership=partnership)
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, partnership=partnership, role=role.value, organisation=organisation
        )
        changed = created or not membership.is_active
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        if changed:
            audit_record(
                actor=actor,
                verb="membership.granted",
                obj=membership,
                partnership=partnership,
                details={
                    "user_id": user.pk,
                    "role": role.value,
                    "organisation_id": organisation.pk if organisation else None,
                    "reactivated": not created,
                },
                request=request,
            )
    return membership, created


def partnership_switch(*, scope: Scope, request: HttpRequest, partnership_id: int) -> None:
    """Work in another of one's own partnerships. Never one the person is not a member of."""
    if not scope.can_see_partnership(partnership_id):
        raise MembershipError(PARTNERSHIP_NOT_AVAILABLE)
    request.session[CURRENT_PARTNERSHIP_SESSION_KEY] = partnership_id


def partnership_create(
    *, actor: Any, name: str, code: str, local_authority_areas: list[str], preset: str
) -> Partnership:
    with transaction.atomic():
        partnership = Partnership(
            name=name.strip(),
            code=code.strip().upper(),
            local_authority_areas="\n".join(local_authority_areas),
            preset=preset,
        )
        partnership.full_clean()
        partnership.save()
        audit_record(
            actor=actor,
            verb="partnership.created",
            obj=partnership,
            partnership=partnership,
            details={"code": partnership.code, "preset": preset},
        )
    return partnership


def organisation_link(
    *,
    actor: Any,
    partnership: Partnership,
    name: str,
    type: str,
    is_safeguarding_partner: bool = False,
    is_statutory_agency: bool = False,
) -> PartnershipOrganisation:
    """Make an organisation (new or existing, found by name) serve a partnership, with its two flags."""
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(name=name.strip(), defaults={"type": type})
        link, _ = PartnershipOrganisation.objects.update_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={"is_safeguarding_partner": is_safeguarding_partner, "is_statutory_agency": is_statutory_agency},
        )
        audit_record(
            actor=actor,
            verb="organisation.linked",
            obj=link,
            partnership=partnership,
            details={
                "organisation_id": organisation.pk,
                "organisation_created": created,
                "is_safeguarding_partner": is_safeguarding_partner,
                "is_statutory_agency": is_statutory_agency,
            },
        )
    return link


def contact_set(*, actor: Any, partnership: Partnership, kind: str, name: str, email: str = "") -> Contact:
    with transaction.atomic():
        contact, _ = Contact.objects.update_or_create(
            partnership=partnership, kind=kind, defaults={"name": name.strip(), "email": email.strip()}
        )
        audit_record(actor=actor, verb="contact.set", obj=contact, partnership=partnership, details={"kind": kind})
    return contact
