"""The report's drafts through the test client with real roles: the reviewer uploads, the business unit asks an
organisation, its contributor finds the request in the inbox and comments, and the comments are collated on the
draft's page; another case's drafts and another organisation's request are a 404; errors keep what was typed; the
national review suggested leads to its letter."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.domain.lifecycle import Stage
from cspr.local_reviews.models_drafts import CommentRequest, DraftComments, ReportDraft
from cspr.partnerships.models import Organisation
from tests.local_reviews.support import when
from tests.local_reviews.support_drafts import (
    COMMENTS,
    CONTRIBUTOR,
    PDF,
    POLICE_LEAD,
    REVIEWER,
    ask,
    in_progress,
    nobody_to_receive,
    upload,
    word,
)
from tests.rapid_reviews.support import BU, CHAIR
from tests.reviewers.support import ICB
from tests.support import ClientAs, private_storage, text

# The pages' "today": Friday 18 December 2026.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(when(18), tick=False)]


@pytest.fixture(autouse=True)
def storage(settings: object, tmp_path: object) -> object:
    """The file store in the test's own folder."""
    return private_storage(settings, tmp_path)


def page(case: Case, rest: str = "") -> str:
    return f"/cases/{case.reference}/local-review/{rest}"


def drafted(client_as: ClientAs) -> tuple[Case, Client]:
    """The case with its first draft, and the business unit signed in."""
    case = in_progress()
    upload(case)
    return case, client_as(BU)


def test_the_reviewer_uploads_a_draft_and_finds_it_with_its_checksum(client_as: ClientAs) -> None:
    case = in_progress()
    client = client_as(REVIEWER)
    assert "See the report's drafts" in text(client.get(f"/cases/{case.reference}/"))
    response = client.post(page(case, "drafts/upload/"), {"file": SimpleUploadedFile("Draft one.pdf", PDF)})
    assert response.status_code == 302
    assert response["Location"] == page(case, "drafts/1/")
    draft = ReportDraft.objects.get(review__case=case)
    shown = text(client.get(page(case, "drafts/1/")))
    assert draft.stored_file.sha256 in shown
    listed = text(client.get(page(case, "drafts/")))
    assert "Draft 1" in listed
    assert "PDF, 1 KB" in listed  # the file's kind in words, as for any kept file
    download = client.get(page(case, "drafts/1/download/"))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f'"{case.reference}-draft-1.pdf"')


def test_an_upload_that_is_not_word_or_pdf_is_refused_on_the_page(client_as: ClientAs) -> None:
    case = in_progress()
    reviewer = client_as(REVIEWER)
    response = reviewer.post(page(case, "drafts/upload/"), {"file": SimpleUploadedFile("a.txt", b"Notes")})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert "The selected file must be a PDF or a Word document." in text(response)  # what this field takes, no more
    posing = reviewer.post(page(case, "drafts/upload/"), {"file": SimpleUploadedFile("a.pdf", b"Notes")})
    assert "It must be a PDF or a Word document, and its name must end the matching way" in text(posing)
    assert not ReportDraft.objects.filter(review__case=case).exists()


def test_the_reviewer_and_another_organisations_contributor_reach_no_other_cases_drafts(client_as: ClientAs) -> None:
    case = in_progress()
    upload(case)
    (request,) = ask(case)
    other = Case.objects.get(reference="NVALE-2026-003")
    reviewer = client_as(REVIEWER)
    assert reviewer.get(page(other, "drafts/")).status_code == 404
    assert reviewer.get(page(other, "drafts/1/download/")).status_code == 404
    police = client_as(POLICE_LEAD)
    assert police.get(page(case, f"comments/{request.uuid}/")).status_code == 404
    assert police.get(page(case, f"comments/{request.uuid}/draft/")).status_code == 404
    # Each refusal is on the trail under what was asked for: the request for comments, not an information request.
    refused = AuditEvent.objects.filter(verb="access.refused", object_id=str(request.uuid))
    assert {event.object_type for event in refused} == {"local_reviews.commentrequest"}


def test_asking_keeps_the_date_typed_when_no_organisation_is_chosen(client_as: ClientAs) -> None:
    case, client = drafted(client_as)
    response = client.post(
        page(case, "drafts/1/comments/ask/"), {"due_on-day": "8", "due_on-month": "1", "due_on-year": "2027"}
    )
    assert response.status_code == 400
    shown = text(response)
    assert "Select at least one organisation to ask" in shown
    assert 'value="2027"' in shown
    assert not CommentRequest.objects.filter(draft__review__case=case).exists()


def test_the_organisation_comments_from_its_inbox_and_the_business_unit_reads_it_collated(
    client_as: ClientAs,
) -> None:
    case, client = drafted(client_as)
    board = Organisation.objects.get(name=ICB)
    response = client.post(
        page(case, "drafts/1/comments/ask/"),
        {"organisations": [board.pk], "due_on-day": "8", "due_on-month": "1", "due_on-year": "2027"},
    )
    assert response.status_code == 302
    request = CommentRequest.objects.get(draft__review__case=case)
    contributor = client_as(CONTRIBUTOR)
    inbox = text(contributor.get("/inbox/"))
    assert "Comments asked on draft reports" in inbox
    assert page(case, f"comments/{request.uuid}/") in inbox
    empty = contributor.post(page(case, f"comments/{request.uuid}/"), {"comments": "   "})
    assert empty.status_code == 400
    assert "Enter your organisation's comments on the draft" in text(empty)
    sent = contributor.post(page(case, f"comments/{request.uuid}/"), {"comments": COMMENTS})
    assert sent.status_code == 302
    assert DraftComments.objects.filter(request=request).exists()
    assert COMMENTS in text(contributor.get(page(case, f"comments/{request.uuid}/")))
    assert page(case, f"comments/{request.uuid}/") not in text(contributor.get("/inbox/"))
    collated = text(client.get(page(case, "drafts/1/")))
    assert "Northvale Integrated Care Board (demo)" in collated
    assert COMMENTS in collated
    assert COMMENTS in text(client_as(REVIEWER).get(page(case, "drafts/1/")))


def asked_board(client_as: ClientAs) -> tuple[Case, CommentRequest, Client, str]:
    """The Board asked about draft 1: the case, the request, its contributor signed in, and the request's page."""
    case = in_progress()
    upload(case)
    (request,) = ask(case)
    return case, request, client_as(CONTRIBUTOR), page(case, f"comments/{request.uuid}/")


def test_comments_sent_from_a_second_tab_are_shown_back_with_who_sent_the_first(client_as: ClientAs) -> None:
    _case, request, contributor, address = asked_board(client_as)
    assert contributor.post(address, {"comments": COMMENTS}).status_code == 302
    later = "Paragraph 20: the school nurse's visit was in May."
    again = contributor.post(address, {"comments": later})
    assert again.status_code == 409
    shown = text(again)
    assert "Your comments were not sent" in shown
    assert "were already sent, on 18 December 2026 by" in shown
    assert later in shown  # what was typed is kept
    assert COMMENTS in shown  # beside what was sent
    assert [row.unseal("comments") for row in DraftComments.objects.filter(request=request)] == [COMMENTS]


def test_comments_sent_once_the_report_left_draft_are_shown_back_as_closed(client_as: ClientAs) -> None:
    case, request, contributor, address = asked_board(client_as)
    Case.objects.filter(pk=case.pk).update(stage=Stage.REVIEW_IN_PROGRESS)  # no longer at a stage to comment at
    refused = contributor.post(address, {"comments": COMMENTS})
    assert refused.status_code == 409
    shown = text(refused)
    assert "The request is closed" in shown
    assert COMMENTS in shown
    assert not DraftComments.objects.filter(request=request).exists()
    assert "Your comments were not sent" not in text(contributor.get(address))


def test_a_request_nobody_can_receive_is_shown_so_on_the_drafts_page(client_as: ClientAs) -> None:
    case = in_progress()
    upload(case)
    nobody_to_receive(Organisation.objects.get(name=ICB))
    ask(case)
    shown = text(client_as(BU).get(page(case, "drafts/1/")))
    assert "Nobody can receive requests" in shown
    assert "ask the partnership admin to invite one" in shown


def test_the_ask_form_offers_only_organisations_not_yet_asked_and_says_when_the_draft_is_not_the_latest(
    client_as: ClientAs,
) -> None:
    case, client = drafted(client_as)
    first = text(client.get(page(case, "drafts/1/comments/ask/")))
    assert ICB in first
    assert "not the latest draft" not in first
    ask(case)
    upload(case, day=18, file=word())
    again = text(client.get(page(case, "drafts/1/comments/ask/")))
    assert ICB not in again
    assert "asked about draft 1 already" in again
    assert "This is not the latest draft: draft 2 is" in again
    latest = text(client.get(page(case, "drafts/2/comments/ask/")))
    assert ICB in latest
    assert "not the latest draft" not in latest


def test_the_chairs_do_not_reach_the_drafts(client_as: ClientAs) -> None:
    case = in_progress()
    upload(case)
    assert client_as(CHAIR).get(page(case, "drafts/")).status_code in (403, 404)


def test_the_national_review_suggested_keeps_the_reason_typed_and_then_leads_to_the_letter(client_as: ClientAs) -> None:
    case = in_progress()
    client = client_as(BU)
    assert "Record that new information suggests a national review" in text(client.get(f"/cases/{case.reference}/"))
    reason = "New evidence of harm to children in other areas."
    refused = client.post(page(case, "national-review/"), {"reason": reason})
    assert refused.status_code == 400
    assert reason in text(refused)
    done = client.post(
        page(case, "national-review/"),
        {"reason": reason, "suggested_on-day": "17", "suggested_on-month": "12", "suggested_on-year": "2026"},
    )
    assert done.status_code == 302
    assert done["Location"] == f"/cases/{case.reference}/letters/"
    letters = text(client.get(done["Location"]))
    assert "To the Panel: new information suggests a national review" in letters
    word = client.get(f"/cases/{case.reference}/letters/national-review-suggested-panel/")
    assert word.status_code == 200
    assert Case.objects.get(pk=case.pk).stage == "review_in_progress"  # the case stays where it was
