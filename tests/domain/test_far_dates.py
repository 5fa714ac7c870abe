"""Dates beyond the working-day calendar: the domain says it cannot count them, in words, and never raises."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspr.domain.clocks import (
    ClockDue,
    ClockReading,
    ClockStatus,
    Event,
    clock_date_range,
    clock_status,
    compute_due_dates,
)
from cspr.domain.presets import BNES_2020, CLOCK_RULES, PRESETS
from tests.domain.support import CALENDAR, PROPERTY

# The test calendar knows 2020 to 2025.
FIRST, LAST = clock_date_range(CALENDAR, CLOCK_RULES)


def test_the_calendar_exposes_its_known_range() -> None:
    assert CALENDAR.known_range == (date(2020, 1, 1), date(2025, 12, 31))


def test_a_due_date_beyond_the_calendar_is_a_sentence_not_an_exception() -> None:
    dues = compute_due_dates(BNES_2020, CALENDAR, {Event.DECISION: date(2025, 8, 1)})
    publication = dues["publication"]
    assert publication.due is None
    assert not publication.computed
    assert publication.problem == (
        "The due date cannot be worked out: it falls after the calendar's last known year (2025)."
    )


def test_a_due_date_before_the_calendar_says_so() -> None:
    dues = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(1999, 6, 1)})
    assert dues["panel_notification"].problem == (
        "The due date cannot be worked out: it falls before the calendar's first known year (2020)."
    )


def test_the_first_and_last_years_a_date_can_hold_do_not_raise() -> None:
    for day in (date(1, 1, 1), date(9999, 12, 31), date(9999, 6, 30)):
        for preset in PRESETS.values():
            dues = compute_due_dates(preset, CALENDAR, dict.fromkeys(Event, day))
            assert all(due.due is None and due.problem for due in dues.values()), day


def test_a_clock_whose_due_date_cannot_be_computed_reads_so_in_words() -> None:
    due = compute_due_dates(BNES_2020, CALENDAR, {Event.DECISION: date(2025, 8, 1)})["publication"]
    reading = clock_status(due, today=date(2025, 8, 4), calendar=CALENDAR)
    assert reading == ClockReading(
        ClockStatus.CANNOT_COMPUTE,
        note="The due date cannot be worked out: it falls after the calendar's last known year (2025).",
    )
    assert reading.status.label == "Cannot be worked out"


def _extended(to: date) -> ClockDue:
    due = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})["panel_notification"]
    return ClockDue(rule=due.rule, start=due.start, due=to, applicable=True, provisional=False)


def _uncounted(status: ClockStatus, beyond: str) -> ClockReading:
    """A reading with no count of working days, as ``beyond`` (the due date or today) is past the calendar."""
    return ClockReading(
        status,
        None,
        f"The working days left cannot be counted: {beyond} falls after the calendar's last known year (2025).",
    )


@pytest.mark.parametrize(
    ("due", "today", "met_on", "expected"),
    [
        (date(2026, 1, 10), date(2023, 5, 9), None, _uncounted(ClockStatus.RUNNING, "the due date")),
        (date(2025, 12, 19), date(2026, 2, 2), None, _uncounted(ClockStatus.OVERDUE, "today")),
        (date(2026, 1, 10), date(2026, 2, 2), date(2026, 1, 5), ClockReading(ClockStatus.MET)),
    ],
    ids=[
        "an extension beyond the calendar still runs without a count",
        "a clock overdue when today is past the calendar is overdue without a count",
        "a met clock needs no count and reads met",
    ],
)
def test_a_clock_past_the_calendar_reads_without_a_count(
    due: date, today: date, met_on: date | None, expected: ClockReading
) -> None:
    assert clock_status(_extended(due), today=today, calendar=CALENDAR, met_on=met_on) == expected


def test_an_extension_beyond_the_calendar_near_its_end_cannot_say_whether_it_is_due_soon() -> None:
    reading = clock_status(_extended(date(2026, 1, 10)), today=date(2025, 12, 30), calendar=CALENDAR)
    assert reading.status is ClockStatus.CANNOT_COMPUTE
    assert reading.working_days_left is None
    assert "the due date falls after the calendar's last known year (2025)" in reading.note


def test_the_clock_date_range_is_the_known_range_less_the_longest_clocks() -> None:
    # A year after 31 December 2024 is 31 December 2025, the calendar's last day. 7 working days before Saturday
    # 11 January 2020 is Thursday 2 January; before Friday 10 January it would be 31 December 2019, unknown.
    assert date(2024, 12, 31) == LAST
    assert date(2020, 1, 11) == FIRST


any_day = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
in_range = st.dates(min_value=FIRST, max_value=LAST)


@PROPERTY
@given(day=in_range, preset_name=st.sampled_from(sorted(PRESETS)))
def test_for_any_date_in_the_clock_range_every_clock_computes(day: date, preset_name: str) -> None:
    dues = compute_due_dates(PRESETS[preset_name], CALENDAR, dict.fromkeys(Event, day))
    assert all(due.due is not None for due in dues.values())
    for due in dues.values():
        reading = clock_status(due, today=day, calendar=CALENDAR)
        assert reading.status is not ClockStatus.CANNOT_COMPUTE
        assert reading.note == ""


@PROPERTY
@given(day=any_day, today=any_day, preset_name=st.sampled_from(sorted(PRESETS)))
def test_for_any_date_at_all_the_domain_answers_rather_than_raises(day: date, today: date, preset_name: str) -> None:
    dues = compute_due_dates(PRESETS[preset_name], CALENDAR, dict.fromkeys(Event, day))
    for due in dues.values():
        assert (due.due is None) == bool(due.problem)
        reading = clock_status(due, today=today, calendar=CALENDAR)
        if due.due is None and due.applicable:
            assert reading.status is ClockStatus.CANNOT_COMPUTE
            assert reading.note == due.problem


@PROPERTY
@given(day=any_day.filter(lambda d: not FIRST <= d <= LAST))
def test_for_any_date_outside_the_clock_range_some_clock_cannot_be_computed(day: date) -> None:
    dues = compute_due_dates(BNES_2020, CALENDAR, dict.fromkeys(Event, day))
    assert any(due.due is None for due in dues.values())


def test_the_day_after_the_clock_range_is_the_first_that_fails() -> None:
    after = compute_due_dates(BNES_2020, CALENDAR, {Event.PUBLISHED: LAST + timedelta(days=1)})
    assert after["published_until"].due is None
    before = compute_due_dates(BNES_2020, CALENDAR, {Event.PLANNED_PUBLICATION: FIRST - timedelta(days=1)})
    assert before["pre_publication_copies"].due is None
