"""Where bank holidays come from, in order of authority, turned into a domain calendar.

1. Lists an operator imported from GOV.UK (``manage.py import_bank_holidays``): newest.
2. The official GOV.UK England and Wales list shipped with ``govuk-bank-holidays``
   (its cached copy; the network is never used).
3. For years after the official list ends: the ``holidays`` package's England
   projection, marked provisional until an official list covers them.

For each year the most authoritative source that covers it wins whole, so a moved
holiday (VE Day in 2020) does not leave its old date behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays as holiday_projection
from govuk_bank_holidays.bank_holidays import BankHolidays

from cspr.domain.calendar import WorkingCalendar

DIVISION = BankHolidays.ENGLAND_AND_WALES
# How far ahead a provisional projection is offered. Far enough for a 6-month
# publication clock plus a year online; not so far that guesses look like facts.
PROVISIONAL_YEARS = 10


@lru_cache(maxsize=1)
def shipped_official_holidays() -> dict[int, frozenset[datetime.date]]:
    """The shipped GOV.UK list, by year. Read once per process from the package's cached file."""
    data = BankHolidays.load_backup_data()
    by_year: dict[int, set[datetime.date]] = {}
    for event in data[DIVISION]["events"]:
        day = datetime.date.fromisoformat(event["date"])
        by_year.setdefault(day.year, set()).add(day)
    return {year: frozenset(days) for year, days in by_year.items()}


@lru_cache(maxsize=1)
def shipped_official_titles() -> dict[datetime.date, str]:
    """The shipped GOV.UK list's title for each date (kept when an import merges into a year)."""
    data = BankHolidays.load_backup_data()
    return {datetime.date.fromisoformat(event["date"]): str(event["title"]) for event in data[DIVISION]["events"]}


@lru_cache(maxsize=8)
def provisional_holidays(first_year: int, last_year: int) -> frozenset[datetime.date]:
    projection = holiday_projection.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return frozenset(projection.keys())


def build_calendar(
    *,
    imported: dict[int, frozenset[datetime.date]] | None = None,
    closure_days: Iterable[datetime.date] = (),
) -> WorkingCalendar:
    """The working calendar from the shipped list, any imported years, and a provisional tail."""
    years = dict(shipped_official_holidays())
    years.update(imported or {})
    first_year, last_year = min(years), max(years)
    missing = [year for year in range(first_year, last_year + 1) if year not in years]
    if missing:
        raise ValueError(f"The official bank holiday lists have a gap: no list for {missing[0]}.")
    provisional_years = range(last_year + 1, last_year + 1 + PROVISIONAL_YEARS)
    official = frozenset().union(*years.values())
    return WorkingCalendar.from_holidays(
        official | provisional_holidays(provisional_years[0], provisional_years[-1]),
        official_range=(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)),
        provisional_range=(datetime.date(last_year + 1, 1, 1), datetime.date(provisional_years[-1], 12, 31)),
        closure_days=closure_days,
    )


def parse_govuk_bank_holidays(data: object) -> list[tuple[datetime.date, str]]:
    """The England and Wales events (date, title) of a GOV.UK ``bank-holidays.json`` document, checked strictly."""
    if not isinstance(data, dict) or DIVISION not in data:
        raise ValueError(f"This is not a GOV.UK bank holidays file: it has no '{DIVISION}' list.")
    division = data[DIVISION]
    if not isinstance(division, dict) or division.get("division") != DIVISION:
        raise ValueError(f"The '{DIVISION}' list is not in the GOV.UK format.")
    events = division.get("events")
    if not isinstance(events, list) or not events:
        raise ValueError(f"The '{DIVISION}' list has no events.")
    parsed: list[tuple[datetime.date, str]] = []
    for index, event in enumerate(events, start=1):
        try:
            day = datetime.date.fromisoformat(event["date"])
            title = event["title"]
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"Event {index} has no valid date.") from error
        if not isinstance(title, str) or not title.strip() or "\x00" in title:
            raise ValueError(f"Event {index} ({day.isoformat()}) has no usable title.")
        parsed.append((day, title.strip()[:200]))
    return parsed


def by_year(events: Iterable[tuple[datetime.date, str]]) -> dict[int, frozenset[datetime.date]]:
    grouped: dict[int, set[datetime.date]] = {}
    for day, _title in events:
        grouped.setdefault(day.year, set()).add(day)
    return {year: frozenset(days) for year, days in grouped.items()}
