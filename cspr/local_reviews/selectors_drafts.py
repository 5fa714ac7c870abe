"""Reads of the local review's drafts, the organisations' comments on them and the national review suggested.

The case is the one its page found through the person's scope (:func:`cspr.cases.selectors.case_get`, which gives a
commissioned reviewer their own case only), or the one a service was given after its rule. An agency contributor's
request is found only among their own organisations' (:func:`contributor_request_get`). Comments are revealed only
here, with ``reveal`` (each read audited by the middleware).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cspr.cases.models import Case
from cspr.cases.selectors import cases_visible
from cspr.cases.selectors import person_name as _name
from cspr.cases.selectors import sealed_words as _text
from cspr.core.policy import DRAFT_COMMENTERS
from cspr.domain.lifecycle import Stage
from cspr.domain.roles import Role
from cspr.local_reviews.models_drafts import CommentRequest, DraftComments, NationalSuggestion, ReportDraft
from cspr.partnerships.models import Organisation
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import organisations_reachable
from cspr.rapid_reviews.selectors import involved_organisation_ids
from cspr.returns.inbox import InboxItem

DRAFT_STAGES = frozenset({Stage.REVIEW_IN_PROGRESS, Stage.DRAFT_REPORT})
"""The stages a draft can be uploaded at: the review in progress (the first draft moves the case on) and after."""
COMMENT_STAGES = frozenset({Stage.DRAFT_REPORT})
"""The stages organisations are asked for comments and comment at: once there is a draft, until it is signed off."""
SUGGEST_STAGES = frozenset(
    {Stage.LOCAL_REVIEW, Stage.REVIEWER_COMMISSIONED, Stage.REVIEW_IN_PROGRESS, Stage.DRAFT_REPORT}
)
"""The stages new information during a local review may suggest a national review at (§4.6)."""


def _day(moment: Any) -> date:
    return timezone.localdate(moment)


# -- drafts -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    number: int
    uploaded_by: str
    uploaded_role: str
    uploaded_on: date
    content_type: str
    size: int
    sha256: str
    final: bool
    asked: int
    answered: int


def _draft_rows(drafts: QuerySet[ReportDraft]) -> list[DraftRow]:
    rows = drafts.select_related("uploaded_by", "stored_file").annotate(
        asked=Count("comment_requests"), answered=Count("comment_requests__comments")
    )
    return [
        DraftRow(
            number=row.number,
            uploaded_by=_name(row.uploaded_by),
            uploaded_role=Role(row.uploaded_role).label,
            uploaded_on=_day(row.uploaded_at),
            content_type=row.stored_file.content_type,
            size=row.stored_file.size,
            sha256=row.stored_file.sha256,
            final=row.final_at is not None,
            asked=row.asked,
            answered=row.answered,
        )
        for row in rows
    ]


def draft_rows(*, case: Case) -> list[DraftRow]:
    """Every draft of the case's review, the first first, with its file's facts and how many organisations were asked
    and answered (a flat number of queries)."""
    return _draft_rows(ReportDraft.objects.filter(review__case=case).order_by("number"))


def draft_get(*, case: Case, number: int) -> ReportDraft | None:
    """One draft of the case's review by its number, with its file."""
    return (
        ReportDraft.objects.filter(review__case=case, number=number)
        .select_related("stored_file", "review__case")
        .first()
    )


def draft_row(*, case: Case, number: int) -> DraftRow | None:
    found = _draft_rows(ReportDraft.objects.filter(review__case=case, number=number))
    return found[0] if found else None


def drafts_latest_number(*, case: Case) -> int:
    """The latest draft's number (0 before the first)."""
    return ReportDraft.objects.filter(review__case=case).aggregate(latest=Max("number"))["latest"] or 0


# -- comments ---------------------------------------------------------------------------------------------------------


def organisation_choices(*, case: Case) -> list[tuple[int, str]]:
    """The organisations involved in the case, by name: those the case involves and the agencies the rapid review
    records as involved, any of which may be asked for comments (asking one that the case does not yet involve lets
    its contributors see the case)."""
    ids = involved_organisation_ids(case=case)
    return list(Organisation.objects.filter(id__in=ids).order_by("name").values_list("id", "name"))


def organisations_to_ask(*, case: Case, draft: ReportDraft) -> list[tuple[int, str]]:
    """The organisations involved in the case (:func:`organisation_choices`) not yet asked about this draft: the
    ones the ask form offers."""
    asked = asked_organisation_ids(draft=draft)
    return [(organisation, name) for organisation, name in organisation_choices(case=case) if organisation not in asked]


def organisations_to_receive(*, partnership_id: int, organisation_ids: list[int]) -> set[int]:
    """Which of these organisations have an agency contributor to receive a request for comments, in one query."""
    return organisations_reachable(
        partnership_id=partnership_id, organisation_ids=organisation_ids, roles=DRAFT_COMMENTERS
    )


@dataclass(frozen=True)
class CommentRow:
    """One organisation asked about a draft: by when, whether and when it answered, and (revealed) what it said."""

    organisation: str
    due_on: date
    asked_by: str
    asked_on: date
    reminders: int
    answered_on: date | None
    answered_by: str
    comments: str
    nobody_to_receive: bool

    @property
    def answered(self) -> bool:
        return self.answered_on is not None


def comment_rows(*, draft: ReportDraft, reveal: bool) -> list[CommentRow]:
    """Every organisation asked about the draft, by name, with its comments (revealed with ``reveal``) and whether
    nobody there can receive the request: the page that collates them for the reviewer and the business unit."""
    requests = list(
        CommentRequest.objects.filter(draft=draft)
        .select_related("organisation", "requested_by", "comments__recorded_by")
        .annotate(reminders_sent=Count("reminders"))
        .order_by("organisation__name", "id")
    )
    reachable = organisations_to_receive(
        partnership_id=draft.review.case.partnership_id, organisation_ids=[each.organisation_id for each in requests]
    )
    rows = []
    for request in requests:
        comments: DraftComments | None = getattr(request, "comments", None)
        rows.append(
            CommentRow(
                organisation=request.organisation.name,
                due_on=request.due_on,
                asked_by=_name(request.requested_by),
                asked_on=_day(request.requested_at),
                reminders=request.reminders_sent,
                answered_on=_day(comments.recorded_at) if comments is not None else None,
                answered_by=_name(comments.recorded_by) if comments is not None else "",
                comments=_text(comments, "comments", reveal=reveal) if comments is not None else "",
                nobody_to_receive=comments is None and request.organisation_id not in reachable,
            )
        )
    return rows


def asked_organisation_ids(*, draft: ReportDraft) -> frozenset[int]:
    return frozenset(CommentRequest.objects.filter(draft=draft).values_list("organisation_id", flat=True))


def _contributor_organisations(scope: Scope, partnership_id: int) -> frozenset[int]:
    return frozenset(scope.organisation_ids_in(partnership_id, roles=DRAFT_COMMENTERS))


def contributor_request_get(*, scope: Scope, case: Case, request_uuid: Any) -> CommentRequest | None:
    """A request for comments on the case, only when it went to an organisation this person comments for (else
    ``None``: another organisation's request is not theirs to see)."""
    organisations = _contributor_organisations(scope, case.partnership_id)
    if not organisations:
        return None
    return (
        CommentRequest.objects.filter(uuid=request_uuid, draft__review__case=case, organisation_id__in=organisations)
        .select_related("draft__stored_file", "organisation", "comments__recorded_by")
        .first()
    )


@dataclass(frozen=True)
class CommentsSent:
    """Who sent the organisation's comments on the draft, and on which day."""

    sent_by: str
    sent_on: date


def comments_sent(*, request: CommentRequest) -> CommentsSent | None:
    """Who sent the organisation's comments and when (its own contributors' page), or ``None`` before it answered."""
    comments: DraftComments | None = getattr(request, "comments", None)
    if comments is None:
        return None
    return CommentsSent(sent_by=_name(comments.recorded_by), sent_on=_day(comments.recorded_at))


def own_comments_revealed(*, request: CommentRequest) -> str:
    """What the organisation said about the draft (its own contributors' page), or empty before it answered."""
    comments: DraftComments | None = getattr(request, "comments", None)
    return comments.unseal("comments") if comments is not None else ""


def inbox_items(scope: Scope) -> list[InboxItem]:
    """The requests for comments not yet answered, to the organisations this person comments for, on cases they see
    still at a stage organisations comment at, in every partnership they belong to (the inbox; a few at most)."""
    where = Q(pk__in=[])
    for partnership_id in scope.partnership_ids:
        organisations = _contributor_organisations(scope, partnership_id)
        if organisations:
            visible = cases_visible(scope=scope, partnership_id=partnership_id).values("id")
            where |= Q(
                draft__review__case__partnership_id=partnership_id,
                organisation_id__in=organisations,
                draft__review__case_id__in=visible,
            )
    requests = (
        CommentRequest.objects.filter(
            where, comments__isnull=True, draft__review__case__stage__in=sorted(COMMENT_STAGES)
        )
        .select_related("draft__review__case__partnership", "organisation")
        .order_by("due_on", "id")[:50]
    )
    return [
        InboxItem(
            reference=request.draft.review.case.reference,
            partnership_id=request.draft.review.case.partnership_id,
            partnership=request.draft.review.case.partnership.name,
            organisation=request.organisation.name,
            what=f"Comments on draft {request.draft.number} of the review's report",
            due_on=request.due_on,
            status="Comments not sent yet",
            url=reverse(
                "local_reviews:comment-request",
                kwargs={"reference": request.draft.review.case.reference, "request_uuid": request.uuid},
            ),
        )
        for request in requests
    ]


# -- the national review suggested ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    suggested_on: date
    stage: str
    reason: str
    recorded_by: str


def suggestion_rows(*, case: Case, reveal: bool) -> list[SuggestionRow]:
    """Every time the partnership recorded that new information suggests a national review, the first first."""
    return [
        SuggestionRow(
            suggested_on=row.suggested_on,
            stage=Stage(row.stage).label,
            reason=_text(row, "reason", reveal=reveal),
            recorded_by=_name(row.recorded_by),
        )
        for row in NationalSuggestion.objects.filter(case=case).select_related("recorded_by")
    ]


def national_suggested_on(case: Case) -> date | None:
    """The latest day the partnership concluded that new information suggests a national review (the letter's)."""
    latest: date | None = NationalSuggestion.objects.filter(case=case).aggregate(latest=Max("suggested_on"))["latest"]
    return latest
