"""The case page reads a partnership's calendar and preset in one query: the same answer as reading them apart."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspr.calendars.models import ClockOverride, ClosureDay, ImportedBankHoliday, ImportedHolidayYear
from cspr.calendars.selectors import partnership_calendar, partnership_calendar_and_preset, partnership_preset
from cspr.domain.presets import get_preset
from cspr.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_one_query_reads_what_the_two_selectors_read(demo: dict[str, Partnership]) -> None:
    northvale, southmoor = demo["northvale"], demo["southmoor"]
    # An imported year with its holidays (after the shipped list), and one imported with none listed yet.
    ImportedHolidayYear.objects.create(year=2029)
    ImportedHolidayYear.objects.create(year=2030)
    ImportedBankHoliday.objects.create(date=datetime.date(2029, 1, 1), title="New Year's Day")
    ImportedBankHoliday.objects.create(date=datetime.date(2029, 12, 25), title="Christmas Day")
    ClosureDay.objects.create(partnership=southmoor, date=datetime.date(2027, 1, 4), description="Stocktake")
    local = get_preset(northvale.preset).local_defaults
    clock_id, amount = next(iter(local.items()))
    ClockOverride.objects.create(partnership=northvale, clock_id=clock_id, amount=amount + 1, reason="Our own target")
    for partnership in (northvale, southmoor):
        with CaptureQueriesContext(connection) as read:
            together = partnership_calendar_and_preset(partnership_id=partnership.pk, preset_name=partnership.preset)
        assert len(read.captured_queries) == 1
        apart = (
            partnership_calendar(partnership_id=partnership.pk),
            partnership_preset(partnership_id=partnership.pk, preset_name=partnership.preset),
        )
        assert together == apart
    calendar, preset = partnership_calendar_and_preset(partnership_id=northvale.pk, preset_name=northvale.preset)
    assert preset.rule(clock_id).amount == amount + 1
    assert datetime.date(2029, 12, 25) in calendar.bank_holidays
    assert calendar.provisional_from == datetime.date(2031, 1, 1)  # 2030 is official, with no holiday listed
    assert datetime.date(2026, 12, 24) in calendar.closure_days  # Northvale's demo shutdown


def test_a_partnership_without_closure_days_or_overrides(demo: Any) -> None:
    southmoor = demo["southmoor"]
    ClosureDay.objects.filter(partnership=southmoor).delete()
    ClockOverride.objects.filter(partnership=southmoor).delete()
    calendar, preset = partnership_calendar_and_preset(partnership_id=southmoor.pk, preset_name=southmoor.preset)
    assert calendar.closure_days == frozenset()
    assert preset == get_preset(southmoor.preset)
