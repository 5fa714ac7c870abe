"""Helpers for the report's drafts: the demo reviewer's case (NVALE-2026-007, a discretionary local review naming the
Integrated Care Board as involved) taken to a review in progress, drafts uploaded, the Board asked for comments, and
the URL policy test's objects.

The reviewer is commissioned on Monday 7 December 2026; the review starts on the 14th, its terms are agreed on the
16th; the first draft comes on the 17th and the Board is asked on the 18th for comments by Friday 8 January 2027.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.cases.models import Case
from cspr.domain.roles import Role
from cspr.local_reviews import services_drafts
from cspr.local_reviews.models import LocalReview
from cspr.local_reviews.models_drafts import CommentRequest, ReportDraft
from cspr.partnerships.models import Membership, Organisation
from tests.cases.upload_samples import word_document
from tests.local_reviews.support import agree, save_terms, start, when
from tests.rapid_reviews.support import BU, acting_as
from tests.reviewers.support import ICB, LOCAL_REVIEW_CASE, REVIEWER_EMAIL, reviewer_policy_case

REVIEWER = REVIEWER_EMAIL
CONTRIBUTOR = "contributor.health@example.org"  # the Integrated Care Board's agency contributor
POLICE_LEAD = "police.lead@example.org"  # the police's contributor: the police are not involved in this case
DUE = date(2027, 1, 8)
COMMENTS = "Paragraph 12: the health visitor saw the family on 3 March, not 3 April (Dr Imogen Fakely's notes)."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "Draft report v1.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


def word(name: str = "Draft report v2.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, word_document())


def board() -> Organisation:
    return Organisation.objects.get(name=ICB)


def in_progress(northvale: Any = None) -> Case:
    """The demo reviewer's case with its local review in progress (made once, then found again)."""
    case = Case.objects.get(reference=LOCAL_REVIEW_CASE)
    if not LocalReview.objects.filter(case=case).exists():
        case = reviewer_policy_case(northvale or case.partnership)
        start(case)
        save_terms(case)
        agree(case)
    return Case.objects.get(pk=case.pk)


def upload(case: Case, *, email: str = REVIEWER, day: int = 17, file: Any = None) -> ReportDraft:
    return services_drafts.draft_upload(acting=acting_as(email), case=case, upload=file or pdf(), at=when(day))


def ask(case: Case, number: int = 1, *, day: int = 18, due_on: date = DUE) -> list[CommentRequest]:
    return services_drafts.comments_request(
        acting=acting_as(BU), case=case, number=number, organisations=[board().pk], due_on=due_on, at=when(day)
    )


# -- the URL policy test's objects ------------------------------------------------------------------------------------

DRAFT_PAGES = frozenset(
    {
        "local_reviews:drafts",
        "local_reviews:draft-upload",
        "local_reviews:draft",
        "local_reviews:draft-download",
        "local_reviews:draft-final",
        "local_reviews:comments-ask",
        "local_reviews:comment-request",
        "local_reviews:comment-draft",
        "local_reviews:national-suggest",
    }
)


def drafts_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """The demo reviewer's case with one draft (by the reviewer) and the Board asked about it: made once, then found."""
    case = in_progress(northvale)
    if not ReportDraft.objects.filter(review__case=case).exists():
        upload(case)
        ask(case)
    kwargs: dict[str, Any] = {"reference": case.reference}
    if name in {"local_reviews:draft", "local_reviews:draft-download", "local_reviews:draft-final"}:
        kwargs["number"] = 1
    if name == "local_reviews:comments-ask":
        kwargs["number"] = 1
    if name in {"local_reviews:comment-request", "local_reviews:comment-draft"}:
        kwargs["request_uuid"] = CommentRequest.objects.get(draft__review__case=case).uuid
    return kwargs


def nobody_to_receive(organisation: Organisation) -> None:
    """The organisation's agency contributors leave the partnership: nobody there can receive a request for comments."""
    Membership.objects.filter(organisation=organisation, role=Role.AGENCY_CONTRIBUTOR).update(is_active=False)
