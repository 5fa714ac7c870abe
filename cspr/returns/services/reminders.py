"""Reminders: the worker's periodic job (a reminder before the due date and a chaser after it, once each) and the
business unit chasing an organisation by hand.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from cspr.calendars.selectors import partnership_calendar
from cspr.domain.calendar import CalendarRangeError
from cspr.domain.rules import closed_stages, is_closed
from cspr.kernel import kit
from cspr.kernel.acting import Acting, system_acting
from cspr.returns.models import InformationRequest, ReminderKind, RequestReminder, RequestStatus
from cspr.returns.services.common import (
    ReturnActionRefused,
    _audit_request,
    _case_named,
    _contributor_emails,
    _locked_open_request,
    _request_link,
    _require_requester,
    _tell_nobody_to_answer,
)

logger = logging.getLogger(__name__)

REMINDER_WORKING_DAYS = 2
NOBODY_TO_ANSWER = (
    "Nobody at {organisation} can receive requests: ask the partnership admin to invite a contributor from "
    "{organisation}, then chase again"
)
CASE_CLOSED_NO_CHASE = "This case is closed: nothing more is asked of the agencies, so none is chased."


def _remind(info_request: InformationRequest, *, to: list[str], subject: str, opening: str, kind: str) -> int:
    """Tell the organisation's contributors about its return (``opening`` says what), with the case and the date it
    is due; how many were told."""
    return kit.tell_case(
        case=info_request.case,
        to=to,
        about=subject,
        news=f"{opening}\n\nCase {_case_named(info_request.case)}; return due by {info_request.due_on:%d %B %Y}.",
        then="Sign in to see the request",
        link=_request_link(info_request),
        kind=kind,
    )


def request_chase(*, acting: Acting, info_request: InformationRequest, at: datetime | None = None) -> RequestReminder:
    """The business unit chases an organisation now: an e-mail to its contributors, recorded and audited. Refused
    once the case is closed, as the automatic reminders stop then."""
    grant = _require_requester(acting, info_request.case)
    if is_closed(info_request.case.stage):
        raise ReturnActionRefused(CASE_CLOSED_NO_CHASE)
    at = kit.now(at)
    with transaction.atomic():
        info_request = _locked_open_request(info_request)
        recipients = _contributor_emails(info_request)
        if not recipients:
            raise ReturnActionRefused(NOBODY_TO_ANSWER.format(organisation=info_request.organisation.name))
        told = _remind(
            info_request,
            to=recipients,
            subject=f"the business unit is chasing {info_request.organisation.name}'s return",
            opening=f"The business unit asks {info_request.organisation.name} for its return.",
            kind="returns.chased",
        )
        reminder = RequestReminder.objects.create(
            request=info_request, kind=ReminderKind.MANUAL, sent_at=at, sent_by=acting.user, recipients=told
        )
        _audit_request(acting, "returns.chased", info_request, grant, recipients=told)
    return reminder


def returns_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Remind each open request 2 working days before its due date, and chase it the day after; once each.

    Idempotent: a reminder or chaser is recorded with the request (one of each kind, by a constraint), so running
    the job again — or in two workers at once — sends nothing twice. Each request is dealt with in its own ``try``: one
    that cannot be read is logged with its case reference alone, and the others are still reminded.
    """
    now = kit.now(now)
    today = kit.local_today(now)
    sent = {"reminder": 0, "chaser": 0}
    calendars: dict[int, Any] = {}
    open_requests = (
        InformationRequest.objects.exclude(status__in=[RequestStatus.SUBMITTED, RequestStatus.NOT_INVOLVED])
        .exclude(case__stage__in=sorted(stage.value for stage in closed_stages()))
        .select_related("case", "partnership", "organisation")
        .prefetch_related("reminders")
        .order_by("id")
    )
    for info_request in open_requests:
        try:
            kind = _reminder_kind_due(info_request, today=today, calendars=calendars)
            if kind is not None and _reminder_send(info_request=info_request, kind=kind, at=now):
                sent[kind.value] += 1
        except Exception as error:
            # One request's bad data never stops the others; the case reference only, never its details.
            logger.error("Return reminders failed for case %s (%s)", info_request.case.reference, type(error).__name__)
    return sent


def _reminder_kind_due(info_request: InformationRequest, *, today: date, calendars: dict[int, Any]) -> Any:
    """The reminder or chaser ``info_request`` is due on ``today`` and has not had, or ``None``."""
    done = {reminder.kind for reminder in info_request.reminders.all()}
    if today > info_request.due_on:
        return ReminderKind.CHASER if ReminderKind.CHASER not in done else None
    if ReminderKind.REMINDER in done:
        return None
    if info_request.partnership_id not in calendars:
        calendars[info_request.partnership_id] = partnership_calendar(partnership_id=info_request.partnership_id)
    try:
        remind_from = calendars[info_request.partnership_id].subtract_working_days(
            info_request.due_on, REMINDER_WORKING_DAYS, local=True
        )
    except CalendarRangeError:
        return None
    return ReminderKind.REMINDER if today >= remind_from else None


def _reminder_send(*, info_request: InformationRequest, kind: ReminderKind, at: datetime) -> bool:
    organisation = info_request.organisation.name
    if kind == ReminderKind.REMINDER:
        subject = f"{organisation}'s return is due on {info_request.due_on:%d %B %Y}"
        opening = f"A reminder: {organisation}'s return for the rapid review is due soon."
    else:
        subject = f"{organisation}'s return is overdue"
        opening = f"{organisation}'s return for the rapid review was due on {info_request.due_on:%d %B %Y}."
    try:
        with transaction.atomic():
            reminder = RequestReminder.objects.create(request=info_request, kind=kind, sent_at=at)
            told = _remind(
                info_request,
                to=_contributor_emails(info_request),
                subject=subject,
                opening=opening,
                kind=f"returns.{kind.value}",
            )
            reminder.recipients = told
            reminder.save(update_fields=["recipients"])
            if not told:
                # Recorded (so the job does not try every pass) but not counted as sent; the business unit hears.
                _tell_nobody_to_answer(info_request=info_request, what=f"A {kind.value} to {organisation} was due")
            _audit_request(
                system_acting(partnership_id=info_request.partnership_id),
                f"returns.{kind.value}_sent",
                info_request,
                recipients=told,
            )
    except IntegrityError:
        return False  # another worker recorded it first
    return True
