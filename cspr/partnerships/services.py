"""Changes to partnerships and memberships. Every write is atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cspr.accounts.models import User
from cspr.accounts.services import user_get_or_create, user_sessions_end
from cspr.core.policy import PEOPLE_MANAGERS
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.kernel.kit import audit, link, now, tell
from cspr.kernel.text import ONE_LINE, clean_text
from cspr.messaging.services import message_queue
from cspr.partnerships.models import (
    ROLES_NEEDING_ORGANISATION,
    Contact,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
)
from cspr.partnerships.scoping import (
    CURRENT_PARTNERSHIP_SESSION_KEY,
    NO_SCOPE,
    Grant,
    Scope,
    current_partnership_choose,
    scope_for,
)

ORGANISATION_REQUIRED = "The role '{role}' needs an organisation."
ORGANISATION_NOT_IN_PARTNERSHIP = "{organisation} does not serve {partnership}."
INVITATION_NOT_VALID = (
    "This invitation link has expired or has already been used. Ask the person who invited you for a new one."
)
LAST_ADMIN = "This is the partnership's only active partnership admin. Add another before changing or disabling it."


class MembershipError(ValueError):
    pass


def _manager_grant(acting: Acting, partnership_id: int) -> Grant | None:
    """The membership that lets the acting person manage the partnership's people (none for a command)."""
    return acting.grant_for(partnership_id, PEOPLE_MANAGERS)


def _audit_people(acting: Acting, verb: str, obj: Membership | Invitation, partnership_id: int, **details: Any) -> None:
    """An event about the partnership's people, done through the membership that lets the person manage them."""
    audit(acting, verb, obj=obj, partnership=partnership_id, grant=_manager_grant(acting, partnership_id), **details)


def membership_grant(
    *, acting: Acting, user: User, partnership: Partnership, role: Role, organisation: Organisation | None = None
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
            _audit_people(
                acting,
                "membership.granted",
                membership,
                partnership.pk,
                user_id=user.pk,
                role=role.value,
                organisation_id=organisation.pk if organisation else None,
                reactivated=not created,
            )
    return membership, created


def partnership_create(
    *, acting: Acting, name: str, code: str, local_authority_areas: list[str], preset: str
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
        audit(
            acting,
            "partnership.created",
            obj=partnership,
            partnership=partnership,
            code=partnership.code,
            preset=preset,
        )
    return partnership


def organisation_link(
    *,
    acting: Acting,
    partnership: Partnership,
    name: str,
    type: str,
    is_safeguarding_partner: bool = False,
    is_statutory_agency: bool = False,
) -> PartnershipOrganisation:
    """Make an organisation (new or existing, found by name) serve a partnership, with its two flags."""
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(name=name.strip(), defaults={"type": type})
        link_row, _ = PartnershipOrganisation.objects.update_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={"is_safeguarding_partner": is_safeguarding_partner, "is_statutory_agency": is_statutory_agency},
        )
        audit(
            acting,
            "organisation.linked",
            obj=link_row,
            partnership=partnership,
            organisation_id=organisation.pk,
            organisation_created=created,
            is_safeguarding_partner=is_safeguarding_partner,
            is_statutory_agency=is_statutory_agency,
        )
    return link_row


def contact_set(*, acting: Acting, partnership: Partnership, kind: str, name: str, email: str = "") -> Contact:
    with transaction.atomic():
        contact, _ = Contact.objects.update_or_create(
            partnership=partnership, kind=kind, defaults={"name": name.strip(), "email": email.strip()}
        )
        audit(acting, "contact.set", obj=contact, partnership=partnership, kind=kind)
    return contact


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitedFor:
    """Why a service gives someone a role, said in the one e-mail that gives it (a reviewer commissioned for a case):
    its subject, a first paragraph (references only, never a name), and the message's kind when the person already
    has an account (an invitation's message is always of kind ``invitation``: its link is a secret)."""

    subject: str
    introduction: str
    kind: str


def _invitation_or_membership_email(
    *,
    partnership: Partnership,
    role: Role,
    organisation: Organisation | None,
    link: str,
    new_account: bool,
    purpose: InvitedFor | None = None,
) -> tuple[str, str]:
    where = f" for {organisation.name}" if organisation else ""
    subject = purpose.subject if purpose else f"{partnership.name}: you have been given access as {role.label}"
    introduction = f"{purpose.introduction}\n\n" if purpose else ""
    if new_account:
        days = settings.INVITATION_VALID_DAYS
        action = (
            f"Use this link within {days} days to set your password and your second sign-in step:\n\n{link}\n\n"
            "The link works once."
        )
    else:
        action = f"Sign in to see it:\n\n{link}"
    body = (
        f"{introduction}{partnership.name} has given you the role {role.label}{where} in the practice review "
        "service.\n\n"
        f"{action}\n\nIf you were not expecting this, tell the partnership's business unit."
    )
    return subject, body


@dataclass(frozen=True)
class Invited:
    """What an invitation made: the existing account given the role at once, or the invitation a new person accepts
    (``Invitation.accepted_by`` then names their account). For a service that grants more with the role (a
    reviewer's case); the pages tell the inviter the same either way."""

    user: User | None = None
    invitation: Invitation | None = None


def invitation_send(
    *,
    acting: Acting,
    partnership: Partnership,
    email: str,
    role: Role,
    organisation: Organisation | None = None,
    purpose: InvitedFor | None = None,
    at: datetime | None = None,
) -> Invited:
    """Give someone a role in the partnership by e-mail.

    A new person gets a one-time, expiring link to set a password. Someone who already has an
    account gets the membership straight away and an e-mail saying so. Either way the inviter
    is told the same thing, so nobody learns which other partnerships an account belongs to.
    A service that gives the role for a reason (``purpose``) says so in that same e-mail, so the
    person gets one message, not two.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    with transaction.atomic():
        if existing is not None:
            membership_grant(
                acting=acting, user=existing, partnership=partnership, role=role, organisation=organisation
            )
            subject, body = _invitation_or_membership_email(
                partnership=partnership,
                role=role,
                organisation=organisation,
                link=link("accounts:sign-in"),
                new_account=False,
                purpose=purpose,
            )
            kind = purpose.kind if purpose else "membership.added"
            tell(partnership=partnership, to=[existing.email], subject=subject, body=body, kind=kind)
            return Invited(user=existing)
        if role in ROLES_NEEDING_ORGANISATION and organisation is None:
            raise MembershipError(ORGANISATION_REQUIRED.format(role=role.label))
        if organisation is not None and not partnership.organisation_links.filter(organisation=organisation).exists():
            raise MembershipError(
                ORGANISATION_NOT_IN_PARTNERSHIP.format(organisation=organisation, partnership=partnership)
            )
        token = secrets.token_urlsafe(32)
        sent_at = now(at)
        invitation = Invitation.objects.create(
            partnership=partnership,
            email=email,
            role=role.value,
            organisation=organisation,
            token_hash=_token_hash(token),
            invited_by=acting.user,
            created_at=sent_at,
            expires_at=sent_at + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        _audit_people(
            acting,
            "invitation.sent",
            invitation,
            partnership.pk,
            role=role.value,
            organisation_id=organisation.pk if organisation else None,
        )
        subject, body = _invitation_or_membership_email(
            partnership=partnership,
            role=role,
            organisation=organisation,
            link=link("partnerships:invitation-accept", token=token),
            new_account=True,
            purpose=purpose,
        )
        # Not through the kit's ``tell``: the link is a secret, which the outbox keeps out of its logs.
        message_queue(
            to=email, subject=subject, body=body, kind="invitation", partnership=partnership, holds_secret=True
        )
    return Invited(invitation=invitation)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this link stands for, while it can still be used."""
    invitation = (
        Invitation.objects.select_related("partnership", "organisation").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or invitation.accepted_at or invitation.withdrawn_at:
        return None
    if invitation.expires_at <= now():
        return None
    return invitation


def invitation_accept(*, acting: Acting, token: str, full_name: str, password: str) -> tuple[User, bool]:
    """Create the account and its membership from a valid invitation; the link then stops working.

    Returns (user, created). If an account with the address appeared meanwhile, it keeps its
    own password and just gains the membership. A full name the free-text policy refuses raises
    :class:`~cspr.kernel.text.TextRefused` before anything is claimed. Whoever holds the link is
    nobody until the account exists (its creation is recorded without a person), then acts as
    that person, through the invitation rather than any membership; ``acting`` gives the address.
    """
    full_name = clean_text(full_name, subject="Full name", limit=ONE_LINE, field="full_name")
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise MembershipError(INVITATION_NOT_VALID)
        # Claim the invitation first, so two submissions of one link cannot both succeed.
        claimed = Invitation.objects.filter(id=invitation.id, accepted_at__isnull=True).update(accepted_at=now())
        if claimed != 1:
            raise MembershipError(INVITATION_NOT_VALID)
        validate_password(password, user=User(email=invitation.email, full_name=full_name))
        nobody = replace(acting, user=None, scope=NO_SCOPE)
        user, created = user_get_or_create(
            acting=nobody, email=invitation.email, full_name=full_name, password=password
        )
        Invitation.objects.filter(id=invitation.id).update(accepted_by=user)
        # The invitation allows this, not any membership the person may already hold: none is recorded.
        person = replace(acting, user=user, scope=Scope(user_id=user.pk))
        membership_grant(
            acting=person,
            user=user,
            partnership=invitation.partnership,
            role=Role(invitation.role),
            organisation=invitation.organisation,
        )
        audit(person, "invitation.accepted", obj=invitation, partnership=invitation.partnership)
    return user, created


def _would_remove_last_admin(membership: Membership) -> bool:
    """Call inside the change's transaction: the partnership row is locked first, so two admins removing each
    other at once are taken one after the other and the second is refused."""
    Partnership.objects.select_for_update().filter(pk=membership.partnership_id).first()
    membership.refresh_from_db(fields=["role", "is_active"])  # as it is now, under the lock
    if membership.role != Role.PARTNERSHIP_ADMIN or not membership.is_active:
        return False
    others = Membership.objects.filter(
        partnership_id=membership.partnership_id, role=Role.PARTNERSHIP_ADMIN, is_active=True, user__is_active=True
    ).exclude(id=membership.id)
    return not others.exists()


def membership_change(
    *, acting: Acting, membership: Membership, role: Role, organisation: Organisation | None
) -> Membership:
    """Change the role (and organisation) of one membership in its partnership."""
    if role in ROLES_NEEDING_ORGANISATION and organisation is None:
        raise MembershipError(ORGANISATION_REQUIRED.format(role=role.label))
    partnership = membership.partnership
    if organisation is not None and not partnership.organisation_links.filter(organisation=organisation).exists():
        raise MembershipError(
            ORGANISATION_NOT_IN_PARTNERSHIP.format(organisation=organisation, partnership=partnership)
        )
    before = {"role": membership.role, "organisation_id": membership.organisation_id}
    with transaction.atomic():
        if role != Role.PARTNERSHIP_ADMIN and _would_remove_last_admin(membership):
            raise MembershipError(LAST_ADMIN)
        membership.role = role.value
        membership.organisation = organisation
        membership.save(update_fields=["role", "organisation"])
        _audit_people(
            acting,
            "membership.changed",
            membership,
            partnership.pk,
            before=before,
            after={"role": role.value, "organisation_id": membership.organisation_id},
        )
    return membership


def access_removed_notice(*, partnership: Partnership, user_id: int) -> dict[str, Any]:
    """What an ended session keeps for the person's next request: the partnership, and who it was (for the audit)."""
    return {"partnership_id": partnership.pk, "partnership_name": partnership.name, "user_id": user_id}


def _session_works_in(partnership_id: int, *, before: Scope) -> Callable[[dict[str, Any]], bool]:
    """Whether a session (by its data) was working in this partnership, judged as the middleware judged it."""

    def works_in(data: dict[str, Any]) -> bool:
        return current_partnership_choose(before, data.get(CURRENT_PARTNERSHIP_SESSION_KEY)) == partnership_id

    return works_in


def membership_set_active(*, acting: Acting, membership: Membership, active: bool) -> Membership:
    """Disable or re-enable one membership. Never the account: other partnerships may rely on it.

    Disabling the person's last active membership in the partnership ends, at once and on the
    server, every session of theirs that was working in that partnership: the session is
    signed out and keeps only a notice, so its next request lands on "Your access was
    removed" (``CurrentPartnershipMiddleware``, which also audits that refusal). Sessions
    working in another of their partnerships carry on; the switcher no longer offers this
    one. Access is recomputed from active memberships on every request in any case.
    """
    with transaction.atomic():
        if not active and _would_remove_last_admin(membership):
            raise MembershipError(LAST_ADMIN)
        person = membership.user
        before = scope_for(person)
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        _audit_people(
            acting,
            "membership.enabled" if active else "membership.disabled",
            membership,
            membership.partnership_id,
            user_id=membership.user_id,
            role=membership.role,
        )
        still_member = Membership.objects.filter(
            user_id=membership.user_id, partnership_id=membership.partnership_id, is_active=True
        ).exists()
        if not active and not still_member:
            user_sessions_end(
                acting=acting,
                user=person,
                reason="membership disabled",
                only=_session_works_in(membership.partnership_id, before=before),
                notice=access_removed_notice(partnership=membership.partnership, user_id=membership.user_id),
            )
    return membership
