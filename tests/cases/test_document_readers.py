"""Case documents are for the roles that work the case: each download asks why and is audited with the answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import rules
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseDocument
from cspr.cases.services import document_attach, document_download, notification_submit
from cspr.core.policy import IDENTIFYING_VIEWERS, URL_POLICY
from cspr.demo.partnerships import NORTHVALE_PEOPLE
from cspr.domain.roles import Role
from cspr.kernel.sealing import reading
from cspr.partnerships.scoping import acting_for
from tests.cases.support import unidentified_child_notification
from tests.support import private_storage

ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}
DOWNLOADS = (
    "cases:document-download",
    "returns:return-docx",
    "returns:case-attachment",
    "returns:chronology-docx",
    "returns:attachment",
    "returns:own-docx",
    "rapid_reviews:paper-download",
    "rapid_reviews:document",
    "rapid_reviews:document-identifying",
)


@pytest.fixture
def document(demo: dict, settings: object, tmp_path: object) -> CaseDocument:
    private_storage(settings, tmp_path)
    case = Case.objects.get(reference="NVALE-2026-005")  # health is involved: its contributor sees the case
    return document_attach(
        acting=acting_for(User.objects.get(email="business.unit@example.org")),
        case=case,
        upload=SimpleUploadedFile("Juniper statement.txt", b"A statement.", content_type="text/plain"),
        title="Statement",
    )


def _url(document: CaseDocument) -> str:
    return reverse(
        "cases:document-download", kwargs={"reference": document.case.reference, "document_uuid": document.uuid}
    )


@pytest.mark.parametrize("name", DOWNLOADS)
def test_no_download_is_open_to_the_partnership_admin_or_the_auditor(name: str) -> None:
    policy = URL_POLICY[name]
    for role in (Role.PARTNERSHIP_ADMIN, Role.AUDITOR):
        assert not policy.allows(authenticated=True, is_superuser=False, roles_here=frozenset({role})), (name, role)


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_ADMIN, Role.AUDITOR])
def test_the_admin_and_the_auditor_are_refused_a_case_document_and_the_refusal_is_audited(
    role: Role, document: CaseDocument, client_as: Callable[[str], Client]
) -> None:
    client = client_as(ROLE_EMAILS[role])
    before = AuditEvent.objects.filter(verb="access.refused").count()
    assert client.get(_url(document)).status_code == 403
    assert client.post(_url(document), {"purpose": "rapid_review"}).status_code == 403
    assert AuditEvent.objects.filter(verb="access.refused").count() == before + 2
    assert not AuditEvent.objects.filter(verb="case.document_downloaded").exists()


@pytest.mark.parametrize("role", sorted(IDENTIFYING_VIEWERS))
def test_each_case_role_downloads_after_saying_why_and_the_download_is_audited_with_the_purpose(
    role: Role, document: CaseDocument, client_as: Callable[[str], Client]
) -> None:
    client = client_as(ROLE_EMAILS[role])
    asked = client.get(_url(document))
    assert asked.status_code == 200
    assert "Why do you need this document?" in asked.content.decode()
    refused = client.post(_url(document), {"purpose": "other", "purpose_other": ""})
    assert refused.status_code == 400
    assert "Say why you need this document" in refused.content.decode()
    download = client.post(_url(document), {"purpose": "other", "purpose_other": "Checking the chronology"})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"A statement."  # type: ignore[attr-defined]
    assert "Juniper statement.txt" in download["Content-Disposition"]
    event = AuditEvent.objects.get(verb="case.document_downloaded", actor__email=ROLE_EMAILS[role])
    assert (event.details["purpose"], event.details["purpose_other"]) == ("other", "Checking the chronology")
    assert "Juniper" not in str(event.details)


def test_an_agency_contributor_is_refused_a_document_of_a_case_not_its_organisations(
    demo: dict, settings: object, tmp_path: object, client_as: Callable[[str], Client]
) -> None:
    private_storage(settings, tmp_path)
    case = notification_submit(
        acting=acting_for(User.objects.get(email="notifier@example.org")),
        partnership=demo["northvale"],
        data=unidentified_child_notification("Document Test", "No agency named yet."),
        as_referral=False,
    )
    kept = document_attach(
        acting=acting_for(User.objects.get(email="business.unit@example.org")),
        case=case,
        upload=SimpleUploadedFile("n.txt", b"Note.", content_type="text/plain"),
        title="Note",
    )
    client = client_as("contributor.health@example.org")
    assert client.get(_url(kept)).status_code == 404
    assert client.post(_url(kept), {"purpose": "rapid_review"}).status_code == 404
    assert not AuditEvent.objects.filter(verb="case.document_downloaded").exists()


def test_a_reader_without_identifying_details_gets_a_neutral_file_name(
    document: CaseDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today every reader of documents may see identifying details; should the two ever part, the name is hidden."""
    reader = acting_for(User.objects.get(email="business.unit@example.org"))
    with reading() as reads:
        named = document_download(acting=reader, case=document.case, document=document, purpose="rapid_review")
    assert named.filename == "Juniper statement.txt"
    assert f"files.storedfile.original_name.{document.stored_file.uuid}" in reads

    real = rules.test_rule

    def without_identifying(name: str, *args: object) -> bool:
        return False if name == "cases.view_identifying_details" else bool(real(name, *args))

    monkeypatch.setattr(rules, "test_rule", without_identifying)
    with reading() as reads:
        neutral = document_download(acting=reader, case=document.case, document=document, purpose="rapid_review")
    assert neutral.filename == "NVALE-2026-005-document-1.txt"
    assert neutral.content == b"A statement."
    assert not any("original_name" in place for place in reads)  # the name was not even decrypted
