"""Invented demo cases for Northvale, created through the services with fixed dates (October to November 2026).

Every name, date of birth and address here is made up and obviously fictional. Called from
``cspr.demo.partnerships.seed_demo`` inside its transaction, so it runs once, on an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.cases.models import Case, DutyKind
from cspr.cases.notification import ChildData, HouseholdMemberData, NotificationData
from cspr.cases.services import case_route, duty_record, la_decision_record, notification_submit
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for

LONDON = ZoneInfo("Europe/London")

NOTIFIER = "notifier@example.org"
BUSINESS_UNIT = "business.unit@example.org"
HEALTH = "contributor.health@example.org"
HEALTH_ORGANISATION = "Northvale Integrated Care Board (demo)"
POLICE = "Vale and Moor Police (demo)"


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=LONDON)


def _acting(email: str) -> Acting:
    """The demo person acting, as a command acts (no request, no address)."""
    return acting_for(User.objects.get(email=email), via="command")


def _notification(**values: Any) -> NotificationData:
    defaults: dict[str, Any] = {
        "notifier_name": "Nadia Fenwick",
        "notifier_role": "Head of Safeguarding, Children's Services",
        "notifier_phone": "01632 960 001",
        "notifier_email": NOTIFIER,
        "location": "in_area",
        "abuse_or_neglect": "yes",
    }
    return NotificationData(**{**defaults, **values})


@dataclass(frozen=True)
class LaDecision:
    """The local authority's decision, recorded by its notifier on the day it is dated."""

    notify_panel: bool
    decided_on: date
    reason: str
    hour: int = 10

    def take(self, case: Case) -> None:
        day = self.decided_on
        la_decision_record(
            acting=_acting(NOTIFIER),
            case=case,
            notify_panel=self.notify_panel,
            decided_on=day,
            reason=self.reason,
            recorded_at=_at(day.year, day.month, day.day, self.hour),
        )


@dataclass(frozen=True)
class Duty:
    """A notification duty done, recorded by ``by`` on the day it was done."""

    by: str
    kind: DutyKind
    done_on: date
    panel_reference: str = ""
    hour: int = 10

    def take(self, case: Case) -> None:
        day = self.done_on
        duty_record(
            acting=_acting(self.by),
            case=case,
            kind=self.kind,
            done_on=day,
            panel_reference=self.panel_reference,
            recorded_at=_at(day.year, day.month, day.day, self.hour),
        )


@dataclass(frozen=True)
class Route:
    """The business unit moves the case on."""

    transition: str
    at: datetime
    reason: str = ""

    def take(self, case: Case) -> None:
        case_route(acting=_acting(BUSINESS_UNIT), case=case, transition=self.transition, reason=self.reason, at=self.at)


@dataclass(frozen=True)
class DemoCase:
    """One demo case: who submits it and when, what it says, and what is done on it afterwards, in order."""

    by: str
    submitted_at: datetime
    data: NotificationData
    referral: bool = False
    steps: tuple[LaDecision | Duty | Route, ...] = ()

    def seed(self, partnership: Partnership) -> Case:
        case = notification_submit(
            acting=_acting(self.by),
            partnership=partnership,
            data=self.data,
            as_referral=self.referral,
            submitted_at=self.submitted_at,
        )
        for step in self.steps:
            step.take(case)
        return case


DEMO_CASES = (
    # 1. A death with no abuse or neglect suspected: not notifiable.
    DemoCase(
        NOTIFIER,
        _at(2026, 10, 5),
        _notification(
            la_aware_on=date(2026, 10, 2),
            incident_on=date(2026, 10, 2),
            nature="death",
            abuse_or_neglect="no",
            what_is_known="Sudden unexpected death in infancy; no concerns from any agency so far.",
            case_outline="A baby found unresponsive at home; health visitor visits were routine, no concerns.",
            children=(
                ChildData(
                    name="Bramble Fictionsworth",
                    date_of_birth=date(2026, 4, 11),
                    sex="male",
                    area="Northvale",
                    address="1 Nowhere Lane, Northvale NV0 0AA",
                ),
            ),
            household=(HouseholdMemberData(name="Saffron Fictionsworth", relationship="mother"),),
            agencies_involved=(HEALTH_ORGANISATION,),
            parallel_processes=("coroner",),
        ),
        steps=(
            LaDecision(
                notify_panel=False,
                decided_on=date(2026, 10, 6),
                reason="No abuse or neglect is known or suspected; the child death review process continues.",
            ),
            Route(
                "record_not_notifiable",
                _at(2026, 10, 7),
                "The local authority did not notify: the criteria are not met. Learning goes to the child death "
                "review.",
            ),
        ),
    ),
    # 2. A looked-after child's death: not notifiable to the Panel, but the Secretary of State and Ofsted are told.
    DemoCase(
        NOTIFIER,
        _at(2026, 10, 14),
        _notification(
            la_aware_on=date(2026, 10, 13),
            incident_on=date(2026, 10, 12),
            nature="looked_after_child_death",
            abuse_or_neglect="no",
            what_is_known="Death after a long illness in a children's hospice.",
            case_outline="A looked-after child with a life-limiting condition, in a long-term foster placement.",
            children=(
                ChildData(
                    name="Poppy Examplefield",
                    date_of_birth=date(2012, 6, 3),
                    sex="female",
                    area="Northvale",
                    disability="yes",
                    looked_after=True,
                    placement_type="Foster care",
                    address="Hypothetical Hospice, Northvale NV0 0AB",
                ),
            ),
            agencies_involved=(HEALTH_ORGANISATION,),
        ),
        steps=(
            LaDecision(
                notify_panel=False,
                decided_on=date(2026, 10, 15),
                reason="An expected death from a life-limiting illness; no abuse or neglect is suspected.",
            ),
            Duty(NOTIFIER, DutyKind.SOS_OFSTED_NOTIFIED, date(2026, 10, 16)),
            Route(
                "record_not_notifiable",
                _at(2026, 10, 19),
                "Not notifiable to the Panel; the Secretary of State and Ofsted were notified on 16 October 2026.",
            ),
        ),
    ),
    # 3. Serious harm with neglect suspected: the Panel notified, the rapid review under way.
    DemoCase(
        NOTIFIER,
        _at(2026, 11, 13),
        _notification(
            la_aware_on=date(2026, 11, 12),
            incident_on=date(2026, 11, 11),
            nature="serious_harm",
            what_is_known="Admitted to hospital with malnutrition and untreated injuries.",
            serious_harm_description="Long-term impairment of physical health is likely.",
            children=(
                ChildData(
                    name="Tansy Madeupton",
                    other_names="Tansy Placeholder",
                    date_of_birth=date(2022, 1, 20),
                    sex="female",
                    area="Northvale",
                    child_protection_plan=True,
                    address="22 Pretend Street, Northvale NV0 0AC",
                    nhs_number="943 476 5919",
                ),
                ChildData(
                    name="Linden Madeupton",
                    date_of_birth=date(2019, 9, 9),
                    sex="male",
                    area="Northvale",
                    child_in_need=True,
                    address="22 Pretend Street, Northvale NV0 0AC",
                ),
            ),
            household=(
                HouseholdMemberData(name="Hazel Madeupton", relationship="mother", date_of_birth=date(1995, 2, 2)),
                HouseholdMemberData(name="Ash Notarealname", relationship="partner of parent"),
            ),
            agencies_involved=(HEALTH_ORGANISATION, POLICE, "Northvale Learning Trust (demo)"),
            parallel_processes=("police investigation",),
            case_outline="Known to children's services since 2024; a child protection plan since August 2026.",
        ),
        steps=(
            LaDecision(
                notify_panel=True,
                decided_on=date(2026, 11, 13),
                reason="Neglect is suspected and the child was seriously harmed in Northvale.",
                hour=14,
            ),
            Duty(NOTIFIER, DutyKind.PANEL_NOTIFIED, date(2026, 11, 16), panel_reference="CSPRP-DEMO-0412"),
            Duty(BUSINESS_UNIT, DutyKind.PARTNERS_INFORMED, date(2026, 11, 16), hour=11),
            Route("start_rapid_review", _at(2026, 11, 16, 12)),
        ),
    ),
    # 4. A referral from health: the local authority has still to decide.
    DemoCase(
        HEALTH,
        _at(2026, 11, 20),
        _notification(
            notifier_name="Hari Lestrange",
            notifier_role="Designated Nurse for Safeguarding",
            notifier_email=HEALTH,
            la_aware_on=date(2026, 11, 20),
            incident_on=date(2026, 11, 19),
            nature="serious_harm",
            abuse_or_neglect="unknown",
            what_is_known="A baby brought to the emergency department with a fracture; explanation not consistent.",
            case_outline="A baby in a family receiving early help; the health visitor had missed two visits.",
            serious_harm_description="A fractured arm; the effect on the baby's development is not yet known.",
            children=(ChildData(name="Wren Samplesby", age_years=0, sex="not_known", area="Northvale"),),
            agencies_involved=(HEALTH_ORGANISATION,),
        ),
        referral=True,
    ),
    # 5. A fresh notification: the local authority's decision is still to be recorded.
    DemoCase(
        NOTIFIER,
        _at(2026, 11, 24, 16),
        _notification(
            la_aware_on=date(2026, 11, 23),
            incident_on=date(2026, 11, 22),
            nature="death",
            what_is_known="Died at home; bruising of different ages found.",
            case_outline="A young child known to the school nurse; the family moved into the area this year.",
            children=(
                ChildData(
                    name="Clover Inventedale",
                    date_of_birth=date(2025, 12, 25),
                    sex="female",
                    area="Northvale",
                    address="5 Fable Court, Northvale NV0 0AD",
                ),
            ),
            household=(HouseholdMemberData(name="Sorrel Inventedale", relationship="mother"),),
            agencies_involved=(HEALTH_ORGANISATION, POLICE),
            parallel_processes=("police investigation", "coroner"),
            media_interest=True,
        ),
    ),
)
"""The demo cases in the order they are created: not notifiable, a looked-after child's death, at the rapid
review, a referral still to decide, a fresh notification."""


def seed_demo_cases(*, partnership: Partnership) -> list[Case]:
    """Five cases at several stages. Returns them in the order created."""
    return [demo.seed(partnership) for demo in DEMO_CASES]
