"""Changes to calendar data. Every write is atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from cspr.calendars.holiday_sources import (
    build_calendar,
    by_year,
    shipped_official_holidays,
    shipped_official_titles,
)
from cspr.calendars.models import ClockOverride, ClosureDay, ImportedBankHoliday, ImportedHolidayYear
from cspr.calendars.selectors import imported_holidays
from cspr.core.policy import CALENDAR_EDITORS, PROCEDURE_EDITORS
from cspr.domain.presets import get_preset
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.kernel.kit import audit
from cspr.kernel.text import NOTE, ONE_LINE, TextRefused, clean_text
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import Grant

CLOSURE_DAY_EXISTS = "There is already a closure day on {day}."
CLOSURE_DAY_NOT_WORKING_DAY = "{day} is not a working day already, so closing the office changes nothing."
OVERRIDE_REASON_REQUIRED = "Give a reason for changing the partnership's number for this clock."


class CalendarChangeRefused(TextRefused):
    pass


def _grant(acting: Acting, partnership_id: int, editors: frozenset[Role]) -> Grant | None:
    """The membership that allows the change (the roles in their declared order: the business unit first)."""
    return acting.grant_for(partnership_id, [role for role in Role if role in editors])


def closure_day_add(*, acting: Acting, partnership: Partnership, day: datetime.date, description: str) -> ClosureDay:
    description = clean_text(
        description, subject="Description", limit=ONE_LINE, field="description", refused=CalendarChangeRefused
    )
    calendar = build_calendar(imported=imported_holidays())
    if calendar.covers(day) and not calendar.is_working_day(day):
        raise CalendarChangeRefused(CLOSURE_DAY_NOT_WORKING_DAY.format(day=f"{day:%A} {day.day} {day:%B %Y}"))
    try:
        with transaction.atomic():
            closure = ClosureDay.objects.create(
                partnership=partnership, date=day, description=description, created_by=acting.user
            )
            audit(
                acting,
                "closure_day.added",
                obj=closure,
                partnership=partnership,
                grant=_grant(acting, partnership.pk, CALENDAR_EDITORS),
                date=day.isoformat(),
                description=closure.description,
            )
    except IntegrityError as error:
        raise CalendarChangeRefused(CLOSURE_DAY_EXISTS.format(day=f"{day.day} {day:%B %Y}")) from error
    return closure


def closure_day_remove(*, acting: Acting, closure_day: ClosureDay) -> None:
    with transaction.atomic():
        audit(
            acting,
            "closure_day.removed",
            obj=closure_day,
            partnership=closure_day.partnership_id,
            grant=_grant(acting, closure_day.partnership_id, CALENDAR_EDITORS),
            date=closure_day.date.isoformat(),
            description=closure_day.description,
        )
        closure_day.delete()


HOLIDAY_WOULD_BE_REMOVED = (
    "The file lists some of {year}'s bank holidays but not {missing}, which the service already knows: importing it "
    "would remove {them}. Add {them} to the file, or import it with --replace if {it_is} no longer a bank holiday."
)


def bank_holidays_import(
    *, acting: Acting, events: list[tuple[datetime.date, str]], replace: bool = False
) -> list[int]:
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
        audit(
            acting,
            "bank_holidays.imported",
            object_type="calendars.importedbankholiday",
            years=sorted(merged),
            events=len(events),
            replace=replace,
            removed=[day.isoformat() for day in removed],
        )
    return sorted(merged)


def clock_override_set(
    *, acting: Acting, partnership: Partnership, clock_id: str, amount: int, reason: str
) -> ClockOverride | None:
    """Change one number of the partnership's preset; setting the preset's own number removes the override.

    The preset checks the clock id and the amount (a statutory clock may only be made stricter).
    """
    reason = clean_text(reason, subject="The reason", limit=NOTE, field="reason", refused=CalendarChangeRefused)
    if not reason:
        raise CalendarChangeRefused(OVERRIDE_REASON_REQUIRED)
    preset = get_preset(partnership.preset)
    preset.with_overrides({clock_id: amount})  # raises on an unknown clock or a bad amount
    details: dict[str, Any] = {
        "clock_id": clock_id,
        "amount": amount,
        "default": preset.rule(clock_id).amount,
        "reason": reason,
    }
    grant = _grant(acting, partnership.pk, PROCEDURE_EDITORS)
    with transaction.atomic():
        if amount == preset.rule(clock_id).amount:
            ClockOverride.objects.filter(partnership=partnership, clock_id=clock_id).delete()
            audit(
                acting,
                "clock_override.reset",
                object_type="calendars.clockoverride",
                object_id=clock_id,
                partnership=partnership,
                grant=grant,
                **details,
            )
            return None
        override, created = ClockOverride.objects.update_or_create(
            partnership=partnership,
            clock_id=clock_id,
            defaults={"amount": amount, "reason": reason, "created_by": acting.user},
        )
        audit(
            acting, "clock_override.set", obj=override, partnership=partnership, grant=grant, **details, created=created
        )
    return override
