"""The working-day calendar: counting rules, real England and Wales holidays, range errors and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspr.domain.calendar import CalendarRangeError, WorkingCalendar, add_calendar_months
from tests.domain.support import BANK_HOLIDAYS, CALENDAR, PROPERTY, england_and_wales

# -- counting "after" ----------------------------------------------------------------------------------------------


def test_five_working_days_after_the_coronation_weekend_is_monday_15_may_2023() -> None:
    saturday = date(2023, 5, 6)
    assert CALENDAR.add_working_days(saturday, 1) == date(2023, 5, 9)
    assert CALENDAR.add_working_days(saturday, 5) == date(2023, 5, 15)


def test_the_day_of_the_event_is_day_zero_and_the_next_working_day_is_day_one() -> None:
    tuesday = date(2023, 3, 14)
    assert CALENDAR.add_working_days(tuesday, 0) == tuesday
    assert CALENDAR.add_working_days(tuesday, 1) == date(2023, 3, 15)


def test_an_event_on_a_sunday_makes_monday_day_one() -> None:
    assert CALENDAR.add_working_days(date(2023, 3, 12), 1) == date(2023, 3, 13)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(date(2020, 4, 9), 1, date(2020, 4, 14), id="Easter 2020 skips Good Friday and Easter Monday"),
        pytest.param(date(2020, 5, 7), 1, date(2020, 5, 11), id="VE Day 2020 moved the May holiday to Friday 8 May"),
        pytest.param(
            date(2020, 12, 24), 1, date(2020, 12, 29), id="Christmas 2020 substitute day falls on Monday 28 December"
        ),
        pytest.param(
            date(2022, 12, 23), 1, date(2022, 12, 28), id="Christmas 2022 substitute day falls on Tuesday 27 December"
        ),
        pytest.param(date(2022, 6, 1), 1, date(2022, 6, 6), id="the Platinum Jubilee holidays are skipped"),
        pytest.param(date(2022, 9, 16), 1, date(2022, 9, 20), id="the state funeral of Queen Elizabeth is skipped"),
        pytest.param(date(2023, 4, 3), 15, date(2023, 4, 26), id="fifteen working days across Easter 2023"),
    ],
)
def test_counting_working_days_skips_the_real_bank_holidays(start: date, days: int, expected: date) -> None:
    assert CALENDAR.add_working_days(start, days) == expected


def test_ve_day_2020_left_monday_4_may_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2020, 5, 4))
    assert not CALENDAR.is_working_day(date(2020, 5, 8))


# -- counting "before" ---------------------------------------------------------------------------------------------


def test_seven_working_days_before_3_january_2024_skips_christmas_and_new_year() -> None:
    assert CALENDAR.subtract_working_days(date(2024, 1, 3), 7) == date(2023, 12, 20)


def test_the_day_counted_back_from_is_not_itself_counted() -> None:
    wednesday = date(2023, 3, 15)
    assert CALENDAR.subtract_working_days(wednesday, 1) == date(2023, 3, 14)
    assert CALENDAR.subtract_working_days(wednesday, 0) == wednesday


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CALENDAR.add_working_days(date(2023, 3, 15), -1)
    with pytest.raises(ValueError, match="must not be negative"):
        CALENDAR.subtract_working_days(date(2023, 3, 15), -1)
    with pytest.raises(ValueError, match="must not be negative"):
        CALENDAR.add_months(date(2023, 3, 15), -1)
    with pytest.raises(ValueError, match="must not be negative"):
        CALENDAR.add_years(date(2023, 3, 15), -1)


# -- months and years ----------------------------------------------------------------------------------------------


def test_31_august_plus_six_months_is_28_february() -> None:
    assert CALENDAR.add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)


def test_31_august_plus_six_months_is_29_february_in_a_leap_year() -> None:
    assert CALENDAR.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


def test_29_february_2024_plus_a_year_is_28_february_2025() -> None:
    assert CALENDAR.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert CALENDAR.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_a_month_date_on_a_bank_holiday_moves_back_to_the_previous_working_day() -> None:
    # 29 May 2023 is the spring bank holiday.
    assert CALENDAR.add_months(date(2022, 11, 29), 6) == date(2023, 5, 26)


def test_rolling_forward_skips_the_weekend_and_the_coronation() -> None:
    assert CALENDAR.add_years(date(2022, 5, 6), 1, roll="next") == date(2023, 5, 9)
    assert CALENDAR.add_years(date(2022, 5, 6), 1) == date(2023, 5, 5)


def test_the_start_date_is_never_rolled_before_counting_months() -> None:
    # Sunday 30 April 2023: rolled first to Friday 28 April it would give Friday 27 October.
    assert CALENDAR.add_months(date(2023, 4, 30), 6) == date(2023, 10, 30)


@PROPERTY
@given(year=st.integers(min_value=1900, max_value=2400), day=st.integers(min_value=29, max_value=31))
def test_the_end_of_january_plus_a_month_is_the_end_of_february(year: int, day: int) -> None:
    february_length = 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    assert add_calendar_months(date(year, 1, day), 1) == date(year, 2, min(day, february_length))


@PROPERTY
@given(start=st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 1, 1)), months=st.integers(0, 400))
def test_calendar_months_keep_the_day_or_clamp_it_to_the_month_end(start: date, months: int) -> None:
    result = add_calendar_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    if result.day != start.day:
        assert result.day < start.day
        assert (result + timedelta(days=1)).day == 1


# -- local closure days --------------------------------------------------------------------------------------------


def test_closure_days_are_non_working_only_for_local_targets() -> None:
    calendar = CALENDAR.with_closure_days({date(2023, 12, 27), date(2023, 12, 28), date(2023, 12, 29)})
    assert calendar.is_working_day(date(2023, 12, 27))
    assert not calendar.is_working_day(date(2023, 12, 27), local=True)
    assert calendar.add_working_days(date(2023, 12, 22), 1) == date(2023, 12, 27)
    assert calendar.add_working_days(date(2023, 12, 22), 1, local=True) == date(2024, 1, 2)


def test_with_closure_days_returns_a_new_calendar_and_leaves_the_original_alone() -> None:
    calendar = CALENDAR.with_closure_days([date(2023, 12, 27)])
    assert calendar.closure_days == frozenset({date(2023, 12, 27)})
    assert CALENDAR.closure_days == frozenset()
    assert calendar.bank_holidays == CALENDAR.bank_holidays


# -- working days between ------------------------------------------------------------------------------------------


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert CALENDAR.working_days_between(date(2023, 5, 5), date(2023, 5, 9)) == 1
    assert CALENDAR.working_days_between(date(2023, 5, 9), date(2023, 5, 5)) == -1
    assert CALENDAR.working_days_between(date(2023, 5, 9), date(2023, 5, 9)) == 0


# -- the known range -----------------------------------------------------------------------------------------------


def test_a_date_after_the_known_range_raises_a_clear_error() -> None:
    with pytest.raises(CalendarRangeError) as raised:
        CALENDAR.add_working_days(date(2025, 12, 30), 5)
    assert raised.value.day == date(2026, 1, 1)
    assert str(raised.value) == (
        "No bank holiday list covers 2026-01-01: this calendar knows bank holidays only from 2020-01-01 to 2025-12-31."
    )


def test_a_date_before_the_known_range_raises_a_clear_error() -> None:
    with pytest.raises(CalendarRangeError, match="2019-12-31"):
        CALENDAR.subtract_working_days(date(2020, 1, 3), 3)
    with pytest.raises(CalendarRangeError):
        CALENDAR.is_working_day(date(2019, 6, 3))
    with pytest.raises(CalendarRangeError):
        CALENDAR.is_bank_holiday(date(2026, 1, 1))


def test_the_range_error_is_a_value_error() -> None:
    assert issubclass(CalendarRangeError, ValueError)


def test_month_arithmetic_past_the_known_range_raises() -> None:
    with pytest.raises(CalendarRangeError, match="2026-01-30"):
        CALENDAR.add_months(date(2025, 7, 30), 6)


def test_counting_only_consults_the_days_it_needs() -> None:
    # The event day itself is not consulted, so an event the day before the range still counts forwards.
    assert CALENDAR.add_working_days(date(2019, 12, 31), 1) == date(2020, 1, 2)


def test_provisional_dates_are_flagged() -> None:
    assert CALENDAR.is_provisional(date(2025, 3, 3))
    assert not CALENDAR.is_provisional(date(2024, 3, 4))
    assert CALENDAR.depends_on_provisional(date(2024, 12, 20), date(2025, 1, 7))
    assert not CALENDAR.depends_on_provisional(date(2024, 12, 2), date(2024, 12, 20))


def test_a_calendar_without_a_provisional_range_never_depends_on_one() -> None:
    calendar = WorkingCalendar.from_holidays(
        [h for h in BANK_HOLIDAYS if h.year == 2023], official_range=(date(2023, 1, 1), date(2023, 12, 31))
    )
    assert not calendar.is_provisional(date(2023, 6, 1))
    assert not calendar.depends_on_provisional(date(2023, 1, 1), date(2023, 12, 31))


def test_the_provisional_range_must_follow_the_official_one_directly() -> None:
    with pytest.raises(ValueError, match="must start the day after the official range ends"):
        WorkingCalendar.from_holidays(
            [],
            official_range=(date(2023, 1, 1), date(2023, 12, 31)),
            provisional_range=(date(2024, 1, 2), date(2024, 12, 31)),
        )


def test_holidays_outside_the_claimed_range_are_refused() -> None:
    with pytest.raises(ValueError, match="2024-01-01 lies outside"):
        WorkingCalendar(frozenset({date(2024, 1, 1)}), known_from=date(2023, 1, 1), known_until=date(2023, 12, 31))


def test_an_empty_range_is_refused() -> None:
    with pytest.raises(ValueError, match="known range is empty"):
        WorkingCalendar(frozenset(), known_from=date(2023, 1, 2), known_until=date(2023, 1, 1))


def test_a_provisional_start_outside_the_range_is_refused() -> None:
    with pytest.raises(ValueError, match="provisional range must start inside"):
        WorkingCalendar(
            frozenset(), known_from=date(2023, 1, 1), known_until=date(2023, 12, 31), provisional_from=date(2024, 1, 1)
        )


def test_a_calendar_accepts_plain_sets_and_stores_frozensets() -> None:
    calendar = WorkingCalendar(
        {date(2023, 1, 2)},  # type: ignore[arg-type]
        known_from=date(2023, 1, 1),
        known_until=date(2023, 12, 31),
        closure_days={date(2023, 12, 27)},  # type: ignore[arg-type]
    )
    assert isinstance(calendar.bank_holidays, frozenset)
    assert isinstance(calendar.closure_days, frozenset)


# -- properties ----------------------------------------------------------------------------------------------------

# Synthetic calendars: any weekday may be a holiday or a closure day, over two years.
SYNTHETIC_FROM = date(2030, 1, 1)
SYNTHETIC_UNTIL = date(2031, 12, 31)
weekdays_2030 = st.dates(min_value=SYNTHETIC_FROM, max_value=date(2030, 12, 31)).filter(lambda d: d.weekday() < 5)
holiday_sets = st.frozensets(weekdays_2030, max_size=25)
starts = st.dates(min_value=SYNTHETIC_FROM, max_value=date(2030, 12, 31))
counts = st.integers(min_value=0, max_value=40)


def synthetic(holidays: frozenset[date], closure_days: frozenset[date] = frozenset()) -> WorkingCalendar:
    return WorkingCalendar(holidays, SYNTHETIC_FROM, SYNTHETIC_UNTIL, closure_days=closure_days)


@PROPERTY
@given(holidays=holiday_sets, start=starts, n=counts, local=st.booleans(), closures=holiday_sets)
def test_adding_then_subtracting_working_days_returns_a_working_start(
    holidays: frozenset[date], start: date, n: int, local: bool, closures: frozenset[date]
) -> None:
    calendar = synthetic(holidays, closures)
    start = calendar.roll_to_working_day(start, roll="next", local=local)
    end = calendar.add_working_days(start, n, local=local)
    assert calendar.subtract_working_days(end, n, local=local) == start
    assert calendar.working_days_between(start, end, local=local) == n


@PROPERTY
@given(holidays=holiday_sets, start=starts, n=st.integers(min_value=1, max_value=40))
def test_counted_days_are_always_working_days(holidays: frozenset[date], start: date, n: int) -> None:
    calendar = synthetic(holidays)
    assert calendar.is_working_day(calendar.add_working_days(start, n))
    assert calendar.is_working_day(calendar.subtract_working_days(start + timedelta(days=200), n))
    assert calendar.is_working_day(calendar.add_months(start, n % 12, roll="previous"))
    assert calendar.is_working_day(calendar.add_months(start, n % 12, roll="next"))


@PROPERTY
@given(holidays=holiday_sets, extra=weekdays_2030, start=starts, n=st.integers(min_value=1, max_value=40))
def test_a_new_holiday_never_brings_an_after_deadline_earlier_or_a_before_deadline_later(
    holidays: frozenset[date], extra: date, start: date, n: int
) -> None:
    before, after = synthetic(holidays), synthetic(holidays | {extra})
    assert after.add_working_days(start, n) >= before.add_working_days(start, n)
    later_start = start + timedelta(days=200)
    assert after.subtract_working_days(later_start, n) <= before.subtract_working_days(later_start, n)


@PROPERTY
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 31)), n=st.integers(min_value=1, max_value=20)
)
def test_real_calendar_due_dates_are_never_bank_holidays_or_weekends(start: date, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert due.weekday() < 5
    assert due not in BANK_HOLIDAYS


def test_the_helper_calendar_really_has_2025_provisional() -> None:
    assert england_and_wales().provisional_from == date(2025, 1, 1)
