"""Reads about partnerships, organisations and people, always through the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from cspr.domain.roles import Role
from cspr.partnerships.models import Contact, Invitation, Membership, Organisation, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import Scope


def partnerships_visible(*, scope: Scope) -> QuerySet[Partnership]:
    return Partnership.objects.filter(id__in=scope.partnership_ids).order_by("name")


def partnership_get(*, scope: Scope, partnership_id: int) -> Partnership | None:
    if not scope.can_see_partnership(partnership_id):
        return None
    return Partnership.objects.filter(id=partnership_id).first()


def partnership_by_code(*, code: str) -> Partnership | None:
    """For operators' commands only: not scoped, never reachable from a request."""
    return Partnership.objects.filter(code__iexact=code).first()


def partnership_organisations(*, scope: Scope, partnership_id: int) -> QuerySet[PartnershipOrganisation]:
    if not scope.can_see_partnership(partnership_id):
        return PartnershipOrganisation.objects.none()
    return PartnershipOrganisation.objects.filter(partnership_id=partnership_id).select_related("organisation")


def partnership_contacts(*, scope: Scope, partnership_id: int) -> QuerySet[Contact]:
    if not scope.can_see_partnership(partnership_id):
        return Contact.objects.none()
    return Contact.objects.filter(partnership_id=partnership_id)


def partnership_memberships(*, scope: Scope, partnership_id: int) -> QuerySet[Membership]:
    """Everyone's memberships in this one partnership; never their memberships elsewhere."""
    if not scope.can_see_partnership(partnership_id):
        return Membership.objects.none()
    return (
        Membership.objects.filter(partnership_id=partnership_id)
        .select_related("user", "organisation")
        .order_by("user__full_name", "role", "id")
    )


def user_memberships(*, scope: Scope) -> QuerySet[Membership]:
    """The signed-in person's own active memberships, across every partnership."""
    return (
        Membership.objects.filter(id__in=[grant.membership_id for grant in scope.grants])
        .select_related("partnership", "organisation")
        .order_by("partnership__name", "role")
    )


def organisation_by_name(*, name: str) -> Organisation | None:
    """For operators' commands only: not scoped, never reachable from a request."""
    return Organisation.objects.filter(name__iexact=name.strip()).first()


def pending_invitations(*, scope: Scope, partnership_id: int) -> QuerySet[Invitation]:
    if not scope.can_see_partnership(partnership_id):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        partnership_id=partnership_id,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organisation")


def organisations_reachable(*, partnership_id: int, organisation_ids: Iterable[int], roles: Iterable[Role]) -> set[int]:
    """Which of these organisations have somebody who can receive what is sent to them in the partnership (an active
    member holding one of ``roles`` with an active account), in one query: one with nobody would be sent nothing."""
    return set(
        Membership.objects.filter(
            partnership_id=partnership_id,
            organisation_id__in=list(organisation_ids),
            role__in=[Role(role).value for role in roles],
            is_active=True,
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )


def member_emails(
    *,
    partnership_id: int,
    roles: Iterable[Role],
    organisation_ids: Iterable[int] | None = None,
    organisation_type: str | None = None,
) -> list[str]:
    """The addresses of everyone active holding one of ``roles`` in the partnership (optionally only for these
    organisations, or organisations of this type), sorted and each once."""
    memberships = Membership.objects.filter(
        partnership_id=partnership_id,
        role__in=[Role(role).value for role in roles],
        is_active=True,
        user__is_active=True,
    )
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=list(organisation_ids))
    if organisation_type is not None:
        memberships = memberships.filter(organisation__type=organisation_type)
    return sorted(set(memberships.values_list("user__email", flat=True)))
