"""Information requests and agency returns: services, pages, security, reminders, the API."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook  # type: ignore[import-untyped]

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Membership, Organisation, Partnership
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import (
    AgencyReturn,
    InformationRequest,
    OrganisationLead,
    ReminderKind,
    RequestReminder,
    RequestStatus,
    ReturnStatus,
)
from tests.api.support import api_client_for
from tests.cases.support import found_in, outbox_and_audit_text
from tests.returns.factories import acting_as, colleague_at, organisations_to_ask
from tests.returns.support import (
    DEMO_CASE,
    HEALTH_ORGANISATION,
    POLICE,
    POLICE_ORGANISATION,
    attachment_on,
    demo_request,
    police_csv_import,
)
from tests.support import assert_word_file_is_the_services

LONDON = ZoneInfo("Europe/London")
BU = "business.unit@example.org"
HEALTH = "contributor.health@example.org"
NOTIFIER = "notifier@example.org"
LA_ORGANISATION = "Northvale Council Children's Services (demo)"
NAMES = ["Linden Madeupton", "Hazel Madeupton", "22 Pretend Street"]
COMPLETE = {
    "involvement": "Seen at clinic.",
    "key_practice_episodes": "One missed review.",
    "immediate_actions": "Records flagged.",
    "early_learning": "Follow up sooner.",
    "equality_considerations": "Interpreter needed.",
}


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def _fresh_case(northvale: Partnership) -> Case:
    """NVALE-2026-003's sibling for tests that ask afresh: a copy of the rapid-review case without requests."""
    case = Case.objects.get(partnership=northvale, reference=DEMO_CASE)
    InformationRequest.objects.filter(case=case).update()  # no-op: requests are kept, tests use other organisations
    return case


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# -- asking --------------------------------------------------------------------------------------------------------


def test_the_business_unit_asks_organisations_and_their_contributors_are_emailed_without_names(demo: Any) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    [education] = Organisation.objects.filter(name="Northvale Learning Trust (demo)")
    Membership.objects.create(
        user=User.objects.get(email=HEALTH),
        partnership=demo["northvale"],
        role="agency_contributor",
        organisation=education,
    )
    before = OutboundMessage.objects.count()
    created = services.information_requests_send(
        acting=acting_as(BU),
        case=case,
        organisation_ids=[education.pk],
        due_on=date(2026, 12, 4),
        questions="Any exclusions?",
        at=_at(11, 20),
    )
    assert [item.organisation for item in created] == [education]
    assert created[0].unseal("questions") == "Any exclusions?"
    assert "Any exclusions" not in created[0].questions_sealed
    message = OutboundMessage.objects.order_by("-id").first()
    assert OutboundMessage.objects.count() == before + 1
    assert message is not None
    assert message.to == HEALTH
    assert DEMO_CASE in message.subject
    assert "Child A" in message.body
    assert found_in(outbox_and_audit_text(), NAMES) == []
    assert AuditEvent.objects.filter(verb="returns.request_sent", object_id=str(created[0].pk)).exists()


def test_an_organisation_cannot_be_asked_twice_and_a_contributor_cannot_ask(demo: Any) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    health = Organisation.objects.get(name=HEALTH_ORGANISATION)
    with pytest.raises(services.ReturnActionRefused, match="already been asked"):
        services.information_requests_send(
            acting=acting_as(BU), case=case, organisation_ids=[health.pk], due_on=date(2026, 12, 4), at=_at(11, 20)
        )
    with pytest.raises(services.ReturnActionRefused, match=services.NOT_ALLOWED):
        services.information_requests_send(
            acting=acting_as(HEALTH), case=case, organisation_ids=[health.pk], due_on=date(2026, 12, 4), at=_at(11, 20)
        )


def test_asking_is_atomic(demo: Any) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    ids = organisations_to_ask(demo["northvale"], 2)
    with (
        mock.patch("cspr.kernel.kit.audit_record", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.information_requests_send(
            acting=acting_as(BU), case=case, organisation_ids=ids, due_on=date(2026, 12, 4), at=_at(11, 20)
        )
    assert not InformationRequest.objects.filter(organisation_id__in=ids).exists()


def test_the_send_page_pre_ticks_named_and_statutory_agencies_not_yet_asked(client_as: Callable[[str], Client]) -> None:
    response = client_as(BU).get(reverse("returns:send", kwargs={"reference": DEMO_CASE}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Northvale Learning Trust (demo)" in html  # named in the notification, not asked yet
    assert "checked" in html
    assert HEALTH_ORGANISATION not in html  # already asked


# -- the return ----------------------------------------------------------------------------------------------------


def test_a_contributor_sees_identifying_details_only_when_asking_and_each_view_is_audited(
    client_as: Callable[[str], Client],
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    url = reverse("returns:request", kwargs={"request_uuid": police.uuid})
    client = client_as(POLICE)
    before = AuditEvent.objects.filter(verb="case.identifying_details_viewed").count()
    visit = client.get(url)
    assert visit.status_code == 200
    assert "Linden Madeupton" not in visit.content.decode()  # not on every visit
    assert "Show the identifying details" in visit.content.decode()
    assert "Rapid review" in visit.content.decode()  # the case's stage in words
    assert AuditEvent.objects.filter(verb="case.identifying_details_viewed").count() == before
    shown = client.post(url)
    assert shown.status_code == 200
    assert "Linden Madeupton" in shown.content.decode()
    event = AuditEvent.objects.filter(verb="case.identifying_details_viewed").latest("id")
    assert event.details["purpose"] == "find_records"
    assert AuditEvent.objects.filter(verb="case.identifying_details_viewed").count() == before + 1


def test_a_draft_keeps_valid_fields_when_others_have_errors(client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)
    client = client_as(POLICE)
    url = reverse("returns:edit", kwargs={"request_uuid": police.uuid})
    response = client.post(url, {"early_learning": "Check sooner.", "involvement": "bad\x00text"})
    assert response.status_code == 400
    draft = AgencyReturn.objects.get(request=demo_request(POLICE_ORGANISATION))
    assert draft.unseal("early_learning") == "Check sooner."
    assert "bad" in response.content.decode()  # what was typed is shown again


def test_the_request_and_submit_pages_show_the_organisations_own_return(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    """``current`` on these pages is the return: base.html's partnership variable once shadowed it."""
    la = demo_request(LA_ORGANISATION)  # not started
    page = client_as(NOTIFIER).get(reverse("returns:request", kwargs={"request_uuid": la.uuid})).content.decode()
    assert "Nothing written yet." in page
    assert "Start the return" in page
    assert "Version :" not in page
    police = demo_request(POLICE_ORGANISATION)  # a draft; police.lead is the designated lead
    colleague = colleague_at(police.organisation, demo["northvale"])
    url = reverse("returns:request", kwargs={"request_uuid": police.uuid})
    page = client_as(colleague.email).get(url).content.decode()
    assert "Version 1: draft." in page
    assert "Two call-outs to the address in 2026" in page
    assert "Send to the lead for sign-off" in page
    submit = client_as(POLICE).get(reverse("returns:submit", kwargs={"request_uuid": police.uuid})).content.decode()
    assert "Still to complete:" in submit
    assert "Two call-outs to the address in 2026" in submit


def test_csv_import_adds_good_rows_and_reports_bad_rows_by_number(demo: Any) -> None:
    rows = [
        ["2026-03-01", "Call-out to the address", "Incident log"],
        ["31/03/2026", "Welfare check", ""],
        ["not a date", "Something", "Log"],
        ["2026-04-01", "", "Log"],
        ["2099-01-01", "In the future", "Log"],
    ]
    report = police_csv_import(rows, at=_at(11, 21))
    assert report.added == 2
    assert [(problem.row, problem.why) for problem in report.problems] == [
        (4, "'not a date' is not a date (use 2026-03-31 or 31/03/2026)"),
        (5, services.ROW_EVENT_MISSING),
        (6, services.ROW_DATE_FUTURE),
    ]
    draft = AgencyReturn.objects.get(request=demo_request(POLICE_ORGANISATION))
    assert sorted(entry.happened_on for entry in draft.entries.all()) == [date(2026, 3, 1), date(2026, 3, 31)]
    event = AuditEvent.objects.filter(verb="returns.chronology_imported").latest("id")
    assert event.details["rows_refused"] == [4, 5, 6]
    assert "Call-out" not in str(event.details)


def test_xlsx_import_reads_dates_and_text(demo: Any) -> None:
    police = demo_request(POLICE_ORGANISATION)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Event", "Source"])
    sheet.append([date(2026, 2, 3), "Arrest of an adult in the household", "Custody record"])
    sheet.append(["2026-02-10", "Referral to children's social care", None])
    sheet.append([None, "No date", "Log"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.chronology_import(
        acting=acting_as(POLICE), info_request=police, upload=_upload("c.xlsx", buffer.getvalue()), at=_at(11, 21)
    )
    assert report.added == 2
    assert [(problem.row, problem.why) for problem in report.problems] == [(4, services.ROW_DATE_MISSING)]


@pytest.mark.parametrize("damage", ["truncated sheet", "not xml", "no sheet"])
def test_a_damaged_workbook_is_refused_in_words_not_a_crash(demo: Any, damage: str) -> None:
    import zipfile

    police = demo_request(POLICE_ORGANISATION)
    workbook = Workbook()
    workbook.active.append(["date", "event", "source"])
    good = io.BytesIO()
    workbook.save(good)
    damaged = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if damage == "no sheet":
                    continue
                content = content[: len(content) // 2] if damage == "truncated sheet" else b"\x00 not xml"
            target.writestr(item, content)
    with pytest.raises(services.ReturnActionRefused) as refused:
        services.chronology_import(
            acting=acting_as(POLICE), info_request=police, upload=_upload("c.xlsx", damaged.getvalue()), at=_at(11, 21)
        )
    assert refused.value.field == "file"
    assert not AgencyReturn.objects.filter(request=police, entries__isnull=False).exists()


def test_an_import_without_the_header_row_or_too_big_is_refused(demo: Any, settings: Any) -> None:
    police = demo_request(POLICE_ORGANISATION)
    with pytest.raises(services.ReturnActionRefused, match="first row"):
        services.chronology_import(
            acting=acting_as(POLICE), info_request=police, upload=_upload("c.csv", b"a,b\n1,2\n")
        )
    settings.RETURN_IMPORT_MAX_BYTES = 10
    with pytest.raises(services.ReturnActionRefused, match="smaller than"):
        services.chronology_import(
            acting=acting_as(POLICE), info_request=police, upload=_upload("c.csv", b"date,event\n" * 5)
        )


def test_only_the_designated_lead_can_sign_off_and_submit(demo: Any) -> None:
    colleague = colleague_at(Organisation.objects.get(name=POLICE_ORGANISATION), demo["northvale"])
    police = demo_request(POLICE_ORGANISATION)
    services.return_save(acting=acting_as(POLICE), info_request=police, values=COMPLETE, at=_at(11, 21))
    with pytest.raises(services.ReturnActionRefused, match="designated lead"):
        services.return_submit(acting=acting_for(colleague), info_request=police, at=_at(11, 21))
    assert AgencyReturn.objects.get(request=police).status == ReturnStatus.DRAFT
    services.return_sign_off_request(acting=acting_for(colleague), info_request=police, at=_at(11, 21))
    police.refresh_from_db()
    assert police.status == RequestStatus.AWAITING_SIGN_OFF
    assert OutboundMessage.objects.filter(to=POLICE, kind="returns.sign_off_requested").exists()
    services.return_submit(acting=acting_as(POLICE), info_request=police, at=_at(11, 22))
    police.refresh_from_db()
    assert police.status == RequestStatus.SUBMITTED
    assert AgencyReturn.objects.get(request=police).signed_off_by.email == POLICE  # type: ignore[union-attr]


def test_a_colleagues_change_after_sign_off_was_asked_sends_the_return_back_to_draft(demo: Any) -> None:
    colleague = colleague_at(Organisation.objects.get(name=POLICE_ORGANISATION), demo["northvale"])
    police = demo_request(POLICE_ORGANISATION)
    as_colleague = acting_for(colleague)
    services.return_save(acting=as_colleague, info_request=police, values=COMPLETE, at=_at(11, 21))
    services.return_sign_off_request(acting=as_colleague, info_request=police, at=_at(11, 21))
    # The lead may correct the text while it waits for them…
    services.return_save(acting=acting_as(POLICE), info_request=police, values=COMPLETE, at=_at(11, 21))
    assert AgencyReturn.objects.get(request=police).status == ReturnStatus.AWAITING_SIGN_OFF
    # …but a colleague's change means the lead has not seen what they would sign off.
    services.return_save(acting=as_colleague, info_request=police, values=COMPLETE, at=_at(11, 22))
    police.refresh_from_db()
    assert AgencyReturn.objects.get(request=police).status == ReturnStatus.DRAFT
    assert police.status == RequestStatus.IN_PROGRESS


def test_without_a_designated_lead_nothing_can_be_submitted(demo: Any) -> None:
    police = demo_request(POLICE_ORGANISATION)
    OrganisationLead.objects.filter(organisation=police.organisation).delete()
    services.return_save(acting=acting_as(POLICE), info_request=police, values=COMPLETE, at=_at(11, 21))
    with pytest.raises(services.ReturnActionRefused, match="no designated lead"):
        services.return_submit(acting=acting_as(POLICE), info_request=police, at=_at(11, 21))


def test_an_incomplete_return_cannot_be_submitted(demo: Any) -> None:
    police = demo_request(POLICE_ORGANISATION)
    with pytest.raises(services.ReturnActionRefused, match="Complete these parts"):
        services.return_submit(acting=acting_as(POLICE), info_request=police, at=_at(11, 21))


def test_a_submitted_return_is_locked_and_a_change_is_a_new_version_with_a_reason(demo: Any) -> None:
    health = demo_request()
    with pytest.raises(services.ReturnActionRefused, match="locked"):
        services.return_save(acting=acting_as(HEALTH), info_request=health, values={"early_learning": "x"})
    with pytest.raises(services.ReturnActionRefused, match=services.REVISION_REASON_NEEDED):
        services.return_revise(acting=acting_as(HEALTH), info_request=health, reason="  ")
    new = services.return_revise(
        acting=acting_as(HEALTH), info_request=health, reason="A missed contact was found.", at=_at(11, 24)
    )
    assert new.version == 2
    assert new.status == ReturnStatus.DRAFT
    assert new.entries.count() == 3
    services.return_save(
        acting=acting_as(HEALTH), info_request=health, values={"early_learning": "Changed."}, at=_at(11, 24)
    )
    first = AgencyReturn.objects.get(request=health, version=1)
    assert first.status == ReturnStatus.SUBMITTED
    assert first.unseal("early_learning").startswith("Missed appointments")
    health.refresh_from_db()
    assert health.status == RequestStatus.SUBMITTED  # a submitted version still stands while the new one is drafted


# -- the board, the clock, reminders -------------------------------------------------------------------------------


def test_the_clock_stops_when_the_last_organisation_answers_on_time(demo: Any) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    clock = CaseClock.objects.get(case=case, clock_id="information_returns")
    for info_request in InformationRequest.objects.filter(case=case).exclude(status=RequestStatus.SUBMITTED):
        services.request_mark_not_involved(
            acting=acting_as(BU), info_request=info_request, reason="No contact.", at=_at(11, 20)
        )
    clock.refresh_from_db()
    assert clock.met_on == date(2026, 11, 20)
    assert clock.unseal("late_reason") == ""


def test_late_returns_leave_the_clock_running_until_the_business_unit_says_why(demo: Any) -> None:
    case = Case.objects.get(reference=DEMO_CASE)
    for info_request in InformationRequest.objects.filter(case=case).exclude(status=RequestStatus.SUBMITTED):
        services.request_mark_not_involved(
            acting=acting_as(BU), info_request=info_request, reason="No contact.", at=_at(11, 27)
        )
    clock = CaseClock.objects.get(case=case, clock_id="information_returns")
    assert clock.met_on is None
    with pytest.raises(services.ReturnActionRefused, match="late"):
        services.returns_clock_close(acting=acting_as(BU), case=case, late_reason="")
    services.returns_clock_close(acting=acting_as(BU), case=case, late_reason="Probation's system was down.")
    clock.refresh_from_db()
    assert clock.met_on == date(2026, 11, 27)
    assert clock.unseal("late_reason")


def test_the_reminder_job_sends_a_reminder_and_a_chaser_once_each(demo: Any) -> None:
    # Due Monday 23 November 2026: two working days before is Thursday 19 November.
    assert services.returns_reminders_send(now=_at(11, 18)) == {"reminder": 0, "chaser": 0}
    first = services.returns_reminders_send(now=_at(11, 19))
    assert first["reminder"] == 4  # the four open requests (health has submitted)
    assert services.returns_reminders_send(now=_at(11, 20)) == {"reminder": 0, "chaser": 0}
    assert services.returns_reminders_send(now=_at(11, 23)) == {"reminder": 0, "chaser": 0}  # due today: not late
    assert services.returns_reminders_send(now=_at(11, 24))["chaser"] == 4
    assert services.returns_reminders_send(now=_at(11, 25)) == {"reminder": 0, "chaser": 0}
    police = demo_request(POLICE_ORGANISATION)
    assert sorted(police.reminders.values_list("kind", flat=True)) == ["chaser", "reminder"]
    assert OutboundMessage.objects.filter(to=POLICE, kind="returns.chaser").count() == 1
    assert found_in(outbox_and_audit_text(), NAMES) == []


def test_chasing_now_queues_an_email_and_is_audited(client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)
    url = reverse("returns:chase", kwargs={"reference": DEMO_CASE, "request_uuid": police.uuid})
    response = client_as(BU).post(url)
    assert response.status_code == 302
    assert RequestReminder.objects.filter(request=police, kind=ReminderKind.MANUAL).count() == 1
    assert OutboundMessage.objects.filter(to=POLICE, kind="returns.chased").exists()
    assert AuditEvent.objects.filter(verb="returns.chased").exists()


def test_a_closed_case_is_not_chased_and_its_board_offers_no_chase(client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)
    InformationRequest.objects.filter(pk=police.pk).update(due_on=date(2020, 1, 6))
    board_url = reverse("returns:board", kwargs={"reference": DEMO_CASE})
    client = client_as(BU)
    assert "Chase now" in client.get(board_url).content.decode()
    Case.objects.filter(pk=police.case_id).update(stage="withdrawn")  # as the lifecycle would leave it
    police.refresh_from_db()
    with pytest.raises(services.ReturnActionRefused, match="closed"):
        services.request_chase(acting=acting_as(BU), info_request=police)
    client.post(reverse("returns:chase", kwargs={"reference": DEMO_CASE, "request_uuid": police.uuid}))
    assert not RequestReminder.objects.filter(request=police, kind=ReminderKind.MANUAL).exists()
    assert not OutboundMessage.objects.filter(kind="returns.chased").exists()
    assert not AuditEvent.objects.filter(verb="returns.chased").exists()
    html = client.get(board_url).content.decode()
    assert "Chase now" not in html
    assert "The case is closed" in html
    assert "Overdue" not in html


def test_an_overdue_request_is_marked_in_the_inbox_and_on_its_page(client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)
    client = client_as(POLICE)
    request_url = reverse("returns:request", kwargs={"request_uuid": police.uuid})
    InformationRequest.objects.filter(pk=police.pk).update(due_on=date(2099, 1, 6))
    assert "Overdue" not in client.get(reverse("returns:inbox")).content.decode()
    assert "Overdue" not in client.get(request_url).content.decode()
    InformationRequest.objects.filter(pk=police.pk).update(due_on=date(2020, 1, 6))
    assert 'govuk-tag--red">\n  Overdue' in client.get(reverse("returns:inbox")).content.decode()
    assert "Overdue" in client.get(request_url).content.decode()
    Case.objects.filter(pk=police.case_id).update(stage="withdrawn")
    inbox = client.get(reverse("returns:inbox")).content.decode()
    assert "Case closed" in inbox
    assert "Overdue" not in inbox
    page = client.get(request_url).content.decode()
    assert "The case is closed" in page
    assert "Overdue" not in page


def test_the_board_shows_each_organisation_and_its_query_count_stays_flat(
    demo: Any, client_as: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_as(BU)
    url = reverse("returns:board", kwargs={"reference": DEMO_CASE})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Awaiting sign-off" not in html
    assert "Submitted" in html
    assert "In progress" in html
    assert "Not started" in html
    case = Case.objects.get(reference=DEMO_CASE)
    ids = organisations_to_ask(demo["northvale"], 6)
    services.information_requests_send(
        acting=acting_as(BU), case=case, organisation_ids=ids[:3], due_on=date(2026, 12, 4), at=_at(11, 20)
    )
    with django_assert_max_num_queries(40) as three:
        client.get(url)
    services.information_requests_send(
        acting=acting_as(BU), case=case, organisation_ids=ids[3:], due_on=date(2026, 12, 4), at=_at(11, 20)
    )
    with django_assert_max_num_queries(len(three.captured_queries)):
        client.get(url)


# -- security ------------------------------------------------------------------------------------------------------


def test_a_contributor_cannot_open_another_organisations_request_return_or_attachment(
    client_as: Callable[[str], Client],
) -> None:
    health = demo_request()
    attachment = attachment_on(health)
    police = client_as(POLICE)
    for path in (
        reverse("returns:request", kwargs={"request_uuid": health.uuid}),
        reverse("returns:edit", kwargs={"request_uuid": health.uuid}),
        reverse("returns:own-docx", kwargs={"request_uuid": health.uuid}),
        reverse("returns:attachment", kwargs={"request_uuid": health.uuid, "attachment_uuid": attachment.uuid}),
    ):
        response = police.get(path)
        assert response.status_code == 404, path
        assert b"Linden" not in response.content
    own = demo_request(POLICE_ORGANISATION)
    response = police.get(
        reverse("returns:attachment", kwargs={"request_uuid": own.uuid, "attachment_uuid": attachment.uuid})
    )
    assert response.status_code == 404


def test_another_partnerships_business_unit_sees_nothing(demo: Any, client_as: Callable[[str], Client]) -> None:
    health = demo_request()
    client = client_as("southmoor.business.unit@example.org")
    for path in (
        reverse("returns:board", kwargs={"reference": DEMO_CASE}),
        reverse("returns:return", kwargs={"reference": DEMO_CASE, "request_uuid": health.uuid}),
        reverse("returns:chronology", kwargs={"reference": DEMO_CASE}),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Linden" not in response.content


def test_a_contributor_working_in_their_other_partnership_cannot_open_this_ones_requests(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    """The police lead answers for the same police force in both partnerships. Working in Southmoor, Northvale's
    request to that force is not theirs to open there; switching to Northvale opens it."""
    police = demo_request(POLICE_ORGANISATION)
    assert police.partnership == demo["northvale"]
    assert Membership.objects.filter(
        user__email=POLICE, partnership=demo["southmoor"], organisation=police.organisation, is_active=True
    ).exists(), "the same organisation in a second partnership"
    client = client_as(POLICE)
    paths = [
        reverse("returns:request", kwargs={"request_uuid": police.uuid}),
        reverse("returns:edit", kwargs={"request_uuid": police.uuid}),
        reverse("returns:own-docx", kwargs={"request_uuid": police.uuid}),
    ]
    client.post(reverse("partnerships:switch"), {"partnership": demo["southmoor"].pk})
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert DEMO_CASE not in response.content.decode()
    client.post(reverse("partnerships:switch"), {"partnership": demo["northvale"].pk})
    assert client.get(paths[0]).status_code == 200


def test_the_inbox_lists_requests_across_partnerships(demo: Any, client_as: Callable[[str], Client]) -> None:
    response = client_as(POLICE).get(reverse("returns:inbox"))
    assert response.status_code == 200
    assert DEMO_CASE in response.content.decode()
    assert client_as(BU).get(reverse("returns:inbox")).status_code == 200


def test_the_merged_chronology_shows_only_a_contributors_own_organisation(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    services.chronology_entry_add(
        acting=acting_as(POLICE),
        info_request=police,
        happened_on=date(2026, 4, 1),
        event="Police welfare visit",
        at=_at(11, 21),
    )
    services.return_save(acting=acting_as(POLICE), info_request=police, values=COMPLETE, at=_at(11, 21))
    services.return_submit(acting=acting_as(POLICE), info_request=police, at=_at(11, 21))
    url = reverse("returns:chronology", kwargs={"reference": DEMO_CASE})
    everyone = client_as("prg.chair@example.org").get(url).content.decode()
    assert "Police welfare visit" in everyone
    assert "Developmental review missed" in everyone
    own = client_as(HEALTH).get(url).content.decode()
    assert "Developmental review missed" in own
    assert "Police welfare visit" not in own
    filtered = client_as(BU).get(url, {"organisation": police.organisation_id}).content.decode()
    assert "Police welfare visit" in filtered
    assert "Developmental review missed" not in filtered
    dated = (
        client_as(BU)
        .get(url, {"date_from-day": "1", "date_from-month": "6", "date_from-year": "2026"})
        .content.decode()
    )
    assert "Police welfare visit" not in dated
    assert "Home visit" in dated


def test_word_downloads_are_marked_and_audited(client_as: Callable[[str], Client]) -> None:
    from docx import Document

    health = demo_request()
    response = client_as(HEALTH).get(reverse("returns:own-docx", kwargs={"request_uuid": health.uuid}))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "OFFICIAL-SENSITIVE" in text
    # Every page is marked the way every Word file of the service is, the footer naming the case.
    footer = document.sections[0].footer.paragraphs[0].text
    assert (document.sections[0].header.paragraphs[0].text, footer) == (
        "OFFICIAL-SENSITIVE",
        f"OFFICIAL-SENSITIVE: {DEMO_CASE}",
    )
    chronology = client_as(BU).get(reverse("returns:chronology-docx", kwargs={"reference": DEMO_CASE}))
    assert chronology.status_code == 200
    for data in (response.content, chronology.content):
        assert_word_file_is_the_services(data, author=health.case.partnership.name)
    assert AuditEvent.objects.filter(verb="returns.return_downloaded").exists()
    assert AuditEvent.objects.filter(verb="returns.chronology_downloaded").exists()


def test_the_case_page_panel_links_the_board_and_the_contributors_own_request(
    client_as: Callable[[str], Client],
) -> None:
    url = reverse("cases:detail", kwargs={"reference": DEMO_CASE})
    assert reverse("returns:board", kwargs={"reference": DEMO_CASE}) in client_as(BU).get(url).content.decode()
    health = demo_request()
    page = client_as(HEALTH).get(url).content.decode()
    assert reverse("returns:request", kwargs={"request_uuid": health.uuid}) in page


def test_the_designated_lead_page_saves_a_lead(demo: Any, client_as: Callable[[str], Client]) -> None:
    police_org = Organisation.objects.get(name=POLICE_ORGANISATION)
    response = client_as("admin@example.org").post(
        reverse("returns:leads"), {"organisation": police_org.pk, "lead": User.objects.get(email=POLICE).pk}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="returns.lead_designated").exists()
    with pytest.raises(services.ReturnActionRefused):
        services.organisation_lead_set(
            acting=acting_as("admin@example.org"),
            partnership=demo["northvale"],
            organisation=police_org,
            user_id=User.objects.get(email=BU).pk,
        )


# -- the API -------------------------------------------------------------------------------------------------------


def test_the_api_lists_information_requests_without_identifying_details(demo: Any) -> None:
    response = api_client_for(BU, demo["northvale"]).get(f"/api/v1/cases/{DEMO_CASE}/information-requests")
    assert response.status_code == 200
    body = response.json()
    health = next(item for item in body["information_requests"] if item["organisation"] == HEALTH_ORGANISATION)
    assert health["status"] == "submitted"
    assert health["submitted_on"] == "2026-11-19"
    assert found_in(response.content.decode(), NAMES) == []
    other = api_client_for("southmoor.business.unit@example.org", demo["southmoor"])
    assert other.get(f"/api/v1/cases/{DEMO_CASE}/information-requests").status_code == 404
    # An agency's token sees its own request in its inbox, not how every other agency stands.
    contributor = api_client_for("contributor.health@example.org", demo["northvale"])
    assert contributor.get(f"/api/v1/cases/{DEMO_CASE}/information-requests").status_code == 403


def test_demo_seeding_stays_idempotent(demo: Any) -> None:
    from cspr.demo.returns import seed_demo_returns

    assert seed_demo_returns(partnership=demo["northvale"]) == []
    assert InformationRequest.objects.filter(case__reference=DEMO_CASE).count() == 5


def test_once_the_case_is_closed_an_agency_no_longer_gets_the_childs_details(
    client_as: Callable[[str], Client],
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    Case.objects.filter(pk=police.case_id).update(stage="withdrawn")  # as the lifecycle would leave it
    url = reverse("returns:request", kwargs={"request_uuid": police.uuid})
    before = AuditEvent.objects.filter(verb="case.identifying_details_viewed").count()
    response = client_as(POLICE).post(url)
    assert response.status_code == 200
    assert "Linden Madeupton" not in response.content.decode()
    assert "The case is closed" in response.content.decode()
    assert AuditEvent.objects.filter(verb="case.identifying_details_viewed").count() == before


def test_the_inbox_lists_only_requests_on_cases_the_contributor_may_see(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    client = client_as(HEALTH)
    assert DEMO_CASE in client.get(reverse("returns:inbox")).content.decode()
    case = Case.objects.get(reference=DEMO_CASE)
    health = Organisation.objects.get(name=HEALTH_ORGANISATION)
    assert case.submitted_by_organisation_id != health.pk
    # No longer involved, the organisation's contributors no longer see the case (cases_visible), nor its request.
    case.involved_organisations.remove(health)
    assert DEMO_CASE not in client.get(reverse("returns:inbox")).content.decode()


def test_the_merged_chronologys_word_file_says_its_filter_dates_as_every_date_is_written(demo: Any) -> None:
    from docx import Document

    case = Case.objects.get(reference=DEMO_CASE)
    content = services.chronology_download(
        acting=acting_as(BU),
        case=case,
        rows=[],
        filters={"organisation": "", "date_from": date(2026, 6, 1), "date_to": date(2026, 7, 31)},
    )
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)
    assert "From 1 June 2026. To 31 July 2026." in text


def _heading_levels(html: str) -> list[int]:
    """The page's main headings in order (the visible page, not the session-timeout dialog), each a level."""
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])\b", main)]


def test_a_returns_headings_go_down_one_level_at_a_time_wherever_it_is_shown(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    health = demo_request()  # submitted: the business unit reads it
    police = demo_request(POLICE_ORGANISATION)  # a draft: its lead signs it off
    pages = [
        client_as(BU).get(reverse("returns:return", kwargs={"reference": DEMO_CASE, "request_uuid": health.uuid})),
        client_as(POLICE).get(reverse("returns:submit", kwargs={"request_uuid": police.uuid})),
        client_as(POLICE).get(reverse("returns:request", kwargs={"request_uuid": police.uuid})),
    ]
    for response in pages:
        levels = _heading_levels(response.content.decode())
        assert levels[0] == 1
        assert all(after <= before + 1 for before, after in itertools.pairwise(levels)), levels
