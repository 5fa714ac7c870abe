"""Invented demo information requests on NVALE-2026-003 (at the rapid review), created through the services.

Health has submitted its return (with a short chronology); the police return is in progress; the local authority,
probation and fire and rescue have not started. Every detail is made up. Called at the end of
``cspr.demo.partnerships.seed_demo``, inside its transaction, so it runs once, on an empty database.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.partnerships.models import Membership, Partnership, PartnershipOrganisation
from cspr.partnerships.scoping import acting_for
from cspr.returns.models import InformationRequest
from cspr.returns.services import (
    chronology_entry_add,
    information_clock,
    information_requests_send,
    organisation_lead_set,
    return_save,
    return_submit,
)

LONDON = ZoneInfo("Europe/London")
CASE_REFERENCE = "NVALE-2026-003"
BUSINESS_UNIT = "business.unit@example.org"
HEALTH = "contributor.health@example.org"
POLICE = "police.lead@example.org"


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=LONDON)


def seed_demo_returns(*, partnership: Partnership) -> list[InformationRequest]:
    case = Case.objects.filter(partnership=partnership, reference=CASE_REFERENCE).first()
    if case is None or InformationRequest.objects.filter(case=case).exists():
        return []
    business_unit = acting_for(User.objects.get(email=BUSINESS_UNIT))
    # One designated lead per organisation that has someone answering for it.
    seen: set[int] = set()
    for membership in (
        Membership.objects.filter(partnership=partnership, role__in=["agency_contributor", "notifier"], is_active=True)
        .select_related("organisation")
        .order_by("id")
    ):
        if membership.organisation is None or membership.organisation_id in seen:
            continue
        seen.add(membership.organisation.pk)
        organisation_lead_set(
            acting=business_unit,
            partnership=partnership,
            organisation=membership.organisation,
            user_id=membership.user_id,
            at=_at(11, 16, 9),
        )
    statutory = list(
        PartnershipOrganisation.objects.filter(partnership=partnership, is_statutory_agency=True).values_list(
            "organisation_id", flat=True
        )
    )
    clock = information_clock(case)
    due = clock.effective_due if clock else date(2026, 11, 24)
    requests = information_requests_send(
        acting=business_unit,
        case=case,
        organisation_ids=statutory,
        due_on=due,
        questions="Please include any contact with Child A's school nurse since September 2026.",
        at=_at(11, 16, 14),
    )
    by_name = {info_request.organisation.name: info_request for info_request in requests}
    health_request = next(item for name, item in by_name.items() if "Integrated Care Board" in name)
    health = acting_for(User.objects.get(email=HEALTH))
    return_save(
        acting=health,
        info_request=health_request,
        values={
            "involved_from": date(2024, 3, 1),
            "involved_to": date(2026, 11, 12),
            "services": "Health visiting; GP practice; school nursing; emergency department.",
            "key_contacts": "Health visitor (Northvale East team); named GP; school nurse.",
            "involvement": "Routine health visiting until 2025, then targeted support after missed appointments.",
            "key_practice_episodes": "Missed developmental review in May 2026 was not followed up for six weeks.",
            "immediate_actions": "Child B's health records flagged; health visitor joined the core group.",
            "early_learning": "Missed appointments for children on a plan need a same-week follow-up.",
            "equality_considerations": "The family's first language is not English; no interpreter was booked.",
        },
        at=_at(11, 18),
    )
    for day, event, source in (
        (date(2026, 5, 14), "Developmental review missed; letter sent offering a new date.", "Health visiting record"),
        (
            date(2026, 6, 25),
            "Home visit: concerns about home conditions shared with children's social care.",
            "Health visiting record",
        ),
        (
            date(2026, 11, 12),
            "Child A seen in the emergency department; safeguarding referral made.",
            "Emergency department notes",
        ),
    ):
        chronology_entry_add(
            acting=health,
            info_request=health_request,
            happened_on=day,
            event=event,
            source=source,
            at=_at(11, 18, 11),
        )
    return_submit(acting=health, info_request=health_request, at=_at(11, 19, 15))
    police_request = by_name.get("Vale and Moor Police (demo)")
    if police_request is not None:
        return_save(
            acting=acting_for(User.objects.get(email=POLICE)),
            info_request=police_request,
            values={
                "services": "Neighbourhood policing; domestic abuse unit.",
                "involvement": "Two call-outs to the address in 2026; draft still being checked.",
            },
            at=_at(11, 20),
        )
    return requests
