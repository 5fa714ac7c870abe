"""A rapid review write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

from unittest import mock

from cspr.kernel.kit import audit_case
from cspr.rapid_reviews.services import meetings
from tests.rapid_reviews.support import hold, schedule, the_case
from tests.support import fails_after_call, leaves_nothing_written


def test_atomicity_recording_the_meeting_that_fails_at_its_audit_event_leaves_no_attendance_or_met_clock(
    demo: dict,
) -> None:
    """By the meeting's audit event the meeting is marked held, its attendance replaced and the PRG meeting clock
    met (with that clock's own audit event): all of it goes."""
    case = the_case()
    schedule(case)
    with leaves_nothing_written(mock.patch.object(meetings, "audit_case", side_effect=fails_after_call(audit_case))):
        hold(case)
