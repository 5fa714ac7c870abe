"""May this happen now? The one place views, templates, the access policy and services ask (DESIGN §4).

Everything here is read from the lifecycle table (:mod:`cspr.domain.lifecycle`) and the clock rules
(:mod:`cspr.domain.clocks`); nothing is listed twice:

* :func:`closed_stages` / :func:`is_closed` — the stages a case is closed in (only reopening leaves them);
* :func:`before_rapid_review` — a stage on the notification's side of the rapid review;
* :func:`may` — whether a person holding some roles may take a transition from a stage, and why not;
* :func:`open_for` — whether a transition leaves a stage at all (a page's "is this the moment?");
* :func:`reached_by` — whether a stage is where a transition leads (a case closed as not meeting the criteria);
* :func:`authorising_role` — which of a person's roles allowed a transition (what the transition row records);
* :func:`transition_roles` — the roles that may take some transitions (the access policy's role groups);
* :data:`REASON_MIN` and :data:`LATE_REASON_MIN` — the fewest characters of a transition's reason and of the
  reason a clock was met late.
"""

from __future__ import annotations

from cspr.domain.clocks import LATE_REASON_MIN, late_reason_accepted
from cspr.domain.lifecycle import (
    CLOSED_STAGES,
    REASON_MIN,
    STAGE_PATH,
    Stage,
    Verdict,
    authorising_role,
    leaves,
    may,
    path_position,
    reached_by,
    transition_roles,
)

__all__ = [
    "LATE_REASON_MIN",
    "REASON_MIN",
    "Verdict",
    "authorising_role",
    "before_rapid_review",
    "closed_stages",
    "is_closed",
    "late_reason_accepted",
    "may",
    "open_for",
    "reached_by",
    "transition_roles",
]


def closed_stages() -> frozenset[Stage]:
    """The closed stages (closed, closed as not meeting the criteria, withdrawn)."""
    return CLOSED_STAGES


def is_closed(stage: Stage | str) -> bool:
    """Whether a case at ``stage`` is closed."""
    return Stage(stage) in CLOSED_STAGES


def _stages_before(target: Stage) -> frozenset[Stage]:
    """Stages drawn before ``target`` on its flowchart's main line, with the branches beside them."""
    earlier: tuple[Stage, ...] = ()
    for section in STAGE_PATH:
        if target in section.stages:
            earlier = section.stages[: section.stages.index(target)]
    return frozenset(stage for stage in Stage if path_position(stage).anchor in earlier)


_BEFORE_RAPID_REVIEW = _stages_before(Stage.RAPID_REVIEW)


def before_rapid_review(stage: Stage | str) -> bool:
    """Whether ``stage`` comes before the rapid review on the notification's flowchart (Appendix 1).

    The referral, the notification assessment and "not notifiable" (a branch beside the assessment, closed or not) do; a
    discretionary review decided from "not notifiable" is a local review, past the point.
    """
    return Stage(stage) in _BEFORE_RAPID_REVIEW


def open_for(stage: Stage | str, *transitions: str) -> bool:
    """Whether at least one of ``transitions`` leaves ``stage``: the page that leads to it belongs to this moment.

    For example the rapid review record can be edited while ``record_prg_decision`` is still to come.
    """
    return any(leaves(stage, transition) for transition in transitions)
