"""Cases in the states many tests start from, made through the services (plain functions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.cases.services import notification_submit
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import make_notification

LONDON = ZoneInfo("Europe/London")
SUBMITTED_AT = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON)


def notification_by_notifier(
    partnership: Partnership, *, email: str = "notifier@example.org", at: datetime = SUBMITTED_AT, **changes: Any
) -> Case:
    """A case notified by the demo local authority notifier (the invented children of ``make_notification``)."""
    return notification_submit(
        acting=acting_for(User.objects.get(email=email)),
        partnership=partnership,
        data=make_notification(**changes),
        as_referral=False,
        submitted_at=at,
    )
