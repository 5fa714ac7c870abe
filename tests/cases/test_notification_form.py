"""Report a serious incident: the whole journey through the pages, drafts, check your answers and submission."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import drafts
from cspr.cases.models import Case, CaseDocument
from cspr.cases.models_drafts import NotificationDraft
from cspr.cases.notification import NHS_NUMBER_INVALID
from cspr.files.models import Purpose, StoredFile
from cspr.messaging.models import OutboundMessage
from tests.cases.notification_form_support import (
    CHILD_A_NAME,
    CHILD_B_NAME,
    CHILD_NHS,
    MOTHER_NAME,
    NOTIFY,
    SURNAME,
    add_item,
    answer_everything,
    child_a,
    child_b,
    item_keys,
    mother,
    page_answers,
    page_url,
    save,
    start_draft,
)
from tests.cases.support import NOTIFIER

pytestmark = pytest.mark.django_db


def submitted_case(response: Any) -> Case:
    """The case a "Send" created, from the confirmation address it redirected to."""
    assert response.status_code == 302, response.content.decode()[:3000]
    match = re.fullmatch(r"/cases/notify/submitted/([^/]+)/", response["Location"])
    assert match, response["Location"]
    return Case.objects.get(reference=match.group(1))


def test_the_start_page_explains_the_test_and_the_notification(client_as: Callable[[str], Client]) -> None:
    page = html.unescape(client_as(NOTIFIER).get(NOTIFY).content.decode())
    assert "Report a serious incident" in page
    assert "abuse or neglect of the child is known or suspected" in page
    assert "A child who recovers, even from a single incident, may still have been seriously harmed." in page
    assert "You are notifying for Northvale Council Children's Services (demo)" in page
    assert 'action="/cases/notify/new/"' in page


def test_a_notifier_reports_two_children_leaves_halfway_resumes_changes_a_child_and_submits(
    client_as: Callable[[str], Client], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answers = page_answers()

    # "Your details" starts with the person's own name and address.
    first = client.get(page_url(draft, "about-you")).content.decode()
    assert 'value="Nadia Fenwick"' in first
    assert 'value="notifier@example.org"' in first

    for step in ("about-you", "aware", "incident", "nature", "abuse-or-neglect"):
        response = save(client, draft, step, answers[step])
        assert response.status_code == 302, response.content.decode()[:2000]
    # The serious-harm page follows, with the guidance beside it.
    assert response["Location"] == page_url(draft, "serious-harm")
    guided = html.unescape(client.get(response["Location"]).content.decode())
    assert "A child who gets better, even after a single incident, may still have been seriously harmed." in guided
    assert save(client, draft, "serious-harm", answers["serious-harm"])["Location"] == page_url(draft, "children")

    # No child yet: the children page asks for the first one.
    response = client.get(page_url(draft, "children"))
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/children/add/"
    assert add_item(client, draft, "children", child_a())["Location"] == page_url(draft, "children")

    # Halfway: "Save and come back later", then a new session (signed out, signed in again).
    response = client.post(page_url(draft, "children"), {"action": "save"})
    assert response["Location"] == f"{NOTIFY}drafts/"
    again = client_as(NOTIFIER)
    listing = again.get(f"{NOTIFY}drafts/").content.decode()
    assert f"/cases/notify/drafts/{draft}/" in listing
    assert CHILD_A_NAME not in listing  # the list names nobody
    resumed = again.get(f"{NOTIFY}drafts/{draft}/")
    assert resumed["Location"] == page_url(draft, "children")
    children_page = again.get(resumed["Location"]).content.decode()
    assert "You have added 1 child" in children_page
    assert CHILD_A_NAME in children_page

    # "Add another child": yes, Child B; then no.
    response = again.post(page_url(draft, "children"), {"add_another": "yes", "action": "continue"})
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/children/add/"
    assert add_item(again, draft, "children", child_b()).status_code == 302
    assert save(again, draft, "children", {"add_another": "no"})["Location"] == page_url(draft, "household")
    assert add_item(again, draft, "household", mother()).status_code == 302
    assert save(again, draft, "household", {"add_another": "no"})["Location"] == page_url(draft, "other-area")
    for step in ("other-area", "agencies", "parallel-processes", "outline", "media"):
        assert save(again, draft, step, answers[step]).status_code == 302

    # A supporting document, kept by the file store (encrypted) from the start.
    upload = SimpleUploadedFile("initial-report.txt", b"Initial police report: see crime reference.", "text/plain")
    response = again.post(
        page_url(draft, "documents"), {"title": "Initial police report", "file": upload, "action": "upload"}
    )
    assert response.status_code == 302
    sent = StoredFile.objects.get(purpose=Purpose.NOTIFICATION_DOCUMENT)
    assert item_keys(draft, "documents") == [sent.uuid.hex]
    blob = private_root(settings) / sent.storage_name
    assert b"Initial police report" not in blob.read_bytes()
    response = save(again, draft, "documents", {})
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/check/"

    # Check your answers: both children, with change links back to each page.
    check = html.unescape(again.get(response["Location"]).content.decode())
    assert "Check your answers before sending your notification" in check
    assert CHILD_A_NAME in check
    assert CHILD_B_NAME in check
    assert MOTHER_NAME in check
    assert "Initial police report" in check
    child_keys = item_keys(draft, "children")
    change_a = f"/cases/notify/drafts/{draft}/children/{child_keys[0]}/?change=1"
    assert change_a in check
    assert f"/cases/notify/drafts/{draft}/incident/?change=1" in check

    # Change Child A's other names: back to check your answers.
    response = again.post(change_a, {**child_a(other_names="Junie"), "action": "continue"})
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/check/"
    assert "Junie" in again.get(response["Location"]).content.decode()
    # Changing a page from check your answers returns there too.
    changed = {**answers["incident"], "incident_time": "21:30"}
    response = save(again, draft, "incident", changed, query="?change=1")
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/check/"

    # Send it.
    with django_capture_on_commit_callbacks(execute=True):
        response = again.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 302, response.content.decode()[:3000]
    case = submitted_case(response)
    assert response["Location"] == f"{NOTIFY}submitted/{case.reference}/"
    children = list(case.children.order_by("position"))
    assert [child.pseudonym for child in children] == ["Child A", "Child B"]
    assert children[0].unseal("name") == CHILD_A_NAME
    assert children[0].unseal("other_names") == "Junie"
    assert children[0].unseal("nhs_number") == CHILD_NHS.replace(" ", "")
    assert children[1].unseal("name") == CHILD_B_NAME
    assert case.household.get().unseal("name") == MOTHER_NAME
    assert case.incident_time == "21:30"
    assert not case.as_referral
    assert case.unseal_list("agencies_involved") == ["Northvale Integrated Care Board (demo)", "A private nursery"]
    assert case.unseal_list("parallel_processes") == ["police investigation"]
    document = CaseDocument.objects.get(case=case)
    assert document.stored_file == sent  # the same stored file: nothing was copied
    assert document.stored_file.unseal("title") == "Initial police report"
    assert blob.exists()

    # The draft is gone; the confirmation gives the reference and the clocks.
    assert not NotificationDraft.objects.filter(uuid=uuid.UUID(draft)).exists()
    confirmation = html.unescape(again.get(response["Location"]).content.decode())
    assert case.reference in confirmation
    assert "Notification sent" in confirmation
    assert "Child A, Child B" in confirmation
    assert "What the notification criteria say" in confirmation
    assert case.assessment["panel_reason"] in confirmation
    assert "Notify the Panel" in confirmation  # the first duty that follows, with its section and reason

    # The people told (§3.4) read a reference and pseudonyms, never a name.
    assert OutboundMessage.objects.filter(kind="case.notified").exists()
    for message in OutboundMessage.objects.all():
        assert SURNAME not in f"{message.subject}{message.body}"
    assert all(SURNAME not in str(message.body) for message in mail.outbox)

    # Drafts are audited when created and submitted, with nothing identifying.
    verbs = list(AuditEvent.objects.filter(verb__startswith="notification_draft.").values_list("verb", flat=True))
    assert verbs == ["notification_draft.created", "notification_draft.submitted"]
    for event in AuditEvent.objects.all():
        assert SURNAME not in str(event.details)


def test_a_referral_by_an_agency_contributor(client_as: Callable[[str], Client]) -> None:
    client = client_as("contributor.health@example.org")
    start = html.unescape(client.get(NOTIFY).content.decode())
    assert "This is a referral to the partnership (§3.8)" in start
    assert "Northvale Integrated Care Board (demo)" in start
    draft = start_draft(client)
    # A referrer is asked whether the local authority knows, not for a date it may not have.
    aware = client.get(page_url(draft, "aware")).content.decode()
    assert "Does the local authority already know about the incident?" in aware
    answer_everything(client, draft, as_referral=True, children=1)
    response = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 302, response.content.decode()[:3000]
    case = submitted_case(response)
    assert case.as_referral
    assert case.stage == "referral_received"
    assert case.submitted_by_organisation is not None
    assert case.submitted_by_organisation.name == "Northvale Integrated Care Board (demo)"
    confirmation = html.unescape(client.get(response["Location"]).content.decode())
    assert "Referral sent" in confirmation
    assert case.reference in confirmation
    assert OutboundMessage.objects.filter(kind="case.referred", to="notifier@example.org").exists()


def test_a_referrer_who_does_not_know_whether_the_local_authority_knows_gives_today(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("contributor.health@example.org")
    draft = start_draft(client)
    answer_everything(client, draft, as_referral=True, children=1)
    assert save(client, draft, "aware", {"la_knows": "no"}, query="?change=1").status_code == 302
    check = html.unescape(client.get(f"{NOTIFY}drafts/{draft}/check/").content.decode())
    assert "Not known: this referral tells it" in check
    case = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    assert case.aware_on == timezone.localdate()


def test_a_looked_after_childs_death_skips_the_serious_harm_page(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    response = save(client, draft, "nature", {"nature": "looked_after_child_death"}, query="?change=1")
    assert response["Location"] == f"{NOTIFY}drafts/{draft}/check/"
    check = client.get(response["Location"]).content.decode()
    assert "The serious harm" not in check
    assert client.get(page_url(draft, "serious-harm")).status_code == 404
    case = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    assert case.nature == "looked_after_child_death"
    assert case.unseal("serious_harm_description") == ""


def test_check_your_answers_lists_what_is_missing_and_refuses_to_send(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    cases_before = Case.objects.count()
    draft = start_draft(client)
    save(client, draft, "about-you", page_answers()["about-you"])
    check = html.unescape(client.get(f"{NOTIFY}drafts/{draft}/check/").content.decode())
    assert "Answer the questions on 'When the local authority became aware'" in check
    assert "Add at least one child" in check
    response = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert f'href="/cases/notify/drafts/{draft}/aware/?change=1"' in page
    assert Case.objects.count() == cases_before


def test_an_incomplete_child_blocks_sending_and_links_to_that_child(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    # "Save and come back later" keeps a child with an invalid NHS number.
    response = client.post(f"{NOTIFY}drafts/{draft}/children/add/", {**child_b(nhs_number="123"), "action": "save"})
    assert response.status_code == 302
    key = item_keys(draft, "children")[1]
    response = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"Check the details of Rowan Quillfeatherby: {NHS_NUMBER_INVALID[0].lower()}{NHS_NUMBER_INVALID[1:]}" in page
    assert f"/cases/notify/drafts/{draft}/children/{key}/?change=1" in page


def test_removing_a_child_and_a_household_member(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft)
    key = item_keys(draft, "children")[1]
    confirm = client.get(f"{NOTIFY}drafts/{draft}/children/{key}/remove/").content.decode()
    assert f"Are you sure you want to remove {CHILD_B_NAME}?" in confirm
    assert client.post(f"{NOTIFY}drafts/{draft}/children/{key}/remove/").status_code == 302
    assert len(item_keys(draft, "children")) == 1
    member_key = item_keys(draft, "household")[0]
    assert client.post(f"{NOTIFY}drafts/{draft}/household/{member_key}/remove/").status_code == 302
    assert item_keys(draft, "household") == []
    assert client.get(f"{NOTIFY}drafts/{draft}/children/{key}/").status_code == 404


def test_deleting_a_draft_is_audited_and_removes_its_files(
    client_as: Callable[[str], Client], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    upload = SimpleUploadedFile("note.txt", b"a note", "text/plain")
    client.post(page_url(draft, "documents"), {"title": "A note", "file": upload, "action": "upload"})
    sent = StoredFile.objects.get(purpose=Purpose.NOTIFICATION_DOCUMENT)
    blob = private_root(settings) / sent.storage_name
    assert blob.exists()
    assert (
        "Are you sure you want to delete this draft?" in client.get(f"{NOTIFY}drafts/{draft}/delete/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{NOTIFY}drafts/{draft}/delete/")
    assert response["Location"] == f"{NOTIFY}drafts/"
    assert not NotificationDraft.objects.exists()
    assert not StoredFile.objects.filter(pk=sent.pk).exists()
    assert not blob.exists()
    event = AuditEvent.objects.get(verb="notification_draft.deleted")
    assert event.details == {"draft": draft}
    removed = AuditEvent.objects.get(verb="stored_file.removed")
    assert (removed.details["file"], removed.details["draft"]) == (str(sent.uuid), draft)


def test_deleting_a_draft_that_can_no_longer_be_read_removes_its_documents_and_no_others(
    client_as: Callable[[str], Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(NOTIFIER)
    unreadable, kept = start_draft(client), start_draft(client)
    for draft in (unreadable, kept):
        upload = SimpleUploadedFile("note.txt", b"a note", "text/plain")
        client.post(page_url(draft, "documents"), {"title": "A note", "file": upload, "action": "upload"})
    (gone,) = item_keys(unreadable, "documents")
    (stays,) = item_keys(kept, "documents")
    NotificationDraft.objects.filter(uuid=unreadable).update(  # sealed for another row: it no longer opens
        payload_sealed=NotificationDraft.objects.get(uuid=kept).payload_sealed
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{NOTIFY}drafts/{unreadable}/delete/").status_code == 302
    assert not StoredFile.objects.filter(uuid=uuid.UUID(gone)).exists()
    assert StoredFile.objects.filter(uuid=uuid.UUID(stays)).exists()


def test_uploads_are_checked_by_type_and_size(client_as: Callable[[str], Client], settings: Any) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    executable = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", "application/pdf")
    response = client.post(page_url(draft, "documents"), {"title": "Report", "file": executable, "action": "upload"})
    assert response.status_code == 400
    assert "The selected file is not what its name says. It must be a PDF, a Word document" in html.unescape(
        response.content.decode()
    )
    settings.CASE_DOCUMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.txt", b"x" * 11, "text/plain")
    response = client.post(page_url(draft, "documents"), {"title": "Big", "file": big, "action": "upload"})
    assert response.status_code == 400
    assert "The selected file must be smaller than" in response.content.decode()
    no_title = SimpleUploadedFile("a.txt", b"text", "text/plain")
    response = client.post(page_url(draft, "documents"), {"title": "", "file": no_title, "action": "upload"})
    assert "Enter what the document is" in response.content.decode()
    response = client.post(page_url(draft, "documents"), {"title": "", "action": "upload"})
    assert "Select a file to upload" in response.content.decode()
    assert NotificationDraft.objects.get().answers.get("documents", []) == []


def test_a_second_submission_of_the_same_draft_shows_the_first_case_and_creates_nothing(
    client_as: Callable[[str], Client],
) -> None:
    """Another tab, or "Back" and "Send" again: the draft went with its case, so the same confirmation is shown."""
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    cases_before = Case.objects.count()
    first = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    again = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert submitted_case(again) == first
    assert Case.objects.count() == cases_before + 1
    assert first.source_draft == uuid.UUID(draft)


def test_a_double_click_that_races_the_first_submission_makes_one_case(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request found the draft before the first removed it: it must still make no second case."""
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    stale = NotificationDraft.objects.get(uuid=uuid.UUID(draft))
    first = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    # Replay the second click as it would run had it looked the draft up a moment before the first committed.
    monkeypatch.setattr(drafts, "draft_get", lambda **kwargs: stale)
    cases_before = Case.objects.count()
    second = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert submitted_case(second) == first
    assert Case.objects.count() == cases_before


def test_the_database_refuses_two_cases_from_one_draft(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    first = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    copy = Case.objects.get(pk=first.pk)
    copy.pk = None
    copy.id = None
    copy.uuid = uuid.uuid4()
    copy.reference, copy.sequence = "NVALE-2099-999", 999
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save(force_insert=True)


def test_the_confirmation_is_only_for_the_person_who_sent_it(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    reference = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/")).reference
    other = client_as("prg.member@example.org").get(f"{NOTIFY}submitted/{reference}/")
    assert other.status_code == 302
    assert other["Location"] == NOTIFY


def test_a_document_that_fails_at_submission_keeps_nothing_and_the_draft_stays(
    client_as: Callable[[str], Client], settings: Any
) -> None:
    """All or nothing: the case, its reference, its messages and its documents, when the second of two documents
    can no longer be read (its contents gone from the store since it was uploaded)."""
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft, children=1)
    for title in ("First", "Second"):
        upload = SimpleUploadedFile(f"{title}.txt", b"text", "text/plain")
        client.post(page_url(draft, "documents"), {"title": title, "file": upload, "action": "upload"})
    first_key, second_key = item_keys(draft, "documents")
    second = StoredFile.objects.get(uuid=uuid.UUID(second_key))
    (private_root(settings) / second.storage_name).unlink()
    cases_before, messages_before = Case.objects.count(), OutboundMessage.objects.count()
    response = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 400
    assert "can no longer be read: remove it and upload it again" in response.content.decode()
    # The error summary links to the page the problem is on, not to the send button.
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert summary
    assert f'href="{page_url(draft, "documents")}?change=1"' in summary[0]
    assert Case.objects.count() == cases_before
    assert OutboundMessage.objects.count() == messages_before
    assert NotificationDraft.objects.filter(uuid=draft).exists()
    assert not CaseDocument.objects.filter(stored_file__uuid=uuid.UUID(first_key)).exists()
    # As the message says: remove it, and the notification goes with the first document.
    assert client.post(f"{NOTIFY}drafts/{draft}/documents/{second_key}/remove/").status_code == 302
    case = submitted_case(client.post(f"{NOTIFY}drafts/{draft}/check/"))
    assert [document.stored_file.uuid.hex for document in CaseDocument.objects.filter(case=case)] == [first_key]


def private_root(settings: Any) -> Any:
    from pathlib import Path

    return Path(settings.STORAGES["private_files"]["OPTIONS"]["location"])


def test_sending_the_add_a_child_page_twice_adds_one_child(client_as: Callable[[str], Client]) -> None:
    """A reload of the error page, a double click or a background save racing the button posts the same page
    again: the page's own key for the new child makes the second post change that child, not add another."""
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    page = client.get(f"{NOTIFY}drafts/{draft}/children/add/").content.decode()
    match = re.search(r'name="item_key" value="([0-9a-f]{32})"', page)
    assert match
    incomplete = {"name": "", "other_names": "Typed first", "item_key": match[1], "action": "continue"}
    first = client.post(f"{NOTIFY}drafts/{draft}/children/add/", incomplete)
    assert first.status_code == 400
    again = client.post(f"{NOTIFY}drafts/{draft}/children/add/", {**incomplete, "other_names": "Typed later"})
    assert again.status_code == 400
    assert item_keys(draft, "children") == [match[1]]
    stored = NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers["children"][0]["data"]
    assert stored["other_names"] == ["Typed later"]
    # A made-up key is not trusted: the child gets a key of the service's own choosing.
    client.post(f"{NOTIFY}drafts/{draft}/children/add/", {"name": "", "other_names": "x", "item_key": "../../x"})
    keys = item_keys(draft, "children")
    assert len(keys) == 2
    assert re.fullmatch(r"[0-9a-f]{32}", keys[1])
