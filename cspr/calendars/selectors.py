"""Reading calendars and presets. The working calendar is always built here, never elsewhere."""

from __future__ import annotations

import datetime

from django.db import DatabaseError
from django.db.models import QuerySet

from cspr.calendars.holiday_sources import build_calendar
from cspr.calendars.models import ClockOverride, ClosureDay, ImportedBankHoliday, ImportedHolidayYear
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.clocks import clock_date_range as _clock_date_range
from cspr.domain.presets import CLOCK_RULES, Preset, get_preset
from cspr.partnerships.scoping import Scope


def imported_holidays() -> dict[int, frozenset[datetime.date]]:
    """Years an operator imported, with their dates (a year may legitimately have none listed yet)."""
    years: dict[int, set[datetime.date]] = {
        year: set() for year in ImportedHolidayYear.objects.values_list("year", flat=True)
    }
    for day in ImportedBankHoliday.objects.values_list("date", flat=True):
        years.setdefault(day.year, set()).add(day)
    return {year: frozenset(days) for year, days in years.items()}


def national_calendar(*, tolerate_missing_tables: bool = False) -> WorkingCalendar:
    """England and Wales working days, without any partnership's closure days.

    With ``tolerate_missing_tables`` (operators' commands), a database that is not
    migrated yet falls back to the shipped official list instead of failing.
    """
    try:
        imported = imported_holidays()
    except DatabaseError:
        if not tolerate_missing_tables:
            raise
        imported = {}
    return build_calendar(imported=imported)


def clock_date_range() -> tuple[datetime.date, datetime.date]:
    """The dates a clock may start from or be due on: the national calendar's known range less the longest clock.

    Forms (``GovukDateField(clock_date=True)``) and the API refuse a date outside it, naming the field, so that no
    case holds a date its clocks cannot be counted from.
    """
    return _clock_date_range(national_calendar(), CLOCK_RULES)


def partnership_calendar(*, partnership_id: int) -> WorkingCalendar:
    closure_days = ClosureDay.objects.filter(partnership_id=partnership_id).values_list("date", flat=True)
    return national_calendar().with_closure_days(closure_days)


def partnership_preset(*, partnership_id: int, preset_name: str) -> Preset:
    """The partnership's preset with its own numbers applied."""
    overrides = dict(ClockOverride.objects.filter(partnership_id=partnership_id).values_list("clock_id", "amount"))
    preset = get_preset(preset_name)
    return preset.with_overrides(overrides) if overrides else preset


def closure_days_for(*, scope: Scope, partnership_id: int) -> QuerySet[ClosureDay]:
    if not scope.can_see_partnership(partnership_id):
        return ClosureDay.objects.none()
    return ClosureDay.objects.filter(partnership_id=partnership_id).order_by("date")


def closure_day_get(*, scope: Scope, partnership_id: int, closure_day_id: int) -> ClosureDay | None:
    return closure_days_for(scope=scope, partnership_id=partnership_id).filter(id=closure_day_id).first()
