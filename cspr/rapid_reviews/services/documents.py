"""Documents: the PRG meeting's papers kept and opened, and the rapid review opened as a document (the Word file
or the print view), with or without identifying details. Every opening is audited."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Any

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import IdentifyingDetails, identifying_details_view
from cspr.kernel import documents
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, now
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import MeetingPaper
from cspr.rapid_reviews.services.common import MEETING_NOT_SCHEDULED, NOT_ALLOWED, TEXTS, allowed


def meeting_paper_attach(
    *,
    acting: Acting,
    case: Case,
    upload: Any,
    title: str,
    at: datetime | None = None,
) -> MeetingPaper:
    """Keep a paper for the PRG meeting (checked as case documents are: size, type by content, the scanner hook)."""
    grant = allowed(acting, "rapid_reviews.organise_meeting", case)
    title = TEXTS.clean("title", title)
    if not title:
        raise CaseActionRefused(documents.TITLE_NEEDED, field="title")
    meeting = selectors.meeting_get(case=case)
    if meeting is None:
        raise CaseActionRefused(MEETING_NOT_SCHEDULED)
    at = now(at)
    paper_uuid = uuid_module.uuid4()
    with documents.kept(upload=upload, folder=str(case.uuid), name=str(paper_uuid)) as stored, transaction.atomic():
        paper = MeetingPaper(
            uuid=paper_uuid, meeting=meeting, uploaded_by=acting.user, uploaded_at=at, **stored.model_fields()
        )
        paper.seal("title", title)
        paper.seal("original_name", documents.original_name(upload, "paper"))
        paper.save(force_insert=True)
        audit_case(
            acting,
            "rapid_review.paper_attached",
            case,
            grant=grant,
            paper=str(paper_uuid),
            **stored.audit_details(),
        )
    return paper


def meeting_paper_download(*, acting: Acting, case: Case, paper: MeetingPaper) -> documents.Download:
    """Open a meeting paper for a PRG member (§4.2); each download is audited."""
    grant = allowed(acting, "rapid_reviews.read_papers", case)
    if paper.meeting.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)
    with transaction.atomic():
        audit_case(acting, "rapid_review.paper_downloaded", case, grant=grant, paper=str(paper.uuid))
    return documents.Download.of(paper)


def rapid_review_document_open(
    *,
    acting: Acting,
    case: Case,
    identifying: bool,
    output: str = "docx",
    purpose: str = "",
    purpose_other: str = "",
) -> IdentifyingDetails | None:
    """Audit a download (or print view) of the rapid review. With identifying details, the purpose is required and
    the view of the details is audited as on the identifying-details page; returns them for the document."""
    grant = allowed(acting, "rapid_reviews.identifying_document" if identifying else "rapid_reviews.view", case)
    details = None
    if identifying:
        details = identifying_details_view(
            acting=acting,
            case=case,
            purpose=purpose,
            purpose_other=purpose_other,
        )
    with transaction.atomic():
        audit_case(
            acting,
            "rapid_review.document_opened",
            case,
            grant=grant,
            identifying=identifying,
            output=output,
        )
    return details
