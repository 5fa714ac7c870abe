"""The case list, the case page and the action pages, as each role sees them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cspr.accounts.services import user_get_or_create
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseDocument, LocalAuthorityDecision
from cspr.cases.notification import ChildData
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from cspr.partnerships.services import membership_grant
from tests.cases.conftest import CHILD_NAME, IDENTIFYING_VALUES, LONDON, SubmitFunc
from tests.cases.support import found_in, outbox_and_audit_text
from tests.support import ClientAs, assert_shows, private_storage

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 12, 21, 10, 0, tzinfo=LONDON)
DECIDED_21_DEC = {"decided_on-day": "21", "decided_on-month": "12", "decided_on-year": "2026"}
UNCOMMISSIONED = "uncommissioned.reviewer@example.org"


def detail(case: Case) -> str:
    return reverse("cases:detail", kwargs={"reference": case.reference})


def main(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_shows_clocks_stage_assessment_and_no_names(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    response = client_as("business.unit@example.org").get(detail(case))
    assert response.status_code == 200
    assert_shows(
        main(response),
        case.reference,
        "Child A",
        "Child B",
        "Notify the Panel",
        "29 December 2026",
        "govuk-tag--blue",
        "Running",
        "4 working days left",
        "Within 5 working days of the local authority becoming aware of the incident",
        "current stage",
        # Each "Extend" link says, to a screen reader, which deadline, written as its title is (acronyms intact).
        'Extend<span class="govuk-visually-hidden"> the deadline: Notify the Panel',
    )
    assert found_in(response.content.decode(), IDENTIFYING_VALUES) == []
    record = client_as("business.unit@example.org").get(reverse("cases:record", kwargs={"reference": case.reference}))
    assert "Notifiable to the Panel" in main(record)
    for name in ("cases:record", "cases:history", "cases:documents"):
        other = client_as("business.unit@example.org").get(reverse(name, kwargs={"reference": case.reference}))
        assert found_in(other.content.decode(), IDENTIFYING_VALUES) == [], name


def test_each_page_of_a_case_links_to_the_others_and_marks_itself(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    client = client_as("prg.chair@example.org")
    names = ("cases:detail", "cases:record", "cases:history", "cases:documents")
    urls = [reverse(name, kwargs={"reference": case.reference}) for name in names]
    for url in urls:
        html = main(client.get(url))
        for other in urls:
            assert f'href="{other}"' in html
        assert f'href="{url}" aria-current="page"' in html
        assert html.count('aria-current="page"') == 1


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_offers_only_what_this_person_may_do_now(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    bu = main(client_as("business.unit@example.org").get(detail(case)))
    assert "Start the rapid review</span> \u2013 not possible yet" in bu
    assert "A rapid review starts only once the local authority has notified the Panel" in bu
    assert reverse("cases:la-decision", kwargs={"reference": case.reference}) in bu
    contributor = main(client_as("contributor.health@example.org").get(detail(case)))
    assert "Start the rapid review" not in contributor
    assert reverse("cases:la-decision", kwargs={"reference": case.reference}) not in contributor
    auditor = main(client_as("auditor@example.org").get(detail(case)))
    assert "There is nothing for you to do on this case now." in auditor


@time_machine.travel(MONDAY, tick=False)
def test_another_partnerships_case_is_not_found_by_guessing_its_url(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    client = client_as("southmoor.business.unit@example.org")
    for name in ("cases:detail", "cases:identifying-details", "cases:la-decision", "cases:duty"):
        response = client.get(reverse(name, kwargs={"reference": case.reference}))
        assert response.status_code in (403, 404), name
        assert CHILD_NAME not in response.content.decode()
    response = client.get(detail(case))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(verb="access.refused", details__path=detail(case), details__status=404).exists()


def test_a_police_lead_in_both_partnerships_sees_only_the_current_partnerships_cases(
    submit: SubmitFunc, client_as: ClientAs, demo: dict[str, Partnership]
) -> None:
    case = submit(agencies_involved=("Vale and Moor Police (demo)",))
    client = client_as("police.lead@example.org")
    client.post(reverse("partnerships:switch"), {"partnership": demo["southmoor"].id})
    assert client.get(detail(case)).status_code == 404
    client.post(reverse("partnerships:switch"), {"partnership": demo["northvale"].id})
    assert client.get(detail(case)).status_code == 200


def test_an_agency_contributor_sees_only_cases_their_organisation_is_involved_in_or_referred(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    involved = submit()
    not_involved = submit(agencies_involved=("Vale and Moor Police (demo)",))
    referred = submit(email="contributor.health@example.org", as_referral=True, agencies_involved=())
    client = client_as("contributor.health@example.org")
    assert client.get(detail(involved)).status_code == 200
    assert client.get(detail(referred)).status_code == 200
    assert client.get(detail(not_involved)).status_code == 404
    listing = main(client.get(reverse("cases:list")))
    assert involved.reference in listing
    assert referred.reference in listing
    assert not_involved.reference not in listing


def test_a_reviewer_commissioned_for_no_case_sees_none(
    submit: SubmitFunc, client_as: ClientAs, demo: dict[str, Partnership]
) -> None:
    case = submit()
    # The demo's own reviewer is commissioned for its local reviews: this one holds the role and no grant.
    person, _ = user_get_or_create(
        acting=system_acting(), email=UNCOMMISSIONED, full_name="Fennick Unbidden", password=DEMO_PASSWORD
    )
    membership_grant(acting=system_acting(), user=person, partnership=demo["northvale"], role=Role.REVIEWER)
    client = client_as(UNCOMMISSIONED)
    assert client.get(detail(case)).status_code == 404
    listing = client.get(reverse("cases:list"))
    assert listing.status_code == 200
    assert "NVALE-" not in main(listing)


def test_the_case_list_filters_by_stage_and_year_and_searches_reference_or_pseudonym(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    new = submit()
    next_year = submit(at=datetime(2027, 1, 5, 9, 0, tzinfo=LONDON))
    client = client_as("business.unit@example.org")
    everything = main(client.get(reverse("cases:list")))
    assert new.reference in everything
    assert "NVALE-2026-001" in everything
    by_year = main(client.get(reverse("cases:list"), {"year": "2027"}))
    assert next_year.reference in by_year
    assert new.reference not in by_year
    by_stage = main(client.get(reverse("cases:list"), {"stage": "rapid_review"}))
    assert "NVALE-2026-003" in by_stage
    assert new.reference not in by_stage
    by_reference = main(client.get(reverse("cases:list"), {"q": new.reference.lower()}))
    assert new.reference in by_reference
    assert "NVALE-2026-003" not in by_reference
    by_pseudonym = main(client.get(reverse("cases:list"), {"q": "child b"}))
    assert new.reference in by_pseudonym
    assert "NVALE-2026-003" in by_pseudonym
    assert "NVALE-2026-001" not in by_pseudonym
    assert found_in(everything, IDENTIFYING_VALUES) == []


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:list")).status_code == 200
    return len(queries)


def test_the_case_list_runs_the_same_number_of_queries_for_3_or_30_cases(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    client = client_as("business.unit@example.org")
    client.get(reverse("cases:list"))  # warm the session
    few = _list_queries(client)  # the five demo cases
    for _ in range(25):
        submit(children=(make_child(),))
    many = _list_queries(client)
    assert few == many, f"{few} queries for 5 cases, {many} for 30"


def make_child() -> ChildData:
    return ChildData(name="", not_yet_identified=True, age_years=4)


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_runs_the_same_number_of_queries_however_long_its_history(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    client = client_as("business.unit@example.org")
    case = submit()
    client.get(detail(case))
    with CaptureQueriesContext(connection) as before:
        client.get(detail(case))
    for _ in range(5):
        client.post(
            reverse("cases:identifying-details", kwargs={"reference": case.reference}), {"purpose": "rapid_review"}
        )
    with CaptureQueriesContext(connection) as after:
        client.get(detail(case))
    assert len(before) == len(after)


# -- identifying details -----------------------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_identifying_details_need_a_purpose_and_each_view_is_audited(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    client = client_as("prg.chair@example.org")
    url = reverse("cases:identifying-details", kwargs={"reference": case.reference})
    asking = client.get(url)
    assert asking.status_code == 200
    assert CHILD_NAME not in asking.content.decode()
    assert client.post(url, {"purpose": "other"}).status_code == 400
    shown = client.post(url, {"purpose": "rapid_review"})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert CHILD_NAME in html
    assert "943 476 5919".replace(" ", "") in html
    assert "Marigold Testfieldworth" in html
    assert "OFFICIAL-SENSITIVE" in html
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(verb="case.identifying_details_viewed", object_id=str(case.pk))
    assert event.details["purpose"] == "rapid_review"
    assert event.actor is not None
    assert event.actor.email == "prg.chair@example.org"
    assert found_in(outbox_and_audit_text(), IDENTIFYING_VALUES) == []


@pytest.mark.parametrize("email", ["auditor@example.org", "admin@example.org"])
def test_roles_without_a_need_cannot_see_identifying_details(
    submit: SubmitFunc, client_as: ClientAs, email: str
) -> None:
    case = submit()
    url = reverse("cases:identifying-details", kwargs={"reference": case.reference})
    response = client_as(email).post(url, {"purpose": "rapid_review"})
    assert response.status_code == 403
    assert CHILD_NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="case.identifying_details_viewed", object_id=str(case.pk)).exists()


# -- the action pages --------------------------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_the_la_decision_page_records_the_decision_and_the_business_unit_cannot_change_it(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    case = submit()
    url = reverse("cases:la-decision", kwargs={"reference": case.reference})
    notifier = client_as("notifier@example.org")
    form = {"notify_panel": "yes", "decided_on-day": "21", "decided_on-month": "12", "decided_on-year": "2026"}
    assert notifier.post(url, form).status_code == 400  # no reason
    response = notifier.post(url, {**form, "reason": "Neglect suspected."})
    assert response.status_code == 302
    assert LocalAuthorityDecision.objects.filter(case=case, notify_panel=True).count() == 1
    business_unit = client_as("business.unit@example.org")
    assert business_unit.get(url).status_code == 404
    page = main(business_unit.get(detail(case)))
    assert "Only the local authority can change it." in page
    assert "Start the rapid review" in page
    moved_on = Case.objects.get(reference="NVALE-2026-016")  # at the draft report: the LA's decision is long made
    assert "Only the local authority can change it." not in main(business_unit.get(detail(moved_on)))


@time_machine.travel(MONDAY, tick=False)
def test_routing_through_the_page_starts_the_rapid_review(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    notifier = client_as("notifier@example.org")
    notifier.post(
        reverse("cases:la-decision", kwargs={"reference": case.reference}),
        {
            "notify_panel": "yes",
            "decided_on-day": "21",
            "decided_on-month": "12",
            "decided_on-year": "2026",
            "reason": "r",
        },
    )
    client = client_as("business.unit@example.org")
    url = reverse("cases:route", kwargs={"reference": case.reference, "transition": "start_rapid_review"})
    assert client.post(url, {}).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "rapid_review"
    page = main(client.get(reverse("cases:history", kwargs={"reference": case.reference})))
    assert "Business unit started the rapid review" in page
    assert "Bea Unwin, 21 December 2026 at 10:00am" in page


@time_machine.travel(datetime(2027, 1, 4, 10, 0, tzinfo=LONDON), tick=False)
def test_the_duty_page_asks_why_only_once_the_duty_turns_out_late(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit()
    client = client_as("business.unit@example.org")
    url = reverse("cases:duty", kwargs={"reference": case.reference})
    assert "Why it was late" not in client.get(url).content.decode()
    late = {"kind": "partners_informed", "done_on-day": "30", "done_on-month": "12", "done_on-year": "2026"}
    asked = client.post(url, late)
    assert asked.status_code == 400
    assert "Why it was late" in asked.content.decode()
    assert client.post(url, {**late, "late_reason": "Office closed."}).status_code == 400
    assert client.post(url, {**late, "late_reason": "The office was closed all week."}).status_code == 302
    page = main(client.get(detail(case)))
    assert "Met late" in page
    assert "govuk-tag--orange" in page
    assert "Late because: The office was closed all week." in page


def test_a_document_is_stored_outside_the_web_root_and_downloaded_through_an_audited_view(
    submit: SubmitFunc, client_as: ClientAs, settings: object, tmp_path: object
) -> None:
    private_storage(settings, tmp_path)
    case = submit()
    client = client_as("notifier@example.org")
    url = reverse("cases:document-upload", kwargs={"reference": case.reference})
    pdf = SimpleUploadedFile("Juniper chronology.pdf", b"%PDF-1.7\n%fake but starts right\n", content_type="text/html")
    assert client.post(url, {"title": "Chronology", "file": pdf}).status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert document.stored_file.content_type == "application/pdf"  # sniffed, not the browser's claim
    stored = tmp_path / document.stored_file.storage_name  # type: ignore[operator]
    assert stored.exists()
    assert b"%fake but starts right" not in stored.read_bytes()  # encrypted at rest
    assert "Juniper" not in document.stored_file.storage_name
    download_url = reverse(
        "cases:document-download", kwargs={"reference": case.reference, "document_uuid": document.uuid}
    )
    contributor = client_as("contributor.health@example.org")
    asked = contributor.get(download_url)
    assert asked.status_code == 200  # first: why?
    assert "Content-Disposition" not in asked
    download = contributor.post(download_url, {"purpose": "find_records"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Juniper" in download["Content-Disposition"]  # a reader of identifying details gets the real name
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(verb="case.document_downloaded", object_id=str(case.pk))
    assert event.details["purpose"] == "find_records"
    assert (
        client_as("southmoor.business.unit@example.org")
        .get(reverse("cases:document-download", kwargs={"reference": case.reference, "document_uuid": document.uuid}))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>\x00", "must be a PDF"),
        ("fake.pdf", b"MZ\x90\x00 an executable", "must be a PDF"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_documents_of_the_wrong_type_or_empty_are_refused(
    submit: SubmitFunc,
    client_as: ClientAs,
    settings: object,
    tmp_path: object,
    name: str,
    content: bytes,
    message: str,
) -> None:
    private_storage(settings, tmp_path)
    case = submit()
    url = reverse("cases:document-upload", kwargs={"reference": case.reference})
    response = client_as("business.unit@example.org").post(
        url, {"title": "Note", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CaseDocument.objects.filter(case=case).exists()
    assert list(tmp_path.rglob("*.*")) == [] or all(p.is_dir() for p in tmp_path.rglob("*"))  # type: ignore[attr-defined]


def test_a_document_over_the_size_limit_is_refused(
    submit: SubmitFunc, user: Callable, settings: object, tmp_path: object
) -> None:
    from cspr.cases import services

    private_storage(settings, tmp_path)
    settings.CASE_DOCUMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    case = submit()
    with pytest.raises(services.CaseActionRefused, match="smaller than"):
        services.document_attach(
            acting=acting_for(user("business.unit@example.org")),
            case=case,
            upload=SimpleUploadedFile("big.txt", b"a" * 2048),
            title="Big",
        )


def test_the_scanner_hook_is_called_and_can_reject_a_file(
    submit: SubmitFunc, user: Callable, settings: object, tmp_path: object
) -> None:
    from cspr.cases import services
    from cspr.kernel import documents

    private_storage(settings, tmp_path)
    settings.CASE_DOCUMENT_SCANNER = "tests.cases.test_case_pages.reject_everything"  # type: ignore[attr-defined]
    case = submit()
    with pytest.raises(documents.FileRejected, match="virus"):
        services.document_attach(
            acting=acting_for(user("business.unit@example.org")),
            case=case,
            upload=SimpleUploadedFile("note.txt", b"hello"),
            title="Note",
        )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # type: ignore[attr-defined]


def reject_everything(path: object) -> None:
    from cspr.kernel.documents import FILE_INFECTED, FileRejected

    raise FileRejected(FILE_INFECTED)


@time_machine.travel(MONDAY, tick=False)
def test_a_possible_duplicate_warns_the_business_unit_on_the_case_page_and_can_be_linked(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    first = submit()
    second = submit()
    client = client_as("business.unit@example.org")
    page = main(client.get(detail(second)))
    assert "Possible duplicate" in page
    assert first.reference in page
    response = client.post(
        reverse("cases:link", kwargs={"reference": second.reference}), {"other_reference": first.reference}
    )
    assert response.status_code == 302
    page = main(client.get(detail(second)))
    assert "Possible duplicate" not in page
    documents = [reverse("cases:documents", kwargs={"reference": each.reference}) for each in (second, first)]
    assert "Same incident or child (linked)" in main(client.get(documents[0]))
    assert "Same incident or child (linked)" in main(client.get(documents[1]))
