"""The one working-day calendar (DESIGN §3).

Working days exclude Saturdays, Sundays and the bank holidays passed in as data. A partnership's closure days
make a day non-working only for its *local* targets (``local=True``); statutory and procedure clocks ignore them.

The calendar knows its bank holidays for an inclusive date range (the official list, then optionally a provisional
projection for later years). Any computation that needs to know whether a date outside that range is a working day
raises :class:`CalendarRangeError` rather than guessing. Only the dates whose working-day status is actually consulted
are checked: "5 working days after Saturday" never asks about the Saturday itself. The range is public
(:attr:`WorkingCalendar.known_range`), so that callers can refuse a date before anything is counted; the clocks
(:mod:`cspr.domain.clocks`) turn the error into words rather than letting it escape.

Counting rules:

* *N working days after E* — E is day 0 and the next working day is day 1, even when E is not a working day.
* *N working days before X* — the Nth working day before X; X itself is not counted.
* *N months after E* — from E's calendar date as it is, the same day of the month clamped to the month's end, then
  moved to the previous working day (or the next, with ``roll="next"``) if it is not one. A year is 12 months.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

__all__ = ["CalendarRangeError", "Roll", "WorkingCalendar", "add_calendar_months"]

Roll = Literal["previous", "next"]
"""Which way a month-based due date moves when it lands on a non-working day."""

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarRangeError(ValueError):
    """A computation needed a date for which no bank holiday list is known."""

    def __init__(self, day: date, known_from: date, known_until: date) -> None:
        self.day = day
        self.known_from = known_from
        self.known_until = known_until
        super().__init__(
            f"No bank holiday list covers {day.isoformat()}: this calendar knows bank holidays only from "
            f"{known_from.isoformat()} to {known_until.isoformat()}."
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days for England and Wales plus a partnership's closure days, built from data.

    ``bank_holidays`` must lie within ``known_from``..``known_until`` (inclusive). Dates from ``provisional_from``
    to ``known_until`` come from a provisional projection rather than the official list; results that depend on
    them are flagged by :meth:`depends_on_provisional`.
    """

    bank_holidays: frozenset[date]
    known_from: date
    known_until: date
    provisional_from: date | None = None
    closure_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable of dates from callers who did not build frozensets themselves.
        object.__setattr__(self, "bank_holidays", frozenset(self.bank_holidays))
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))
        if self.known_from > self.known_until:
            raise ValueError(
                f"The known range is empty: {self.known_from.isoformat()} is after {self.known_until.isoformat()}."
            )
        outside = sorted(d for d in self.bank_holidays if not self.known_from <= d <= self.known_until)
        if outside:
            raise ValueError(
                f"Bank holiday {outside[0].isoformat()} lies outside the range the list claims to cover "
                f"({self.known_from.isoformat()} to {self.known_until.isoformat()})."
            )
        if self.provisional_from is not None and not self.known_from <= self.provisional_from <= self.known_until:
            raise ValueError(
                f"The provisional range must start inside the known range; {self.provisional_from.isoformat()} "
                "does not."
            )

    @classmethod
    def from_holidays(
        cls,
        bank_holidays: Iterable[date],
        *,
        official_range: tuple[date, date],
        provisional_range: tuple[date, date] | None = None,
        closure_days: Iterable[date] = (),
    ) -> WorkingCalendar:
        """Build a calendar from an official range and an optional provisional range that follows it directly."""
        official_from, official_until = official_range
        known_until = official_until
        provisional_from = None
        if provisional_range is not None:
            provisional_from, known_until = provisional_range
            if provisional_from != official_until + _ONE_DAY:
                raise ValueError(
                    f"The provisional range must start the day after the official range ends "
                    f"({(official_until + _ONE_DAY).isoformat()}), not on {provisional_from.isoformat()}."
                )
        return cls(
            bank_holidays=frozenset(bank_holidays),
            known_from=official_from,
            known_until=known_until,
            provisional_from=provisional_from,
            closure_days=frozenset(closure_days),
        )

    def with_closure_days(self, closure_days: Iterable[date]) -> WorkingCalendar:
        """A copy of this calendar whose closure days are exactly ``closure_days``."""
        return replace(self, closure_days=frozenset(closure_days))

    @property
    def known_range(self) -> tuple[date, date]:
        """The first and last day (inclusive) for which bank holidays are known."""
        return self.known_from, self.known_until

    # -- single days ------------------------------------------------------------------------------------------

    def covers(self, day: date) -> bool:
        """Whether bank holidays are known for ``day``."""
        return self.known_from <= day <= self.known_until

    def _require_covered(self, day: date) -> None:
        if not self.covers(day):
            raise CalendarRangeError(day, self.known_from, self.known_until)

    def is_bank_holiday(self, day: date) -> bool:
        """Whether ``day`` is a bank holiday (raises :class:`CalendarRangeError` outside the known range)."""
        self._require_covered(day)
        return day in self.bank_holidays

    def is_working_day(self, day: date, *, local: bool = False) -> bool:
        """Whether ``day`` is a working day; with ``local=True`` closure days are not working days either."""
        self._require_covered(day)
        if day.weekday() >= _SATURDAY or day in self.bank_holidays:
            return False
        return not (local and day in self.closure_days)

    def is_provisional(self, day: date) -> bool:
        """Whether ``day``'s bank holidays come from the provisional projection rather than the official list."""
        return self.provisional_from is not None and self.provisional_from <= day <= self.known_until

    def depends_on_provisional(self, first: date, last: date) -> bool:
        """Whether any day from ``first`` to ``last`` (inclusive, either order) lies in the provisional range."""
        if self.provisional_from is None:
            return False
        return max(first, last) >= self.provisional_from and min(first, last) <= self.known_until

    # -- counting -----------------------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int, *, local: bool = False) -> date:
        """The date that is ``n`` working days after ``start`` (``start`` is day 0, whatever kind of day it is)."""
        _require_non_negative(n, "working days")
        day = start
        counted = 0
        while counted < n:
            day += _ONE_DAY
            if self.is_working_day(day, local=local):
                counted += 1
        return day

    def subtract_working_days(self, end: date, n: int, *, local: bool = False) -> date:
        """The ``n``-th working day before ``end`` (``end`` itself is not counted)."""
        _require_non_negative(n, "working days")
        day = end
        counted = 0
        while counted < n:
            day -= _ONE_DAY
            if self.is_working_day(day, local=local):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date, *, local: bool = False) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start, local=local)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day, local=local):
                count += 1
            day += _ONE_DAY
        return count

    def roll_to_working_day(self, day: date, *, roll: Roll = "previous", local: bool = False) -> date:
        """``day`` if it is a working day, otherwise the previous (or, with ``roll="next"``, next) working day."""
        step = _ONE_DAY if roll == "next" else -_ONE_DAY
        while not self.is_working_day(day, local=local):
            day += step
        return day

    def add_months(self, start: date, months: int, *, roll: Roll = "previous", local: bool = False) -> date:
        """``months`` months after ``start``: same day of the month (clamped to the month's end), then rolled."""
        _require_non_negative(months, "months")
        return self.roll_to_working_day(add_calendar_months(start, months), roll=roll, local=local)

    def add_years(self, start: date, years: int, *, roll: Roll = "previous", local: bool = False) -> date:
        """``years`` years after ``start``, counted as ``12 * years`` months."""
        _require_non_negative(years, "years")
        return self.add_months(start, 12 * years, roll=roll, local=local)


def add_calendar_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` calendar months, the day of the month clamped to the target month's length."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(month_index, 12)
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


def _require_non_negative(amount: int, unit: str) -> None:
    if amount < 0:
        raise ValueError(f"The number of {unit} must not be negative (got {amount}).")
