"""The local review's milestones in the case clocks' reminders sweep (:mod:`cspr.cases.reminders`): a milestone not
done is reminded of when it is due soon (the preset's "due soon" working days, the partnership's closure days
counted: a milestone is its own target) and again when it is overdue, once each per due date. A moved milestone is
reminded of again at its new date."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from django.db.models import Model, QuerySet

from cspr.calendars.selectors import partnership_calendar, partnership_preset
from cspr.cases.models import Case
from cspr.cases.reminders import Deadline
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.local_review import MILESTONE_RULES, MilestoneKind, MilestoneStatus, milestone_reading
from cspr.kernel import kit
from cspr.local_reviews.models import Milestone, MilestoneReminder
from cspr.local_reviews.selectors import WORKING_STAGES

_KINDS = {
    MilestoneStatus.DUE_SOON: MilestoneReminder.Kind.DUE_SOON,
    MilestoneStatus.OVERDUE: MilestoneReminder.Kind.OVERDUE,
}
ASK_OVERDUE = "Mark it done on the local review's page, or move its due date and say why."
ASK_DUE = "Mark it done on the local review's page when it is done."


class DueReading:
    """Where a dated target of a case not yet done stands on ``today`` (due, due soon or overdue), by the partnership's
    calendar (its closure days counted) and its preset's "due soon" working days, each read once per sweep."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.calendars: dict[int, WorkingCalendar] = {}
        self.soon: dict[tuple[int, str], int] = {}

    def status(self, case: Case, due_on: date) -> MilestoneStatus:
        if case.partnership_id not in self.calendars:
            self.calendars[case.partnership_id] = partnership_calendar(partnership_id=case.partnership_id)
        key = (case.partnership_id, case.preset)
        if key not in self.soon:
            preset = partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)
            self.soon[key] = preset.due_soon_days
        calendar = self.calendars[case.partnership_id]
        reading = milestone_reading(
            due_on, done_on=None, today=self.today, calendar=calendar, due_soon_days=self.soon[key]
        )
        return reading.status


def _recorder(reminders: type[Model], subject: str, row: Any) -> Callable[[str, datetime], None]:
    def record(kind: str, now: datetime) -> None:
        reminders._default_manager.create(**{subject: row}, kind=kind, due_on=row.due_on, sent_at=now)

    return record


def reminders_due[Row: Model, Kind](
    rows: QuerySet[Row],
    *,
    reminders: type[Model],
    subject: str,
    kinds: Mapping[MilestoneStatus, Kind],
    case_of: Callable[[Row], Case],
    today: date,
) -> Iterator[tuple[Row, Case, Kind, Callable[[str, datetime], None]]]:
    """Each of ``rows`` (dated by ``due_on``) whose reminder (a row of ``reminders``, naming it as ``subject``) is
    due on ``today`` and not yet sent for its due date: the row, its case, the reminder's kind (of ``kinds``) and
    how to record it sent."""
    already = set(
        reminders._default_manager.filter(**{f"{subject}__in": rows}).values_list(f"{subject}_id", "kind", "due_on")
    )
    reading = DueReading(today)
    for row in rows:
        case = case_of(row)
        due_on = row.due_on  # type: ignore[attr-defined]  # every row reminded of has its due date
        kind = kinds.get(reading.status(case, due_on))
        if kind is None or (row.pk, str(kind), due_on) in already:
            continue
        yield row, case, kind, _recorder(reminders, subject, row)


def milestone_deadlines(today: date) -> Iterator[Deadline]:
    """The milestones of the local reviews in progress whose reminder is due on ``today`` and not yet sent."""
    milestones = (
        Milestone.objects.filter(done_on__isnull=True, review__case__stage__in=sorted(WORKING_STAGES))
        .select_related("review__case__partnership")
        .prefetch_related("review__case__children")
        .order_by("review__case_id", "position")
    )
    due = reminders_due(
        milestones,
        reminders=MilestoneReminder,
        subject="milestone",
        kinds=_KINDS,
        case_of=lambda milestone: milestone.review.case,
        today=today,
    )
    for milestone, case, kind, record in due:
        rule = MILESTONE_RULES[MilestoneKind(milestone.kind)]
        yield Deadline(
            case=case,
            title=f"Local review: {rule.label.lower()}",
            due=milestone.due_on,
            sentence=f"A milestone of the local review the partnership supervises ({rule.section}, §6.7).",
            ask=ASK_OVERDUE if kind is MilestoneReminder.Kind.OVERDUE else ASK_DUE,
            kind=kind.value,
            record=record,
            link=kit.link("local_reviews:overview", reference=case.reference),
            details={
                "milestone": milestone.pk,
                "milestone_kind": milestone.kind,
                "kind": kind.value,
                "due_on": milestone.due_on,
            },
        )
