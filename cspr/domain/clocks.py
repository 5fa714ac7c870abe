"""Statutory, procedure and local clocks as data, their due dates and their status (DESIGN §3).

A :class:`ClockRule` says how one clock counts ("10 working days after the notification"); a preset
(:mod:`cspr.domain.presets`) is a named set of rules. :func:`compute_due_dates` turns a preset, a calendar and a
case's event dates into due dates; :func:`clock_status` says where a clock stands on a given day. "Today" is always
passed in: nothing here reads the system clock.

Nothing here raises because a date lies outside the calendar's known range. A due date that cannot be computed is a
:class:`ClockDue` whose ``due`` is ``None`` and whose ``problem`` says why in words; a status that cannot be counted
says so in :attr:`ClockReading.note`. :func:`clock_date_range` gives the start dates from which every clock of a set
of rules can be computed, so that forms can refuse the others before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from cspr.domain.calendar import CalendarRangeError, Roll, WorkingCalendar, add_calendar_months

if TYPE_CHECKING:
    from cspr.domain.presets import Preset

__all__ = [
    "AppliesWhen",
    "Basis",
    "ClockDue",
    "ClockFacts",
    "ClockReading",
    "ClockRule",
    "ClockStatus",
    "DueSense",
    "Event",
    "EventOrderError",
    "RuleKind",
    "clock_date_range",
    "clock_status",
    "compute_due_dates",
    "out_of_range_words",
    "validate_event_order",
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


class Basis(StrEnum):
    """Where a clock's number comes from.

    Statutory and procedure clocks count the law's working days; only local targets are extended by a
    partnership's closure days.
    """

    STATUTORY = "statutory"
    PROCEDURE = "procedure"
    LOCAL = "local"

    @property
    def label(self) -> str:
        """The basis as shown beside a clock."""
        return {Basis.STATUTORY: "Statutory", Basis.PROCEDURE: "Procedure", Basis.LOCAL: "Local target"}[self]


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


class EventOrderError(ValueError):
    """A case's event dates are in an order that cannot happen."""


# (earlier, later, why): when both dates are known, ``later`` may not come before ``earlier``.
# Deliberately absent, because they can genuinely happen either way round:
#   * notified / panel_notified: the local authority may tell the Panel or the partnership first;
#   * planned_publication / published: a report can go out before or after the date first planned;
#   * decision / notified or panel_notified: a discretionary review can be decided before a case later turns
#     out to be notifiable.
_ORDER_RULES: tuple[tuple[Event, Event, str], ...] = (
    (
        Event.AWARE,
        Event.NOTIFIED,
        "the local authority cannot send the partnership a notification about an incident it was not yet aware of "
        "(a referral from another agency is not a notification)",
    ),
    (Event.AWARE, Event.PANEL_NOTIFIED, "the Panel cannot be notified before the local authority knew of the incident"),
    (Event.AWARE, Event.DECISION, "a review cannot be decided on before the incident was known"),
    (Event.DECISION, Event.PLANNED_PUBLICATION, "publication cannot be planned for before the review was decided on"),
    (Event.DECISION, Event.PUBLISHED, "a report cannot be published before the review was decided on"),
)


def validate_event_order(events: Mapping[Event, date]) -> None:
    """Raise :class:`EventOrderError` if the known event dates are in an impossible order.

    Impossible: ``notified``, ``panel_notified`` or ``decision`` before ``aware``; ``planned_publication`` or
    ``published`` before ``decision``. Equal dates are always allowed. Also refuses datetimes: event dates are
    calendar dates in Europe/London, converted before they reach the domain.
    """
    for event, value in events.items():
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"The '{event}' event needs a calendar date (in Europe/London), not {value!r}.")
    for earlier, later, why in _ORDER_RULES:
        first, second = events.get(earlier), events.get(later)
        if first is not None and second is not None and second < first:
            raise EventOrderError(
                f"'{later}' ({second.isoformat()}) is before '{earlier}' ({first.isoformat()}): {why}."
            )


def out_of_range_words(calendar: WorkingCalendar, day: date) -> str:
    """Where ``day`` lies outside the calendar, to follow a subject.

    For example "falls after the calendar's last known year (2038)".
    """
    if day > calendar.known_until:
        return f"falls after the calendar's last known year ({calendar.known_until.year})"
    if day < calendar.known_from:
        return f"falls before the calendar's first known year ({calendar.known_from.year})"
    return "has no bank holidays known for it"  # pragma: no cover - only days outside the range fail


@dataclass(frozen=True)
class ClockDue:
    """One clock's due date on one case, with the rule that produced it.

    ``due`` is ``None`` when it cannot be computed (the counting needs days the calendar does not know); ``problem``
    then says why, in words for the user.
    """

    rule: ClockRule
    start: date
    due: date | None
    applicable: bool
    provisional: bool
    problem: str = ""

    @property
    def computed(self) -> bool:
        """Whether the due date could be worked out."""
        return self.due is not None

    @property
    def clock_id(self) -> str:
        return self.rule.clock_id

    @property
    def starts_at(self) -> Event:
        return self.rule.starts_at

    @property
    def sentence(self) -> str:
        return self.rule.sentence

    @property
    def basis(self) -> Basis:
        return self.rule.basis

    @property
    def is_statutory(self) -> bool:
        return self.rule.is_statutory

    @property
    def section(self) -> str:
        return self.rule.section


def compute_due_dates(
    preset: Preset,
    calendar: WorkingCalendar,
    events: Mapping[Event, date],
    *,
    facts: ClockFacts | None = None,
) -> dict[str, ClockDue]:
    """Due dates for every clock of ``preset`` whose starting event has a date, in the preset's order.

    A clock whose condition does not hold for ``facts`` is still given its due date but marked not applicable
    (``facts=None`` means no condition holds). Raises :class:`EventOrderError` for impossible event dates. A due
    date that needs bank holidays nobody knows yet is not raised: its :class:`ClockDue` has ``due=None`` and a
    ``problem`` in words.
    """
    validate_event_order(events)
    facts = facts if facts is not None else ClockFacts()
    result: dict[str, ClockDue] = {}
    for rule in preset.rules:
        start = events.get(rule.starts_at)
        if start is None:
            continue
        counted = rule.try_count(calendar, start)
        applicable = rule.applies_when.holds(facts)
        if isinstance(counted, str):
            result[rule.clock_id] = ClockDue(
                rule=rule, start=start, due=None, applicable=applicable, provisional=False, problem=counted
            )
            continue
        due, (first, last) = counted
        result[rule.clock_id] = ClockDue(
            rule=rule,
            start=start,
            due=due,
            applicable=applicable,
            provisional=calendar.depends_on_provisional(first, last),
        )
    return result


def clock_date_range(calendar: WorkingCalendar, rules: Iterable[ClockRule]) -> tuple[date, date]:
    """The first and last start date (inclusive) from which every one of ``rules`` computes on ``calendar``.

    It is the calendar's known range less the longest clock at each end: "1 year after" needs a year of known days
    after its start, "7 working days before" a week or two before. Closure days are not considered (only a local
    target counts them, and a clock that still cannot be computed says so). Raises ``ValueError`` when no start date
    works at all.
    """
    first, last = calendar.known_range
    for rule in rules:
        if not _counts(rule, calendar, first):
            first = _boundary(rule, calendar, first, last, counts_at_high_end=True)
        if not _counts(rule, calendar, last):
            last = _boundary(rule, calendar, first, last, counts_at_high_end=False)
    if first > last or not all(_counts(rule, calendar, day) for rule in rules for day in (first, last)):
        raise ValueError("No start date lets every clock be computed on this calendar.")
    return first, last


def _counts(rule: ClockRule, calendar: WorkingCalendar, start: date) -> bool:
    return not isinstance(rule.try_count(calendar, start), str)


def _boundary(rule: ClockRule, calendar: WorkingCalendar, low: date, high: date, *, counts_at_high_end: bool) -> date:
    """The first start that counts (``counts_at_high_end``) or the last one, between ``low`` and ``high``.

    Whether a start counts is monotonic: a later start only consults later days.
    """
    if counts_at_high_end and not _counts(rule, calendar, high):
        return high + timedelta(days=1)  # none counts: an empty range
    if not counts_at_high_end and not _counts(rule, calendar, low):
        return low - timedelta(days=1)
    lo, hi = low.toordinal(), high.toordinal()
    while lo < hi:
        if counts_at_high_end:
            middle = (lo + hi) // 2
            if _counts(rule, calendar, date.fromordinal(middle)):
                hi = middle
            else:
                lo = middle + 1
        else:
            middle = (lo + hi + 1) // 2
            if _counts(rule, calendar, date.fromordinal(middle)):
                lo = middle
            else:
                hi = middle - 1
    return date.fromordinal(lo)


class ClockStatus(StrEnum):
    """Where a clock stands on a given day."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"
    ENDED_EARLY = "ended_early"
    NOT_APPLICABLE = "not_applicable"
    CANNOT_COMPUTE = "cannot_compute"

    @property
    def label(self) -> str:
        """The status as a tag reads."""
        if self is ClockStatus.CANNOT_COMPUTE:
            return "Cannot be worked out"
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ClockReading:
    """A clock's status and, while it runs, the working days left (negative once overdue).

    ``note`` explains, in words, what could not be worked out: the due date itself (status ``CANNOT_COMPUTE``) or
    only the working days left (the status is then still right, and ``working_days_left`` is ``None``).
    """

    status: ClockStatus
    working_days_left: int | None = None
    note: str = ""


def clock_status(
    due: ClockDue | None,
    *,
    today: date,
    calendar: WorkingCalendar,
    met_on: date | None = None,
    applicable: bool = True,
    started: bool = True,
    due_soon_days: int = 2,
) -> ClockReading:
    """Where a clock stands on ``today``.

    * not applicable wins over everything (``applicable=False`` or the due's own condition is false);
    * not started when there is no due date yet or ``started=False``;
    * a deadline met on or before its due date is met, after it met late;
    * otherwise running, due soon (``due_soon_days`` working days or fewer left, including the due day itself) or
      overdue. Working days left count the days after today up to the due date; once overdue they are negative,
      at least one working day (a Saturday after a Friday deadline is already "1 working day overdue").

    A "not before" clock (such as ``published_until``) runs until its date and is then met; ``met_on`` is the day the
    action happened (the report was taken down), and an action before the date ended the period early.
    Working days are counted with the partnership's closure days only for local targets.

    Never raises for a date outside the calendar: a due date that could not be computed reads ``CANNOT_COMPUTE``
    with the reason in ``note``; when only the working days left cannot be counted (a due date, or today, outside
    the calendar) the status is still given when it is certain, without the count and with a note.
    """
    if not applicable or (due is not None and not due.applicable):
        return ClockReading(ClockStatus.NOT_APPLICABLE)
    if due is None or not started:
        return ClockReading(ClockStatus.NOT_STARTED)
    if due.due is None:
        return ClockReading(ClockStatus.CANNOT_COMPUTE, note=due.problem or _CANNOT_COMPUTE)
    due_on = due.due
    local = due.rule.is_local
    if due.rule.sense is DueSense.NOT_BEFORE:
        if met_on is not None:
            return ClockReading(ClockStatus.MET if met_on >= due_on else ClockStatus.ENDED_EARLY)
        if today >= due_on:
            return ClockReading(ClockStatus.MET)
        left = _working_days_left(calendar, today, due_on, local=local)
        if isinstance(left, str):
            return ClockReading(ClockStatus.RUNNING, note=left)
        return ClockReading(ClockStatus.RUNNING, left)
    if met_on is not None:
        return ClockReading(ClockStatus.MET if met_on <= due_on else ClockStatus.MET_LATE)
    left = _working_days_left(calendar, today, due_on, local=local)
    if isinstance(left, str):
        if today > due_on:
            return ClockReading(ClockStatus.OVERDUE, note=left)
        # Still due soon or not? Certain only when more working days than "soon" are known to lie before it.
        if due_on > calendar.known_until and calendar.covers(today):
            known_left = _working_days_left(calendar, today, calendar.known_until, local=local)
            if isinstance(known_left, int) and known_left > due_soon_days:
                return ClockReading(ClockStatus.RUNNING, note=left)
        return ClockReading(ClockStatus.CANNOT_COMPUTE, note=left)
    if today > due_on:
        return ClockReading(ClockStatus.OVERDUE, min(left, -1))
    if left <= due_soon_days:
        return ClockReading(ClockStatus.DUE_SOON, left)
    return ClockReading(ClockStatus.RUNNING, left)


_CANNOT_COMPUTE = "The due date cannot be worked out."


def _working_days_left(calendar: WorkingCalendar, today: date, due_on: date, *, local: bool) -> int | str:
    """Working days from ``today`` to ``due_on``, or why they cannot be counted (in words)."""
    try:
        return calendar.working_days_between(today, due_on, local=local)
    except CalendarRangeError:
        subject, day = ("the due date", due_on) if not calendar.covers(due_on) else ("today", today)
        return f"The working days left cannot be counted: {subject} {out_of_range_words(calendar, day)}."
