"""Reads of a case's local review (§5.5, §6.1-6.7).

The case is the one its page found through the person's scope (:func:`cspr.cases.selectors.case_get`), or the one a
service was given after its rule; every read here is of that case's rows. Sealed text is revealed only here
(ADR 0009), and only with ``reveal`` (each read audited by the middleware); without it a recorded value reads as
"Recorded". :func:`local_review_facts` reads no sealed column at all (the API's answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, OuterRef, Prefetch, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from cspr.cases import selectors as case_selectors
from cspr.cases.models import Case, ParallelProcess
from cspr.cases.selectors import person_name as _name
from cspr.cases.selectors import sealed_words as _text
from cspr.cases.selectors_processes import ProcessRow, case_processes
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.clocks import days_left_words
from cspr.domain.lifecycle import Stage
from cspr.domain.local_review import (
    MILESTONE_RULES,
    JointLead,
    Method,
    MilestoneKind,
    MilestoneStatus,
    Route,
    milestone_reading,
)
from cspr.domain.roles import Role
from cspr.kernel.edits import EditStamp
from cspr.local_reviews.models import (
    Checkpoint,
    LocalReview,
    Milestone,
    MilestoneMove,
    ProcessHandling,
    TermsOfReference,
)
from cspr.rapid_reviews.selectors import review_get

STARTABLE_STAGES = frozenset({Stage.LOCAL_REVIEW, Stage.REVIEWER_COMMISSIONED})
"""The stages a local review can be started at: decided, and perhaps its reviewer commissioned already."""
WORKING_STAGES = STARTABLE_STAGES | {Stage.REVIEW_IN_PROGRESS, Stage.DRAFT_REPORT}
"""The stages the local review is kept at: its terms of reference, milestones and checkpoints."""
OPEN_PROCESS_STATUSES = frozenset({"expected", "active", "paused"})
"""A parallel process is open until it has concluded: the terms of reference must say how each open one is handled."""

# What the case page reads with its case (cspr.cases.panels.CasePanel.annotations): the day the review started, and
# the number and agreement date of its latest terms of reference (all empty when there is none).
_STARTED_ON = "local_review_started_on"
_TERMS_NUMBER = "local_review_terms_number"
_TERMS_AGREED_ON = "local_review_terms_agreed_on"
# And the milestones (six at most), as one text of "position:id:kind:due:done" lines, sorted here (SQLite cannot order
# inside the aggregate), so that showing them among the case's deadlines reads nothing apart.
_MILESTONES = "local_review_milestones"


def local_review_get(*, case: Case) -> LocalReview | None:
    """The case's local review, or ``None`` before it starts."""
    return LocalReview.objects.filter(case=case).first()


def joint_contact_revealed(*, review: LocalReview) -> str:
    """The other partnership's contact of a joint review (empty for a review of this partnership alone)."""
    return review.unseal("joint_contact") if review.joint else ""


def decision_route(*, case: Case) -> Route | None:
    """How the decision to hold a local review came, read from the case's path: the §5.6 discretionary route; the
    Panel's response after the Executive Group ratified a local review (the Executive's decision); or the Panel's
    response after it ratified none (the Panel's). ``None`` when the case never reached the local review stage."""
    transition = case_selectors.case_last_transition_into(case=case, stage=Stage.LOCAL_REVIEW)
    if transition is None:
        return None
    if transition == "choose_discretionary_review":
        return Route.DISCRETIONARY
    review = review_get(case=case)
    ratification = getattr(review, "ratification", None) if review is not None else None
    return Route.EXECUTIVE if ratification is not None and ratification.local_review else Route.PANEL


def open_processes(*, case: Case) -> list[ProcessRow]:
    """The parallel processes open on the case's register (not concluded), in the register's order; no words."""
    return [row for row in case_processes(case=case, reveal=False) if row.answers["status"] in OPEN_PROCESS_STATUSES]


# -- the case page's outline ------------------------------------------------------------------------------------------


def case_page_annotations() -> dict[str, Any]:
    """The values the case page reads with its case: when the review started, its latest terms' number and agreement."""
    latest = TermsOfReference.objects.filter(review__case=OuterRef("pk")).order_by("-number")
    parts = (
        Cast("position", CharField()),
        Cast("id", CharField()),
        "kind",
        Cast("due_on", CharField()),
        Coalesce(Cast("done_on", CharField()), Value("")),
    )
    line = Concat(*[piece for part in parts for piece in (part, Value(":"))][:-1], output_field=CharField())
    milestones = (
        Milestone.objects.filter(review__case=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(rows=StringAgg(line, delimiter=Value("\n")))
        .values("rows")
    )
    return {
        _STARTED_ON: Subquery(LocalReview.objects.filter(case=OuterRef("pk")).values("started_on")[:1]),
        _TERMS_NUMBER: Subquery(latest.values("number")[:1]),
        _TERMS_AGREED_ON: Subquery(latest.values("agreed_on")[:1]),
        _MILESTONES: Subquery(milestones),
    }


@dataclass(frozen=True)
class Outline:
    """Whether the local review has started, and its latest terms of reference's number and agreement; no words."""

    started_on: date | None
    terms_number: int | None
    terms_agreed_on: date | None


def local_review_outline(*, case: Case) -> Outline:
    """The outline, as read with the case on its page, else read now."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _STARTED_ON):
        return Outline(getattr(case, _STARTED_ON), getattr(case, _TERMS_NUMBER), getattr(case, _TERMS_AGREED_ON))
    review = local_review_get(case=case)
    if review is None:
        return Outline(None, None, None)
    latest = terms_latest(review=review)
    return Outline(review.started_on, latest.number if latest else None, latest.agreed_on if latest else None)


# -- terms of reference -----------------------------------------------------------------------------------------------


def terms_latest(*, review: LocalReview) -> TermsOfReference | None:
    """The latest version of the review's terms of reference (with who saved it), or ``None``."""
    return TermsOfReference.objects.filter(review=review).select_related("saved_by").order_by("-number").first()


def terms_stamp(*, review: LocalReview) -> EditStamp:
    """The terms of reference's version now (0 before the first), and who saved it and when (ADR 0013)."""
    latest = terms_latest(review=review)
    if latest is None:
        return EditStamp(version=0)
    return EditStamp(version=latest.number, by=_name(latest.saved_by), at=latest.saved_at)


@dataclass(frozen=True)
class HandlingRow:
    process_id: int
    process_label: str
    status_label: str
    handling: str


@dataclass(frozen=True)
class TermsView:
    """One version of the terms of reference as its page shows it."""

    number: int
    method: str
    method_label: str
    method_other: str
    period_from: date
    period_to: date
    lines_of_enquiry: tuple[str, ...]
    practitioners: str
    family: str
    proportionality: str
    handling: tuple[HandlingRow, ...]
    saved_by: str
    saved_on: date
    agreed_on: date | None
    agreed_by: str
    agreed_role: str

    @property
    def method_words(self) -> str:
        return f"{self.method_label}: {self.method_other}" if self.method_other else self.method_label


def _kind_label(kind: str) -> str:
    return str(dict(ParallelProcess.Kind.choices).get(kind, kind))


def _status_label(status: str) -> str:
    return str(dict(ParallelProcess.Status.choices).get(status, status))


def _terms_view(terms: TermsOfReference, *, reveal: bool) -> TermsView:
    lines = tuple(terms.unseal_list("lines_of_enquiry")) if reveal else (case_selectors.WITHHELD,)
    return TermsView(
        number=terms.number,
        method=terms.method,
        method_label=Method(terms.method).label,
        method_other=_text(terms, "method_other", reveal=reveal),
        period_from=terms.period_from,
        period_to=terms.period_to,
        lines_of_enquiry=lines,
        practitioners=_text(terms, "practitioners", reveal=reveal),
        family=_text(terms, "family", reveal=reveal),
        proportionality=_text(terms, "proportionality", reveal=reveal),
        handling=tuple(
            HandlingRow(
                process_id=row.process_id,
                process_label=_kind_label(row.process_kind),
                status_label=_status_label(row.process_status),
                handling=_text(row, "handling", reveal=reveal),
            )
            for row in terms.handling.all()
        ),
        saved_by=_name(terms.saved_by),
        saved_on=timezone.localdate(terms.saved_at),
        agreed_on=terms.agreed_on,
        agreed_by=_name(terms.agreed_by) if terms.agreed_by else "",
        agreed_role=Role(terms.agreed_role).label if terms.agreed_role else "",
    )


def terms_versions(*, review: LocalReview, reveal: bool) -> list[TermsView]:
    """Every version of the review's terms of reference, the first first."""
    rows = (
        TermsOfReference.objects.filter(review=review)
        .select_related("saved_by", "agreed_by")
        .prefetch_related(Prefetch("handling", queryset=ProcessHandling.objects.all()))
    )
    return [_terms_view(row, reveal=reveal) for row in rows]


def terms_answers_revealed(*, review: LocalReview) -> dict[str, Any]:
    """The latest version's answers, as the form for a new version starts from (the business unit's form): every
    value, the sealed text revealed, each process's handling under ``process_<id>``."""
    latest = terms_latest(review=review)
    if latest is None:
        return {"method": Method.SYSTEMS.value}
    return {
        "method": latest.method,
        "method_other": latest.unseal("method_other"),
        "period_from": latest.period_from,
        "period_to": latest.period_to,
        "lines_of_enquiry": "\n".join(latest.unseal_list("lines_of_enquiry")),
        "practitioners": latest.unseal("practitioners"),
        "family": latest.unseal("family"),
        "proportionality": latest.unseal("proportionality"),
        **{f"process_{row.process_id}": row.unseal("handling") for row in latest.handling.all()},
    }


# -- milestones and checkpoints ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveRow:
    from_on: date
    to_on: date
    reason: str
    recorded_by: str
    recorded_on: date


PUBLICATION_CLOCK = "publication"
"""The case's clock for publishing the review's report (§7.8: "Publish the report"), the milestones' last word."""


@dataclass(frozen=True)
class MilestoneDays:
    """What a milestone's standing is read against: the partnership's working calendar and the preset's "due soon"
    working days (the case clocks' own, read once per page), and the day the report's publication is due by."""

    calendar: WorkingCalendar
    due_soon_days: int
    publication_due: date | None


def publication_due(*, case: Case) -> date | None:
    """The day the case's report is due to be published by (its extension's, once one is agreed), if known."""
    return case_selectors.case_clock_due(case=case, clock_id=PUBLICATION_CLOCK)


def milestone_days(*, case: Case) -> MilestoneDays:
    """The case's :class:`MilestoneDays`: on the case page, from the calendar and clocks its clocks read."""
    calendar, preset = case_selectors.case_calendar_and_preset(case=case)
    return MilestoneDays(
        calendar=calendar, due_soon_days=preset.due_soon_days, publication_due=publication_due(case=case)
    )


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    kind: str
    label: str
    section: str
    proposed_on: date
    due_on: date
    done_on: date | None
    status: MilestoneStatus
    moves: tuple[MoveRow, ...] = ()
    working_days_left: int | None = None
    publication_due: date | None = None
    """The day the report's publication is due by, when this milestone, not done, is due after it."""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on

    @property
    def days_left_words(self) -> str:
        """The working days left, as the case's clocks say them ("" once done, or when they cannot be counted)."""
        return "" if self.working_days_left is None else days_left_words(self.working_days_left)


def _milestone_row(
    row: Milestone, *, today: date, days: MilestoneDays, moves: tuple[MoveRow, ...] = ()
) -> MilestoneRow:
    kind = MilestoneKind(row.kind)
    reading = milestone_reading(
        row.due_on, done_on=row.done_on, today=today, calendar=days.calendar, due_soon_days=days.due_soon_days
    )
    publication_due = days.publication_due
    return MilestoneRow(
        id=row.pk,
        kind=row.kind,
        label=kind.label,
        section=MILESTONE_RULES[kind].section,
        proposed_on=row.proposed_on,
        due_on=row.due_on,
        done_on=row.done_on,
        status=reading.status,
        moves=moves,
        working_days_left=reading.working_days_left,
        publication_due=publication_due
        if publication_due is not None and row.done_on is None and row.due_on > publication_due
        else None,
    )


def _move_row(move: MilestoneMove) -> MoveRow:
    return MoveRow(
        from_on=move.from_on,
        to_on=move.to_on,
        reason=move.unseal("reason"),
        recorded_by=_name(move.recorded_by),
        recorded_on=timezone.localdate(move.recorded_at),
    )


def milestone_rows(*, review: LocalReview | None, today: date, days: MilestoneDays) -> list[MilestoneRow]:
    """The review's milestones in order, each with where it stands on ``today`` by the case's ``days``
    (:func:`milestone_days`) and every move of its due date with the reason revealed (the local review's page)."""
    if review is None:
        return []
    moves = Prefetch("moves", queryset=MilestoneMove.objects.select_related("recorded_by"))
    return [
        _milestone_row(row, today=today, days=days, moves=tuple(_move_row(move) for move in row.moves.all()))
        for row in Milestone.objects.filter(review=review).prefetch_related(moves)
    ]


def case_milestones(*, case: Case, today: date) -> list[MilestoneRow]:
    """The case's milestones for its overview, without words, each standing as the case's clocks do (its partnership's
    calendar and "due soon" days): as read with the case on its page, else read now."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _MILESTONES):
        rows = []
        for line in (getattr(case, _MILESTONES) or "").split("\n"):
            if line:
                position, pk, kind, due_on, done_on = line.split(":")
                rows.append(
                    (
                        int(position),
                        Milestone(
                            pk=int(pk),
                            kind=kind,
                            position=int(position),
                            proposed_on=date.fromisoformat(due_on),
                            due_on=date.fromisoformat(due_on),
                            done_on=date.fromisoformat(done_on) if done_on else None,
                        ),
                    )
                )
        milestones = [row for _position, row in sorted(rows, key=lambda pair: pair[0])]
    else:
        milestones = list(Milestone.objects.filter(review__case=case).order_by("position"))
    days = milestone_days(case=case)
    return [_milestone_row(row, today=today, days=days) for row in milestones]


def milestone_get(*, review: LocalReview, milestone_id: int) -> Milestone | None:
    return Milestone.objects.filter(review=review, pk=milestone_id).first()


@dataclass(frozen=True)
class CheckpointRow:
    held_on: date
    kind_label: str
    rating: str
    rating_label: str
    note: str
    recorded_by: str


def checkpoint_rows(*, review: LocalReview, reveal: bool) -> list[CheckpointRow]:
    return [
        CheckpointRow(
            held_on=row.held_on,
            kind_label=row.get_kind_display(),
            rating=row.rating,
            rating_label=row.get_rating_display(),
            note=_text(row, "note", reveal=reveal),
            recorded_by=_name(row.recorded_by),
        )
        for row in Checkpoint.objects.filter(review=review).select_related("recorded_by")
    ]


# -- the API's answer: facts, no words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalReviewFacts:
    started: bool
    route: str | None
    decided_on: date | None
    started_on: date | None
    joint: bool
    joint_lead: str | None
    terms_version: int | None
    terms_agreed_on: date | None
    milestones: list[dict[str, Any]]


def local_review_facts(*, case: Case, today: date) -> LocalReviewFacts:
    """The local review's facts, reading no sealed column: how and when it was decided and started, whether joint
    and who leads, the latest terms of reference's version and agreement date, and each milestone's dates and status
    (``due``, ``overdue`` or ``done``). The reviewer's name is the register of reviewers' to give."""
    review = (
        LocalReview.objects.filter(case=case)
        .only("route", "decided_on", "started_on", "joint", "joint_lead", "case_id")
        .first()
    )
    if review is None:
        return LocalReviewFacts(False, None, case.decision_on, None, False, None, None, None, [])
    latest = TermsOfReference.objects.filter(review=review).order_by("-number").values("number", "agreed_on").first()
    milestones = []
    for row in Milestone.objects.filter(review=review).only("kind", "due_on", "done_on", "review_id"):
        status = milestone_reading(row.due_on, done_on=row.done_on, today=today).status
        milestones.append(
            {
                "kind": row.kind,
                "label": MilestoneKind(row.kind).label,
                "due_on": row.due_on,
                "done_on": row.done_on,
                "status": "due" if status is MilestoneStatus.DUE_SOON else status.value,
            }
        )
    return LocalReviewFacts(
        started=True,
        route=review.route,
        decided_on=review.decided_on,
        started_on=review.started_on,
        joint=review.joint,
        joint_lead=review.joint_lead or None,
        terms_version=latest["number"] if latest else None,
        terms_agreed_on=latest["agreed_on"] if latest else None,
        milestones=milestones,
    )


JOINT_LEADS = {JointLead.THIS.value: "This partnership leads", JointLead.OTHER.value: "The other partnership leads"}
