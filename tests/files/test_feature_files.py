"""The three kinds of file the feature apps keep (case documents, meeting papers, return attachments) go through the
one store: their contents are encrypted where they are stored, each download is one audit event that gives its
reason, a file that is gone is refused in words (audited once), and a return's versions share one stored file."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services import document_attach
from cspr.files.models import StoredFile
from cspr.partnerships.scoping import acting_for
from cspr.rapid_reviews.models import MeetingPaper
from cspr.returns import services as returns_services
from cspr.returns.models import ReturnAttachment
from tests.rapid_reviews import support as rr
from tests.returns.support import demo_request
from tests.returns.test_returns import COMPLETE
from tests.support import ClientAs, private_storage, stored_blobs

PLAIN = b"Quillon Canarywhistle's chronology, as typed.\n"
HEALTH = "contributor.health@example.org"
POLICE = "police.lead@example.org"
DOWNLOAD_VERBS = ("case.document_downloaded", "rapid_review.paper_downloaded", "returns.attachment_downloaded")


@pytest.fixture
def root(demo: dict, settings: Any, tmp_path: Path) -> Path:
    return Path(private_storage(settings, tmp_path / "private"))


def _upload(name: str = "chronology.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PLAIN, content_type="text/plain")


def _case_document() -> tuple[CaseDocument, str]:
    case = Case.objects.get(reference="NVALE-2026-005")
    document = document_attach(
        acting=acting_for(User.objects.get(email=rr.BU)), case=case, upload=_upload(), title="Chronology"
    )
    url = reverse("cases:document-download", kwargs={"reference": case.reference, "document_uuid": document.uuid})
    return document, url


def _paper() -> tuple[MeetingPaper, str]:
    case = rr.the_case()
    rr.schedule(case)
    paper = rr.services.meeting_paper_attach(
        acting=rr.acting_as(rr.BU), case=case, upload=_upload(), title="Chronology", at=rr.at(19)
    )
    return paper, reverse(
        "rapid_reviews:paper-download", kwargs={"reference": case.reference, "paper_uuid": paper.uuid}
    )


def _attachment() -> tuple[ReturnAttachment, str]:
    police = demo_request("Vale and Moor Police (demo)")
    attachment = returns_services.attachment_add(
        acting=acting_for(User.objects.get(email=POLICE)), info_request=police, upload=_upload(), title="Chronology"
    )
    url = reverse("returns:attachment", kwargs={"request_uuid": police.uuid, "attachment_uuid": attachment.uuid})
    return attachment, url


def _download(kind: str, client_as: ClientAs) -> tuple[Any, Any, str]:
    """Keep one file of ``kind`` through its app's service; (its row, the response to its download, the verb)."""
    if kind == "case document":
        document, url = _case_document()
        return document, client_as(rr.BU).post(url, {"purpose": "rapid_review"}), DOWNLOAD_VERBS[0]
    if kind == "meeting paper":
        paper, url = _paper()
        return paper, client_as(rr.MEMBER).get(url), DOWNLOAD_VERBS[1]
    attachment, url = _attachment()
    return attachment, client_as(POLICE).get(url), DOWNLOAD_VERBS[2]


KINDS = ["case document", "meeting paper", "return attachment"]
REASONS = {
    "case document": "Preparing for or holding the rapid review",  # the purpose the person chose
    "meeting paper": "Reading the papers for the PRG meeting",
    "return attachment": "Working on the organisation's return",
}
KEPT_VERBS = {
    "case document": "case.document_attached",
    "meeting paper": "rapid_review.paper_attached",
    "return attachment": "returns.attachment_added",
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_file_is_encrypted_where_it_is_stored_and_downloads_as_it_was_uploaded(
    kind: str, root: Path, client_as: ClientAs
) -> None:
    row, response, _ = _download(kind, client_as)
    (blob,) = stored_blobs(root)
    assert blob.relative_to(root).as_posix() == row.stored_file.storage_name
    assert PLAIN not in blob.read_bytes()
    assert b"Canarywhistle" not in blob.read_bytes()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLAIN
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("kind", KINDS)
def test_each_download_is_one_audit_event_that_gives_its_reason(kind: str, root: Path, client_as: ClientAs) -> None:
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    row, response, verb = _download(kind, client_as)
    assert response.status_code == 200
    opened = AuditEvent.objects.filter(pk__gt=before, verb__in=[*DOWNLOAD_VERBS, "stored_file.opened"])
    (event,) = opened  # one event, not the app's and the store's
    assert event.verb == verb
    assert event.details["reason"] == REASONS[kind]
    assert event.details["file"] == str(row.stored_file.uuid)
    assert event.details["sha256"] == row.stored_file.sha256
    assert event.membership_id is not None  # the membership that allowed it
    assert "Chronology" not in str(event.details)
    assert "chronology.txt" not in str(event.details)
    # Keeping it was one event too: the app's, with the store's facts.
    (kept,) = AuditEvent.objects.filter(pk__gt=before, verb__in=[KEPT_VERBS[kind], "stored_file.stored"])
    assert kept.verb == KEPT_VERBS[kind]
    assert (kept.details["file"], kept.details["key_id"]) == (str(row.stored_file.uuid), row.stored_file.key_id)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_gone_from_the_store_is_refused_in_words_and_audited_once(
    kind: str, root: Path, client_as: ClientAs
) -> None:
    row: Any
    if kind == "case document":
        row, url = _case_document()
    elif kind == "meeting paper":
        row, url = _paper()
    else:
        row, url = _attachment()
    (root / row.stored_file.storage_name).unlink()
    client = client_as({"case document": rr.BU, "meeting paper": rr.MEMBER}.get(kind, POLICE))
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    if kind == "case document":
        response = client.post(url, {"purpose": "rapid_review"})
        assert response.status_code == 400
        page = response.content.decode()
    else:
        response = client.get(url)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "This file cannot be opened: it is missing, or it has changed since it was kept." in html.unescape(page)
    events = AuditEvent.objects.filter(pk__gt=before).exclude(verb="sealed_text.read")
    assert [event.verb for event in events] == ["stored_file.open_refused"]
    assert events[0].details["problem"] == "missing"


def test_a_later_version_of_a_return_holds_the_same_stored_file_which_goes_when_no_version_holds_it(
    root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    police = demo_request("Vale and Moor Police (demo)")
    acting = acting_for(User.objects.get(email=POLICE))
    attachment, _ = _attachment()
    stored_file = attachment.stored_file
    returns_services.return_save(acting=acting, info_request=police, values=COMPLETE)
    returns_services.return_submit(acting=acting, info_request=police)
    returns_services.return_revise(acting=acting, info_request=police, reason="A date was wrong.")
    rows = list(ReturnAttachment.objects.filter(stored_file=stored_file).order_by("id"))
    assert len(rows) == 2  # the submitted version's, and the new draft's
    assert rows[0].uuid != rows[1].uuid
    assert StoredFile.objects.filter(purpose="return_attachment").count() == 1

    # Off the new draft: the submitted version still holds it, so the file stays.
    with django_capture_on_commit_callbacks(execute=True):
        returns_services.attachment_remove(acting=acting, info_request=police, attachment_uuid=str(rows[1].uuid))
    assert StoredFile.objects.filter(pk=stored_file.pk).exists()
    assert len(stored_blobs(root)) == 1

    # A file added to the draft alone goes with its only row.
    only = returns_services.attachment_add(acting=acting, info_request=police, upload=_upload(), title="Later")
    with django_capture_on_commit_callbacks(execute=True):
        returns_services.attachment_remove(acting=acting, info_request=police, attachment_uuid=str(only.uuid))
    assert not StoredFile.objects.filter(pk=only.stored_file_id).exists()
    assert len(stored_blobs(root)) == 1
    assert AuditEvent.objects.filter(verb="stored_file.removed", details__file=str(only.stored_file.uuid)).exists()


def test_the_store_refuses_to_remove_a_file_a_return_version_still_holds(root: Path) -> None:
    from cspr.files.services import StoredFileRefused, stored_file_remove

    attachment, _ = _attachment()
    with pytest.raises(StoredFileRefused) as refused:
        stored_file_remove(acting=acting_for(User.objects.get(email=POLICE)), stored_file=attachment.stored_file)
    assert refused.value.problem == "in_use"
