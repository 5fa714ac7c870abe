"""Which clocks apply to a case, lateness and its reason, and the status properties (pure: no database)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cspr.domain import clock_rules
from cspr.domain.clocks import (
    LATE_REASON_MIN,
    CaseClockSituation,
    ClockDue,
    ClockFacts,
    ClockStatus,
    Event,
    clock_applies,
    clock_facts,
    clock_status,
    compute_due_dates,
    is_late,
    late_reason_accepted,
    late_reason_missing,
)
from cspr.domain.criteria import IncidentNature
from cspr.domain.presets import BNES_2020, WT_2023
from tests.domain.support import CALENDAR, PROPERTY

# -- which clocks apply ----------------------------------------------------------------------------------------------


def test_a_care_leavers_death_counts_at_24_and_under_and_never_on_an_unknown_age() -> None:
    def facts(age: int | None) -> ClockFacts:
        return clock_facts(
            nature=IncidentNature.CARE_LEAVER_DEATH, care_leaver_age=age, executive_disagrees_with_prg=False
        )

    assert facts(24).care_leaver_under_25_died
    assert facts(18).care_leaver_under_25_died
    assert not facts(25).care_leaver_under_25_died
    assert not facts(None).care_leaver_under_25_died
    looked_after = clock_facts(
        nature="looked_after_child_death", care_leaver_age=None, executive_disagrees_with_prg=True
    )
    assert looked_after == ClockFacts(looked_after_child_died=True, executive_disagrees_with_prg=True)


def test_the_secretary_of_state_clock_follows_the_preset_and_the_facts() -> None:
    care_leaver = clock_facts(nature="care_leaver_death", care_leaver_age=20, executive_disagrees_with_prg=False)
    assert not clock_applies(BNES_2020.rule("sos_ofsted_notification"), care_leaver)
    assert clock_applies(WT_2023.rule("sos_ofsted_notification"), care_leaver)


def test_the_situation_switches_off_the_la_duties_the_rapid_review_and_everything_while_closed() -> None:
    facts = ClockFacts(looked_after_child_died=True)
    declined = CaseClockSituation(la_declined_panel=True, off_rapid_review=True)
    assert not clock_applies(BNES_2020.rule("panel_notification"), facts, declined)
    assert not clock_applies(BNES_2020.rule("prg_meeting"), facts, declined)
    assert not clock_applies(BNES_2020.rule("information_returns"), facts, declined)
    # The Secretary of State and Ofsted clock of a looked-after child's death applies on either path.
    assert clock_applies(BNES_2020.rule("sos_ofsted_notification"), facts, declined)
    closed = CaseClockSituation(closed=True)
    assert not any(clock_applies(rule, facts, closed) for rule in BNES_2020.rules)
    assert all(clock_applies(rule, facts) for rule in BNES_2020.rules if rule.applies_when.holds(facts))


def test_once_the_prg_has_decided_the_agencies_returns_are_no_longer_awaited_and_nothing_else_changes() -> None:
    facts = ClockFacts(looked_after_child_died=True)
    past = CaseClockSituation(past_rapid_review=True)
    assert not clock_applies(BNES_2020.rule("information_returns"), facts, past)
    assert [rule.clock_id for rule in BNES_2020.rules if clock_applies(rule, facts, past)] == [
        rule.clock_id
        for rule in BNES_2020.rules
        if clock_applies(rule, facts) and rule.clock_id != "information_returns"
    ]


def test_compute_due_dates_marks_the_clocks_the_situation_switches_off() -> None:
    events = {Event.AWARE: date(2023, 5, 6), Event.NOTIFIED: date(2023, 5, 9)}
    routed_away = CaseClockSituation(off_rapid_review=True)
    dues = compute_due_dates(BNES_2020, CALENDAR, events, situation=routed_away)
    assert dues["panel_notification"].applicable
    assert not dues["prg_meeting"].applicable


# -- lateness --------------------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2020, 2, 1), max_value=date(2024, 10, 31))


@PROPERTY
@given(due=days, offset=st.integers(min_value=-60, max_value=60))
def test_done_on_or_before_the_due_day_is_never_late(due: date, offset: int) -> None:
    assert is_late(due + timedelta(days=offset), due) == (offset > 0)


@PROPERTY
@given(reason=st.text(max_size=60))
def test_a_late_reason_needs_its_minimum_of_characters_that_count(reason: str) -> None:
    counted = len(" ".join(reason.split()))
    assert late_reason_accepted(reason) == (counted >= LATE_REASON_MIN)
    # Padding with spaces never makes a short reason long enough.
    assert late_reason_accepted(reason + " " * 40) == late_reason_accepted(reason)


def test_a_reason_is_missing_only_when_late_against_a_known_due_date() -> None:
    due = date(2023, 5, 15)
    assert late_reason_missing(date(2023, 5, 16), due, "Too short.")
    assert not late_reason_missing(date(2023, 5, 16), due, "The office was closed all that week.")
    assert not late_reason_missing(date(2023, 5, 15), due, "")
    assert not late_reason_missing(date(2023, 5, 16), None, "")


# -- status ----------------------------------------------------------------------------------------------------------


def _due(day: date) -> ClockDue:
    return ClockDue(rule=BNES_2020.rule("panel_notification"), start=day, due=day, applicable=True, provisional=False)


@PROPERTY
@given(due=days, today_offset=st.integers(min_value=-40, max_value=40), met_offset=st.integers(-40, 40) | st.none())
def test_the_status_reads_lateness_the_same_way(due: date, today_offset: int, met_offset: int | None) -> None:
    today = due + timedelta(days=today_offset)
    met_on = None if met_offset is None else due + timedelta(days=met_offset)
    reading = clock_status(_due(due), today=today, calendar=CALENDAR, met_on=met_on)
    if met_on is not None:
        # Met on or before the due date is never late.
        assert reading.status is (ClockStatus.MET_LATE if is_late(met_on, due) else ClockStatus.MET)
    else:
        # Overdue exactly when today is past the due date and it is not met.
        assert (reading.status is ClockStatus.OVERDUE) == (today > due)
        assert reading.status in {ClockStatus.OVERDUE, ClockStatus.DUE_SOON, ClockStatus.RUNNING}


# -- the import circle -------------------------------------------------------------------------------------------------


def test_the_rule_types_live_in_one_module_that_imports_neither_clocks_nor_presets() -> None:
    source = Path(str(clock_rules.__file__))
    imports = [
        line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith(("from ", "import "))
    ]
    assert not [line for line in imports if "cspr.domain.clocks" in line or "cspr.domain.presets" in line]
    presets_text = (source.parent / "presets.py").read_text(encoding="utf-8")
    assert "from cspr.domain.clocks" not in presets_text
    assert "import cspr.domain.clocks" not in presets_text


def test_presets_and_clocks_import_on_their_own_in_either_order() -> None:
    for first, second in (("presets", "clocks"), ("clocks", "presets")):
        code = f"import cspr.domain.{first}, cspr.domain.{second}"
        subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
