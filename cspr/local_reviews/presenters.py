"""View models for the local review's pages and its section of the case page: plain values and words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.urls import reverse

from cspr.cases.facts import CaseDetail, case_detail
from cspr.cases.models import Case
from cspr.cases.panels import PanelAction, PanelDeadline, PanelView
from cspr.cases.selectors_processes import ProcessRow
from cspr.domain.lifecycle import Stage
from cspr.domain.local_review import MilestoneKind, MilestoneStatus, Route
from cspr.local_reviews import selectors
from cspr.local_reviews.models import LocalReview, MilestoneMove
from cspr.local_reviews.selectors import CheckpointRow, MilestoneRow, TermsView
from cspr.partnerships.scoping import Scope

STATUS_COLOURS = {
    MilestoneStatus.DUE: "govuk-tag--blue",
    MilestoneStatus.DUE_SOON: "govuk-tag--yellow",
    MilestoneStatus.OVERDUE: "govuk-tag--red",
    MilestoneStatus.DONE: "govuk-tag--green",
}
RATING_COLOURS = {"on_track": "govuk-tag--green", "concerns": "govuk-tag--yellow", "off_track": "govuk-tag--red"}


def _url(name: str, case: Case, **kwargs: object) -> str:
    return reverse(f"local_reviews:{name}", kwargs={"reference": case.reference, **kwargs})


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- the case-page panel ---------------------------------------------------------------------------------------------


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """On the case page of a case with a local review decided: whether it has started, its terms of reference, its
    milestones among the case's deadlines, and the way in."""
    if not rules.test_rule("local_reviews.view", scope, case):
        return None
    outline = selectors.local_review_outline(case=case)
    keeps = rules.test_rule("local_reviews.keep", scope, case)
    if outline.started_on is None:
        if case.stage not in selectors.STARTABLE_STAGES:
            return None
        actions = (PanelAction("Start the local review", _url("start", case), "§6.1"),) if keeps else ()
        return PanelView(
            template="local_reviews/_panel.html",
            context={"outline": outline, "decided_on": case.decision_on, "url": _url("overview", case)},
            actions=actions,
        )
    # Once the case has moved past the review (or off it), its milestones are no longer deadlines.
    milestones = selectors.case_milestones(case=case, today=today) if case.stage in selectors.WORKING_STAGES else []
    return PanelView(
        template="local_reviews/_panel.html",
        context={"outline": outline, "decided_on": case.decision_on, "url": _url("overview", case)},
        deadlines=tuple(
            PanelDeadline(
                title=f"Local review: {row.label.lower()}",
                sentence=f"A milestone the partnership set for the review ({row.section}, §6.7).",
                due=row.due_on,
                status_label=row.status_label,
                colour=STATUS_COLOURS[row.status],
                done_on=row.done_on,
                days_left_words=row.days_left_words,
            )
            for row in milestones
        ),
    )


def moved_after_publication(move: MilestoneMove, publication_due: date | None) -> str:
    """What a page says once a milestone is moved past the report's publication deadline ("" when it is not): the
    move stands (the partnership may have agreed an extension), but it is said plainly."""
    if publication_due is None or move.to_on <= publication_due:
        return ""
    label = MilestoneKind(move.milestone.kind).label
    return (
        f"{label} is now due on {_day(move.to_on)}, after the report's publication deadline of "
        f"{_day(publication_due)} (§7.8). Bring it forward, or record the extension agreed for publication."
    )


# -- the local review's page -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    view: TermsView
    url: str


@dataclass(frozen=True)
class LocalReviewPage:
    case: Case
    review: LocalReview
    route_label: str
    joint_contact: str
    joint_lead: str
    versions: tuple[VersionRow, ...]
    milestones: list[MilestoneRow]
    checkpoints: list[CheckpointRow]
    show_checkpoints: bool
    open_processes: list[ProcessRow]
    can_keep: bool
    can_agree: bool
    next_steps: tuple[str, ...]
    reviewer: str
    """The commissioned reviewer's name ("" while none is): the reviewers app tells it through the case's facts."""

    @property
    def reviewer_words(self) -> str:
        """Who reviews, as the page says it: by name once the register knows them."""
        if self.reviewer:
            return f"{self.reviewer}, commissioned through the register of reviewers (§6.1-6.2)"
        if self.case.stage == Stage.LOCAL_REVIEW:
            return "Not commissioned yet (§6.1-6.2)"
        return "Commissioned through the register of reviewers (§6.1-6.2)"

    @property
    def latest(self) -> TermsView | None:
        return self.versions[-1].view if self.versions else None


def _next_steps(case: Case, page_versions: tuple[VersionRow, ...], milestones: list[MilestoneRow]) -> tuple[str, ...]:
    steps = []
    latest = page_versions[-1].view if page_versions else None
    if latest is None:
        steps.append("Write the terms of reference: the method, the scope and how each parallel process is handled.")
    elif latest.agreed_on is None:
        if case.stage == Stage.LOCAL_REVIEW:
            steps.append("Commission the reviewer, then agree the terms of reference with them (§6.2-6.3).")
        else:
            steps.append(f"Agree version {latest.number} of the terms of reference with the reviewer (§6.3).")
    overdue = [row.label.lower() for row in milestones if row.status is MilestoneStatus.OVERDUE]
    if overdue:
        steps.append(f"Overdue: {', '.join(overdue)}. Mark each done, or move its due date and say why.")
    soon = [
        f"{row.label.lower()} ({row.days_left_words.lower()})"
        for row in milestones
        if row.status is MilestoneStatus.DUE_SOON
    ]
    if soon:
        steps.append(f"Due soon: {', '.join(soon)}. Mark each done when it is, or move its due date and say why.")
    publication_due = next((row.publication_due for row in milestones if row.publication_due is not None), None)
    if publication_due is not None:
        names = ", ".join(row.label.lower() for row in milestones if row.publication_due is not None)
        steps.append(
            f"Due after the report's publication deadline ({_day(publication_due)}, §7.8): {names}. Bring each "
            "forward, or record the extension agreed for publication."
        )
    steps.append("Record a checkpoint of the review's progress and quality at each milestone (§6.7).")
    return tuple(steps)


def local_review_page(*, case: Case, scope: Scope, today: date) -> LocalReviewPage | None:
    """The case's local review for its readers (``None`` before it starts)."""
    review = selectors.local_review_get(case=case)
    if review is None:
        return None
    working = case.stage in selectors.WORKING_STAGES
    show_checkpoints = bool(rules.test_rule("local_reviews.read_checkpoints", scope, case))
    can_keep = working and bool(rules.test_rule("local_reviews.keep", scope, case))
    versions = tuple(
        VersionRow(view, _url("terms-version", case, number=view.number))
        for view in selectors.terms_versions(review=review, reveal=True)
    )
    milestones = selectors.milestone_rows(review=review, today=today, days=selectors.milestone_days(case=case))
    latest = versions[-1].view if versions else None
    return LocalReviewPage(
        case=case,
        review=review,
        route_label=Route(review.route).label,
        joint_contact=selectors.joint_contact_revealed(review=review),
        joint_lead=selectors.JOINT_LEADS.get(review.joint_lead, ""),
        versions=versions,
        milestones=milestones,
        checkpoints=selectors.checkpoint_rows(review=review, reveal=True) if show_checkpoints else [],
        show_checkpoints=show_checkpoints,
        open_processes=selectors.open_processes(case=case),
        can_keep=can_keep,
        can_agree=can_keep and latest is not None and latest.agreed_on is None and case.stage != Stage.LOCAL_REVIEW,
        next_steps=_next_steps(case, versions, milestones) if can_keep else (),
        reviewer=case_detail(case=case, detail=CaseDetail.REVIEWER),
    )


# -- a version and what changed ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _answers(view: TermsView) -> dict[str, tuple[str, str]]:
    """A version's answers, each as (label, words), keyed so two versions line up."""
    answers = {
        "method": ("Method", view.method_words),
        "period": ("Period under review", f"{_day(view.period_from)} to {_day(view.period_to)}"),
        "lines": ("Key lines of enquiry", "\n".join(view.lines_of_enquiry)),
        "practitioners": ("How practitioners will be involved", view.practitioners),
        "family": ("How the family will be involved", view.family),
        "proportionality": ("Why the review is proportionate", view.proportionality),
    }
    for row in view.handling:
        answers[f"process_{row.process_id}"] = (f"How the review handles the {row.process_label.lower()}", row.handling)
    return answers


def differences(before: TermsView, after: TermsView) -> list[Difference]:
    """Every answer of two versions side by side, in the later version's order (then any the later one dropped)."""
    old, new = _answers(before), _answers(after)
    keys = [*new, *(key for key in old if key not in new)]
    return [
        Difference(
            label=(new.get(key) or old[key])[0],
            before=old[key][1] if key in old else "(not asked)",
            after=new[key][1] if key in new else "(not asked)",
        )
        for key in keys
    ]


@dataclass(frozen=True)
class VersionPage:
    case: Case
    version: TermsView
    previous: TermsView | None
    differences: list[Difference]
    can_agree: bool

    @property
    def changed(self) -> list[Difference]:
        return [difference for difference in self.differences if difference.changed]

    @property
    def unchanged(self) -> list[str]:
        return [difference.label for difference in self.differences if not difference.changed]


def terms_version_page(*, page: LocalReviewPage, number: int) -> VersionPage | None:
    """One version of the terms of reference with what changed since the one before (``None``: no such version)."""
    views = [row.view for row in page.versions]
    found = next((index for index, view in enumerate(views) if view.number == number), None)
    if found is None:
        return None
    version = views[found]
    previous = views[found - 1] if found > 0 else None
    return VersionPage(
        case=page.case,
        version=version,
        previous=previous,
        differences=differences(previous, version) if previous is not None else [],
        can_agree=page.can_agree and found == len(views) - 1,
    )
