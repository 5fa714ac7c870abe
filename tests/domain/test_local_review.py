"""The local review's milestones as plain rules: proposed from the start, off weekends, bank holidays and the
partnership's closure days; and where one stands on a day."""

from __future__ import annotations

from datetime import date

from cspr.domain.local_review import (
    MILESTONES,
    MilestoneKind,
    MilestoneReading,
    MilestoneStatus,
    Route,
    milestone_reading,
    proposed_milestones,
)
from tests.domain.support import CALENDAR, england_and_wales


def test_the_milestones_are_proposed_in_weeks_from_the_start_and_the_final_draft_comes_last() -> None:
    proposed = proposed_milestones(date(2024, 1, 8), CALENDAR)  # a Monday
    assert proposed[MilestoneKind.TERMS_AGREED] == date(2024, 2, 5)
    assert proposed[MilestoneKind.FINAL_DRAFT] == date(2024, 5, 24)  # 27 May 2024 is the spring bank holiday
    assert [rule.kind for rule in MILESTONES][-1] is MilestoneKind.FINAL_DRAFT
    assert max(proposed.values()) == proposed[MilestoneKind.FINAL_DRAFT]


def test_a_proposed_date_on_a_closure_day_moves_back_to_the_working_day_before() -> None:
    closed = england_and_wales(closure_days=[date(2024, 2, 5), date(2024, 2, 2)])
    assert proposed_milestones(date(2024, 1, 8), closed)[MilestoneKind.TERMS_AGREED] == date(2024, 2, 1)


def test_a_date_beyond_the_calendar_is_kept_as_counted() -> None:
    assert proposed_milestones(date(2030, 1, 7), CALENDAR)[MilestoneKind.TERMS_AGREED] == date(2030, 2, 4)


def test_a_milestone_is_due_then_due_soon_then_overdue_until_done() -> None:
    due = date(2024, 2, 5)  # a Monday

    def status(today: date, done_on: date | None = None) -> MilestoneStatus:
        return milestone_reading(due, done_on=done_on, today=today, calendar=CALENDAR).status

    assert status(date(2024, 1, 29)) is MilestoneStatus.DUE
    assert status(date(2024, 2, 1)) is MilestoneStatus.DUE_SOON  # Friday and Monday left
    assert status(due) is MilestoneStatus.DUE_SOON
    assert status(date(2024, 2, 6)) is MilestoneStatus.OVERDUE
    assert status(date(2024, 2, 6), done_on=date(2024, 2, 6)) is MilestoneStatus.DONE
    assert (
        milestone_reading(due, done_on=None, today=date(2024, 2, 1)).status is MilestoneStatus.DUE
    )  # no calendar: no "soon"


def test_each_route_says_where_the_decision_came_from() -> None:
    assert "§5.6" in Route.DISCRETIONARY.label
    assert "Executive" in Route.EXECUTIVE.label
    assert "Panel" in Route.PANEL.label


def test_a_milestone_counts_its_working_days_left_as_a_clock_does() -> None:
    due = date(2024, 2, 5)  # a Monday

    def reading(today: date) -> MilestoneReading:
        return milestone_reading(due, done_on=None, today=today, calendar=CALENDAR)

    assert reading(date(2024, 2, 1)) == MilestoneReading(MilestoneStatus.DUE_SOON, 2)
    assert reading(due) == MilestoneReading(MilestoneStatus.DUE_SOON, 0)
    assert reading(date(2024, 1, 29)) == MilestoneReading(MilestoneStatus.DUE, 5)
    assert reading(date(2024, 2, 10)) == MilestoneReading(MilestoneStatus.OVERDUE, -4)  # a Saturday
    assert reading(date(2024, 2, 6)).working_days_left == -1
    assert milestone_reading(due, done_on=due, today=due, calendar=CALENDAR) == MilestoneReading(MilestoneStatus.DONE)
    assert milestone_reading(due, done_on=None, today=date(2024, 2, 1)).working_days_left is None
    wider = milestone_reading(due, done_on=None, today=date(2024, 1, 31), calendar=CALENDAR, due_soon_days=3)
    assert wider.status is MilestoneStatus.DUE_SOON
