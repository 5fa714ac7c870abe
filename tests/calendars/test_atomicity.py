"""A calendar write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

import datetime
from unittest import mock

from cspr.calendars import services
from cspr.calendars.models import ImportedBankHoliday
from cspr.kernel.acting import system_acting
from cspr.kernel.kit import audit
from tests.support import fails_after_call, leaves_nothing_written

NEW_YEAR = (datetime.date(2029, 1, 1), "New Year's Day")
CHRISTMAS = (datetime.date(2029, 12, 25), "Christmas Day")
ANNOUNCED = (datetime.date(2029, 5, 7), "An announced holiday")


def test_atomicity_an_import_that_fails_at_its_audit_event_keeps_the_year_it_was_replacing(db: None) -> None:
    """An import deletes the year's holidays and writes the new list before its audit event: when the event fails,
    the old list is back and the new one is gone."""
    services.bank_holidays_import(acting=system_acting(), events=[NEW_YEAR, CHRISTMAS])
    with leaves_nothing_written(mock.patch.object(services, "audit", side_effect=fails_after_call(audit))):
        services.bank_holidays_import(acting=system_acting(), events=[NEW_YEAR, ANNOUNCED, CHRISTMAS])
    assert sorted(ImportedBankHoliday.objects.values_list("date", flat=True)) == [NEW_YEAR[0], CHRISTMAS[0]]
