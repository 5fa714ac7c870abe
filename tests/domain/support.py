"""Shared test support for the domain: real England and Wales bank holidays, the property-test settings, the
case facts that satisfy every transition guard, and a search of the source files for what must not be there.

The bank holidays for 2020-2025 are typed in from the GOV.UK list. 2020-2024 stand for the official list; 2025 is
treated as a provisional projection so tests can see the flag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from hypothesis import settings

from cspr.domain.calendar import WorkingCalendar
from cspr.domain.lifecycle import CaseFacts

PROPERTY = settings(database=None, deadline=None, max_examples=100)
"""Property tests: no example database left in the working tree, no timing flakiness, quick enough to run always."""

BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        # 2020: VE Day moved the early May holiday from Monday 4 May to Friday 8 May; Boxing Day fell on a Saturday.
        date(2020, 1, 1),
        date(2020, 4, 10),
        date(2020, 4, 13),
        date(2020, 5, 8),
        date(2020, 5, 25),
        date(2020, 8, 31),
        date(2020, 12, 25),
        date(2020, 12, 28),
        # 2021: Christmas Day and Boxing Day fell at the weekend.
        date(2021, 1, 1),
        date(2021, 4, 2),
        date(2021, 4, 5),
        date(2021, 5, 3),
        date(2021, 5, 31),
        date(2021, 8, 30),
        date(2021, 12, 27),
        date(2021, 12, 28),
        # 2022: the Platinum Jubilee (2 and 3 June), the Queen's state funeral, Christmas Day on a Sunday.
        date(2022, 1, 3),
        date(2022, 4, 15),
        date(2022, 4, 18),
        date(2022, 5, 2),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 8, 29),
        date(2022, 9, 19),
        date(2022, 12, 26),
        date(2022, 12, 27),
        # 2023: New Year's Day on a Sunday, the coronation on Monday 8 May.
        date(2023, 1, 2),
        date(2023, 4, 7),
        date(2023, 4, 10),
        date(2023, 5, 1),
        date(2023, 5, 8),
        date(2023, 5, 29),
        date(2023, 8, 28),
        date(2023, 12, 25),
        date(2023, 12, 26),
        # 2024
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
        # 2025 (treated as provisional here)
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
    }
)

OFFICIAL_RANGE = (date(2020, 1, 1), date(2024, 12, 31))
PROVISIONAL_RANGE = (date(2025, 1, 1), date(2025, 12, 31))


def england_and_wales(closure_days: Iterable[date] = ()) -> WorkingCalendar:
    """A calendar with the real 2020-2025 bank holidays, 2025 provisional."""
    return WorkingCalendar.from_holidays(
        BANK_HOLIDAYS,
        official_range=OFFICIAL_RANGE,
        provisional_range=PROVISIONAL_RANGE,
        closure_days=closure_days,
    )


CALENDAR = england_and_wales()

# Every facts question answered "yes", apart from a disagreement (which needs a rationale) - enough for any guard.
READY = CaseFacts(
    statutory_duties_done=True,
    la_decision_recorded=True,
    la_notified_panel=True,
    discretionary_grounds=frozenset({"near_miss"}),
    prg_meeting_held=True,
    rapid_review_complete=True,
    prg_decision_recorded=True,
    partners_signed_off=True,
    reviewer_checks_complete=True,
    terms_of_reference_agreed=True,
    recommendations_recorded=True,
    planned_publication_date_set=True,
    report_signed_off=True,
    independent_chair_scrutinised=True,
    pre_publication_copies_sent=True,
    publication_period_ended=True,
    all_actions_complete=True,
    no_unfinished_national_review=True,
)


def found_in_files(paths: Iterable[Path], find: Callable[[Path], Iterable[object]], *, root: Path) -> set[str]:
    """``file: finding`` for everything ``find`` finds in each file (named from ``root``): a test asserts none."""
    return {f"{path.relative_to(root)}: {found}" for path in paths for found in find(path)}
