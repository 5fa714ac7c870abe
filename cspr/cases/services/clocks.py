"""A case's clocks: worked out from its event dates, stopped as met, extended by agreement."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.calendars.selectors import clock_date_range, partnership_calendar, partnership_preset
from cspr.cases import selectors
from cspr.cases.models import Case, CaseClock, CaseTransition
from cspr.cases.services.common import TEXTS, allowed, latest_la_decision
from cspr.domain.clocks import (
    LATE_REASON_MIN,
    CaseClockSituation,
    ClockFacts,
    Event,
    EventOrderError,
    clock_facts,
    compute_due_dates,
    is_late,
    late_reason_missing,
    restarted,
)
from cspr.domain.letters import long_date
from cspr.domain.lifecycle import CLOSED_STAGES, RETURNS_AWAITED_STAGES, Stage
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case

EXTENSION_REASON_NEEDED = "Enter the reason for the extension and who agreed it."
EXTENSION_NOT_LATER = "The new due date must be after the current due date ({due})."
EXTENSION_BEYOND_CALENDAR = (
    "The new due date must be on or before {last}, the last date the working-day calendar can count to."
)
CLOCK_NOT_OPEN = "This clock is not running, so it cannot be extended."
UNKNOWN_CLOCK = "The case has no clock called '{clock_id}'."
CLOCK_LATE_REASON = (
    f"This was done after its due date: enter the reason it was late (at least {LATE_REASON_MIN} characters)."
)

_CLOCK_FIELDS = ("position", "title", "start", "due", "basis", "sentence", "section", "applicable", "provisional")


def _routed_not_notifiable(case: Case) -> bool:
    last = (
        CaseTransition.objects.filter(case=case, transition__in=["start_rapid_review", "record_not_notifiable"])
        .order_by("-at", "-id")
        .first()
    )
    return last is not None and last.transition == "record_not_notifiable"


def _clock_facts(case: Case) -> ClockFacts:
    return clock_facts(
        nature=case.nature,
        care_leaver_age=case.care_leaver_age,
        executive_disagrees_with_prg=case.executive_disagrees_with_prg,
    )


def _reopened_on(case: Case) -> date | None:
    """The day (local) the case was last reopened, or ``None`` if it never was."""
    reopened = selectors.case_reopened_at(case=case)
    return timezone.localdate(reopened) if reopened is not None else None


_EVENT_FIELDS = {Event.AWARE: "la_aware_on", Event.NOTIFIED: "notified_on", Event.PANEL_NOTIFIED: "panel_notified_on"}


def clocks_refresh(*, case: Case, new: bool = False) -> None:
    """Create or update the case's clocks from its event dates; met dates and extensions are kept.

    Which clocks apply is the domain's answer (:func:`cspr.domain.clocks.clock_applies`): this works out the case's
    facts and situation (the local authority's latest decision, whether it was routed away from the rapid review,
    whether it is closed) from its records. Runs inside the caller's transaction.
    """
    events = {
        Event.AWARE: case.aware_on,
        Event.NOTIFIED: case.notified_on,
        Event.PANEL_NOTIFIED: case.panel_notified_on,
        Event.DECISION: case.decision_on,
        Event.PLANNED_PUBLICATION: case.planned_publication_on,
        Event.PUBLISHED: case.published_on,
    }
    known = {event: day for event, day in events.items() if day is not None}
    preset = partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)
    # A case being created has no decision, transition or clock yet: no need to ask.
    decision = None if new else latest_la_decision(case)
    la_said_no = decision is not None and not decision.notify_panel
    situation = CaseClockSituation(
        la_declined_panel=la_said_no,
        off_rapid_review=la_said_no or (not new and _routed_not_notifiable(case)),
        past_rapid_review=Stage(case.stage) not in RETURNS_AWAITED_STAGES,
        closed=Stage(case.stage) in CLOSED_STAGES,
    )
    calendar = partnership_calendar(partnership_id=case.partnership_id)
    reopened_on = None if new or situation.closed else _reopened_on(case)
    try:
        dues = compute_due_dates(
            preset,
            calendar,
            known,
            facts=_clock_facts(case),
            situation=situation,
        )
    except EventOrderError as error:
        raise CaseActionRefused(str(error)) from None
    uncomputed = next((due for due in dues.values() if due.due is None), None)
    if uncomputed is not None:  # the forms refuse such dates; a clock is never stored without its due date
        raise CaseActionRefused(
            f"{uncomputed.rule.title}: {uncomputed.problem}", field=_EVENT_FIELDS.get(uncomputed.starts_at, "")
        )
    existing = {} if new else {clock.clock_id: clock for clock in CaseClock.objects.filter(case=case)}
    created: list[CaseClock] = []
    changed: list[CaseClock] = []
    for position, clock_id in enumerate(preset.clock_ids):
        due = dues.get(clock_id)
        clock = existing.get(clock_id)
        if due is None:
            if clock is not None and clock.met_on is None:
                clock.delete()  # its starting event was removed
            continue
        sentence = due.sentence
        if reopened_on is not None and (clock is None or clock.met_on is None or clock.met_on >= reopened_on):
            # Not met before the case was reopened: it counts again from that day.
            due = restarted(due, calendar, reopened_on)
            if due.start == reopened_on:
                sentence = f"{sentence} Counted again from {long_date(reopened_on)}, when the case was reopened."
        values = {
            "position": position,
            "title": due.rule.title,
            "start": due.start,
            "due": due.due,
            "basis": due.basis.value,
            "sentence": sentence,
            "section": due.section,
            # Closing, or the PRG's decision for the agencies' returns, stops the clocks still running; one already
            # met stays as it was, met.
            "applicable": due.applicable
            or (
                (situation.closed or situation.past_rapid_review)
                and clock is not None
                and clock.met_on is not None
                and clock.applicable
            ),
            "provisional": due.provisional,
        }
        if clock is None:
            created.append(CaseClock(case=case, clock_id=clock_id, **values))
        elif any(getattr(clock, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(clock, key, value)
            changed.append(clock)
    CaseClock.objects.bulk_create(created)
    if changed:
        CaseClock.objects.bulk_update(changed, fields=list(_CLOCK_FIELDS))


def case_clock_met(
    *, acting: Acting, case: Case, clock_id: str, met_on: date, late_reason: str = ""
) -> CaseClock | None:
    """Stop a clock as met on ``met_on`` (met late needs a reason). Call it inside the caller's transaction.

    Returns the clock, or ``None`` when the case has no applicable clock of that id (a preset without it, or a
    conditional clock that does not apply): the caller's record stands either way. A clock already met keeps
    its first date.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_clock_met must run inside the caller's transaction.atomic block.")
    clock = CaseClock.objects.select_for_update().filter(case=case, clock_id=clock_id, applicable=True).first()
    if clock is None:
        return None
    return clock_met(acting=acting, case=case, clock=clock, met_on=met_on, late_reason=late_reason)


def clock_met(*, acting: Acting, case: Case, clock: CaseClock, met_on: date, late_reason: str = "") -> CaseClock:
    """Stop ``clock``, which the caller has read under lock in its transaction, as met on ``met_on`` (late needs a
    reason); a clock already met keeps its first date. :func:`case_clock_met` reads the clock first."""
    if clock.met_on is not None:
        return clock
    late_reason = TEXTS.clean("late_reason", late_reason)
    late = is_late(met_on, clock.effective_due)
    if late_reason_missing(met_on, clock.effective_due, late_reason):
        raise CaseActionRefused(CLOCK_LATE_REASON, field="late_reason")
    clock.met_on = met_on
    clock.seal("late_reason", late_reason if late else "")
    clock.save(update_fields=["met_on", "late_reason_sealed"])
    audit_case(acting, "case.clock_met", case, clock=clock.clock_id, met_on=met_on, late=late)
    return clock


def clock_extension_record(
    *, acting: Acting, case: Case, clock_id: str, extended_to: date, reason: str, agreed_by: str
) -> CaseClock:
    """Record an extension agreed (for example with the Panel): the new due date, why, and who agreed it."""
    grant = allowed(acting, "cases.record_extension", case)
    reason = TEXTS.clean("extension_reason", reason, field="reason")
    agreed_by = TEXTS.clean("agreed_by", agreed_by)
    if not reason or not agreed_by:
        raise CaseActionRefused(EXTENSION_REASON_NEEDED, field="reason" if not reason else "agreed_by")
    last = clock_date_range()[1]
    if extended_to > last:  # the form says so first; this keeps any other caller from storing it
        raise CaseActionRefused(EXTENSION_BEYOND_CALENDAR.format(last=f"{last:%-d %B %Y}"), field="extended_to")
    with transaction.atomic():
        clock = CaseClock.objects.select_for_update().filter(case=case, clock_id=clock_id).first()
        if clock is None:
            raise CaseActionRefused(UNKNOWN_CLOCK.format(clock_id=clock_id))
        if clock.met_on is not None or not clock.applicable:
            raise CaseActionRefused(CLOCK_NOT_OPEN)
        if extended_to <= clock.effective_due:
            raise CaseActionRefused(
                EXTENSION_NOT_LATER.format(due=f"{clock.effective_due:%-d %B %Y}"), field="extended_to"
            )
        clock.extended_to = extended_to
        clock.seal("extension_reason", reason)
        clock.seal("extension_agreed_by", agreed_by)
        clock.save(update_fields=["extended_to", "extension_reason_sealed", "extension_agreed_by_sealed"])
        audit_case(acting, "case.clock_extended", case, grant=grant, clock_id=clock_id, extended_to=extended_to)
    return clock
