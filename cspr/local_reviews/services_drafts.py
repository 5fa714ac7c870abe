"""The local review's drafts of the report, the organisations' factual-accuracy comments on them, and the business
unit's record that new information suggests a national review (§4.6, §6.7, §7.1).

* :func:`draft_upload` — the reviewer or the business unit uploads a draft (Word or PDF) through the one file store
  (checked, checksummed, encrypted at rest; never replaced): draft 1, 2, … The first takes the lifecycle's
  ``receive_draft`` (review in progress → draft report) and marks the "first draft" milestone done.
* :func:`draft_mark_final` — the reviewer (or the business unit) says the latest draft is the final one: the "final
  draft" milestone is done.
* :func:`draft_open` / :func:`comment_draft_open` — a draft downloaded through the store, audited with the reader's
  purpose: the reviewer's or business unit's, or an organisation's contributor checking it for factual accuracy.
* :func:`comments_request` — the business unit asks organisations involved in the case for comments on a draft by a
  date; their contributors are told (the case reference only) and find the request in their inbox; reminders and
  chasers come from the case clocks' sweep (:mod:`cspr.local_reviews.reminders_drafts`).
* :func:`comments_submit` — an organisation's comments on the draft, once, sealed; the business unit is told.
* :func:`national_review_suggest` — new information suggests a national review: why (sealed) and when, which makes the
  letter to the Panel due (``national-review-suggested-panel``); the case stays where it is until the Panel answers.

Every write is one transaction with its audit event (ids, numbers and dates, never the words).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import case_advance, case_locked, case_organisations_involve, makes_transitions
from cspr.core.policy import DRAFT_COMMENTERS
from cspr.domain.lifecycle import Stage
from cspr.domain.local_review import MilestoneKind
from cspr.domain.roles import Role
from cspr.files.models import Purpose
from cspr.files.services import FileDownload, FileEvents, FileKind, stored_file_kept, stored_file_open, upload_titled
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, local_today, not_future, now
from cspr.kernel.text import NARRATIVE, ONE_LINE, REASON, FieldTexts
from cspr.local_reviews import selectors, selectors_drafts
from cspr.local_reviews.models_drafts import CommentRequest, DraftComments, NationalSuggestion, ReportDraft
from cspr.local_reviews.rules_drafts import ASK, COMMENT, DRAFTS, ROLES, SUGGEST
from cspr.local_reviews.services import milestone_reached
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import member_emails

NOT_STARTED = "Start the local review first."
NOT_IN_PROGRESS = (
    "A draft can be uploaded once the review is in progress (its terms of reference agreed) and until the report is "
    "signed off."
)
NO_SUCH_DRAFT = "There is no such draft of the report."
NOT_LATEST = "Only the latest draft (draft {number}) can be the final one."
ALREADY_FINAL = "Draft {number} is the final draft already."
NOT_COMMENTING = "Organisations can be asked for comments, and comment, only while the report is in draft."
ORGANISATIONS_NEEDED = "Select at least one organisation to ask"
NOT_INVOLVED = "Only organisations involved in the case can be asked for comments."
ALREADY_ASKED = "{organisation} was asked about draft {number} already."
DUE_AFTER_TODAY = "The date comments are due by must be after today"
NO_SUCH_REQUEST = "There is no such request for comments to your organisation."
ALREADY_COMMENTED = "Your organisation sent its comments on draft {number} on {day}."
NOBODY_TO_RECEIVE = (
    "nobody there can receive the request (no active agency contributor in this partnership), so no e-mail went to it."
)
INVITE_CONTRIBUTOR = "Ask the partnership admin to invite an agency contributor from the organisation."
COMMENTS_NEEDED = "Enter your organisation's comments on the draft"
NOT_DURING_REVIEW = (
    "A national review can be suggested only during a local review (from its decision to the draft report)."
)
REASON_NEEDED = "Enter what the new information is and why it suggests a national review"
BEFORE_DECISION = "The date must be the same as or after the decision to hold the local review ({day})"

#: Why a draft is opened, as the file store records it: by the role that reads it.
READER_REASONS = {
    Role.REVIEWER: "Writing the review's report",
    Role.BUSINESS_UNIT: "Supervising the review's report (§6.7)",
}
COMMENTER_REASON = "Checking the draft for factual accuracy for the organisation"
DRAFT_TITLE = "Draft of the review's report"

REPORT_DRAFT = FileKind(
    Purpose.REVIEW_DRAFT,
    "local_review.draft_uploaded",
    "local_review.draft_downloaded",
    kinds=frozenset({"pdf", "docx", "doc"}),
)
"""A draft of the report: Word or PDF only, by name and by content."""

TEXTS = FieldTexts(
    {
        NARRATIVE: {"comments": "The comments"},
        REASON: {"reason": "What the new information is"},
        ONE_LINE: {"title": "The draft"},
    },
    refused=CaseActionRefused,
)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _draft(case: Case, number: int) -> ReportDraft:
    draft = selectors_drafts.draft_get(case=case, number=number)
    if draft is None:
        raise CaseActionRefused(NO_SUCH_DRAFT)
    return draft


# -- drafts -----------------------------------------------------------------------------------------------------------


@makes_transitions("receive_draft")
def draft_upload(*, acting: Acting, case: Case, upload: Any, at: datetime | None = None) -> ReportDraft:
    """Keep a draft of the report (Word or PDF) as the next draft of the case's review, never replacing one. The first
    takes ``receive_draft`` (the case moves to the draft report) and marks the "first draft" milestone done. One audit
    event, ``local_review.draft_uploaded``, with the draft's number and the file's checksum."""
    grant = kit.allowed(acting, DRAFTS, case, ROLES[DRAFTS])
    at = now(at)
    kept: list[ReportDraft] = []

    def on_the_case(verb: str, **details: Any) -> None:
        audit_case(acting, verb, case, obj=kept[0], number=kept[0].number, **details)

    titled = upload_titled(upload, DRAFT_TITLE, at=at, texts=TEXTS)
    with stored_file_kept(
        acting=acting, partnership=case.partnership, upload=titled, events=FileEvents(REPORT_DRAFT, grant, on_the_case)
    ) as stored_file:
        locked = case_locked(case)
        review = selectors.local_review_get(case=locked)
        if review is None:
            raise CaseActionRefused(NOT_STARTED)
        if locked.stage not in selectors_drafts.DRAFT_STAGES:
            raise CaseActionRefused(NOT_IN_PROGRESS)
        draft = ReportDraft.objects.create(
            review=review,
            number=selectors_drafts.drafts_latest_number(case=locked) + 1,
            stored_file=stored_file,
            uploaded_by=kit.person(acting),
            uploaded_role=grant.role.value if grant else "",
            uploaded_at=at,
        )
        kept.append(draft)
        milestone_reached(case=locked, kind=MilestoneKind.FIRST_DRAFT, done_on=local_today(at), acting=acting, at=at)
        if locked.stage == Stage.REVIEW_IN_PROGRESS:
            case_advance(acting=acting, case=locked, transition="receive_draft", facts={}, at=at)
    return draft


def draft_mark_final(*, acting: Acting, case: Case, number: int, at: datetime | None = None) -> ReportDraft:
    """Say the latest draft is the final one (once): the "final draft" milestone is done. Audited."""
    grant = kit.allowed(acting, DRAFTS, case, ROLES[DRAFTS])
    at = now(at)
    with transaction.atomic():
        locked = case_locked(case)
        if locked.stage not in selectors_drafts.COMMENT_STAGES:
            raise CaseActionRefused(NOT_COMMENTING)
        latest = selectors_drafts.drafts_latest_number(case=locked)
        final = ReportDraft.objects.filter(review__case=locked, final_at__isnull=False).first()
        if final is not None:
            raise CaseActionRefused(ALREADY_FINAL.format(number=final.number))
        draft = _draft(locked, number)
        if number != latest:
            raise CaseActionRefused(NOT_LATEST.format(number=latest))
        draft.final_at = at
        draft.final_by = kit.person(acting)
        draft.save(update_fields=["final_at", "final_by"])
        milestone_reached(case=locked, kind=MilestoneKind.FINAL_DRAFT, done_on=local_today(at), acting=acting, at=at)
        audit_case(acting, "local_review.draft_final", locked, obj=draft, grant=grant, number=number)
    return draft


def _open(acting: Acting, case: Case, draft: ReportDraft, grant: Grant | None, reason: str) -> FileDownload:
    def on_the_case(verb: str, **details: Any) -> None:
        audit_case(acting, verb, case, obj=draft, number=draft.number, **details)

    events = FileEvents(REPORT_DRAFT, grant, on_the_case, details={"reference": case.reference, "number": draft.number})
    return stored_file_open(
        acting=acting,
        stored_file=draft.stored_file,
        reason=reason,
        neutral_name=f"{case.reference}-draft-{draft.number}",
        events=events,
    )


def draft_open(*, acting: Acting, case: Case, number: int) -> FileDownload:
    """A draft for the reviewer or the business unit, checked whole by the store and audited with the reader's purpose
    (``local_review.draft_downloaded``), under a neutral name."""
    grant = kit.allowed(acting, DRAFTS, case, ROLES[DRAFTS])
    role = grant.role if grant is not None else Role.BUSINESS_UNIT
    return _open(
        acting, case, _draft(case, number), grant, READER_REASONS.get(role, READER_REASONS[Role.BUSINESS_UNIT])
    )


# -- comments ---------------------------------------------------------------------------------------------------------


def comments_request(
    *,
    acting: Acting,
    case: Case,
    number: int,
    organisations: Iterable[int],
    due_on: date,
    at: datetime | None = None,
) -> list[CommentRequest]:
    """Ask organisations involved in the case for factual-accuracy comments on draft ``number`` by ``due_on`` (after
    today). One the case does not yet involve (an agency only the rapid review named) becomes involved, so that its
    contributors see the case. Each organisation's contributors are told by e-mail, with the case reference only and a
    link; one audit event, ``local_review.comments_requested``."""
    grant = kit.allowed(acting, ASK, case, ROLES[ASK])
    at = now(at)
    chosen = sorted(set(organisations))
    if not chosen:
        raise CaseActionRefused(ORGANISATIONS_NEEDED, field="organisations")
    if due_on <= local_today(at):
        raise CaseActionRefused(DUE_AFTER_TODAY, field="due_on")
    with transaction.atomic():
        locked = case_locked(case)
        if locked.stage not in selectors_drafts.COMMENT_STAGES:
            raise CaseActionRefused(NOT_COMMENTING)
        draft = _draft(locked, number)
        names = dict(selectors_drafts.organisation_choices(case=locked))
        if any(organisation not in names for organisation in chosen):
            raise CaseActionRefused(NOT_INVOLVED, field="organisations")
        asked = selectors_drafts.asked_organisation_ids(draft=draft)
        for organisation in chosen:
            if organisation in asked:
                raise CaseActionRefused(
                    ALREADY_ASKED.format(organisation=names[organisation], number=number), field="organisations"
                )
        case_organisations_involve(
            acting=acting, case=locked, organisation_ids=chosen, because="comments_requested", grant=grant
        )
        requests = [
            CommentRequest.objects.create(
                draft=draft,
                organisation_id=organisation,
                due_on=due_on,
                requested_by=kit.person(acting),
                requested_at=at,
            )
            for organisation in chosen
        ]
        told = 0
        for request in requests:
            reached = _tell_asked(locked, request)
            if not reached:
                _tell_nobody_to_receive(locked, request)
            told += reached
        audit_case(
            acting,
            "local_review.comments_requested",
            locked,
            obj=draft,
            grant=grant,
            number=number,
            organisations=chosen,
            due_on=due_on,
            recipients=told,
        )
    return requests


def _tell_asked(case: Case, request: CommentRequest) -> int:
    """Tell the organisation's contributors that comments on a draft are asked of it: the case reference only."""
    return kit.tell_case(
        case=case,
        to=member_emails(
            partnership_id=case.partnership_id, roles=DRAFT_COMMENTERS, organisation_ids=[request.organisation_id]
        ),
        about="comments asked on a draft report",
        news=f"Your organisation is asked to check a draft of the local review's report on case {case.reference} for "
        f"factual accuracy, and to send its comments by {_day(request.due_on)}.",
        then="Sign in to read the draft and comment",
        link=kit.link("local_reviews:comment-request", reference=case.reference, request_uuid=request.uuid),
        kind="local_review.comments_requested",
    )


def _tell_nobody_to_receive(case: Case, request: CommentRequest) -> int:
    """An organisation was asked for comments but has no agency contributor to receive the request: the business unit
    hears at once (as of an information request nobody can receive), since the request would otherwise wait unseen
    until it is due. The case reference only, and a link to the draft's page, which shows the request as such."""
    number = request.draft.number
    return kit.tell_case(
        case=case,
        to=member_emails(partnership_id=case.partnership_id, roles=[Role.BUSINESS_UNIT]),
        about=f"nobody can receive a request for comments on draft {number}",
        news=f"An organisation was asked for comments on draft {number} of the local review's report on case "
        f"{case.reference}, but {NOBODY_TO_RECEIVE}",
        then=f"{INVITE_CONTRIBUTOR} See the request",
        link=kit.link("local_reviews:draft", reference=case.reference, number=number),
        kind="local_review.nobody_to_comment",
    )


def _own_request(acting: Acting, case: Case, request_uuid: Any) -> tuple[CommentRequest, Grant | None]:
    grant = kit.allowed(acting, COMMENT, case, ROLES[COMMENT])
    request = selectors_drafts.contributor_request_get(scope=acting.scope, case=case, request_uuid=request_uuid)
    if request is None:
        raise CaseActionRefused(NO_SUCH_REQUEST)
    return request, grant


def comment_draft_open(*, acting: Acting, case: Case, request_uuid: Any) -> FileDownload:
    """The draft an organisation was asked about, for its own contributors, audited with their purpose."""
    request, grant = _own_request(acting, case, request_uuid)
    return _open(acting, case, request.draft, grant, COMMENTER_REASON)


def comments_submit(
    *, acting: Acting, case: Case, request_uuid: Any, comments: str, at: datetime | None = None
) -> DraftComments:
    """The organisation's comments on the draft it was asked about: once, sealed. The business unit is told (the case
    reference only); one audit event, ``local_review.comments_submitted``."""
    request, grant = _own_request(acting, case, request_uuid)
    at = now(at)
    comments = TEXTS.needed("comments", comments, COMMENTS_NEEDED)
    with transaction.atomic():
        locked = case_locked(case)
        if locked.stage not in selectors_drafts.COMMENT_STAGES:
            raise CaseActionRefused(NOT_COMMENTING)
        request = CommentRequest.objects.select_for_update().get(pk=request.pk)
        earlier = DraftComments.objects.filter(request=request).first()
        if earlier is not None:
            raise CaseActionRefused(
                ALREADY_COMMENTED.format(number=request.draft.number, day=_day(local_today(earlier.recorded_at)))
            )
        row = kit.inserted(
            DraftComments(request=request, recorded_by=kit.person(acting), recorded_at=at), comments=comments
        )
        kit.tell_case(
            case=locked,
            to=member_emails(partnership_id=locked.partnership_id, roles=[Role.BUSINESS_UNIT]),
            about=f"comments received on draft {request.draft.number}",
            news=f"An organisation sent its comments on draft {request.draft.number} of the local review's report on "
            f"case {locked.reference}.",
            then="Sign in to read them",
            link=kit.link("local_reviews:draft", reference=locked.reference, number=request.draft.number),
            kind="local_review.comments_submitted",
        )
        audit_case(
            acting,
            "local_review.comments_submitted",
            locked,
            obj=row,
            grant=grant,
            number=request.draft.number,
            organisation=request.organisation_id,
            comment_request=str(request.uuid),
        )
    return row


# -- new information suggests a national review (§4.6) ---------------------------------------------------------------


def national_review_suggest(
    *, acting: Acting, case: Case, suggested_on: date, reason: str, at: datetime | None = None
) -> NationalSuggestion:
    """Record that new information during the local review suggests a national review: the day the partnership
    concluded it (not in the future, not before the decision to hold the review) and why (sealed). The letter to the
    Panel is then due on the case's letters page; the case stays at its stage until the Panel's response is recorded.
    One audit event, ``local_review.national_review_suggested``."""
    grant = kit.allowed(acting, SUGGEST, case, ROLES[SUGGEST])
    at = now(at)
    not_future(suggested_on, today=local_today(at), field="suggested_on")
    reason = TEXTS.needed("reason", reason, REASON_NEEDED)
    with transaction.atomic():
        locked = case_locked(case)
        if locked.stage not in selectors_drafts.SUGGEST_STAGES:
            raise CaseActionRefused(NOT_DURING_REVIEW)
        if locked.decision_on is not None and suggested_on < locked.decision_on:
            raise CaseActionRefused(BEFORE_DECISION.format(day=_day(locked.decision_on)), field="suggested_on")
        row = kit.inserted(
            NationalSuggestion(
                case=locked,
                stage=locked.stage,
                suggested_on=suggested_on,
                recorded_by=kit.person(acting),
                recorded_at=at,
            ),
            reason=reason,
        )
        audit_case(
            acting,
            "local_review.national_review_suggested",
            locked,
            obj=row,
            grant=grant,
            stage=locked.stage,
            suggested_on=suggested_on,
        )
    return row
