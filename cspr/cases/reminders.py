"""Reminders that no deadline is missed: the worker tells the business unit when a case's clock is nearly due
(the preset's "due soon" working days) and again when it is overdue, once each per due date.

Messages carry the partnership, the case reference, the pseudonyms and the clock in words, and a link; never a
name. Each reminder is a ``ClockReminder`` row written with its message and audit event in one transaction, so a
crash between them sends nothing twice and loses nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime

from django.db import IntegrityError, transaction

from cspr.calendars.selectors import partnership_calendar, partnership_preset
from cspr.cases.models import CaseClock, ClockReminder
from cspr.cases.selectors import case_pseudonyms_text
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.clocks import ClockDue, ClockStatus, clock_status
from cspr.domain.presets import Preset, UnknownClockError
from cspr.domain.roles import Role
from cspr.domain.rules import closed_stages
from cspr.kernel.acting import system_acting
from cspr.kernel.kit import audit_case, link, local_today, tell
from cspr.kernel.kit import now as kit_now
from cspr.partnerships.selectors import member_emails

logger = logging.getLogger(__name__)

_KINDS = {ClockStatus.DUE_SOON: ClockReminder.Kind.DUE_SOON, ClockStatus.OVERDUE: ClockReminder.Kind.OVERDUE}


def clock_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders due at ``now``; returns how many clocks were reminded of. Safe to run at any interval.

    Each case is dealt with in its own ``try``: one case whose data cannot be read (a date beyond the working-day
    calendar, say) is logged with its reference alone and the others are still reminded.
    """
    now = kit_now(now)
    today = local_today(now)
    clocks = (
        CaseClock.objects.filter(applicable=True, met_on__isnull=True)
        .exclude(case__stage__in=sorted(closed_stages()))
        .select_related("case__partnership")
        .prefetch_related("case__children")
        .order_by("case_id", "position")
    )
    already = {
        (reminder.clock_id, reminder.kind, reminder.due_on)
        for reminder in ClockReminder.objects.filter(clock__in=clocks)
    }
    by_case: dict[int, list[CaseClock]] = defaultdict(list)
    for clock in clocks:
        by_case[clock.case_id].append(clock)
    calendars: dict[int, WorkingCalendar] = {}
    presets: dict[tuple[int, str], Preset] = {}
    reminded = 0
    for case_clocks in by_case.values():
        case = case_clocks[0].case
        try:
            pending = _reminders_due(case_clocks, today=today, already=already, calendars=calendars, presets=presets)
            for clock, reminder_kind in pending:
                reminded += _remind(clock=clock, kind=reminder_kind, now=now)
        except Exception as error:
            # The reference only: an exception's text may quote the case's data.
            logger.error("Clock reminders failed for case %s (%s)", case.reference, type(error).__name__)
    return reminded


def _reminders_due(
    case_clocks: list[CaseClock],
    *,
    today: date,
    already: set[tuple[int, str, date]],
    calendars: dict[int, WorkingCalendar],
    presets: dict[tuple[int, str], Preset],
) -> list[tuple[CaseClock, str]]:
    """The reminders one case's clocks are due on ``today`` and have not had yet."""
    pending = []
    for clock in case_clocks:
        case = clock.case
        if case.partnership_id not in calendars:
            calendars[case.partnership_id] = partnership_calendar(partnership_id=case.partnership_id)
        key = (case.partnership_id, case.preset)
        if key not in presets:
            presets[key] = partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)
        preset = presets[key]
        try:
            rule = preset.rule(clock.clock_id)
        except UnknownClockError:
            continue
        due = ClockDue(rule=rule, start=clock.start, due=clock.effective_due, applicable=True, provisional=False)
        reading = clock_status(
            due, today=today, calendar=calendars[case.partnership_id], due_soon_days=preset.due_soon_days
        )
        kind = _KINDS.get(reading.status)
        if kind is not None and (clock.pk, kind.value, clock.effective_due) not in already:
            pending.append((clock, kind.value))
    return pending


def _remind(*, clock: CaseClock, kind: str, now: datetime) -> int:
    case = clock.case
    due = clock.effective_due
    when = f"{due.day} {due:%B %Y}"
    children = case_pseudonyms_text(case=case)
    if kind == ClockReminder.Kind.OVERDUE:
        subject = f"{case.reference}: {clock.title} is overdue (due {when})"
        lead = f"The deadline '{clock.title}' on case {case.reference} ({children}) passed on {when}."
        ask = "Record it as done (with the reason it was late), or record an extension agreed and why."
    else:
        subject = f"{case.reference}: {clock.title} is due by {when}"
        lead = f"The deadline '{clock.title}' on case {case.reference} ({children}) is due by {when}."
        ask = "Record it in the service when it is done."
    case_link = link("cases:detail", reference=case.reference)
    body = f"{case.partnership.name}\n\n{lead}\n{clock.sentence}\n\n{ask}\n\nSign in to see the case: {case_link}\n"
    try:
        with transaction.atomic():
            ClockReminder.objects.create(clock=clock, kind=kind, due_on=due, sent_at=now)
            tell(
                partnership=case.partnership,
                to=member_emails(partnership_id=case.partnership_id, roles=[Role.BUSINESS_UNIT]),
                subject=subject,
                body=body,
                kind=f"case.clock_{kind}",
            )
            audit_case(
                system_acting(partnership_id=case.partnership_id),
                "case.clock_reminder_sent",
                case,
                clock=clock.clock_id,
                kind=kind,
                due_on=due,
            )
    except IntegrityError:  # another worker sent this one first
        return 0
    return 1
