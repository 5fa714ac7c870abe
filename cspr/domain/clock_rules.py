"""The clock rule types: how one clock counts, as data (DESIGN §3).

Both :mod:`cspr.domain.presets` (named sets of rules) and :mod:`cspr.domain.clocks` (due dates, applicability,
lateness and status) build on these types; neither imports the other's insides, so there is no import circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cspr.domain.calendar import CalendarRangeError, Roll, WorkingCalendar, add_calendar_months
from cspr.domain.labels import Labelled

__all__ = [
    "AppliesWhen",
    "Basis",
    "ClockFacts",
    "ClockRule",
    "DueSense",
    "Event",
    "RuleKind",
    "out_of_range_words",
]


class Event(StrEnum):
    """A dated event in a case that a clock can start from."""

    AWARE = "aware"
    NOTIFIED = "notified"
    PANEL_NOTIFIED = "panel_notified"
    DECISION = "decision"
    PLANNED_PUBLICATION = "planned_publication"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """A short name for the event, for a list of key dates."""
        return _EVENT_WORDING[self][0]

    @property
    def phrase(self) -> str:
        """The event as it reads after "within 5 working days of …" or "7 working days before …"."""
        return _EVENT_WORDING[self][1]


_EVENT_WORDING: dict[Event, tuple[str, str]] = {
    Event.AWARE: ("Local authority became aware", "the local authority becoming aware of the incident"),
    Event.NOTIFIED: ("Notification received", "the partnership receiving the local authority's notification"),
    Event.PANEL_NOTIFIED: ("Notification sent to the Panel", "the notification being sent to the Panel"),
    Event.DECISION: ("Decision to hold a local review", "the decision to hold a local review"),
    Event.PLANNED_PUBLICATION: ("Planned publication date", "the planned publication date"),
    Event.PUBLISHED: ("Report published", "publication"),
}


class RuleKind(StrEnum):
    """How a clock counts from its starting event."""

    WORKING_DAYS_AFTER = "working_days_after"
    WORKING_DAYS_BEFORE = "working_days_before"
    MONTHS_AFTER = "months_after"
    YEARS_AFTER = "years_after"


class Basis(Labelled):
    """Where a clock's number comes from.

    Statutory and procedure clocks count the law's working days; only local targets are extended by a
    partnership's closure days.
    """

    STATUTORY = "statutory"
    PROCEDURE = "procedure"
    LOCAL = "local"

    __labels__ = {LOCAL: "Local target"}


class DueSense(StrEnum):
    """Whether the due date is the last day to act (a deadline) or the first day an action is allowed."""

    DEADLINE = "deadline"
    NOT_BEFORE = "not_before"


@dataclass(frozen=True)
class ClockFacts:
    """The facts about a case that decide whether a conditional clock applies."""

    looked_after_child_died: bool = False
    care_leaver_under_25_died: bool = False
    executive_disagrees_with_prg: bool = False


class AppliesWhen(StrEnum):
    """The condition under which a clock applies to a case at all."""

    ALWAYS = "always"
    LOOKED_AFTER_CHILD_DEATH = "looked_after_child_death"
    LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH = "looked_after_child_or_care_leaver_death"
    EXECUTIVE_DISAGREES_WITH_PRG = "executive_disagrees_with_prg"

    def holds(self, facts: ClockFacts) -> bool:
        """Whether the condition is true for a case with these facts."""
        match self:
            case AppliesWhen.ALWAYS:
                return True
            case AppliesWhen.LOOKED_AFTER_CHILD_DEATH:
                return facts.looked_after_child_died
            case AppliesWhen.LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH:
                return facts.looked_after_child_died or facts.care_leaver_under_25_died
            case AppliesWhen.EXECUTIVE_DISAGREES_WITH_PRG:
                return facts.executive_disagrees_with_prg

    @property
    def phrase(self) -> str:
        """The condition in words ("" when the clock always applies)."""
        return {
            AppliesWhen.ALWAYS: "",
            AppliesWhen.LOOKED_AFTER_CHILD_DEATH: "only when a looked-after child has died",
            AppliesWhen.LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH: (
                "only when a looked-after child, or a care leaver aged 24 or under, has died"
            ),
            AppliesWhen.EXECUTIVE_DISAGREES_WITH_PRG: "only when the Executive Group disagrees with the PRG",
        }[self]


_UNITS: dict[RuleKind, tuple[str, str]] = {
    RuleKind.WORKING_DAYS_AFTER: ("working day", "working days"),
    RuleKind.WORKING_DAYS_BEFORE: ("working day", "working days"),
    RuleKind.MONTHS_AFTER: ("month", "months"),
    RuleKind.YEARS_AFTER: ("year", "years"),
}


@dataclass(frozen=True)
class ClockRule:
    """How one clock counts, as data: what, how long, from which event, on what basis, and where it is written."""

    clock_id: str
    title: str
    kind: RuleKind
    amount: int
    starts_at: Event
    basis: Basis
    section: str
    roll: Roll = "previous"
    applies_when: AppliesWhen = AppliesWhen.ALWAYS
    sense: DueSense = DueSense.DEADLINE

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise ValueError(f"Clock '{self.clock_id}' needs a whole, positive amount (got {self.amount!r}).")
        if self.roll not in ("previous", "next"):
            raise ValueError(f"Clock '{self.clock_id}': roll must be 'previous' or 'next' (got {self.roll!r}).")
        if self.sense is DueSense.NOT_BEFORE and self.kind is RuleKind.WORKING_DAYS_BEFORE:
            raise ValueError(f"Clock '{self.clock_id}': a 'not before' clock must count forwards from its event.")

    @property
    def is_statutory(self) -> bool:
        """Whether the number is set by law."""
        return self.basis is Basis.STATUTORY

    @property
    def is_local(self) -> bool:
        """Whether this is a local target, the only kind a partnership's closure days extend."""
        return self.basis is Basis.LOCAL

    @property
    def sentence(self) -> str:
        """The timing in words, built from the rule (so a changed number changes the words).

        For example "within 5 working days of the local authority becoming aware of the incident".
        """
        singular, plural = _UNITS[self.kind]
        amount = f"{self.amount} {singular if self.amount == 1 else plural}"
        if self.kind is RuleKind.WORKING_DAYS_BEFORE:
            return f"at least {amount} before {self.starts_at.phrase}"
        if self.sense is DueSense.NOT_BEFORE:
            return f"until at least {amount} after {self.starts_at.phrase}"
        return f"within {amount} of {self.starts_at.phrase}"

    @property
    def description(self) -> str:
        """The whole rule as one sentence, with its condition, e.g. for a clock's summary card."""
        condition = f", {self.applies_when.phrase}" if self.applies_when is not AppliesWhen.ALWAYS else ""
        return f"{self.title} {self.sentence}{condition}."

    def due_date(self, calendar: WorkingCalendar, start: date) -> date:
        """The due date for a clock that started on ``start`` (raises outside the calendar; see :meth:`try_count`)."""
        return self._count(calendar, start)[0]

    def try_count(self, calendar: WorkingCalendar, start: date) -> tuple[date, tuple[date, date]] | str:
        """Like :meth:`_count`, but a date the calendar cannot count past comes back as a sentence, never raised."""
        try:
            return self._count(calendar, start)
        except CalendarRangeError as error:
            return f"The due date cannot be worked out: it {out_of_range_words(calendar, error.day)}."
        except (OverflowError, ValueError):  # past year 9999, or a month in year 10000
            return f"The due date cannot be worked out: it {out_of_range_words(calendar, date.max)}."

    def _count(self, calendar: WorkingCalendar, start: date) -> tuple[date, tuple[date, date]]:
        """The due date and the span of days whose working-day status decided it."""
        local = self.is_local
        match self.kind:
            case RuleKind.WORKING_DAYS_AFTER:
                due = calendar.add_working_days(start, self.amount, local=local)
                return due, (start + timedelta(days=1), due)
            case RuleKind.WORKING_DAYS_BEFORE:
                due = calendar.subtract_working_days(start, self.amount, local=local)
                return due, (due, start - timedelta(days=1))
            case RuleKind.MONTHS_AFTER | RuleKind.YEARS_AFTER:
                months = self.amount * (12 if self.kind is RuleKind.YEARS_AFTER else 1)
                unrolled = add_calendar_months(start, months)
                due = calendar.roll_to_working_day(unrolled, roll=self.roll, local=local)
                return due, (min(unrolled, due), max(unrolled, due))

    def would_be_stricter_or_equal(self, amount: int) -> bool:
        """Whether changing the amount to ``amount`` keeps the rule at least as demanding as it is now.

        Shorter is stricter for a deadline after an event; longer is stricter for notice before an event and for
        a minimum period ("keep public until at least …").
        """
        if self.kind is RuleKind.WORKING_DAYS_BEFORE or self.sense is DueSense.NOT_BEFORE:
            return amount >= self.amount
        return amount <= self.amount


def out_of_range_words(calendar: WorkingCalendar, day: date) -> str:
    """Where ``day`` lies outside the calendar, to follow a subject.

    For example "falls after the calendar's last known year (2038)".
    """
    if day > calendar.known_until:
        return f"falls after the calendar's last known year ({calendar.known_until.year})"
    if day < calendar.known_from:
        return f"falls before the calendar's first known year ({calendar.known_from.year})"
    return "has no bank holidays known for it"  # pragma: no cover - only days outside the range fail
