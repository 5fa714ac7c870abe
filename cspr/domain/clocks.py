"""Statutory, procedure and local clocks as data, their due dates and their status (DESIGN §3).

A :class:`~cspr.domain.clock_rules.ClockRule` says how one clock counts ("10 working days after the notification");
a preset (:mod:`cspr.domain.presets`) is a named set of rules. :func:`clock_applies` says whether a clock applies to
a case; :func:`compute_due_dates` turns a preset, a calendar and a case's event dates into due dates;
:func:`is_late` and :func:`late_reason_accepted` are the lateness rules; :func:`clock_status` says where a clock
stands on a given day. "Today" is always
passed in: nothing here reads the system clock.

Nothing here raises because a date lies outside the calendar's known range. A due date that cannot be computed is a
:class:`ClockDue` whose ``due`` is ``None`` and whose ``problem`` says why in words; a status that cannot be counted
says so in :attr:`ClockReading.note`. :func:`clock_date_range` gives the start dates from which every clock of a set
of rules can be computed, so that forms can refuse the others before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Self, overload

from cspr.domain.calendar import CalendarRangeError, WorkingCalendar
from cspr.domain.clock_rules import (
    AppliesWhen,
    Basis,
    ClockFacts,
    ClockRule,
    DueSense,
    Event,
    RuleKind,
    out_of_range_words,
)
from cspr.domain.criteria import IncidentNature
from cspr.domain.labels import Labelled
from cspr.domain.presets import RAPID_REVIEW_CLOCK_IDS, Preset
from cspr.domain.text import text_length

__all__ = [
    "CARE_LEAVER_AGE_LIMIT",
    "INFORMATION_RETURNS_CLOCK_ID",
    "LATE_REASON_MIN",
    "LA_DUTY_CLOCK_IDS",
    "OFF_RAPID_REVIEW_CLOCK_IDS",
    "AppliesWhen",
    "Basis",
    "CaseClockSituation",
    "ClockDue",
    "ClockFacts",
    "ClockReading",
    "ClockRule",
    "ClockStatus",
    "DueSense",
    "Event",
    "EventOrderError",
    "RuleKind",
    "clock_applies",
    "clock_date_range",
    "clock_facts",
    "clock_status",
    "compute_due_dates",
    "days_left_words",
    "is_late",
    "late_reason_accepted",
    "late_reason_missing",
    "out_of_range_words",
    "restarted",
    "validate_event_order",
]

# -- which clocks apply to a case ------------------------------------------------------------------------------------

CARE_LEAVER_AGE_LIMIT = 24
"""A care leaver's death is notifiable at this age or under ("under 25")."""

LA_DUTY_CLOCK_IDS = frozenset({"panel_notification", "partners_notified"})
"""The local authority's 5-working-day duties, which end when it decides not to notify the Panel (§3.5)."""
INFORMATION_RETURNS_CLOCK_ID = "information_returns"
"""The agencies' information returns (§4.1), awaited until the PRG decides."""
OFF_RAPID_REVIEW_CLOCK_IDS = frozenset(RAPID_REVIEW_CLOCK_IDS) | {INFORMATION_RETURNS_CLOCK_ID}
"""The rapid review's clocks and the agencies' information returns, which end when the case leaves that path."""


def clock_facts(
    *, nature: IncidentNature | str, care_leaver_age: int | None, executive_disagrees_with_prg: bool
) -> ClockFacts:
    """The facts that decide a case's conditional clocks: a looked-after child's death, a care leaver's death at
    :data:`CARE_LEAVER_AGE_LIMIT` or under (an unknown age is not assumed young), an Executive disagreeing."""
    return ClockFacts(
        looked_after_child_died=nature == IncidentNature.LOOKED_AFTER_CHILD_DEATH,
        care_leaver_under_25_died=(
            nature == IncidentNature.CARE_LEAVER_DEATH
            and care_leaver_age is not None
            and care_leaver_age <= CARE_LEAVER_AGE_LIMIT
        ),
        executive_disagrees_with_prg=executive_disagrees_with_prg,
    )


@dataclass(frozen=True)
class CaseClockSituation:
    """Where the case stands, as far as its clocks care: besides the facts, the path it is on."""

    la_declined_panel: bool = False
    """The local authority's latest decision is not to notify the Panel."""
    off_rapid_review: bool = False
    """The case is off the rapid review's path (the LA declined, or it was routed as not notifiable)."""
    past_rapid_review: bool = False
    """The PRG has decided (the case is past the rapid review, on any path): the agencies' information returns are
    no longer awaited."""
    closed: bool = False
    """The case is closed (closed, closed as not meeting the criteria, or withdrawn): nothing it waits for is due.
    Reopening it makes its clocks apply again; those not met before it reopened count again from that day
    (:func:`restarted`)."""


def clock_applies(rule: ClockRule, facts: ClockFacts, situation: CaseClockSituation | None = None) -> bool:
    """Whether ``rule``'s clock applies to a case with these facts, in this situation.

    Not when its own condition does not hold (a looked-after child's death), nor while the case is closed, nor
    the local authority's duties after it declined to notify the Panel, nor the rapid review's clocks once the case
    is off that path, nor the agencies' returns once the PRG has decided. The Secretary of State and Ofsted clock of
    a looked-after child's death applies on either path.
    """
    situation = situation or CaseClockSituation()
    if not rule.applies_when.holds(facts) or situation.closed:
        return False
    if rule.clock_id in LA_DUTY_CLOCK_IDS and situation.la_declined_panel:
        return False
    if rule.clock_id == INFORMATION_RETURNS_CLOCK_ID and situation.past_rapid_review:
        return False
    return not (rule.clock_id in OFF_RAPID_REVIEW_CLOCK_IDS and situation.off_rapid_review)


# -- lateness ---------------------------------------------------------------------------------------------------------

LATE_REASON_MIN = 20
"""The fewest characters (as :func:`~cspr.domain.text.text_length` counts them) of the reason a clock was met late:
the same for a duty, a meeting, a decision, a submission and the agencies' returns."""


def is_late(done_on: date, due: date) -> bool:
    """Whether something done on ``done_on`` missed a deadline due on ``due`` (the due day itself is on time)."""
    return done_on > due


def late_reason_accepted(reason: str) -> bool:
    """Whether ``reason`` is enough to explain a lateness (at least :data:`LATE_REASON_MIN` characters)."""
    return text_length(reason) >= LATE_REASON_MIN


def late_reason_missing(done_on: date, due: date | None, reason: str) -> bool:
    """Whether a reason must still be given: the thing was late (against a known due date) and the reason is short."""
    return due is not None and is_late(done_on, due) and not late_reason_accepted(reason)


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


class _FromRule[T]:
    """An attribute of a :class:`ClockDue` that is its rule's: ``due.section`` reads ``due.rule.section``."""

    def __init__(self, read: Callable[[ClockRule], T]) -> None:
        self.read = read

    @overload
    def __get__(self, due: None, owner: type[ClockDue]) -> Self: ...

    @overload
    def __get__(self, due: ClockDue, owner: type[ClockDue]) -> T: ...

    def __get__(self, due: ClockDue | None, owner: type[ClockDue]) -> T | Self:
        return self if due is None else self.read(due.rule)


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

    # What the rule says, read through the due date.
    clock_id = _FromRule(lambda rule: rule.clock_id)
    starts_at = _FromRule(lambda rule: rule.starts_at)
    sentence = _FromRule(lambda rule: rule.sentence)
    basis = _FromRule(lambda rule: rule.basis)
    is_statutory = _FromRule(lambda rule: rule.is_statutory)
    section = _FromRule(lambda rule: rule.section)

    @property
    def computed(self) -> bool:
        """Whether the due date could be worked out."""
        return self.due is not None


def compute_due_dates(
    preset: Preset,
    calendar: WorkingCalendar,
    events: Mapping[Event, date],
    *,
    facts: ClockFacts | None = None,
    situation: CaseClockSituation | None = None,
) -> dict[str, ClockDue]:
    """Due dates for every clock of ``preset`` whose starting event has a date, in the preset's order.

    A clock that does not apply (:func:`clock_applies`, for ``facts`` and the case's ``situation``) is still given
    its due date but marked not applicable (``facts=None`` means no condition holds). Raises
    :class:`EventOrderError` for impossible event dates. A due date that needs bank holidays nobody knows yet is not
    raised: its :class:`ClockDue` has ``due=None`` and a ``problem`` in words.
    """
    validate_event_order(events)
    facts = facts if facts is not None else ClockFacts()
    situation = situation or CaseClockSituation()
    result: dict[str, ClockDue] = {}
    for rule in preset.rules:
        start = events.get(rule.starts_at)
        if start is None:
            continue
        counted = rule.try_count(calendar, start)
        applicable = clock_applies(rule, facts, situation)
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


def restarted(due: ClockDue, calendar: WorkingCalendar, on: date) -> ClockDue:
    """``due`` counted again from ``on``, the day its case was reopened (issue: reopening restarts the clocks that
    were still running when the case closed, rather than showing them weeks overdue). A clock that starts on or
    after ``on`` is unchanged; one whose new due date cannot be counted says why, as :func:`compute_due_dates` does."""
    if on <= due.start:
        return due
    counted = due.rule.try_count(calendar, on)
    if isinstance(counted, str):
        return replace(due, start=on, due=None, provisional=False, problem=counted)
    new_due, (first, last) = counted
    return replace(due, start=on, due=new_due, provisional=calendar.depends_on_provisional(first, last), problem="")


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


class ClockStatus(Labelled):
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

    __labels__ = {CANNOT_COMPUTE: "Cannot be worked out"}


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
        return ClockReading(ClockStatus.MET_LATE if is_late(met_on, due_on) else ClockStatus.MET)
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
    if is_late(today, due_on):
        return ClockReading(ClockStatus.OVERDUE, min(left, -1))
    if left <= due_soon_days:
        return ClockReading(ClockStatus.DUE_SOON, left)
    return ClockReading(ClockStatus.RUNNING, left)


def days_left_words(left: int) -> str:
    """The working days left before a deadline, in words: "3 working days left", "Due today", "2 working days
    overdue" (a clock's, or an app's dated target counted as a clock is)."""
    if left < 0:
        return f"{-left} working day{'s' if left != -1 else ''} overdue"
    if left == 0:
        return "Due today"
    return f"{left} working day{'s' if left != 1 else ''} left"


_CANNOT_COMPUTE = "The due date cannot be worked out."


def _working_days_left(calendar: WorkingCalendar, today: date, due_on: date, *, local: bool) -> int | str:
    """Working days from ``today`` to ``due_on``, or why they cannot be counted (in words)."""
    try:
        return calendar.working_days_between(today, due_on, local=local)
    except CalendarRangeError:
        subject, day = ("the due date", due_on) if not calendar.covers(due_on) else ("today", today)
        return f"The working days left cannot be counted: {subject} {out_of_range_words(calendar, day)}."
