"""Submitting a notification or a referral: the case, its children, clocks, messages and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from cspr.audit.models import AuditEvent
from cspr.calendars.selectors import clock_date_range
from cspr.cases import services
from cspr.cases.models import Case, CaseClock, CaseLink, CaseReferenceCounter, Child
from cspr.cases.notification import ChildData
from cspr.cases.services import NOT_A_NOTIFIER, NOT_AN_AGENCY_MEMBER, NotificationInvalid, NotificationRefused
from cspr.domain.roles import Role
from cspr.kernel.acting import ActingMismatch, system_acting
from cspr.kernel.crypto import DecryptionError, lookup_hash, new_key_entry
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for, scope_for
from tests.cases.conftest import (
    CHILD_DOB,
    CHILD_NAME,
    IDENTIFYING_VALUES,
    LONDON,
    SubmitFunc,
    make_notification,
)
from tests.cases.support import found_in, outbox_and_audit_text, raw_database_text

pytestmark = pytest.mark.django_db


def clocks(case: Case) -> dict[str, tuple[date, bool]]:
    return {clock.clock_id: (clock.due, clock.applicable) for clock in CaseClock.objects.filter(case=case)}


def test_a_notification_creates_a_case_with_a_reference_pseudonyms_and_the_assessment(submit: SubmitFunc) -> None:
    case = submit()
    assert case.reference == f"NVALE-2026-{case.sequence:03d}"
    assert case.stage == "notification_assessed"
    assert case.aware_on == date(2026, 12, 18)
    assert case.notified_on == date(2026, 12, 18)
    assert [child.pseudonym for child in case.children.all()] == ["Child A", "Child B"]
    assert case.children.get(position=0).age_years == 7
    assert case.assessment["notifiable_to_panel"] is True
    assert "seriously harmed" in case.assessment["panel_reason"]
    assert [duty["kind"] for duty in case.assessment["duties"]] == ["notify_panel", "inform_safeguarding_partners"]
    assert AuditEvent.objects.filter(verb="case.notified", object_id=str(case.pk)).exists()


def test_references_count_up_per_partnership_and_start_again_each_year(submit: SubmitFunc) -> None:
    first = submit()
    second = submit()
    next_year = submit(at=datetime(2027, 1, 4, 9, 0, tzinfo=LONDON))
    assert second.sequence == first.sequence + 1
    assert next_year.reference == "NVALE-2027-001"


def test_the_year_and_the_event_dates_are_taken_in_europe_london(submit: SubmitFunc) -> None:
    # 00:30 BST on 1 July 2026 is 23:30 UTC on 30 June: the notification was received on 1 July.
    case = submit(
        at=datetime(2026, 7, 1, 0, 30, tzinfo=LONDON),
        la_aware_on=date(2026, 6, 30),
        incident_on=date(2026, 6, 29),
        children=(make_notification().children[0],),
    )
    assert case.notified_on == date(2026, 7, 1)


def test_clocks_are_due_on_the_official_calendar_over_christmas_2026_under_bnes_2020(submit: SubmitFunc) -> None:
    # Aware Friday 18 December 2026; 25 and 28 December are bank holidays, Northvale closes 24 and 29-31 December
    # (closure days move only the local target).
    case = submit()
    due = clocks(case)
    assert due["panel_notification"] == (date(2026, 12, 29), True)  # Tuesday
    assert due["partners_notified"] == (date(2026, 12, 29), True)
    assert due["sos_ofsted_notification"][1] is False  # not a looked-after child's death
    assert due["information_returns"] == (date(2027, 1, 6), True)  # local target: closure days count
    assert due["prg_meeting"] == (date(2027, 1, 6), True)  # 21,22,23,24,29,30,31 Dec, 4,5,6 Jan
    assert due["rapid_review_to_panel"] == (date(2027, 1, 13), True)
    assert due["discrepancy_rationale_to_panel"][1] is False
    assert "publication" not in due  # its event (the decision) has not happened


def test_under_wt_2023_rapid_review_clocks_wait_for_the_panel_notification(
    submit: SubmitFunc, demo: dict[str, Partnership]
) -> None:
    demo["northvale"].preset = "wt-2023"
    demo["northvale"].save()
    case = submit()
    assert case.preset == "wt-2023"
    due = clocks(case)
    assert due["panel_notification"] == (date(2026, 12, 29), True)
    assert "prg_meeting" not in due
    assert "rapid_review_to_panel" not in due
    assert due["information_returns"][1] is True  # still from the notification


def test_a_notification_with_another_area_records_joint_working(
    submit: SubmitFunc, demo: dict[str, Partnership]
) -> None:
    case = submit(other_la_area="Southmoor")
    link = CaseLink.objects.get(case=case, kind=CaseLink.Kind.JOINT_WORKING)
    assert link.other_partnership == demo["southmoor"]
    assert link.other_case is None  # never a case of another partnership


def test_identifying_details_are_sealed_in_the_raw_database(submit: SubmitFunc) -> None:
    submit()
    text = raw_database_text()
    assert found_in(text, IDENTIFYING_VALUES) == []
    assert "Juniper" not in text
    assert "Imaginary Crescent" not in text


def test_a_sealed_value_copied_into_another_row_does_not_decrypt(submit: SubmitFunc) -> None:
    case = submit()
    first, second = case.children.order_by("position")
    assert first.unseal("name") == CHILD_NAME
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_child SET name_sealed = %s WHERE id = %s", [first.name_sealed, second.pk])
        # ... or into another field of the same row.
        cursor.execute("UPDATE cases_child SET address_sealed = %s WHERE id = %s", [first.name_sealed, first.pk])
    with pytest.raises(DecryptionError):
        Child.objects.get(pk=second.pk).unseal("name")
    with pytest.raises(DecryptionError):
        Child.objects.get(pk=first.pk).unseal("address")


def test_the_identity_hash_matches_the_same_child_however_the_name_is_typed(submit: SubmitFunc) -> None:
    case = submit()
    child = case.children.get(position=0)
    assert child.identity_hash == lookup_hash("  juniper   TESTFIELDWORTH ", CHILD_DOB.isoformat())


def test_the_business_unit_the_independent_chair_and_the_prg_chair_are_told(submit: SubmitFunc) -> None:
    case = submit()
    messages = OutboundMessage.objects.filter(kind="case.notified", subject__startswith=case.reference)
    assert sorted(message.to for message in messages) == [
        "business.unit@example.org",
        "independent.chair@example.org",
        "prg.chair@example.org",
    ]
    body = messages[0].body
    assert case.reference in body
    assert "Child A, Child B" in body
    assert f"/cases/{case.reference}/" in body
    assert found_in(outbox_and_audit_text(), IDENTIFYING_VALUES) == []


def test_a_referral_from_an_agency_tells_the_local_authoritys_notifiers(submit: SubmitFunc) -> None:
    case = submit(email="contributor.health@example.org", as_referral=True)
    assert case.stage == "referral_received"
    assert case.as_referral
    assert case.notified_on is None, "a referral starts nothing until the local authority notifies"
    assert "prg_meeting" not in clocks(case)
    assert case.submitted_by_organisation is not None
    assert case.submitted_by_organisation.name == "Northvale Integrated Care Board (demo)"
    told = set(OutboundMessage.objects.filter(kind="case.referred").values_list("to", flat=True))
    assert {"notifier@example.org", "business.unit@example.org"} <= told
    assert found_in(outbox_and_audit_text(), IDENTIFYING_VALUES) == []


@pytest.mark.parametrize(
    ("email", "as_referral", "message"),
    [
        ("business.unit@example.org", False, NOT_A_NOTIFIER),
        ("contributor.health@example.org", False, NOT_A_NOTIFIER),
        ("auditor@example.org", True, NOT_AN_AGENCY_MEMBER),
        ("independent.chair@example.org", True, NOT_AN_AGENCY_MEMBER),
    ],
)
def test_only_a_local_authority_notifier_notifies_and_only_an_agency_member_refers(
    submit: SubmitFunc, email: str, as_referral: bool, message: str
) -> None:
    before = Case.objects.count()
    with pytest.raises(NotificationRefused, match=message):
        submit(email=email, as_referral=as_referral)
    assert Case.objects.count() == before


def test_a_member_of_another_partnership_cannot_submit_to_this_one(submit: SubmitFunc) -> None:
    with pytest.raises(NotificationRefused):
        submit(email="southmoor.business.unit@example.org", as_referral=True)


def test_a_scope_belonging_to_someone_else_is_refused(demo: dict[str, Partnership], user: Callable) -> None:
    before = Case.objects.count()
    with pytest.raises(ActingMismatch):
        services.notification_submit(
            acting=acting_for(user("business.unit@example.org"), scope=scope_for(user("notifier@example.org"))),
            partnership=demo["northvale"],
            data=make_notification(),
            as_referral=False,
        )
    assert Case.objects.count() == before


@pytest.mark.parametrize("as_referral", [False, True])
def test_nobody_signed_in_cannot_submit(demo: dict[str, Partnership], as_referral: bool) -> None:
    before = Case.objects.count()
    with pytest.raises(NotificationRefused):
        services.notification_submit(
            acting=system_acting(partnership_id=demo["northvale"].pk),
            partnership=demo["northvale"],
            data=make_notification(),
            as_referral=as_referral,
        )
    assert Case.objects.count() == before


@pytest.mark.parametrize(
    ("email", "as_referral", "role", "verb"),
    [
        ("notifier@example.org", False, Role.NOTIFIER, "case.notified"),
        ("contributor.health@example.org", True, Role.AGENCY_CONTRIBUTOR, "case.referred"),
    ],
)
def test_the_audit_event_records_the_membership_the_case_was_submitted_through(
    submit: SubmitFunc, user: Callable, email: str, as_referral: bool, role: Role, verb: str
) -> None:
    case = submit(email=email, as_referral=as_referral)
    event = AuditEvent.objects.get(verb=verb, object_id=str(case.pk))
    membership = event.membership
    assert membership is not None
    assert (membership.user, membership.partnership_id, membership.role) == (user(email), case.partnership_id, role)
    assert membership.organisation_id == case.submitted_by_organisation_id


def test_invalid_data_is_refused_with_field_errors_and_nothing_is_written(submit: SubmitFunc) -> None:
    before = (Case.objects.count(), OutboundMessage.objects.count())
    with pytest.raises(NotificationInvalid) as raised:
        submit(children=())
    assert raised.value.errors == {"children": ["Add at least one child"]}
    assert (Case.objects.count(), OutboundMessage.objects.count()) == before


def test_a_failing_audit_write_leaves_nothing_behind(submit: SubmitFunc) -> None:
    before = (Case.objects.count(), Child.objects.count(), OutboundMessage.objects.count(), CaseClock.objects.count())
    counters = list(CaseReferenceCounter.objects.values_list("partnership_id", "year", "last"))
    with (
        mock.patch("cspr.cases.services.notification.audit_case", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        submit()
    after = (Case.objects.count(), Child.objects.count(), OutboundMessage.objects.count(), CaseClock.objects.count())
    assert after == before
    assert list(CaseReferenceCounter.objects.values_list("partnership_id", "year", "last")) == counters


def test_a_child_already_in_an_open_case_is_flagged_as_a_possible_duplicate(submit: SubmitFunc) -> None:
    first = submit()
    second = submit(at=datetime(2026, 12, 21, 9, 0, tzinfo=LONDON))
    [warning] = CaseLink.objects.filter(case=second, kind=CaseLink.Kind.POSSIBLE_DUPLICATE)
    assert warning.other_case == first
    message = OutboundMessage.objects.get(kind="case.possible_duplicate")
    assert message.to == "business.unit@example.org"
    assert first.reference in message.subject
    assert second.reference in message.subject
    assert found_in(outbox_and_audit_text(), IDENTIFYING_VALUES) == []


def test_children_without_a_name_and_date_of_birth_are_never_matched(submit: SubmitFunc) -> None:
    unnamed = (ChildData(name="", not_yet_identified=True, age_years=3),)
    submit(children=unnamed)
    second = submit(children=unnamed)
    assert second.children.get().identity_hash == ""
    assert not CaseLink.objects.filter(case=second, kind=CaseLink.Kind.POSSIBLE_DUPLICATE).exists()


def test_a_named_agency_of_the_partnership_is_recognised_for_scoping(submit: SubmitFunc) -> None:
    case = submit()
    assert [org.name for org in case.involved_organisations.all()] == ["Northvale Integrated Care Board (demo)"]
    assert case.unseal_list("agencies_involved") == ["Northvale Integrated Care Board (demo)", "A private nursery"]


def test_after_a_key_rotation_old_values_still_decrypt_and_the_reseal_command_moves_them_to_the_new_key(
    submit: SubmitFunc, settings: Any
) -> None:
    case = submit()
    child = case.children.get(position=0)
    assert child.name_sealed.startswith("v1:test2:")
    newest = new_key_entry("test3")
    settings.FIELD_ENCRYPTION_KEYS = [newest, *settings.FIELD_ENCRYPTION_KEYS]
    assert Child.objects.get(pk=child.pk).unseal("name") == CHILD_NAME  # the old key still decrypts
    out = StringIO()
    call_command("reseal_identifying_details", stdout=out)
    assert "cases.child: " in out.getvalue()
    resealed = Child.objects.get(pk=child.pk)
    assert resealed.name_sealed.startswith("v1:test3:")
    assert resealed.unseal("name") == CHILD_NAME
    settings.FIELD_ENCRYPTION_KEYS = [newest]  # the old keys removed: everything still reads
    assert Child.objects.get(pk=child.pk).unseal("address") != ""
    assert Case.objects.get(pk=case.pk).unseal("case_outline").startswith("Marigold")


def test_a_date_no_bank_holiday_list_covers_is_a_field_error_not_a_crash(submit: SubmitFunc) -> None:
    with pytest.raises(NotificationInvalid) as raised:
        submit(
            la_aware_on=date(1990, 5, 2),
            incident_on=date(1990, 5, 1),
            children=(ChildData(name="", not_yet_identified=True),),
            household=(),
        )
    first = clock_date_range()[0]
    assert raised.value.errors == {
        "incident_on": [f"The incident date must be between {first.day} {first:%B %Y} and today"],
        "la_aware_on": [
            f"The date the local authority became aware must be between {first.day} {first:%B %Y} and today"
        ],
    }


def test_draft_documents_are_re_encrypted_with_the_other_files_and_one_no_key_can_read_is_refused_in_words(
    demo: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cspr.accounts.models import User
    from cspr.cases import drafts
    from cspr.files.models import StoredFile
    from cspr.kernel import documents
    from tests.support import private_storage_with_the_demos_files

    # The demo's files were kept in the run's own storage: they come along into this test's, for the command below.
    root = private_storage_with_the_demos_files(settings, tmp_path)
    owner = User.objects.get(email="notifier@example.org")
    draft = drafts.draft_create(
        acting=acting_for(owner), partnership=demo["northvale"], answers={}, current_step="about-you"
    )
    upload = SimpleUploadedFile("notes.txt", b"Plain notes for the draft.", content_type="text/plain")
    added = drafts.draft_document_add(acting=acting_for(owner), draft=draft, upload=upload, title="Notes")
    draft.refresh_from_db()
    stored_file = StoredFile.objects.get(uuid=added.key)
    assert (stored_file.purpose, stored_file.key_id) == ("notification_document", "files2")
    assert b"Plain notes" not in (root / stored_file.storage_name).read_bytes()
    attached = [drafts.DraftDocument.from_answer(item) for item in draft.answers["documents"]]

    settings.FILE_KEYS = [new_key_entry("files3"), *settings.FILE_KEYS]
    out = StringIO()
    call_command("reencrypt_stored_files", stdout=out)
    stored_file.refresh_from_db()
    assert stored_file.key_id == "files3"
    settings.FILE_KEYS = settings.FILE_KEYS[:1]
    assert drafts._documents_sent(draft, attached) == [stored_file]

    settings.FILE_KEYS = [new_key_entry("files4")]  # a key lost: the file can no longer be read
    with pytest.raises(documents.FileRejected, match="can no longer be read"):
        drafts._documents_sent(draft, attached)
