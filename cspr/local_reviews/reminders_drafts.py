"""Requests for comments on a draft in the case clocks' reminders sweep (:mod:`cspr.cases.reminders`), chased as
information requests are: the organisation's contributors are reminded when the comments are due soon (the preset's
"due soon" working days, the partnership's closure days counted) and chased once they are overdue, once each per due
date. The message names the case by its reference only and links to the request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from cspr.cases.reminders import Deadline
from cspr.core.policy import DRAFT_COMMENTERS
from cspr.domain.local_review import MilestoneStatus
from cspr.kernel.kit import link
from cspr.local_reviews.models_drafts import CommentReminder, CommentRequest
from cspr.local_reviews.reminders import reminders_due
from cspr.local_reviews.selectors_drafts import COMMENT_STAGES
from cspr.partnerships.selectors import member_emails

_KINDS = {
    MilestoneStatus.DUE_SOON: CommentReminder.Kind.DUE_SOON,
    MilestoneStatus.OVERDUE: CommentReminder.Kind.OVERDUE,
}
ASK_OVERDUE = "Please send the organisation's comments on the draft now, or tell the business unit why not."
ASK_DUE = "Please send the organisation's comments on the draft by then."


def _contributors(request: CommentRequest) -> Callable[[], list[str]]:
    def to() -> list[str]:
        return member_emails(
            partnership_id=request.draft.review.case.partnership_id,
            roles=DRAFT_COMMENTERS,
            organisation_ids=[request.organisation_id],
        )

    return to


def comment_deadlines(today: date) -> Iterator[Deadline]:
    """The requests for comments not yet answered whose reminder or chaser is due on ``today`` and not yet sent."""
    requests = (
        CommentRequest.objects.filter(comments__isnull=True, draft__review__case__stage__in=sorted(COMMENT_STAGES))
        .select_related("draft__review__case__partnership")
        .order_by("id")
    )
    due = reminders_due(
        requests,
        reminders=CommentReminder,
        subject="request",
        kinds=_KINDS,
        case_of=lambda request: request.draft.review.case,
        today=today,
    )
    for request, case, kind, record in due:
        yield Deadline(
            case=case,
            title=f"comments on draft {request.draft.number} of the local review's report",
            due=request.due_on,
            sentence="The business unit asked your organisation to check the draft for factual accuracy (§7.1).",
            ask=ASK_OVERDUE if kind is CommentReminder.Kind.OVERDUE else ASK_DUE,
            kind=kind.value,
            record=record,
            details={
                "comment_request": str(request.uuid),
                "organisation": request.organisation_id,
                "draft": request.draft.number,
                "kind": kind.value,
                "due_on": request.due_on,
            },
            to=_contributors(request),
            link=link("local_reviews:comment-request", reference=case.reference, request_uuid=request.uuid),
            reference_only=True,
        )
