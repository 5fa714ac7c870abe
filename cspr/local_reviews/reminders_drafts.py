"""Requests for comments on a draft in the case clocks' reminders sweep (:mod:`cspr.cases.reminders`), chased as
information requests are: the organisation's contributors are reminded when the comments are due soon (the preset's
"due soon" working days, the partnership's closure days counted) and chased once they are overdue, once each per due
date. The message names the case by its reference only and links to the request. An organisation with no agency
contributor to receive it is not sent to silently: the business unit hears instead, with a link to the draft's page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from cspr.cases.reminders import Deadline
from cspr.core.policy import DRAFT_COMMENTERS
from cspr.domain.local_review import MilestoneStatus
from cspr.kernel.kit import link
from cspr.local_reviews.models_drafts import CommentReminder, CommentRequest
from cspr.local_reviews.reminders import reminders_due
from cspr.local_reviews.selectors_drafts import COMMENT_STAGES, organisations_to_receive
from cspr.local_reviews.services_drafts import INVITE_CONTRIBUTOR, NOBODY_TO_RECEIVE
from cspr.partnerships.selectors import member_emails

_KINDS = {
    MilestoneStatus.DUE_SOON: CommentReminder.Kind.DUE_SOON,
    MilestoneStatus.OVERDUE: CommentReminder.Kind.OVERDUE,
}
ASK_OVERDUE = "Please send the organisation's comments on the draft now, or tell the business unit why not."
ASK_DUE = "Please send the organisation's comments on the draft by then."
ASKED = "The business unit asked your organisation to check the draft for factual accuracy (§7.1)."


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
        number = request.draft.number
        reachable = organisations_to_receive(
            partnership_id=case.partnership_id, organisation_ids=[request.organisation_id]
        )
        if reachable:
            sentence, ask = ASKED, ASK_OVERDUE if kind is CommentReminder.Kind.OVERDUE else ASK_DUE
            to = _contributors(request)
            page = link("local_reviews:comment-request", reference=case.reference, request_uuid=request.uuid)
        else:
            # Nobody at the organisation can receive it: the business unit hears instead, once per reminder.
            sentence, ask = f"An organisation was asked for these comments, but {NOBODY_TO_RECEIVE}", INVITE_CONTRIBUTOR
            to, page = None, link("local_reviews:draft", reference=case.reference, number=number)
        yield Deadline(
            case=case,
            title=f"comments on draft {number} of the local review's report",
            due=request.due_on,
            sentence=sentence,
            ask=ask,
            kind=kind.value,
            record=record,
            details={
                "comment_request": str(request.uuid),
                "organisation": request.organisation_id,
                "draft": number,
                "kind": kind.value,
                "due_on": request.due_on,
                "nobody_to_receive": not reachable,
            },
            to=to,
            link=page,
            reference_only=True,
        )
