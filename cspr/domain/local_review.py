"""The local child safeguarding practice review's own rules, as plain data (procedure §5.5, §6.3-6.7).

* :class:`Route` — how the decision to hold the review came: the Executive Group's ratification, the Panel's
  response, or the partnership's discretion (§5.6), read from the case's path, never asked;
* :class:`Method` — the methods a review may follow; the systems approach is the default (§6.3);
* :data:`MILESTONES` and :func:`proposed_milestones` — the supervision milestones (§6.7) and the dates proposed for
  them from the day the review starts;
* :func:`milestone_reading` — where a milestone stands on a day (due, due soon, overdue, done), with the working days
  left as a clock counts them.

Milestones are the partnership's own targets, so the partnership's closure days count against them (a proposed date
on a closure day or a weekend moves back to the working day before), unlike a statutory clock.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cspr.domain.calendar import CalendarRangeError, WorkingCalendar
from cspr.domain.clocks import is_late
from cspr.domain.labels import Labelled

__all__ = [
    "MILESTONES",
    "JointLead",
    "Method",
    "MilestoneKind",
    "MilestoneReading",
    "MilestoneRule",
    "MilestoneStatus",
    "Route",
    "milestone_reading",
    "proposed_milestones",
]


class Route(Labelled):
    """How the decision to hold the local review came (read from the case's path)."""

    EXECUTIVE = "executive"
    PANEL = "panel"
    DISCRETIONARY = "discretionary"

    __labels__ = {
        EXECUTIVE: "The Executive Group's ratification of the rapid review (§4.6)",
        PANEL: "The Panel's response to the rapid review (§5.4, §8.5)",
        DISCRETIONARY: "A discretionary review of a case that was not notifiable (§5.6)",
    }


class JointLead(StrEnum):
    """Who leads a joint review (§5.5): this partnership or the other."""

    THIS = "this"
    OTHER = "other"


class Method(Labelled):
    """How the review will be conducted (§6.3-6.4): the systems approach unless the partnership agrees another."""

    SYSTEMS = "systems"
    PRACTITIONER_LEARNING = "practitioner_learning"
    APPRECIATIVE_INQUIRY = "appreciative_inquiry"
    AGENCY_REPORTS = "agency_reports"
    OTHER = "other"

    __labels__ = {
        SYSTEMS: "Systems approach",
        PRACTITIONER_LEARNING: "Learning review led by practitioners' events",
        AGENCY_REPORTS: "Agency reports with an independent overview",
    }


class MilestoneKind(StrEnum):
    """The steps of a local review the partnership supervises (§6.6-6.7)."""

    TERMS_AGREED = "terms_agreed"
    INFORMATION_GATHERED = "information_gathered"
    PRACTITIONER_EVENT = "practitioner_event"
    FAMILY_MEETINGS = "family_meetings"
    FIRST_DRAFT = "first_draft"
    FINAL_DRAFT = "final_draft"

    @property
    def label(self) -> str:
        return MILESTONE_RULES[self].label


@dataclass(frozen=True)
class MilestoneRule:
    """A milestone and when it is proposed for: ``weeks`` after the day the review starts."""

    kind: MilestoneKind
    label: str
    weeks: int
    section: str


MILESTONES: tuple[MilestoneRule, ...] = (
    MilestoneRule(MilestoneKind.TERMS_AGREED, "Terms of reference agreed", 4, "§6.3"),
    MilestoneRule(MilestoneKind.INFORMATION_GATHERED, "Information gathered", 8, "§6.4"),
    MilestoneRule(MilestoneKind.PRACTITIONER_EVENT, "Practitioner event", 12, "§6.6"),
    MilestoneRule(MilestoneKind.FAMILY_MEETINGS, "Family meetings", 12, "§6.6"),
    MilestoneRule(MilestoneKind.FIRST_DRAFT, "First draft", 16, "§7.1"),
    MilestoneRule(MilestoneKind.FINAL_DRAFT, "Final draft", 20, "§7.1"),
)
"""The milestones in order. Twenty weeks to the final draft leaves about six weeks of the six months to publication
(§7.8) for the Executive's sign-off, the Independent Chair's scrutiny and the copies sent before publication."""

MILESTONE_RULES = {rule.kind: rule for rule in MILESTONES}


def proposed_milestones(start: date, calendar: WorkingCalendar) -> dict[MilestoneKind, date]:
    """Each milestone's proposed due date for a review that starts on ``start``: ``weeks`` after it, moved back to
    the working day before when it falls on a weekend, a bank holiday or the partnership's closure day. A date the
    calendar does not cover is kept as counted (no bank holiday is known there to move it)."""
    proposed = {}
    for rule in MILESTONES:
        day = start + timedelta(weeks=rule.weeks)
        with contextlib.suppress(CalendarRangeError):
            day = calendar.roll_to_working_day(day, roll="previous", local=True)
        proposed[rule.kind] = day
    return proposed


class MilestoneStatus(Labelled):
    """Where a milestone stands on a day."""

    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


@dataclass(frozen=True)
class MilestoneReading:
    """Where a milestone stands on a day and, while it is not done, the working days left (negative once overdue;
    ``None`` without a calendar that covers both days)."""

    status: MilestoneStatus
    working_days_left: int | None = None


def milestone_reading(
    due_on: date,
    *,
    done_on: date | None,
    today: date,
    calendar: WorkingCalendar | None = None,
    due_soon_days: int = 2,
) -> MilestoneReading:
    """Done once it has a date it was done; otherwise overdue after its due date, due soon when ``due_soon_days``
    working days or fewer are left (the partnership's closure days counted; only with a ``calendar`` that covers both
    days), and due before that. The working days left are counted as a clock's are (after today up to the due date;
    once overdue, at least one working day)."""
    if done_on is not None:
        return MilestoneReading(MilestoneStatus.DONE)
    left = None
    if calendar is not None:
        with contextlib.suppress(CalendarRangeError):
            left = calendar.working_days_between(today, due_on, local=True)
    if is_late(today, due_on):
        return MilestoneReading(MilestoneStatus.OVERDUE, None if left is None else min(left, -1))
    if left is not None and left <= due_soon_days:
        return MilestoneReading(MilestoneStatus.DUE_SOON, left)
    return MilestoneReading(MilestoneStatus.DUE, left)
