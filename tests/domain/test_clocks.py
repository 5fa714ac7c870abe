"""Clocks: rule wording, due dates from case events, event order, closure days and clock status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspr.domain.clocks import (
    AppliesWhen,
    Basis,
    ClockDue,
    ClockFacts,
    ClockReading,
    ClockRule,
    ClockStatus,
    DueSense,
    Event,
    EventOrderError,
    RuleKind,
    clock_status,
    compute_due_dates,
    restarted,
    validate_event_order,
)
from cspr.domain.presets import BNES_2020, PRESETS, WT_2023
from tests.domain.support import CALENDAR, PROPERTY

# -- wording ---------------------------------------------------------------------------------------------------------


def test_the_rule_sentence_is_built_from_the_rule() -> None:
    assert BNES_2020.rule("panel_notification").sentence == (
        "within 5 working days of the local authority becoming aware of the incident"
    )
    assert BNES_2020.rule("pre_publication_copies").sentence == (
        "at least 7 working days before the planned publication date"
    )
    assert BNES_2020.rule("publication").sentence == "within 6 months of the decision to hold a local review"
    assert BNES_2020.rule("published_until").sentence == "until at least 1 year after publication"
    assert WT_2023.rule("rapid_review_to_panel").sentence == (
        "within 15 working days of the notification being sent to the Panel"
    )


def test_a_single_unit_reads_in_the_singular() -> None:
    rule = BNES_2020.with_overrides({"information_returns": 1}).rule("information_returns")
    assert rule.sentence == "within 1 working day of the partnership receiving the local authority's notification"


def test_the_description_carries_the_title_and_any_condition() -> None:
    assert BNES_2020.rule("panel_notification").description == (
        "Notify the Panel within 5 working days of the local authority becoming aware of the incident."
    )
    assert BNES_2020.rule("sos_ofsted_notification").description == (
        "Notify the Secretary of State and Ofsted within 5 working days of the local authority becoming aware of "
        "the incident, only when a looked-after child has died."
    )


def test_labels_exist_for_events_bases_and_statuses() -> None:
    assert Event.PANEL_NOTIFIED.label == "Notification sent to the Panel"
    assert Basis.LOCAL.label == "Local target"
    assert ClockStatus.MET_LATE.label == "Met late"


@pytest.mark.parametrize("amount", [0, -1, True])
def test_a_rule_needs_a_positive_whole_amount(amount: int) -> None:
    with pytest.raises(ValueError, match="whole, positive amount"):
        replace(BNES_2020.rule("prg_meeting"), amount=amount)


def test_a_rule_refuses_an_unknown_roll() -> None:
    with pytest.raises(ValueError, match="roll must be"):
        replace(BNES_2020.rule("publication"), roll="sideways")  # type: ignore[arg-type]


def test_a_not_before_rule_must_count_forwards() -> None:
    with pytest.raises(ValueError, match="count forwards"):
        replace(BNES_2020.rule("pre_publication_copies"), sense=DueSense.NOT_BEFORE)


def test_conditions_hold_only_for_their_facts() -> None:
    assert AppliesWhen.ALWAYS.holds(ClockFacts())
    assert not AppliesWhen.LOOKED_AFTER_CHILD_DEATH.holds(ClockFacts(care_leaver_under_25_died=True))
    assert AppliesWhen.LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH.holds(ClockFacts(care_leaver_under_25_died=True))
    assert AppliesWhen.EXECUTIVE_DISAGREES_WITH_PRG.holds(ClockFacts(executive_disagrees_with_prg=True))
    assert AppliesWhen.ALWAYS.phrase == ""


# -- due dates -------------------------------------------------------------------------------------------------------


def test_due_dates_for_an_incident_over_the_coronation_weekend() -> None:
    events = {Event.AWARE: date(2023, 5, 6), Event.NOTIFIED: date(2023, 5, 9)}
    dues = compute_due_dates(BNES_2020, CALENDAR, events)
    assert dues["panel_notification"].due == date(2023, 5, 15)
    assert dues["partners_notified"].due == date(2023, 5, 15)
    assert dues["information_returns"].due == date(2023, 5, 17)
    assert dues["prg_meeting"].due == date(2023, 5, 23)
    assert dues["rapid_review_to_panel"].due == date(2023, 5, 31)  # skips the spring bank holiday, 29 May
    assert dues["rapid_review_to_panel"].start == date(2023, 5, 9)
    assert dues["rapid_review_to_panel"].starts_at is Event.NOTIFIED


def test_clocks_whose_event_has_no_date_are_left_out() -> None:
    dues = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})
    assert set(dues) == {"panel_notification", "partners_notified", "sos_ofsted_notification"}


def test_due_dates_come_in_the_presets_order() -> None:
    events = {event: date(2023, 3, 1) for event in Event}
    assert list(compute_due_dates(BNES_2020, CALENDAR, events)) == list(BNES_2020.clock_ids)


def test_a_due_carries_the_rule_wording_basis_and_section() -> None:
    due = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})["panel_notification"]
    assert due.clock_id == "panel_notification"
    assert due.sentence == "within 5 working days of the local authority becoming aware of the incident"
    assert due.basis is Basis.STATUTORY
    assert due.is_statutory
    assert due.section == "§3.6"
    assert not due.provisional


def test_the_secretary_of_state_clock_applies_only_to_a_looked_after_childs_death() -> None:
    events = {Event.AWARE: date(2023, 5, 6)}
    assert not compute_due_dates(BNES_2020, CALENDAR, events)["sos_ofsted_notification"].applicable
    facts = ClockFacts(looked_after_child_died=True)
    assert compute_due_dates(BNES_2020, CALENDAR, events, facts=facts)["sos_ofsted_notification"].applicable


def test_a_care_leavers_death_starts_the_secretary_of_state_clock_only_under_wt_2023() -> None:
    events = {Event.AWARE: date(2023, 5, 6)}
    facts = ClockFacts(care_leaver_under_25_died=True)
    assert not compute_due_dates(BNES_2020, CALENDAR, events, facts=facts)["sos_ofsted_notification"].applicable
    assert compute_due_dates(WT_2023, CALENDAR, events, facts=facts)["sos_ofsted_notification"].applicable


def test_the_discrepancy_clock_applies_only_when_the_executive_disagrees() -> None:
    events = {Event.AWARE: date(2023, 5, 2), Event.NOTIFIED: date(2023, 5, 3)}
    dues = compute_due_dates(BNES_2020, CALENDAR, events)
    assert not dues["discrepancy_rationale_to_panel"].applicable
    facts = ClockFacts(executive_disagrees_with_prg=True)
    assert compute_due_dates(BNES_2020, CALENDAR, events, facts=facts)["discrepancy_rationale_to_panel"].applicable


def test_wt_2023_counts_the_rapid_review_from_the_notification_to_the_panel() -> None:
    events = {Event.AWARE: date(2023, 5, 2), Event.NOTIFIED: date(2023, 5, 3), Event.PANEL_NOTIFIED: date(2023, 5, 5)}
    assert compute_due_dates(BNES_2020, CALENDAR, events)["rapid_review_to_panel"].due == date(2023, 5, 25)
    assert compute_due_dates(WT_2023, CALENDAR, events)["rapid_review_to_panel"].due == date(2023, 5, 30)
    no_panel_date = {Event.AWARE: date(2023, 5, 2), Event.NOTIFIED: date(2023, 5, 3)}
    assert "rapid_review_to_panel" not in compute_due_dates(WT_2023, CALENDAR, no_panel_date)


def test_publication_clocks() -> None:
    events = {
        Event.AWARE: date(2022, 5, 3),
        Event.DECISION: date(2022, 11, 29),
        Event.PLANNED_PUBLICATION: date(2024, 1, 3),
        Event.PUBLISHED: date(2024, 5, 7),
    }
    dues = compute_due_dates(BNES_2020, CALENDAR, events)
    assert dues["publication"].due == date(2023, 5, 26)  # 29 May 2023 is a bank holiday: back to Friday
    assert dues["pre_publication_copies"].due == date(2023, 12, 20)
    assert dues["published_until"].due == date(2025, 5, 7)
    assert dues["published_until"].provisional
    assert not dues["publication"].provisional


def test_published_until_rolls_forward_past_the_coronation() -> None:
    events = {Event.DECISION: date(2022, 1, 10), Event.PUBLISHED: date(2022, 5, 6)}
    assert compute_due_dates(BNES_2020, CALENDAR, events)["published_until"].due == date(2023, 5, 9)


def test_a_due_date_that_depends_on_a_provisional_year_is_flagged() -> None:
    dues = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2024, 12, 23)})
    assert dues["panel_notification"].due == date(2025, 1, 2)
    assert dues["panel_notification"].provisional
    dues = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2024, 12, 2)})
    assert not dues["panel_notification"].provisional


def test_a_due_date_beyond_the_known_holidays_is_not_computed() -> None:
    due = compute_due_dates(BNES_2020, CALENDAR, {Event.DECISION: date(2025, 8, 1)})["publication"]
    assert due.due is None
    assert "cannot be worked out" in due.problem


def test_closure_days_extend_local_targets_only() -> None:
    closed = CALENDAR.with_closure_days({date(2023, 5, 10), date(2023, 5, 11)})
    events = {Event.AWARE: date(2023, 5, 6), Event.NOTIFIED: date(2023, 5, 9)}
    plain = compute_due_dates(BNES_2020, CALENDAR, events)
    with_closures = compute_due_dates(BNES_2020, closed, events)
    plain_due = plain["information_returns"].due
    assert plain_due is not None
    assert with_closures["information_returns"].due == plain_due + timedelta(days=2)
    for clock_id in plain.keys() - {"information_returns"}:
        assert with_closures[clock_id].due == plain[clock_id].due


def test_rule_due_date_matches_compute_due_dates() -> None:
    rule = BNES_2020.rule("prg_meeting")
    assert rule.due_date(CALENDAR, date(2023, 5, 9)) == date(2023, 5, 23)


# -- event order -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (Event.AWARE, Event.NOTIFIED),
        (Event.AWARE, Event.PANEL_NOTIFIED),
        (Event.AWARE, Event.DECISION),
        (Event.DECISION, Event.PLANNED_PUBLICATION),
        (Event.DECISION, Event.PUBLISHED),
    ],
)
def test_impossible_event_orders_are_refused(earlier: Event, later: Event) -> None:
    events = {earlier: date(2023, 5, 10), later: date(2023, 5, 9)}
    with pytest.raises(EventOrderError, match=f"'{later}' \\(2023-05-09\\) is before '{earlier}' \\(2023-05-10\\)"):
        compute_due_dates(BNES_2020, CALENDAR, events)


def test_the_panel_can_be_told_before_the_partnership() -> None:
    validate_event_order(
        {Event.AWARE: date(2023, 5, 1), Event.PANEL_NOTIFIED: date(2023, 5, 2), Event.NOTIFIED: date(2023, 5, 3)}
    )


def test_a_report_can_be_published_before_its_planned_date() -> None:
    validate_event_order(
        {
            Event.DECISION: date(2023, 1, 2),
            Event.PLANNED_PUBLICATION: date(2023, 6, 1),
            Event.PUBLISHED: date(2023, 5, 1),
        }
    )


def test_events_on_the_same_day_are_allowed() -> None:
    validate_event_order(dict.fromkeys(Event, date(2023, 5, 2)))


def test_an_event_order_error_is_a_value_error() -> None:
    assert issubclass(EventOrderError, ValueError)


def test_datetimes_are_refused_so_the_london_date_is_chosen_by_the_caller() -> None:
    with pytest.raises(TypeError, match="calendar date"):
        validate_event_order({Event.AWARE: datetime(2023, 5, 6, 0, 30)})  # noqa: DTZ001


# -- status ----------------------------------------------------------------------------------------------------------


def panel_due() -> ClockDue:
    # Due Monday 15 May 2023.
    return compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})["panel_notification"]


def status(due: ClockDue | None, today: date, **kwargs: object) -> ClockReading:
    return clock_status(due, today=today, calendar=CALENDAR, **kwargs)  # type: ignore[arg-type]


def test_a_clock_with_days_to_spare_is_running() -> None:
    assert status(panel_due(), date(2023, 5, 9)) == ClockReading(ClockStatus.RUNNING, 4)


def test_a_clock_due_within_two_working_days_is_due_soon() -> None:
    assert status(panel_due(), date(2023, 5, 11)) == ClockReading(ClockStatus.DUE_SOON, 2)
    assert status(panel_due(), date(2023, 5, 15)) == ClockReading(ClockStatus.DUE_SOON, 0)
    assert status(panel_due(), date(2023, 5, 10)) == ClockReading(ClockStatus.RUNNING, 3)
    assert status(panel_due(), date(2023, 5, 10), due_soon_days=3).status is ClockStatus.DUE_SOON


def test_a_clock_past_its_due_date_is_overdue_with_negative_days_left() -> None:
    assert status(panel_due(), date(2023, 5, 17)) == ClockReading(ClockStatus.OVERDUE, -2)


def test_the_weekend_after_a_friday_deadline_is_already_overdue() -> None:
    friday_due = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 12)})["panel_notification"]
    assert friday_due.due == date(2023, 5, 19)
    assert status(friday_due, date(2023, 5, 20)) == ClockReading(ClockStatus.OVERDUE, -1)


def test_a_clock_met_on_time_or_late() -> None:
    assert status(panel_due(), date(2023, 6, 1), met_on=date(2023, 5, 15)) == ClockReading(ClockStatus.MET)
    assert status(panel_due(), date(2023, 6, 1), met_on=date(2023, 5, 16)) == ClockReading(ClockStatus.MET_LATE)


def test_a_clock_without_a_start_has_not_started() -> None:
    assert status(None, date(2023, 5, 9)).status is ClockStatus.NOT_STARTED
    assert status(panel_due(), date(2023, 5, 9), started=False).status is ClockStatus.NOT_STARTED


def test_not_applicable_wins_over_everything() -> None:
    assert status(panel_due(), date(2023, 6, 9), applicable=False).status is ClockStatus.NOT_APPLICABLE
    assert status(None, date(2023, 6, 9), applicable=False).status is ClockStatus.NOT_APPLICABLE
    sos = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})["sos_ofsted_notification"]
    assert status(sos, date(2023, 6, 9)).status is ClockStatus.NOT_APPLICABLE


def test_days_left_on_a_local_target_skip_closure_days() -> None:
    closed = CALENDAR.with_closure_days({date(2023, 5, 15)})
    due = compute_due_dates(BNES_2020, closed, {Event.AWARE: date(2023, 5, 6), Event.NOTIFIED: date(2023, 5, 9)})
    assert due["information_returns"].due == date(2023, 5, 18)
    reading = clock_status(due["information_returns"], today=date(2023, 5, 12), calendar=closed)
    assert reading == ClockReading(ClockStatus.RUNNING, 3)
    statutory = clock_status(due["panel_notification"], today=date(2023, 5, 12), calendar=closed)
    assert statutory == ClockReading(ClockStatus.DUE_SOON, 1)


def published_until() -> ClockDue:
    # Report published Tuesday 7 May 2024; it may come down from Wednesday 7 May 2025.
    events = {Event.DECISION: date(2024, 1, 2), Event.PUBLISHED: date(2024, 5, 7)}
    return compute_due_dates(BNES_2020, CALENDAR, events)["published_until"]


def test_a_publication_period_runs_until_its_date_then_is_met() -> None:
    assert status(published_until(), date(2025, 5, 1)) == ClockReading(ClockStatus.RUNNING, 3)
    assert status(published_until(), date(2025, 5, 7)).status is ClockStatus.MET


def test_taking_a_report_down_early_ends_the_period_early() -> None:
    assert status(published_until(), date(2025, 6, 1), met_on=date(2025, 4, 1)).status is ClockStatus.ENDED_EARLY
    assert status(published_until(), date(2025, 6, 1), met_on=date(2025, 5, 7)).status is ClockStatus.MET


# -- properties ------------------------------------------------------------------------------------------------------

event_dates = st.dates(min_value=date(2020, 2, 1), max_value=date(2024, 4, 30))
closure_sets = st.frozensets(st.dates(min_value=date(2020, 1, 1), max_value=date(2025, 6, 30)), max_size=30)


def ordered_events(aware: date, gaps: list[int]) -> dict[Event, date]:
    notified = aware + timedelta(days=gaps[0])
    decision = aware + timedelta(days=gaps[1])
    return {
        Event.AWARE: aware,
        Event.NOTIFIED: notified,
        Event.PANEL_NOTIFIED: aware + timedelta(days=gaps[2]),
        Event.DECISION: decision,
        Event.PLANNED_PUBLICATION: decision + timedelta(days=gaps[3]),
        Event.PUBLISHED: decision + timedelta(days=gaps[4]),
    }


gap_lists = st.lists(st.integers(min_value=0, max_value=120), min_size=5, max_size=5)


@PROPERTY
@given(aware=event_dates, gaps=gap_lists, preset_name=st.sampled_from(sorted(PRESETS)))
def test_every_due_date_is_a_working_day(aware: date, gaps: list[int], preset_name: str) -> None:
    dues = compute_due_dates(PRESETS[preset_name], CALENDAR, ordered_events(aware, gaps))
    assert len(dues) == len(PRESETS[preset_name].rules)
    for due in dues.values():
        assert due.due is not None, due.problem
        assert CALENDAR.is_working_day(due.due), due.clock_id


@PROPERTY
@given(aware=event_dates, gaps=gap_lists, closures=closure_sets)
def test_closure_days_never_change_statutory_or_procedure_clocks(
    aware: date, gaps: list[int], closures: frozenset[date]
) -> None:
    events = ordered_events(aware, gaps)
    plain = compute_due_dates(BNES_2020, CALENDAR, events)
    closed = compute_due_dates(BNES_2020, CALENDAR.with_closure_days(closures), events)
    for clock_id, due in plain.items():
        if due.rule.is_local:
            closed_due = closed[clock_id].due
            assert closed_due is not None
            assert due.due is not None
            assert closed_due >= due.due
            assert CALENDAR.with_closure_days(closures).is_working_day(closed_due, local=True)
        else:
            assert closed[clock_id].due == due.due


def test_a_custom_rule_can_be_computed_without_a_preset_copy() -> None:
    rule = ClockRule("custom", "Do it", RuleKind.WORKING_DAYS_AFTER, 2, Event.AWARE, Basis.PROCEDURE, "§1")
    assert rule.due_date(CALENDAR, date(2023, 5, 5)) == date(2023, 5, 10)


# -- reopening -------------------------------------------------------------------------------------------------------


def test_a_reopened_cases_running_clock_counts_again_from_the_reopening() -> None:
    due = compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: date(2023, 5, 6)})["panel_notification"]
    again = restarted(due, CALENDAR, date(2023, 6, 5))
    assert (again.start, again.due) == (date(2023, 6, 5), date(2023, 6, 12))  # 5 working days from Monday 5 June
    assert again.rule is due.rule
    assert restarted(due, CALENDAR, date(2023, 5, 6)) is due  # reopened on or before its start: unchanged


@PROPERTY
@given(start=st.dates(date(2020, 1, 1), date(2026, 6, 30)), later=st.integers(0, 400))
def test_counting_again_never_makes_a_clock_due_sooner(start: date, later: int) -> None:
    for due in compute_due_dates(BNES_2020, CALENDAR, {Event.AWARE: start, Event.NOTIFIED: start}).values():
        again = restarted(due, CALENDAR, start + timedelta(days=later))
        assert again.start >= due.start
        if again.due is not None and due.due is not None:
            assert again.due >= due.due
