"""Access to one case beyond a person's role: granted to one person (ADR 0020), or to an organisation involved since
the notification.

The commissioned reviewer's role reaches no case; the reviewers app grants them theirs through
:func:`case_access_grant` when it commissions them, inside its own transaction. The business unit may set the day the
access ends (:func:`case_access_ends_on_set`) or end it at once (:func:`case_access_end`). A grant for a reviewer also
ends when the case leaves the local review's stages (:func:`case_access_end_with_stage`, called by every stage
change). Each is audited with the case's reference and ids, never a name.

An organisation the notification did not name becomes involved in the case when it is asked for something (for
information, or for comments on a draft report): :func:`case_organisations_involve` adds it, so that its contributors
see the case through ``cases_visible``, and records why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from cspr.accounts.models import User
from cspr.cases.models import Case, CaseAccess
from cspr.cases.services.common import allowed
from cspr.domain.reviewers import access_open
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, now
from cspr.partnerships.models import Invitation
from cspr.partnerships.scoping import Grant

GRANT = "cases.grant_access"

ACCESS_NOT_OPEN_STAGE = "A reviewer is given access only while the local review runs, from commissioning to sign-off."
ACCESS_NOBODY = "Access must be given to a person or to the invitation that will become their account."
ACCESS_NOT_FOUND = "There is no such access to this case."
ACCESS_ENDED = "That access has already ended."
ACCESS_END_FUTURE = "The date access ends must be in the future. To end it today, end it now."
ACCESS_ACCOUNT_READY = "The reviewer has an account already, so there is no invitation to send again."


def case_access_grant(
    *,
    acting: Acting,
    case: Case,
    granted_for: str,
    user: User | None = None,
    invitation: Invitation | None = None,
    ends_on: date | None = None,
    at: datetime | None = None,
) -> CaseAccess:
    """Give one person (or the invitation that will become their account) access to this case, for ``granted_for``.
    A reviewer's grant needs the case in the local review's stages; any end date must be after today."""
    grant = allowed(acting, GRANT, case)
    at = now(at)
    if user is None and invitation is None:
        raise CaseActionRefused(ACCESS_NOBODY)
    if ends_on is not None and ends_on <= local_today(at):
        raise CaseActionRefused(ACCESS_END_FUTURE, field="ends_on")
    with transaction.atomic():
        stage = Case.objects.select_for_update().values_list("stage", flat=True).get(pk=case.pk)
        if granted_for == CaseAccess.GrantedFor.REVIEWER and not access_open(stage):
            raise CaseActionRefused(ACCESS_NOT_OPEN_STAGE)
        access = CaseAccess(
            case=case,
            user=user,
            invitation=invitation,
            granted_for=granted_for,
            granted_by=kit.person(acting),
            granted_at=at,
            ends_on=ends_on,
        )
        access.save(force_insert=True)
        audit_case(
            acting,
            "case.access_granted",
            case,
            obj=access,
            grant=grant,
            granted_for=granted_for,
            user_id=user.pk if user else None,
            invitation_id=invitation.pk if invitation else None,
            ends_on=ends_on,
        )
    return access


def _open_grant(acting: Acting, case: Case, access_id: int) -> tuple[CaseAccess, Grant | None]:
    grant = allowed(acting, GRANT, case)
    access = CaseAccess.objects.select_for_update().filter(case=case, pk=access_id).first()
    if access is None:
        raise CaseActionRefused(ACCESS_NOT_FOUND)
    if access.ended_at is not None:
        raise CaseActionRefused(ACCESS_ENDED)
    return access, grant


def case_access_ends_on_set(
    *, acting: Acting, case: Case, access_id: int, ends_on: date | None, at: datetime | None = None
) -> CaseAccess:
    """Set (or clear) the day the access ends: from that day the person no longer reaches the case."""
    at = now(at)
    if ends_on is not None and ends_on <= local_today(at):
        raise CaseActionRefused(ACCESS_END_FUTURE, field="ends_on")
    with transaction.atomic():
        access, grant = _open_grant(acting, case, access_id)
        access.ends_on = ends_on
        access.save(update_fields=["ends_on"])
        audit_case(acting, "case.access_end_date_set", case, obj=access, grant=grant, ends_on=ends_on)
    return access


def case_access_end(*, acting: Acting, case: Case, access_id: int, at: datetime | None = None) -> CaseAccess:
    """End the access at once: the person's next request for the case is a 404."""
    at = now(at)
    with transaction.atomic():
        access, grant = _open_grant(acting, case, access_id)
        access.ended_at = at
        access.ended_by = kit.person(acting)
        access.ending = CaseAccess.Ending.BUSINESS_UNIT
        access.save(update_fields=["ended_at", "ended_by", "ending"])
        audit_case(
            acting,
            "case.access_ended",
            case,
            obj=access,
            grant=grant,
            ending=access.ending,
            granted_for=access.granted_for,
        )
    return access


def case_access_invited_again(
    *,
    acting: Acting,
    case: Case,
    access_id: int,
    user: User | None,
    invitation: Invitation | None,
    at: datetime | None = None,
) -> CaseAccess:
    """An open grant still waiting on its invitation (never accepted: it expired, or the e-mail was lost) follows the
    invitation sent in its place, or the account the address turned out to have; the old invitation is withdrawn, so
    its link no longer works. Inside the caller's transaction, which sent the new invitation."""
    at = now(at)
    if user is None and invitation is None:
        raise CaseActionRefused(ACCESS_NOBODY)
    access, grant = _open_grant(acting, case, access_id)
    old = access.invitation
    if access.user_id is not None or (old is not None and old.accepted_by_id is not None):
        raise CaseActionRefused(ACCESS_ACCOUNT_READY)
    if old is not None and old.withdrawn_at is None:
        old.withdrawn_at = at
        old.save(update_fields=["withdrawn_at"])
    access.user, access.invitation = user, invitation
    access.save(update_fields=["user", "invitation"])
    audit_case(
        acting,
        "case.access_invited_again",
        case,
        obj=access,
        grant=grant,
        withdrawn_invitation_id=old.pk if old else None,
        user_id=user.pk if user else None,
        invitation_id=invitation.pk if invitation else None,
    )
    return access


def case_access_end_with_stage(*, acting: Acting, case: Case, at: datetime) -> int:
    """Inside a stage change: end every open reviewer's grant on the case when its new stage is outside the local
    review's (sign-off and after, a national review, withdrawal). How many were ended."""
    if access_open(case.stage):
        return 0
    ended = CaseAccess.objects.filter(
        case=case, granted_for=CaseAccess.GrantedFor.REVIEWER, ended_at__isnull=True
    ).update(ended_at=at, ended_by=acting.user, ending=CaseAccess.Ending.STAGE)
    if ended:
        audit_case(acting, "case.access_ended", case, ending=CaseAccess.Ending.STAGE, stage=case.stage, count=ended)
    return ended


def case_organisations_involve(
    *, acting: Acting, case: Case, organisation_ids: Iterable[int], because: str, grant: Grant | None = None
) -> list[int]:
    """Make the organisations involved in the case, so that their contributors see it: those not yet involved are
    added, audited once (``case.organisations_involved``, their ids and ``because``, the kind of request that asked
    them). Returns the ids added. The caller has checked it may ask them; call it inside its transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_organisations_involve must run inside the caller's transaction.atomic block.")
    involved = set(case.involved_organisations.values_list("id", flat=True))
    added = sorted(set(organisation_ids) - involved)
    if added:
        case.involved_organisations.add(*added)
        audit_case(acting, "case.organisations_involved", case, grant=grant, organisations=added, because=because)
    return added
