from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.audit.models import AuditEvent
from cspr.calendars.selectors import national_calendar


def govuk_file(tmp_path: Path, events: list[dict[str, Any]]) -> Path:
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps({"england-and-wales": {"division": "england-and-wales", "events": events}}))
    return path


def deadline(*args: str) -> str:
    out = io.StringIO()
    call_command("deadlines", "--preset", "bnes-2020", *args, stdout=out)
    return json.loads(out.getvalue())["clocks"]["panel_notification"]["due"]


@pytest.mark.django_db
def test_an_announced_bank_holiday_moves_deadlines_once_imported(tmp_path: Path) -> None:
    # Imagine a one-off bank holiday announced for Wednesday 10 May 2028.
    shipped_2028 = [d for d in national_calendar().bank_holidays if d.year == 2028]
    events = [{"title": "Holiday", "date": d.isoformat(), "notes": "", "bunting": True} for d in shipped_2028]
    events.append({"title": "Announced holiday", "date": "2028-05-10", "notes": "", "bunting": True})
    assert deadline("--aware", "2028-05-05") == "2028-05-12"
    call_command("import_bank_holidays", str(govuk_file(tmp_path, events)), stdout=io.StringIO())
    assert deadline("--aware", "2028-05-05") == "2028-05-15"
    assert AuditEvent.objects.filter(verb="bank_holidays.imported").exists()


@pytest.mark.django_db
def test_an_imported_year_beyond_the_shipped_list_is_no_longer_provisional(tmp_path: Path) -> None:
    events = [{"title": "New Year", "date": "2029-01-01"}, {"title": "Christmas", "date": "2029-12-25"}]
    assert national_calendar().is_provisional(datetime.date(2029, 6, 1))
    call_command("import_bank_holidays", str(govuk_file(tmp_path, events)), stdout=io.StringIO())
    assert not national_calendar().is_provisional(datetime.date(2029, 6, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not a JSON file"),
        (json.dumps({"scotland": {}}), "no 'england-and-wales' list"),
        (json.dumps({"england-and-wales": {"division": "england-and-wales", "events": []}}), "has no events"),
        (
            json.dumps(
                {
                    "england-and-wales": {
                        "division": "england-and-wales",
                        "events": [{"title": "x", "date": "2031-13-01"}],
                    }
                }
            ),
            "Event 1 has no valid date",
        ),
        (
            json.dumps(
                {
                    "england-and-wales": {
                        "division": "england-and-wales",
                        "events": [{"title": "x", "date": "2035-01-01"}],
                    }
                }
            ),
            "gap",
        ),
    ],
)
def test_a_malformed_file_is_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bank-holidays.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_bank_holidays", str(path), stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert not AuditEvent.objects.filter(verb="bank_holidays.imported").exists()


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_bank_holidays", str(tmp_path / "absent.json"), stdout=io.StringIO())


def _holidays(year: int) -> list[datetime.date]:
    return sorted(day for day in national_calendar().bank_holidays if day.year == year)


def _import(tmp_path: Path, days: list[str], *options: str) -> str:
    out = io.StringIO()
    events = [{"title": f"Holiday {day}", "date": day} for day in days]
    call_command("import_bank_holidays", str(govuk_file(tmp_path, events)), *options, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_partial_file_is_merged_into_the_known_holidays_of_its_year(tmp_path: Path) -> None:
    before = _holidays(2027)
    assert len(before) >= 8
    _import(tmp_path, ["2027-06-30"])
    assert _holidays(2027) == sorted([*before, datetime.date(2027, 6, 30)])
    assert _holidays(2026) == sorted(d for d in national_calendar().bank_holidays if d.year == 2026)
    event = AuditEvent.objects.get(verb="bank_holidays.imported")
    assert event.details["removed"] == []
    assert event.details["replace"] is False


@pytest.mark.django_db
def test_importing_a_merged_year_again_keeps_the_added_holiday(tmp_path: Path) -> None:
    _import(tmp_path, ["2027-06-30"])
    _import(tmp_path, ["2027-07-01"])
    assert {datetime.date(2027, 6, 30), datetime.date(2027, 7, 1)} <= set(_holidays(2027))


@pytest.mark.django_db
def test_a_file_that_would_remove_a_known_holiday_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    before = _holidays(2027)
    dropped = before[-1]
    with pytest.raises(CommandError, match="importing it would remove it") as raised:
        _import(tmp_path, [day.isoformat() for day in before[:-1]])
    assert raised.value.returncode == 2
    assert f"but not {dropped.day} {dropped:%B %Y}" in str(raised.value)
    assert "--replace" in str(raised.value)
    assert _holidays(2027) == before
    assert not AuditEvent.objects.filter(verb="bank_holidays.imported").exists()


@pytest.mark.django_db
def test_with_replace_the_files_list_is_the_whole_truth_for_its_years(tmp_path: Path) -> None:
    before = _holidays(2027)
    moved_from = before[2]  # the early May bank holiday, moved to the Friday as in 2020
    moved_to = moved_from + datetime.timedelta(days=4)
    assert moved_to not in before
    days = [day.isoformat() for day in before if day != moved_from] + [moved_to.isoformat()]
    _import(tmp_path, days, "--replace")
    assert moved_from not in _holidays(2027)
    assert moved_to in _holidays(2027)
    event = AuditEvent.objects.get(verb="bank_holidays.imported")
    assert event.details["removed"] == [moved_from.isoformat()]
    assert event.details["replace"] is True
