"""Report a serious incident: who may use it, whose drafts are whose, and where identifying details never go."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from cspr.accounts.sessions import LAST_SEEN_KEY
from cspr.cases.models import Case
from cspr.cases.models_drafts import NotificationDraft
from cspr.kernel.crypto import DecryptionError
from cspr.partnerships.models import Partnership
from tests.cases.notification_form_support import (
    CHILD_A_NAME,
    CHILD_ADDRESS,
    CHILD_NHS,
    NOTIFY,
    SURNAME,
    add_item,
    answer_everything,
    child_a,
    item_keys,
    page_answers,
    page_url,
    save,
    start_draft,
)
from tests.cases.support import NOTIFIER

pytestmark = pytest.mark.django_db

IDENTIFYING = (SURNAME, CHILD_A_NAME, CHILD_ADDRESS, "Imaginary Crescent", CHILD_NHS, CHILD_NHS.replace(" ", ""))


def every_row_as_text() -> str:
    """Every value in every table, as the database file holds it (the test's equivalent of grepping the file)."""
    text = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the database
            for row in cursor.fetchall():
                text.append(" ".join(str(value) for value in row))
    return "\n".join(text)


def test_the_draft_is_encrypted_in_its_row_and_nothing_identifying_is_in_the_session_table(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_notificationdraft")
        (row,) = [" ".join(str(value) for value in values) for values in cursor.fetchall()]
    assert "v1:" in row  # the sealed payload
    for value in IDENTIFYING:
        assert value not in row
    # Nowhere in the database at all, the session table included.
    everything = every_row_as_text()
    for value in IDENTIFYING:
        assert value not in everything, value
    for session in Session.objects.all():
        decoded = session.get_decoded()
        assert all(value not in str(decoded) for value in IDENTIFYING)
        assert not any("draft" in key or "notif" in key for key in decoded)
    # The sealed answers are bound to their row: copied into another draft, they do not open.
    other = start_draft(client)
    NotificationDraft.objects.filter(uuid=other).update(
        payload_sealed=NotificationDraft.objects.get(uuid=draft).payload_sealed
    )
    with pytest.raises(DecryptionError):
        _ = NotificationDraft.objects.get(uuid=other).answers
    # Such a draft cannot be opened, only deleted.
    response = client.get(page_url(other, "about-you"))
    assert response.status_code == 409
    assert "This draft cannot be opened" in response.content.decode()
    assert client.post(f"{NOTIFY}drafts/{other}/delete/").status_code == 302
    assert not NotificationDraft.objects.filter(uuid=other).exists()


def test_after_submission_the_childs_name_is_nowhere_in_the_database(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    answer_everything(client, draft)
    assert client.post(f"{NOTIFY}drafts/{draft}/check/").status_code == 302
    everything = every_row_as_text()
    for value in IDENTIFYING:
        assert value not in everything, value


def test_another_person_cannot_open_change_or_delete_someone_elses_draft(client_as: Callable[[str], Client]) -> None:
    owner = client_as(NOTIFIER)
    draft = start_draft(owner)
    save(owner, draft, "about-you", page_answers()["about-you"])
    add_item(owner, draft, "children", child_a())
    child = item_keys(draft, "children")[0]
    before = NotificationDraft.objects.get(uuid=draft).payload_sealed
    for intruder in ("contributor.health@example.org", "executive@example.org", "prg.member@example.org"):
        other = client_as(intruder)
        for path in (
            f"{NOTIFY}drafts/{draft}/",
            page_url(draft, "about-you"),
            page_url(draft, "children"),
            f"{NOTIFY}drafts/{draft}/children/{child}/",
            f"{NOTIFY}drafts/{draft}/children/{child}/remove/",
            f"{NOTIFY}drafts/{draft}/check/",
            f"{NOTIFY}drafts/{draft}/delete/",
        ):
            response = other.get(path)
            assert response.status_code == 404, (intruder, path)
            assert CHILD_A_NAME not in response.content.decode()
        for path in (
            page_url(draft, "about-you"),
            f"{NOTIFY}drafts/{draft}/children/{child}/remove/",
            f"{NOTIFY}drafts/{draft}/delete/",
            f"{NOTIFY}drafts/{draft}/check/",
        ):
            assert other.post(path, {"notifier_name": "Intruder", "action": "continue"}).status_code == 404
        assert draft not in other.get(f"{NOTIFY}drafts/").content.decode()
    assert NotificationDraft.objects.get(uuid=draft).payload_sealed == before


def test_a_draft_belongs_to_its_partnership(client_as: Callable[[str], Client], demo: dict[str, Partnership]) -> None:
    """The shared police lead's Northvale draft is not reachable while working in Southmoor."""
    police = client_as("police.lead@example.org")
    police.post("/partnership/switch/", {"partnership": demo["northvale"].id})
    draft = start_draft(police)
    police.post("/partnership/switch/", {"partnership": demo["southmoor"].id})
    assert police.get(page_url(draft, "about-you")).status_code == 404
    assert draft not in police.get(f"{NOTIFY}drafts/").content.decode()
    police.post("/partnership/switch/", {"partnership": demo["northvale"].id})
    assert police.get(page_url(draft, "about-you")).status_code == 200


@pytest.mark.parametrize(
    "email",
    [
        "business.unit@example.org",
        "admin@example.org",
        "auditor@example.org",
        "reviewer@example.org",
        "independent.chair@example.org",
    ],
)
def test_roles_that_do_not_act_for_an_agency_cannot_report(email: str, client_as: Callable[[str], Client]) -> None:
    client = client_as(email)
    assert client.get(NOTIFY).status_code == 403
    assert client.post(f"{NOTIFY}new/").status_code == 403
    assert not NotificationDraft.objects.exists()


def test_a_prg_chair_without_an_organisation_is_told_why_and_cannot_start(client_as: Callable[[str], Client]) -> None:
    client = client_as("prg.chair@example.org")
    page = client.get(NOTIFY).content.decode()
    assert "does not name the organisation you work for" in page
    assert "Start now" not in page
    assert client.post(f"{NOTIFY}new/")["Location"] == NOTIFY
    assert not NotificationDraft.objects.exists()


@pytest.mark.parametrize(
    ("email", "organisation", "can_attach"),
    [
        ("prg.member@example.org", "Northvale Fire and Rescue Service (demo)", False),
        ("executive@example.org", "Northvale Council Children's Services (demo)", False),
        ("contributor.health@example.org", "Northvale Integrated Care Board (demo)", True),
    ],
)
def test_agency_members_refer_for_their_organisation(
    email: str, organisation: str, can_attach: bool, client_as: Callable[[str], Client]
) -> None:
    client = client_as(email)
    draft = start_draft(client)
    answer_everything(client, draft, as_referral=True, children=1)
    documents = client.get(page_url(draft, "documents"))
    assert documents.status_code == (200 if can_attach else 404)
    response = client.post(f"{NOTIFY}drafts/{draft}/check/")
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert case.as_referral
    assert case.submitted_by_organisation is not None
    assert case.submitted_by_organisation.name == organisation


def test_the_form_takes_only_the_questions_on_the_page(client_as: Callable[[str], Client]) -> None:
    """Extra fields are neither kept nor obeyed: the membership, not the form, decides notification or referral."""
    client = client_as("contributor.health@example.org")
    draft = start_draft(client)
    extra = {"as_referral": "false", "owner": "1", "partnership": "2", "children": "x", "pages": "x"}
    save(client, draft, "about-you", {**page_answers()["about-you"], **extra})
    stored = NotificationDraft.objects.get(uuid=draft).answers
    assert set(stored["pages"]["about-you"]) == {"notifier_name", "notifier_role", "notifier_phone", "notifier_email"}
    assert "children" not in stored
    answer_everything(client, draft, as_referral=True, children=1)
    response = client.post(f"{NOTIFY}drafts/{draft}/check/", extra)
    case = Case.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert case.as_referral


def test_post_views_hide_their_parameters_from_error_reports(client_as: Callable[[str], Client]) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    for path in (
        page_url(draft, "about-you"),
        f"{NOTIFY}drafts/{draft}/children/add/",
        f"{NOTIFY}drafts/{draft}/check/",
    ):
        response = client.post(path, {"name": CHILD_A_NAME, "action": "save"})
        assert response.wsgi_request.sensitive_post_parameters == "__ALL__"  # type: ignore[attr-defined]


def test_no_identifying_details_in_addresses_or_logs(
    client_as: Callable[[str], Client], caplog: pytest.LogCaptureFixture
) -> None:
    client = client_as(NOTIFIER)
    caplog.set_level(logging.DEBUG)
    draft = start_draft(client)
    answer_everything(client, draft)
    response = add_item(client, draft, "children", {**child_a(nhs_number="12"), "name": f"{SURNAME} the third"})
    assert response.status_code == 400
    check = client.get(f"{NOTIFY}drafts/{draft}/check/").content.decode()
    for address in re.findall(r'(?:href|action)="([^"]*)"', check):
        assert all(value not in address for value in IDENTIFYING)
    assert all(value not in record.getMessage() for record in caplog.records for value in IDENTIFYING)


def test_an_ended_session_sends_the_person_to_sign_in_and_back_to_the_page_with_the_draft_there(
    client_as: Callable[[str], Client], settings: Any
) -> None:
    client = client_as(NOTIFIER)
    draft = start_draft(client)
    add_item(client, draft, "children", child_a())
    # Half an hour without a request: the server ends the session.
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    page = page_url(draft, "children")
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/timed-out/")
    timed_out = client.get(response["Location"]).content.decode()
    assert "next=%2Fcases%2Fnotify%2Fdrafts%2F" in timed_out
    # Signed in again (a new session), the page and its answers are there.
    again = client_as(NOTIFIER)
    assert CHILD_A_NAME in again.get(page).content.decode()


def test_the_drafts_list_shows_only_the_persons_own_drafts(client_as: Callable[[str], Client]) -> None:
    mine = client_as(NOTIFIER)
    theirs = client_as("contributor.health@example.org")
    first, second = start_draft(mine), start_draft(theirs)
    listing = mine.get(f"{NOTIFY}drafts/").content.decode()
    assert first in listing
    assert second not in listing
    assert "Continue" in listing
    assert "Delete" in listing
