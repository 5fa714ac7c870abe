"""Demo data for the rapid review: NVALE-2026-003 (at the rapid review stage) has its PRG meeting scheduled.

The case stays at the rapid review stage; nothing else is recorded, so the whole journey can be walked from there.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from cspr.rapid_reviews.models import PrgMeeting
from cspr.rapid_reviews.services import meeting_schedule

DEMO_REFERENCE = "NVALE-2026-003"


def seed_demo_rapid_review(*, partnership: Partnership) -> PrgMeeting | None:
    case = Case.objects.filter(partnership=partnership, reference=DEMO_REFERENCE).first()
    business_unit = User.objects.filter(email="business.unit@example.org").first()
    if case is None or business_unit is None:
        return None
    return meeting_schedule(
        acting=acting_for(business_unit, via="command"),
        case=case,
        scheduled_on=date(2026, 11, 26),
        starts_at="14:00",
        mode=PrgMeeting.Mode.VIRTUAL,
        where="Online: the joining link is in the calendar invitation",
        agenda="1. Immediate safeguarding\n2. Agencies' returns and the facts\n3. The criteria (§5.4-5.5)\n"
        "4. Decisions and learning",
        at=datetime(2026, 11, 17, 9, tzinfo=ZoneInfo("Europe/London")),
    )
