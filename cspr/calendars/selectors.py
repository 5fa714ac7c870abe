"""Reading calendars and presets. The working calendar is always built here, never elsewhere."""

from __future__ import annotations

import datetime

from django.db import DatabaseError
from django.db.models import CharField, DateField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast

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


def partnership_calendar_and_preset(*, partnership_id: int, preset_name: str) -> tuple[WorkingCalendar, Preset]:
    """:func:`partnership_calendar` and :func:`partnership_preset` together, read in one query (a page that shows a
    case's clocks needs both): the imported years and bank holidays, the partnership's closure days and its clock
    overrides come as the rows of one ``UNION ALL``, each row saying which of the four it is."""
    combined = _rows(ImportedHolidayYear.objects.all(), "year", number=F("year")).union(
        _rows(ImportedBankHoliday.objects.all(), "holiday", day=F("date")),
        _rows(ClosureDay.objects.filter(partnership_id=partnership_id), "closure", day=F("date")),
        _rows(
            ClockOverride.objects.filter(partnership_id=partnership_id),
            "override",
            number=F("amount"),
            name=F("clock_id"),
        ),
        all=True,
    )
    imported: dict[int, set[datetime.date]] = {}
    closure_days: list[datetime.date] = []
    overrides: dict[str, int] = {}
    for kind, day, number, name in combined:
        if kind == "year":
            imported.setdefault(number, set())
        elif kind == "holiday":
            imported.setdefault(day.year, set()).add(day)
        elif kind == "closure":
            closure_days.append(day)
        else:
            overrides[name] = number
    national = build_calendar(imported={year: frozenset(days) for year, days in imported.items()})
    preset = get_preset(preset_name)
    return (
        national.with_closure_days(sorted(closure_days)),
        preset.with_overrides(overrides) if overrides else preset,
    )


def _rows(
    rows: QuerySet, kind: str, *, day: F | None = None, number: F | None = None, name: F | None = None
) -> QuerySet:
    """One part of :func:`partnership_calendar_and_preset`'s union: (kind, day, number, name), typed alike in every
    part (an empty column is a typed NULL, so that PostgreSQL can unite the parts)."""
    return (
        rows.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_day=day if day is not None else Cast(Value(None), output_field=DateField()),
            row_number=number if number is not None else Cast(Value(None), output_field=IntegerField()),
            row_name=name if name is not None else Value("", output_field=CharField()),
        )
        .values_list("row_kind", "row_day", "row_number", "row_name")
    )


def closure_days_for(*, scope: Scope, partnership_id: int) -> QuerySet[ClosureDay]:
    if not scope.can_see_partnership(partnership_id):
        return ClosureDay.objects.none()
    return ClosureDay.objects.filter(partnership_id=partnership_id).order_by("date")


def closure_day_get(*, scope: Scope, partnership_id: int, closure_day_id: int) -> ClosureDay | None:
    return closure_days_for(scope=scope, partnership_id=partnership_id).filter(id=closure_day_id).first()
