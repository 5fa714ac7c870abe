"""The rapid review's learning actions followed to their end (§7.10): each is done, or closed without being done
with a reason. A case closes only once none is open (the lifecycle's ``close`` guard, answered by
:func:`cspr.rapid_reviews.selectors.learning_actions_facts`). The tracked actions of a local review come with the
learning stage; until then these are the actions there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case
from cspr.domain.lifecycle import CLOSED_STAGES, Stage
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future, now
from cspr.rapid_reviews.models import LearningAction, PrgDecision
from cspr.rapid_reviews.services.common import TEXTS, allowed, case_locked

UNKNOWN_ACTION = "There is no such action on this case."
ACTION_RESOLVED = "This action is already recorded as {status}."
CASE_CLOSED = "The case is closed: reopen it to change its actions."
OUTCOME_NEEDED = "Choose whether the action is done or closed without being done."
CLOSED_REASON_NEEDED = "Say why the action is closed without being done."
RESOLVED_ON = "Date the action ended"
"""How the date a learning action ended is named, on its form and in messages."""
BEFORE_AGREED = f"{RESOLVED_ON} must be the same as or after the day the action was agreed"
NOT_AGREED_YET = (
    "The actions are agreed with the PRG's decision; until then they are part of the draft record. Record how an "
    "action ended once the decision is recorded."
)

OUTCOMES = (LearningAction.Status.DONE, LearningAction.Status.CLOSED)


@dataclass(frozen=True)
class ActionEnding:
    """How a learning action ended: ``outcome`` done or closed (without being done, then with a ``reason``), on
    ``resolved_on``."""

    outcome: str
    resolved_on: date
    reason: str = ""


def learning_action_resolve(
    *, acting: Acting, case: Case, action_id: int, ending: ActionEnding, at: datetime | None = None
) -> LearningAction:
    """Record that an open action ended as ``ending`` says."""
    grant = allowed(acting, "rapid_reviews.resolve_action", case)
    at = now(at)
    outcome, resolved_on = ending.outcome, ending.resolved_on
    if outcome not in OUTCOMES:
        raise CaseActionRefused(OUTCOME_NEEDED, field="outcome")
    not_future(resolved_on, today=local_today(at), field="resolved_on")
    closed = outcome == LearningAction.Status.CLOSED
    reason = TEXTS.clean("closed_reason", ending.reason, field="reason") if closed else ""
    if closed and not reason:
        raise CaseActionRefused(CLOSED_REASON_NEEDED, field="reason")
    with transaction.atomic():
        case = case_locked(case)
        if Stage(case.stage) in CLOSED_STAGES:
            raise CaseActionRefused(CASE_CLOSED)
        action = LearningAction.objects.select_for_update().filter(case=case, pk=action_id).first()
        if action is None:
            raise CaseActionRefused(UNKNOWN_ACTION)
        # While the record is a draft its actions are rewritten with each save of the learning page (the record's
        # service replaces them), so only an agreed action can be followed to its end.
        if not PrgDecision.objects.filter(review_id=action.review_id).exists():
            raise CaseActionRefused(NOT_AGREED_YET)
        if action.status != LearningAction.Status.OPEN:
            raise CaseActionRefused(ACTION_RESOLVED.format(status=action.get_status_display().lower()))
        if resolved_on < local_today(action.created_at):
            raise CaseActionRefused(BEFORE_AGREED, field="resolved_on")
        action.status = outcome
        action.resolved_on = resolved_on
        action.seal("closed_reason", reason)
        action.resolved_by = acting.user
        action.resolved_at = at
        action.save(update_fields=["status", "resolved_on", "closed_reason_sealed", "resolved_by", "resolved_at"])
        audit_case(
            acting,
            "rapid_review.action_resolved",
            case,
            grant=grant,
            action=action.position + 1,
            outcome=outcome,
            resolved_on=resolved_on,
        )
    return action
