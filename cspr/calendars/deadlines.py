"""Due dates for a set of event dates: shared by the ``deadlines`` command and, later, the case pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from cspr.calendars.selectors import national_calendar, partnership_calendar, partnership_preset
from cspr.domain.clocks import ClockDue, ClockFacts, Event, EventOrderError, compute_due_dates
from cspr.domain.presets import UnknownPresetError, get_preset
from cspr.partnerships.models import Partnership


class DeadlineQueryError(ValueError):
    """The question cannot be answered: an unknown preset, impossible dates, or dates no calendar covers."""


@dataclass(frozen=True)
class DeadlineAnswer:
    preset: str
    clocks: dict[str, ClockDue]

    def as_json(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "clocks": {
                clock_id: {
                    "due": due.due.isoformat() if due.due else None,
                    "starts_at": due.starts_at.value,
                    "start_date": due.start.isoformat(),
                    "rule": due.sentence,
                    "statutory": due.is_statutory,
                    "basis": due.basis.value,
                    "section": due.section,
                    "applies": due.rule.applies_when.phrase or "always",
                    "provisional": due.provisional,
                }
                for clock_id, due in self.clocks.items()
            },
        }


def deadlines_for(
    *,
    preset_name: str,
    events: dict[Event, datetime.date],
    partnership: Partnership | None = None,
    facts: ClockFacts | None = None,
) -> DeadlineAnswer:
    """Every clock of the preset whose starting event has a date.

    With a partnership, its closure days extend its local targets, and its own
    numbers apply when it uses this preset.
    """
    try:
        preset = get_preset(preset_name)
    except UnknownPresetError as error:
        raise DeadlineQueryError(str(error)) from error
    if partnership is not None:
        calendar = partnership_calendar(partnership_id=partnership.id)
        if partnership.preset == preset_name:
            preset = partnership_preset(partnership_id=partnership.id, preset_name=preset_name)
    else:
        calendar = national_calendar(tolerate_missing_tables=True)
    try:
        clocks = compute_due_dates(preset, calendar, events, facts=facts)
    except EventOrderError as error:
        raise DeadlineQueryError(str(error)) from error
    for clock_id, clock in clocks.items():
        if clock.due is None:
            raise DeadlineQueryError(f"{clock_id}: {clock.problem}")
    return DeadlineAnswer(preset=preset_name, clocks=clocks)
