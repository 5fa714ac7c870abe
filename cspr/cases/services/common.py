"""What the case services share: the free-text table, the rule check and the membership that allows an action
(the kit's, with the cases rules' roles), the date checks, the case locked for a write and the local authority's
latest decision."""

from __future__ import annotations

from datetime import date

from cspr.cases import selectors
from cspr.cases.models import Case, LocalAuthorityDecision
from cspr.cases.rules import ROLES, la_notifier_organisation_ids
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import not_future
from cspr.kernel.text import NOTE, ONE_LINE, REASON, FieldTexts
from cspr.partnerships.scoping import Grant, Scope

DATE_BEFORE_AWARE = "The date must be the same as or after the date the local authority became aware."

TEXTS = FieldTexts(
    {
        REASON: {
            "reason": "The reasons for the decision",
            "route_reason": "The reason",
            "transition_reason": "The reason",
            "late_reason": "The reason it was late",
            "extension_reason": "The reason for the extension",
        },
        NOTE: {"note": "Note"},
        ONE_LINE: {
            "la_officer_name": "Name of the local authority officer who decided",
            "la_officer_role": "The officer's role",
            "title": "What the document is",
            "purpose_other": "Your reason",
            "other_area": "The area informed",
            "agreed_by": "Who agreed the extension",
        },
        # References are short codes: the Panel's own, and one of ours (a case reference is at most 40 characters).
        100: {"panel_reference": "Panel reference"},
        40: {"other_reference": "Reference of the case to link"},
    },
    refused=CaseActionRefused,
)
"""How the case pages' free-text inputs are named in messages, under the limit of their kind (the forms use the same
words)."""


def case_locked(case: Case) -> Case:
    """The case as it is now, its row locked until the caller's transaction ends (writes to it and to what hangs off
    it wait their turn)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def allowed(acting: Acting, rule: str, case: Case) -> Grant | None:
    """Refuse unless ``rule`` allows the person acting on the case; the membership that allows it (the rule's roles:
    ``cspr.cases.rules.ROLES``)."""
    return kit.allowed(acting, rule, case, ROLES[rule])


def la_notifier_organisation(scope: Scope, partnership_id: int) -> int | None:
    """The local-authority organisation this person notifies for here (the lowest id, if several), or ``None``."""
    la_ids = la_notifier_organisation_ids(scope, partnership_id)
    return min(la_ids) if la_ids else None


def la_notifier_grant(scope: Scope, partnership_id: int) -> Grant | None:
    """The person's notifier membership for that local-authority organisation (the oldest, if several), or
    ``None`` when they notify for no local authority here."""
    organisation_id = la_notifier_organisation(scope, partnership_id)
    held = [
        grant
        for grant in scope.grants_in(partnership_id)
        if grant.role is Role.NOTIFIER and grant.organisation_id == organisation_id
    ]
    return min(held, key=lambda grant: grant.membership_id) if organisation_id is not None and held else None


def referring_grant(scope: Scope, partnership_id: int) -> Grant | None:
    """The membership an agency's referral comes through (§3.8): any with an organisation may refer, an agency
    contributor's first (then the oldest); ``None`` when the person has no organisation here."""
    grants = [grant for grant in scope.grants_in(partnership_id) if grant.organisation_id is not None]
    grants.sort(key=lambda grant: (grant.role is not Role.AGENCY_CONTRIBUTOR, grant.membership_id))
    return grants[0] if grants else None


def check_day(day: date, *, case: Case, today: date, field: str) -> None:
    """A date something was done: not in the future, and not before the local authority became aware."""
    not_future(day, today=today, field=field)
    if case.aware_on is not None and day < case.aware_on:
        raise CaseActionRefused(DATE_BEFORE_AWARE, field=field)


def latest_la_decision(case: Case) -> LocalAuthorityDecision | None:
    decisions = selectors.case_la_decision_rows(case=case)
    return decisions[-1] if decisions else None
