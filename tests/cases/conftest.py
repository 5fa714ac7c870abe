"""Fixtures for case tests: invented notifications, and submitting them as demo people."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.cases.notification import ChildData, HouseholdMemberData, NotificationData
from cspr.cases.services import notification_submit
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for

LONDON = ZoneInfo("Europe/London")

# Invented, obviously fictional identifying details: the tests look for them where they must never appear.
CHILD_NAME = "Juniper Testfieldworth"
CHILD_DOB = date(2019, 3, 14)
CHILD_ADDRESS = "7 Imaginary Crescent, Northvale NV9 9ZZ"
CHILD_NHS = "943 476 5919"
SIBLING_NAME = "Rowan Testfieldworth"
SIBLING_DOB = date(2021, 8, 2)
MOTHER_NAME = "Marigold Testfieldworth"
MOTHER_DOB = date(1990, 1, 30)
SECRET_OUTLINE = "Marigold Testfieldworth's partner was seen at Imaginary Crescent"
IDENTIFYING_VALUES = (
    CHILD_NAME,
    "Testfieldworth",
    CHILD_ADDRESS,
    "Imaginary Crescent",
    "9434765919",
    CHILD_NHS,
    CHILD_DOB.isoformat(),
    "14/03/2019",
    "14 March 2019",
    SIBLING_NAME,
    MOTHER_NAME,
)


def make_notification(**changes: Any) -> NotificationData:
    data = NotificationData(
        notifier_name="Nadia Fenwick",
        notifier_role="Head of safeguarding",
        notifier_phone="01234 567890",
        notifier_email="notifier@example.org",
        la_aware_on=date(2026, 12, 18),
        incident_on=date(2026, 12, 17),
        incident_time="21:15",
        incident_place="Imaginary Crescent, Northvale",
        location="in_area",
        nature="serious_harm",
        abuse_or_neglect="yes",
        what_is_known="Juniper Testfieldworth was taken to hospital with injuries.",
        serious_harm_description="Head injury needing intensive care.",
        children=(
            ChildData(
                name=CHILD_NAME,
                other_names="June",
                date_of_birth=CHILD_DOB,
                sex="female",
                ethnicity="White British",
                disability="no",
                address=CHILD_ADDRESS,
                area="Northvale",
                nhs_number=CHILD_NHS,
                child_protection_plan=True,
            ),
            ChildData(name=SIBLING_NAME, date_of_birth=SIBLING_DOB, sex="male", address=CHILD_ADDRESS),
        ),
        household=(
            HouseholdMemberData(
                name=MOTHER_NAME, relationship="mother", date_of_birth=MOTHER_DOB, address=CHILD_ADDRESS
            ),
        ),
        agencies_involved=("Northvale Integrated Care Board (demo)", "A private nursery"),
        parallel_processes=("police investigation",),
        case_outline=SECRET_OUTLINE,
        media_interest=False,
    )
    return dataclasses.replace(data, **changes)


SubmitFunc = Callable[..., Case]


@pytest.fixture
def submit(demo: dict[str, Partnership]) -> SubmitFunc:
    """Submit a notification as a demo person (the Northvale notifier by default) at a fixed time."""

    def do(
        *,
        email: str = "notifier@example.org",
        partnership: str = "northvale",
        as_referral: bool = False,
        at: datetime = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON),
        **changes: Any,
    ) -> Case:
        return notification_submit(
            acting=acting_for(User.objects.get(email=email)),
            partnership=demo[partnership],
            data=make_notification(**changes),
            as_referral=as_referral,
            submitted_at=at,
        )

    return do
