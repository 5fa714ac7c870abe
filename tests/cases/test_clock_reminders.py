"""The worker reminds the business unit of deadlines nearly due and overdue, once each, naming nobody."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock, ClockReminder
from cspr.cases.reminders import clock_reminders_send
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
REFERENCE = "NVALE-2026-003"


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def the_clock(clock_id: str = "rapid_review_to_panel") -> CaseClock:
    return CaseClock.objects.get(case__reference=REFERENCE, clock_id=clock_id)


def reminders_for(clock: CaseClock) -> list[str]:
    return list(ClockReminder.objects.filter(clock=clock).order_by("id").values_list("kind", flat=True))


def test_a_clock_due_today_is_due_soon_and_the_day_after_it_is_overdue(demo: dict[str, Partnership]) -> None:
    clock = the_clock()
    OutboundMessage.objects.all().delete()
    clock_reminders_send(now=at(clock.effective_due, 9))
    assert reminders_for(clock) == ["due_soon"]
    message = OutboundMessage.objects.get(kind="case.clock_due_soon", subject__contains=clock.title)
    assert message.to == "business.unit@example.org"
    assert message.subject.startswith(f"{REFERENCE}: ")
    assert "Child A" in message.body
    assert f"/cases/{REFERENCE}/" in message.body
    assert f"The timescale: {clock.sentence}." in message.body  # a sentence of its own, not a stray clause
    clock_reminders_send(now=at(clock.effective_due + timedelta(days=3)))
    assert reminders_for(clock) == ["due_soon", "overdue"]
    assert OutboundMessage.objects.filter(kind="case.clock_overdue", subject__contains=clock.title).count() == 1
    event = AuditEvent.objects.filter(verb="case.clock_reminder_sent", details__clock=clock.clock_id).latest("id")
    assert event.details["kind"] == "overdue"


def test_each_reminder_goes_once_however_often_the_worker_runs(demo: dict[str, Partnership]) -> None:
    late = at(the_clock().effective_due + timedelta(days=7))
    first = clock_reminders_send(now=late)
    assert first > 0
    count = OutboundMessage.objects.count()
    assert clock_reminders_send(now=late) == 0
    assert clock_reminders_send(now=late + timedelta(hours=1)) == 0
    assert OutboundMessage.objects.count() == count


def test_an_extension_is_reminded_of_again_at_its_new_date(demo: dict[str, Partnership]) -> None:
    clock = the_clock()
    clock_reminders_send(now=at(clock.effective_due + timedelta(days=1)))
    clock.extended_to = clock.effective_due + timedelta(days=14)
    clock.save(update_fields=["extended_to"])
    clock_reminders_send(now=at(clock.extended_to + timedelta(days=1)))
    assert ClockReminder.objects.filter(clock=clock, kind="overdue").count() == 2


def test_met_clocks_and_finished_cases_are_left_alone(demo: dict[str, Partnership]) -> None:
    clock = the_clock()
    clock.met_on = clock.effective_due
    clock.save(update_fields=["met_on"])
    Case.objects.filter(reference="NVALE-2026-005").update(stage="withdrawn")
    clock_reminders_send(now=at(date(2027, 6, 1)))
    assert not ClockReminder.objects.filter(clock=clock).exists()
    assert not ClockReminder.objects.filter(clock__case__reference="NVALE-2026-005").exists()
    assert ClockReminder.objects.exists()  # the other open cases' clocks were reminded of


def test_a_reminder_whose_message_cannot_be_queued_is_not_recorded_as_sent(
    demo: dict[str, Partnership], caplog: pytest.LogCaptureFixture
) -> None:
    clock = the_clock()
    with mock.patch("cspr.cases.reminders.tell_case", side_effect=RuntimeError("outbox down")):
        assert clock_reminders_send(now=at(clock.effective_due + timedelta(days=3))) == 0
    assert f"Clock reminders failed for case {clock.case.reference} (RuntimeError)" in caplog.text
    assert "outbox down" not in caplog.text
    assert not ClockReminder.objects.exists()
    assert not AuditEvent.objects.filter(verb="case.clock_reminder_sent").exists()


def test_the_worker_runs_it(demo: dict[str, Partnership]) -> None:
    from cspr.messaging.periodic import _REGISTRY

    assert _REGISTRY["cases.clock_reminders"].func is clock_reminders_send


FAR = date(2039, 1, 10)  # beyond the working-day calendar


def test_a_clock_extended_beyond_the_calendar_does_not_stop_the_reminders(demo: dict[str, Partnership]) -> None:
    clock = the_clock()
    # Data saved before the forms refused such dates: another clock of the same case, extended far away.
    CaseClock.objects.filter(case__reference=REFERENCE, clock_id="prg_meeting").update(extended_to=FAR, met_on=None)
    clock_reminders_send(now=at(clock.effective_due + timedelta(days=3)))
    assert reminders_for(clock) == ["overdue"]
    assert reminders_for(the_clock("prg_meeting")) == []


def test_one_case_that_fails_is_logged_by_reference_and_the_others_are_still_reminded(
    demo: dict[str, Partnership], caplog: pytest.LogCaptureFixture
) -> None:
    from cspr.cases import reminders

    original = reminders._reminders_due
    others = set(
        CaseClock.objects.filter(applicable=True, met_on__isnull=True)
        .exclude(case__reference=REFERENCE)
        .values_list("case__reference", flat=True)
    )

    def failing_for_one(case_clocks: list[CaseClock], **kwargs: object) -> object:
        if case_clocks[0].case.reference == REFERENCE:
            raise ValueError("Child A's data is broken")
        return original(case_clocks, **kwargs)  # type: ignore[arg-type]

    first_due = min(
        clock.effective_due
        for clock in CaseClock.objects.filter(applicable=True, met_on__isnull=True).exclude(case__reference=REFERENCE)
    )
    later = at(first_due + timedelta(days=3))
    with mock.patch.object(reminders, "_reminders_due", side_effect=failing_for_one) as patched:
        clock_reminders_send(now=later)
    assert {call.args[0][0].case.reference for call in patched.call_args_list} == others | {REFERENCE}
    assert not ClockReminder.objects.filter(clock__case__reference=REFERENCE).exists()
    assert ClockReminder.objects.exclude(clock__case__reference=REFERENCE).exists()
    assert f"Clock reminders failed for case {REFERENCE} (ValueError)" in caplog.text
    assert "Child A" not in caplog.text


def test_agencies_returns_never_asked_for_are_not_overdue_once_the_prg_has_decided(
    demo: dict[str, Partnership],
) -> None:
    # The demo's no-further-review and national review cases went to the Panel without information requests.
    for reference in ("NVALE-2026-009", "NVALE-2026-011"):
        returns = CaseClock.objects.get(case__reference=reference, clock_id="information_returns")
        assert not returns.applicable, reference
        assert returns.met_on is None, reference
    # The rapid review still waits for its returns.
    assert the_clock("information_returns").applicable
    clock_reminders_send(now=at(date(2027, 6, 1)))
    reminded = ClockReminder.objects.filter(clock__clock_id="information_returns")
    assert not reminded.filter(clock__case__reference__in=["NVALE-2026-009", "NVALE-2026-011"]).exists()
    assert reminded.filter(clock__case__reference=REFERENCE).exists()
