"""What the demo's steps share: its people's addresses, its time zone, and how a step acts and passes its fields."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.kernel.acting import Acting
from cspr.partnerships.scoping import acting_for

LONDON = ZoneInfo("Europe/London")

NOTIFIER = "notifier@example.org"
BUSINESS_UNIT = "business.unit@example.org"
PRG_CHAIR = "prg.chair@example.org"
PRG_MEMBER = "prg.member@example.org"
EXECUTIVE = "executive@example.org"
REVIEWER = "reviewer@example.org"
"""The demo's independent reviewer, on the register and holding an account: the one the demo commissions."""
EXECUTIVES = (EXECUTIVE, "executive.health@example.org", "executive.police@example.org")
"""The lead safeguarding partners' Executive members: the local authority's, health's and the police's."""


def on(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in Europe/London."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def answers(step: Any, besides: Iterable[str] = ()) -> dict[str, Any]:
    """A step's fields as its service's keyword arguments: all but who acts (``by``), when (``hour``, ``at``) and
    those named in ``besides`` (the ones the step turns into something else first)."""
    left_out = {"by", "hour", "at", *besides}
    return {field.name: getattr(step, field.name) for field in dataclasses.fields(step) if field.name not in left_out}


def acting(email: str) -> Acting:
    """The demo person acting, as a command acts (no request, no address)."""
    return acting_for(User.objects.get(email=email), via="command")
