"""The register of parallel processes (§8.8, §9): the services allow, refuse, audit and are atomic; the
notification's list begins the register (at submission, and by the migration for cases made before it); the pages
with real roles; the words are sealed and never audited."""

from __future__ import annotations

import importlib
import json
from datetime import date, timedelta
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Case, LiaisonEntry, ParallelProcess
from cspr.cases.services.processes import (
    CONCLUDED_ON_NEEDED,
    END_BEFORE_HEARING,
    HEARING_AFTER_CONCLUDED,
    OTHER_KIND_NOTE,
    TERMS_NEEDED,
)
from cspr.kernel.acting import Acting
from cspr.kernel.edits import StaleEdit
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.sealing import SealedModel
from cspr.local_reviews.models import ProcessHandling
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import SubmitFunc
from tests.cases.support import raw_database_text
from tests.support import ClientAs, WriteFailed, leaves_nothing_written

pytestmark = pytest.mark.django_db

BU = "business.unit@example.org"
TERMS = "Nothing may identify Juniper Testfieldworth until the trial ends"
CONTACT = "DS Quillon Pretendworth, 01632 960 555"
MIGRATION = importlib.import_module("cspr.cases.migrations.0013_parallel_processes_from_notification")


def acting(email: str = BU) -> Acting:
    return acting_for(User.objects.get(email=email))


def trial(case: Case, **changes: object) -> ParallelProcess:
    answers: dict[str, object] = {
        "kind": "criminal_trial",
        "status": "active",
        "lead_organisation": "Northvale Crown Court",
        "contact": CONTACT,
        "next_hearing_on": date(2027, 2, 8),
        "restricted": True,
        "restriction_terms": TERMS,
        "effect": "publication_held",
        **changes,
    }
    return services.parallel_process_add(acting=acting(), case=case, **answers)  # type: ignore[arg-type]


def test_a_notification_begins_the_register_with_the_processes_it_named(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=("police investigation", "Coroner", "care proceedings for the sibling"))
    rows = list(ParallelProcess.objects.filter(case=case).order_by("id"))
    assert [(row.kind, row.status) for row in rows] == [
        ("criminal_investigation", "active"),
        ("coroners_inquest", "active"),
        ("other", "active"),
    ]
    assert [row.unseal("notes") for row in rows] == ["", "", "care proceedings for the sibling"]


def test_the_business_unit_adds_a_process_its_words_sealed_and_one_audit_event_without_them(
    submit: SubmitFunc,
) -> None:
    case = submit(parallel_processes=())
    process = trial(case)
    process.refresh_from_db()
    assert process.unseal("restriction_terms") == TERMS
    assert process.unseal("contact") == CONTACT
    assert process.lead_organisation == "Northvale Crown Court"
    raw = raw_database_text()
    assert TERMS not in raw
    assert "Pretendworth" not in raw
    event = AuditEvent.objects.filter(verb="case.parallel_process_added").latest("id")
    assert event.details["kind"] == "criminal_trial"
    assert event.details["status"] == "active"
    assert event.details["reference"] == case.reference
    assert "Pretendworth" not in json.dumps(event.details)
    assert "Juniper" not in json.dumps(event.details)


@pytest.mark.parametrize("email", ["notifier@example.org", "prg.chair@example.org", "admin@example.org"])
def test_only_the_business_unit_keeps_the_register(submit: SubmitFunc, email: str) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused):
        services.parallel_process_add(acting=acting(email), case=case, kind="family_court", status="expected")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"restriction_terms": ""}, TERMS_NEEDED),
        ({"kind": "other"}, OTHER_KIND_NOTE),
        ({"status": "concluded"}, CONCLUDED_ON_NEEDED),
        ({"expected_end_on": date(2027, 2, 5)}, END_BEFORE_HEARING),  # the hearing is on 8 February 2027
        ({"status": "concluded", "concluded_on": date(2026, 11, 20)}, HEARING_AFTER_CONCLUDED),
    ],
)
def test_a_process_missing_what_its_answers_need_is_refused_and_nothing_written(
    submit: SubmitFunc, changes: dict[str, object], message: str
) -> None:
    case = submit(parallel_processes=())
    with pytest.raises(CaseActionRefused) as refused:
        trial(case, **changes)
    assert refused.value.message == message
    assert not ParallelProcess.objects.filter(case=case).exists()


def test_a_trial_may_end_on_the_day_of_its_next_hearing(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    assert trial(case, expected_end_on=date(2027, 2, 8)).expected_end_on == date(2027, 2, 8)


def test_a_change_that_puts_the_expected_end_before_the_next_hearing_is_refused(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    process = trial(case)
    with pytest.raises(CaseActionRefused) as refused:
        services.parallel_process_change(
            acting=acting(), case=case, process_id=process.pk, kind="criminal_trial", status="active",
            next_hearing_on=date(2027, 2, 8), expected_end_on=date(2027, 1, 4),
        )  # fmt: skip
    assert (refused.value.message, refused.value.field) == (END_BEFORE_HEARING, "expected_end_on")
    process.refresh_from_db()
    assert process.version == 1
    assert process.expected_end_on is None


def test_the_form_names_the_date_in_error_and_keeps_what_was_typed(submit: SubmitFunc, client_as: ClientAs) -> None:
    case = submit(parallel_processes=())
    add = reverse("cases:process-add", kwargs={"reference": case.reference})
    answers = {"kind": "criminal_trial", "status": "active", "restricted": "no", "effect": "none",
               "next_hearing_on-day": "8", "next_hearing_on-month": "2", "next_hearing_on-year": "2027",
               "expected_end_on-day": "5", "expected_end_on-month": "2", "expected_end_on-year": "2027"}  # fmt: skip
    refused = client_as(BU).post(add, answers)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert END_BEFORE_HEARING in page
    assert 'href="#id_expected_end_on-day"' in page  # the summary links to the date in error
    assert 'value="2027"' in page
    assert not ParallelProcess.objects.filter(case=case).exists()


def test_text_the_policy_refuses_is_refused(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    with pytest.raises(CaseActionRefused, match="contact"):
        trial(case, contact="DS Pretendworth\u202e")


def test_a_change_moves_the_version_on_and_a_change_from_an_older_version_is_refused(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    process = trial(case)
    changed = services.parallel_process_change(
        acting=acting(), case=case, process_id=process.pk, kind="criminal_trial", status="paused",
        restricted=True, restriction_terms=TERMS, effect="publication_held", opened_version=1,
    )  # fmt: skip
    assert changed.version == 2
    assert changed.status == "paused"
    with pytest.raises(StaleEdit):
        services.parallel_process_change(
            acting=acting(), case=case, process_id=process.pk, kind="criminal_trial", status="concluded",
            concluded_on=timezone.localdate(), restricted=False, opened_version=1,
        )  # fmt: skip
    process.refresh_from_db()
    assert process.status == "paused"
    assert process.version == 2
    assert AuditEvent.objects.filter(verb="case.parallel_process_changed").count() == 1


def test_liaison_is_recorded_sealed_and_audited_by_date_only(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    process = trial(case)
    entry = services.parallel_process_liaison_record(
        acting=acting(), case=case, process_id=process.pk, held_on=timezone.localdate() - timedelta(days=1),
        with_whom="DS Quillon Pretendworth and the CPS", agreed="Practitioners may be seen after their statements.",
    )  # fmt: skip
    assert LiaisonEntry.objects.get().unseal("with_whom") == "DS Quillon Pretendworth and the CPS"
    event = AuditEvent.objects.get(verb="case.parallel_process_liaison_recorded")
    assert "Pretendworth" not in json.dumps(event.details)
    assert "statements" not in json.dumps(event.details)
    assert entry.process_id == process.pk


def test_a_process_of_another_case_is_not_found(submit: SubmitFunc) -> None:
    case, other = submit(parallel_processes=()), submit(parallel_processes=())
    process = trial(other)
    with pytest.raises(CaseActionRefused):
        services.parallel_process_liaison_record(
            acting=acting(), case=case, process_id=process.pk, held_on=timezone.localdate(), with_whom="x", agreed="y"
        )


def test_atomicity_an_add_that_fails_at_its_audit_event_leaves_nothing(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    with leaves_nothing_written(
        mock.patch("cspr.cases.services.processes.audit_case", side_effect=WriteFailed("audit failed"))
    ):
        trial(case)


def test_atomicity_a_change_that_fails_at_its_audit_event_leaves_the_process_as_it_was(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=())
    process = trial(case)
    with leaves_nothing_written(
        mock.patch("cspr.cases.services.processes.audit_case", side_effect=WriteFailed("audit failed"))
    ):
        services.parallel_process_change(
            acting=acting(), case=case, process_id=process.pk, kind="family_court", status="active"
        )


# -- the migration -------------------------------------------------------------------------------------------------


def test_the_migration_turns_each_cases_list_into_rows_sealed_under_their_own_place(submit: SubmitFunc) -> None:
    case = submit(parallel_processes=("police investigation", "coroner", "A safeguarding adult review"))
    untouched = submit(parallel_processes=())
    # As before the register: only the case's sealed list (and so no terms of reference handling a process of it).
    ProcessHandling.objects.all().delete()
    ParallelProcess.objects.all().delete()

    made = MIGRATION.register_from_notifications(django_apps, None)

    assert made == ParallelProcess.objects.count() >= 3  # the demo cases' lists too
    rows = list(ParallelProcess.objects.filter(case=case).order_by("id"))
    assert [row.kind for row in rows] == ["criminal_investigation", "coroners_inquest", "other"]
    assert rows[2].unseal("notes") == "A safeguarding adult review"
    assert rows[0].created_by_id == case.created_by_id
    assert rows[0].created_at == case.submitted_at
    assert not ParallelProcess.objects.filter(case=untouched).exists()
    assert MIGRATION.register_from_notifications(django_apps, None) == 0  # run twice: nothing more


# -- the pages ------------------------------------------------------------------------------------------------------


def register(case: Case) -> str:
    return reverse("cases:processes", kwargs={"reference": case.reference})


@pytest.mark.parametrize("email", [BU, "prg.chair@example.org", "independent.chair@example.org"])
def test_the_roles_that_work_the_case_read_the_register_with_its_words(
    submit: SubmitFunc, client_as: ClientAs, email: str
) -> None:
    case = submit(parallel_processes=())
    trial(case)
    response = client_as(email).get(register(case))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Criminal trial" in text
    assert "Northvale Crown Court" in text
    assert TERMS in text
    assert ("Add a process" in text) is (email == BU)
    assert AuditEvent.objects.filter(verb="sealed_text.read").exists()


@pytest.mark.parametrize("email", ["notifier@example.org", "admin@example.org", "auditor@example.org"])
def test_other_roles_neither_open_the_register_nor_see_its_link(
    submit: SubmitFunc, client_as: ClientAs, email: str
) -> None:
    case = submit(parallel_processes=())
    client = client_as(email)
    assert client.get(register(case)).status_code == 403
    overview = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    assert register(case) not in overview.content.decode()


def test_the_business_unit_adds_changes_and_records_liaison_through_the_forms(
    submit: SubmitFunc, client_as: ClientAs
) -> None:
    case = submit(parallel_processes=())
    client = client_as(BU)
    add = reverse("cases:process-add", kwargs={"reference": case.reference})
    assert client.get(add).status_code == 200
    answers = {"kind": "criminal_trial", "status": "active", "contact": CONTACT, "restricted": "yes",
               "restriction_terms": "", "effect": "none"}  # fmt: skip
    refused = client.post(add, answers)
    assert refused.status_code == 400
    assert "Enter the terms of the reporting restriction" in refused.content.decode()
    assert "Pretendworth" in refused.content.decode()  # what was typed is kept
    assert client.post(add, {**answers, "restriction_terms": TERMS}).status_code == 302
    process = ParallelProcess.objects.get(case=case)

    change = reverse("cases:process-change", kwargs={"reference": case.reference, "process_id": process.pk})
    page = client.get(change)
    assert page.status_code == 200
    assert TERMS in page.content.decode()
    saved = client.post(change, {**answers, "restriction_terms": TERMS, "status": "paused", "opened_version": "1"})
    assert saved.status_code == 302
    stale = client.post(change, {**answers, "restriction_terms": TERMS, "status": "expected", "opened_version": "1"})
    assert stale.status_code == 409
    process.refresh_from_db()
    assert process.status == "paused"

    liaison = reverse("cases:process-liaison", kwargs={"reference": case.reference, "process_id": process.pk})
    day = timezone.localdate()
    posted = client.post(
        liaison,
        {"held_on-day": day.day, "held_on-month": day.month, "held_on-year": day.year, "with_whom": "The CPS",
         "agreed": "Interviews after the trial."},
    )  # fmt: skip
    assert posted.status_code == 302
    assert "Interviews after the trial." in client.get(register(case)).content.decode()


def test_every_sealed_column_of_the_register_is_a_sealed_model() -> None:
    assert issubclass(ParallelProcess, SealedModel)
    assert issubclass(LiaisonEntry, SealedModel)
