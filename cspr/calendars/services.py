"""Changes to calendar data. Every write is atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.calendars.holiday_sources import (
    build_calendar,
    by_year,
    shipped_official_holidays,
    shipped_official_titles,
)
from cspr.calendars.models import ClockOverride, ClosureDay, ImportedBankHoliday, ImportedHolidayYear
from cspr.calendars.selectors import imported_holidays
from cspr.core.text import NOTE, ONE_LINE, TextRefused, clean_text
from cspr.domain.presets import get_preset
from cspr.partnerships.models import Partnership

CLOSURE_DAY_EXISTS = "There is already a closure day on {day}."
CLOSURE_DAY_NOT_WORKING_DAY = "{day} is not a working day already, so closing the office changes nothing."
OVERRIDE_REASON_REQUIRED = "Give a reason for changing the partnership's number for this clock."


class CalendarChangeRefused(TextRefused):
    pass


def closure_day_add(
    *,
    actor: Any,
    partnership: Partnership,
    day: datetime.date,
    description: str,
    request: HttpRequest | None = None,
) -> ClosureDay:
    description = clean_text(
        description, subject="Description", limit=ONE_LINE, field="description", refused=CalendarChangeRefused
    )
    calendar = build_calendar(imported=imported_holidays())
    if calendar.covers(day) and not calendar.is_working_day(day):
        raise CalendarChangeRefused(CLOSURE_DAY_NOT_WORKING_DAY.format(day=f"{day:%A} {day.day} {day:%B %Y}"))
    try:
        with transaction.atomic():
            closure = ClosureDay.objects.create(
                partnership=partnership, date=day, description=description, created_by=actor
            )
            audit_record(
                actor=actor,
                verb="closure_day.added",
                obj=closure,
                partnership=partnership,
                details={"date": day.isoformat(), "description": closure.description},
                request=request,
            )
    except IntegrityError as error:
        raise CalendarChangeRefused(CLOSURE_DAY_EXISTS.format(day=f"{day.day} {day:%B %Y}")) from error
    return closure


def closure_day_remove(*, actor: Any, closure_day: ClosureDay, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="closure_day.removed",
            obj=closure_day,
            partnership=closure_day.partnership,
            details={"date": closure_day.date.isoformat(), "description": closure_day.description},
            request=request,
        )
        closure_day.delete()


HOLIDAY_WOULD_BE_REMOVED = (
    "The file lists some of {year}'s bank holidays but not {missing}, which the service already knows: importing it "
    "would remove {them}. Add {them} to the file, or import it with --replace if {it_is} no longer a bank holiday."
)


def bank_holidays_import(*, actor: Any, events: list[tuple[datetime.date, str]], replace: bool = False) -> list[int]:
    """Merge the file's holidays into what is known for every year it covers. Returns the years imported.

    A file that lists none of a year's known holidays only adds to them (an announced one-off holiday). A file that
    lists some of them but leaves others out looks like a year's full list from which a holiday was taken away (a
    moved holiday): it is refused, naming what it would remove, unless ``replace`` says that the file's list is the
    whole truth for each year it covers. The calendar is rebuilt before anything is saved, so a file that would leave
    a gap between years is refused whole.
    """
    from_file = by_year(events)
    titles = {**shipped_official_titles(), **dict(ImportedBankHoliday.objects.values_list("date", "title"))}
    titles.update(dict(events))
    known = {**shipped_official_holidays(), **imported_holidays()}
    merged: dict[int, frozenset[datetime.date]] = {}
    for year, listed in sorted(from_file.items()):
        already = known.get(year, frozenset())
        missing = sorted(already - listed)
        if missing and listed & already and not replace:
            raise CalendarChangeRefused(
                HOLIDAY_WOULD_BE_REMOVED.format(
                    year=year,
                    missing=" or ".join(f"{day.day} {day:%B %Y}" for day in missing),
                    them="it" if len(missing) == 1 else "them",
                    it_is="it is" if len(missing) == 1 else "they are",
                )
            )
        merged[year] = listed if replace else listed | already
    build_calendar(imported={**imported_holidays(), **merged})  # raises ValueError on a gap
    removed = sorted(day for year, days in merged.items() for day in known.get(year, frozenset()) - days)
    with transaction.atomic():
        ImportedBankHoliday.objects.filter(date__year__in=list(merged)).delete()
        ImportedBankHoliday.objects.bulk_create(
            [ImportedBankHoliday(date=day, title=titles[day]) for days in merged.values() for day in sorted(days)]
        )
        for year in merged:
            ImportedHolidayYear.objects.get_or_create(year=year)
        audit_record(
            actor=actor,
            verb="bank_holidays.imported",
            object_type="calendars.importedbankholiday",
            details={
                "years": sorted(merged),
                "events": len(events),
                "replace": replace,
                "removed": [day.isoformat() for day in removed],
            },
        )
    return sorted(merged)


def clock_override_set(
    *, actor: Any, partnership: Partnership, clock_id: str, amount: int, reason: str, request: HttpRequest | None = None
) -> ClockOverride | None:
    """Change one number of the partnership's preset; setting the preset's own number removes the override.

    The preset checks the clock id and the amount (a statutory clock may only be made stricter).
    """
    reason = clean_text(reason, subject="The reason", limit=NOTE, field="reason", refused=CalendarChangeRefused)
    if not reason:
        raise CalendarChangeRefused(OVERRIDE_REASON_REQUIRED)
    preset = get_preset(partnership.preset)
    preset.with_overrides({clock_id: amount})  # raises on an unknown clock or a bad amount
    details = {
        "clock_id": clock_id,
        "amount": amount,
        "default": preset.rule(clock_id).amount,
        "reason": reason,
    }
    with transaction.atomic():
        if amount == preset.rule(clock_id).amount:
            ClockOverride.objects.filter(partnership=partnership, clock_id=clock_id).delete()
            audit_record(
                actor=actor,
                verb="clock_override.reset",
                object_type="calendars.clockoverride",
                object_id=clock_id,
                partnership=partnership,
                details=details,
                request=request,
            )
            return None
        override, created = ClockOverride.objects.update_or_create(
            partnership=partnership,
            clock_id=clock_id,
            defaults={"amount": amount, "reason": reason, "created_by": actor},
        )
        audit_record(
            actor=actor,
            verb="clock_override.set",
            obj=override,
            partnership=partnership,
            details={**details, "created": created},
            request=request,
        )
    return override
