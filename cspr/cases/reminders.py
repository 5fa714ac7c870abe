"""Reminders that no deadline is missed: the worker tells the business unit when a case's clock is nearly due
(the preset's "due soon" working days) and again when it is overdue, once each per due date.

Messages carry the partnership, the case reference, the pseudonyms and the clock in words, and a link; never a
name. Each reminder is a ``ClockReminder`` row written with its message and audit event in one transaction, so a
crash between them sends nothing twice and loses nothing.

Other apps' dated targets on a case (the local review's milestones) are reminded of by the same sweep: an app
registers a :data:`DeadlineSource` in its ``AppConfig.ready()`` (:func:`register_deadline_source`); the sweep asks it
for the targets still open and which reminders each is due, and sends them the clocks' way, the app's own row
(``Deadline.record``) written in the same transaction as the message and its audit event.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from cspr.calendars.selectors import partnership_calendar, partnership_preset
from cspr.cases.models import Case, CaseClock, ClockReminder
from cspr.cases.selectors import case_pseudonyms_text
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.clocks import ClockDue, ClockStatus, clock_status
from cspr.domain.presets import Preset, UnknownClockError
from cspr.domain.roles import Role
from cspr.domain.rules import closed_stages
from cspr.kernel.acting import system_acting
from cspr.kernel.kit import audit_case, link, local_today, tell_case
from cspr.kernel.kit import now as kit_now
from cspr.partnerships.selectors import member_emails

logger = logging.getLogger(__name__)

_KINDS = {ClockStatus.DUE_SOON: ClockReminder.Kind.DUE_SOON, ClockStatus.OVERDUE: ClockReminder.Kind.OVERDUE}


@dataclass(frozen=True)
class Deadline:
    """A dated target of a case that another app keeps (or one of the case's own clocks), due a reminder now
    (``kind``: due soon or overdue).

    ``record(kind, now)`` writes the app's row saying the reminder was sent (its unique constraint refusing a second),
    inside the sweep's transaction; ``details`` go on the audit event (ids and dates, never words)."""

    case: Case
    title: str
    due: date
    sentence: str
    ask: str
    kind: str
    record: Callable[[str, datetime], None]
    details: dict[str, Any]
    # Whom it goes to when not the case's business unit (an organisation asked for something), the page the message
    # links to (the case's page otherwise), and whether it names the case by its reference alone (no pseudonyms).
    to: Callable[[], list[str]] | None = None
    link: str = ""
    reference_only: bool = False


DeadlineSource = Callable[[date], Iterable[Deadline]]
"""Given today, the targets whose reminder is due and not yet sent (the case read with its partnership and children)."""

_SOURCES: dict[str, DeadlineSource] = {}


def register_deadline_source(key: str, source: DeadlineSource) -> None:
    """Add (or replace, by key) an app's dated targets to the reminders' sweep."""
    _SOURCES[key] = source


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
    return reminded + _deadlines_remind(today=today, now=now)


def _deadlines_remind(*, today: date, now: datetime) -> int:
    """The registered sources' reminders, each target in its own ``try`` as each case's clocks are."""
    reminded = 0
    for key in sorted(_SOURCES):
        try:
            due = list(_SOURCES[key](today))
        except Exception as error:
            logger.error("Deadline reminders of %s failed (%s)", key, type(error).__name__)
            continue
        for deadline in due:
            try:
                reminded += _send(deadline, now=now, verb="case.deadline_reminder_sent")
            except Exception as error:
                logger.error(
                    "Deadline reminders failed for case %s (%s)", deadline.case.reference, type(error).__name__
                )
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
    due = clock.effective_due
    overdue = kind == ClockReminder.Kind.OVERDUE

    def record(kind: str, now: datetime) -> None:
        ClockReminder.objects.create(clock=clock, kind=kind, due_on=due, sent_at=now)

    reminder = Deadline(
        case=clock.case,
        title=clock.title,
        due=due,
        sentence=f"The timescale: {clock.sentence}.",
        ask=(
            "Record it as done (with the reason it was late), or record an extension agreed and why."
            if overdue
            else "Record it in the service when it is done."
        ),
        kind=kind,
        record=record,
        details={"clock": clock.clock_id, "kind": kind, "due_on": due},
    )
    return _send(reminder, now=now, verb="case.clock_reminder_sent")


def _send(deadline: Deadline, *, now: datetime, verb: str) -> int:
    """One reminder of a case's clock or another app's target, to the case's business unit (or to its ``to``): its
    ``record`` (the row saying it was sent), the message and the audit event in one transaction; 0 when another
    worker sent it first."""
    case, title, due = deadline.case, deadline.title, deadline.due
    when = f"{due.day} {due:%B %Y}"
    named = case.reference if deadline.reference_only else f"{case.reference} ({case_pseudonyms_text(case=case)})"
    if deadline.kind == ClockReminder.Kind.OVERDUE:
        about = f"overdue, was due {when}: {title}"  # a title reads as a task, not a subject
        lead = f"The deadline '{title}' on case {named} passed on {when}."
    else:
        about = f"due by {when}: {title}"
        lead = f"The deadline '{title}' on case {named} is due by {when}."
    try:
        with transaction.atomic():
            deadline.record(deadline.kind, now)
            tell_case(
                case=case,
                to=deadline.to()
                if deadline.to is not None
                else member_emails(partnership_id=case.partnership_id, roles=[Role.BUSINESS_UNIT]),
                about=about,
                news=f"{lead}\n{deadline.sentence}\n\n{deadline.ask}",
                then="Sign in to see the case",
                link=deadline.link or link("cases:detail", reference=case.reference),
                kind=f"case.clock_{deadline.kind}",
            )
            audit_case(system_acting(partnership_id=case.partnership_id), verb, case, **deadline.details)
    except IntegrityError:  # another worker sent this one first
        return 0
    return 1
