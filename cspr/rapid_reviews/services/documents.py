"""Documents: the PRG meeting's papers kept by the one file store (ADR 0016) and opened, and the rapid review opened
as a document (the Word file or the print view), with or without identifying details. Every opening is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from cspr.cases.models import Case
from cspr.cases.services import IdentifyingDetails, case_file_kept, case_file_open, identifying_details_view
from cspr.files.models import Purpose
from cspr.files.services import FileDownload, FileKind, upload_titled
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED, audit_case
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import MeetingPaper
from cspr.rapid_reviews.services.common import MEETING_NOT_SCHEDULED, TEXTS, allowed

MEETING_PAPER = FileKind(Purpose.MEETING_PAPER, "rapid_review.paper_attached", "rapid_review.paper_downloaded", "paper")

#: Why a PRG member opens a paper: the page opens papers for the meeting and for nothing else (§4.2).
PAPER_REASON = "Reading the papers for the PRG meeting"


def meeting_paper_attach(
    *, acting: Acting, case: Case, upload: Any, title: str, at: datetime | None = None
) -> MeetingPaper:
    """Keep a paper for the PRG meeting in the file store (checked as case documents are: size, type by content,
    the scanner hook; encrypted at rest). One audit event, ``rapid_review.paper_attached``, with the store's facts."""
    grant = allowed(acting, "rapid_reviews.organise_meeting", case)
    titled = upload_titled(upload, title, at=at, texts=TEXTS)
    meeting = selectors.meeting_get(case=case)
    if meeting is None:
        raise CaseActionRefused(MEETING_NOT_SCHEDULED)
    with case_file_kept(MEETING_PAPER, acting=acting, case=case, upload=titled, grant=grant) as stored_file:
        paper = MeetingPaper.objects.create(uuid=stored_file.uuid, meeting=meeting, stored_file=stored_file)
    return paper


def meeting_paper_download(*, acting: Acting, case: Case, paper: MeetingPaper) -> FileDownload:
    """Open a meeting paper for a PRG member (§4.2): checked whole by the file store; the one audit event,
    ``rapid_review.paper_downloaded``, gives the meeting as its reason."""
    grant = allowed(acting, "rapid_reviews.read_papers", case)
    if paper.meeting.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)

    return case_file_open(MEETING_PAPER, acting=acting, case=case, row=paper, reason=PAPER_REASON, grant=grant)


def rapid_review_document_open(
    *, acting: Acting, case: Case, identifying: bool, output: str = "docx", purpose: str = "", purpose_other: str = ""
) -> IdentifyingDetails | None:
    """Audit a download (or print view) of the rapid review. With identifying details, the purpose is required and
    the view of the details is audited as on the identifying-details page; returns them for the document."""
    grant = allowed(acting, "rapid_reviews.identifying_document" if identifying else "rapid_reviews.view", case)
    details = None
    if identifying:
        details = identifying_details_view(acting=acting, case=case, purpose=purpose, purpose_other=purpose_other)
    with transaction.atomic():
        audit_case(acting, "rapid_review.document_opened", case, grant=grant, identifying=identifying, output=output)
    return details
