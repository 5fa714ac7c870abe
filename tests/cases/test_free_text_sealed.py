"""Free text typed into a case is sealed, read only by the roles that work the case, and every read is audited.

A canary is typed into every sealed free-text field through the services, then every page and API answer that a
partnership admin and an auditor can reach is searched for it, for every demo case; the raw database is searched too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.audit.services import IdentifyingDetailInAudit, audit_record
from cspr.cases import services
from cspr.cases.models import Case, CaseClock, CaseDocument
from cspr.core.policy import URL_POLICY, policy_for
from cspr.demo.partnerships import NORTHVALE_PEOPLE
from cspr.domain.roles import Role
from cspr.kernel.sealing import READ_VERB, sealed_field_names
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from cspr.rapid_reviews import services as rapid_review_services
from cspr.rapid_reviews.models import MeetingAttendance
from tests.api.support import api_client_for
from tests.cases.support import raw_database_text, unidentified_child_notification
from tests.rapid_reviews import support as rr
from tests.support import ACCOUNT_AND_SETTINGS_POST_ONLY

CANARY = "Quillon Canarywhistle"
# Every free-text column sealed by ADR 0009's second list: (app label, model, field).
SEALED_FREE_TEXT = {
    "cases.case": ("agencies_involved", "parallel_processes"),
    "cases.localauthoritydecision": ("reason",),
    "cases.casetransition": ("reason",),
    "cases.caseclock": ("late_reason", "extension_reason", "extension_agreed_by"),
    "cases.dutyrecord": ("other_area", "late_reason"),
    "cases.caselink": ("note",),
    "rapid_reviews.prgmeeting": ("late_reason",),
    "rapid_reviews.meetingattendance": ("explanation",),
    "rapid_reviews.agencyomission": ("reason",),
    "rapid_reviews.learningaction": ("what", "closed_reason"),
    "rapid_reviews.prgdecision": ("late_reason",),
    "rapid_reviews.ratification": ("late_reason",),
    "rapid_reviews.rationalesent": ("late_reason",),
    "rapid_reviews.panelsubmission": ("late_reason",),
    "cases.familytold": ("method_other", "what_was_said"),
    "cases.familynotyettold": ("reason",),
    "cases.parallelprocess": ("contact", "restriction_terms", "effect_note", "notes"),
    "cases.liaisonentry": ("with_whom", "agreed"),
    # Every kept file's title and name (case documents, meeting papers, return attachments...): the file store's.
    "files.storedfile": ("title", "original_name"),
}
ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}
ADMIN, AUDITOR = ROLE_EMAILS[Role.PARTNERSHIP_ADMIN], ROLE_EMAILS[Role.AUDITOR]


def person(email: str) -> User:
    return User.objects.get(email=email)


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


def type_the_canary_through_the_services(northvale: Partnership) -> None:
    """The canary in each kind of free text, typed as a person would type it (through the services)."""
    bu, notifier = person("business.unit@example.org"), person("notifier@example.org")
    as_bu, as_notifier = acting_for(bu), acting_for(notifier)
    fresh = Case.objects.get(partnership=northvale, reference="NVALE-2026-005")
    assert fresh.aware_on is not None
    services.la_decision_record(
        acting=as_notifier, case=fresh, notify_panel=True, decided_on=fresh.aware_on, reason=f"{CANARY} decided"
    )
    clock = CaseClock.objects.filter(case=fresh, applicable=True, met_on__isnull=True).order_by("due").first()
    assert clock is not None
    services.clock_extension_record(
        acting=as_bu,
        case=fresh,
        clock_id=clock.clock_id,
        extended_to=clock.effective_due + timedelta(days=14),
        reason=f"{CANARY} was ill",
        agreed_by=f"{CANARY} at the Panel",
    )
    services.duty_record(
        acting=as_bu, case=fresh, kind="other_area_informed", done_on=fresh.aware_on, other_area=f"{CANARY}shire"
    )
    services.document_attach(
        acting=as_bu,
        case=fresh,
        upload=SimpleUploadedFile(f"{CANARY}.txt", b"A note.", content_type="text/plain"),
        title=f"Statement of {CANARY}",
    )
    services.case_link(acting=as_bu, case=fresh, other_reference="NVALE-2026-001", note=f"Both about {CANARY}")
    services.case_route(acting=as_bu, case=fresh, transition="withdraw", reason=f"{CANARY} moved away")
    services.notification_submit(
        acting=as_notifier,
        partnership=northvale,
        data=unidentified_child_notification(
            "Canary Test",
            "Known to health services.",
            agencies_involved=("Northvale Integrated Care Board (demo)", f"{CANARY}'s nursery"),
            parallel_processes=(f"{CANARY} inquiry",),
        ),
        as_referral=False,
    )
    # The rapid review (NVALE-2026-003): attendance, a paper, omissions, actions, a late decision, the family.
    case = rr.the_case()
    rr.schedule(case)
    rapid_review_services.meeting_paper_attach(
        acting=rr.acting_as(rr.BU),
        case=case,
        upload=SimpleUploadedFile("agenda.txt", b"Agenda.", content_type="text/plain"),
        title=f"{CANARY} papers",
        at=rr.at(19),
    )
    attendance = [
        rapid_review_services.AttendanceInput(
            row.organisation_id, MeetingAttendance.Status.ABSENT, f"{CANARY} could not come"
        )
        if index == 0
        else row
        for index, row in enumerate(rr.attendance_all(case))
    ]
    rapid_review_services.meeting_held_record(
        acting=rr.acting_as(rr.BU),
        case=case,
        held_on=date(2026, 11, 25),
        attendance=attendance,
        minutes="Discussed.",
        actions_agreed="Share.",
        at=rr.at(25, 15),
    )
    rr.complete_record(case)
    owner = rr.partners(case)[0]
    rr.save(
        case,
        "learning",
        {
            "immediate_learning": "Agencies did not share concerns about missed appointments.",
            "actions": [rapid_review_services.ActionInput(f"Tell {CANARY} the learning.", owner.pk, date(2027, 1, 31))],
        },
    )
    agencies = rr.statutory(case)
    rr.save(
        case,
        "agencies",
        {
            "involved": [org.pk for org in agencies if org.type != "fire_and_rescue"],
            "omissions": {
                org.pk: f"{CANARY} says the fire service had no contact."
                for org in agencies
                if org.type == "fire_and_rescue"
            },
        },
    )
    rapid_review_services.prg_decision_record(
        acting=rr.acting_as(rr.CHAIR), case=case, late_reason=f"{CANARY} was away", at=rr.at(26)
    )
    services.family_not_yet_told_record(
        acting=rr.acting_as(rr.BU), case=case, reason=f"{CANARY} asked us to wait a week.", at=rr.at(26)
    )
    rapid_review_services.family_told_record(
        acting=rr.acting_as(rr.BU),
        case=case,
        told_on=date(2026, 11, 27),
        method="other",
        method_other=f"Through {CANARY}",
        told_by="Social worker",
        what_was_said="The decision and its reasons.",
        at=rr.at(27),
    )


def put_the_canary_in_every_row() -> None:
    """Every sealed free-text field of every row, so that every demo case carries the canary everywhere."""
    for label, fields in SEALED_FREE_TEXT.items():
        model = _model(label)
        for row in model._default_manager.all():
            for field in fields:
                if label == "cases.case":
                    row.seal_list(field, [f"{CANARY} {field}"])
                else:
                    row.seal(field, f"{CANARY} {field}")
            model._default_manager.filter(pk=row.pk).update(
                **{f"{field}_sealed": getattr(row, f"{field}_sealed") for field in fields}
            )


def test_the_list_of_sealed_free_text_is_what_the_models_declare(db: None) -> None:
    for label, fields in SEALED_FREE_TEXT.items():
        declared = sealed_field_names(_model(label))
        assert set(fields) <= set(declared), label
        for field in fields:  # the clear column is gone
            assert field not in {f.name for f in _model(label)._meta.concrete_fields}, (label, field)


def test_the_canary_typed_through_the_services_is_nowhere_in_the_database_in_clear(demo: dict[str, Any]) -> None:
    type_the_canary_through_the_services(demo["northvale"])
    assert CANARY not in raw_database_text()
    # ... and yet it is kept: the case roles read it back.
    decision = _model("cases.localauthoritydecision").objects.filter(case__reference="NVALE-2026-005").last()
    assert decision.unseal("reason") == f"{CANARY} decided"
    document = CaseDocument.objects.get(case__reference="NVALE-2026-005")
    assert document.stored_file.unseal("title") == f"Statement of {CANARY}"
    assert document.stored_file.unseal("original_name") == f"{CANARY}.txt"


def _reachable_pages(role: Role) -> list[str]:
    return sorted(
        name
        for name, entry in URL_POLICY.items()
        if not entry.public
        and not entry.superuser_only
        and not entry.api
        and entry.allows(authenticated=True, is_superuser=False, roles_here=frozenset({role}))
    )


# Pages that change something (POST only) or belong to the sign-in steps: nothing of a case's to show.
NOT_WALKED = ACCOUNT_AND_SETTINGS_POST_ONLY


def _paths(name: str, northvale: Partnership, cases: list[Case]) -> list[str]:
    if name in {"cases:detail", "cases:record", "cases:history", "cases:documents"}:
        return [reverse(name, kwargs={"reference": case.reference}) for case in cases]
    if name == "partnerships:membership-change":
        membership = northvale.memberships.get(user__email="reviewer@example.org")
        return [reverse(name, kwargs={"membership_id": membership.id})]
    if name == "procedure:clock-edit":
        return [reverse(name, kwargs={"clock_id": "prg_meeting"})]
    if name == "procedure:criterion-edit":
        return [reverse(name, kwargs={"code": "near_miss"})]
    if name in {"explainers:explainer", "explainers:edit"}:  # the partnership's explainers: every kind
        return [reverse(name, kwargs={"kind": kind}) for kind in ("family", "practitioner", "agency")]
    if name in {"explainers:version", "explainers:print"}:
        return [reverse(name, kwargs={"kind": kind, "number": 0}) for kind in ("family", "practitioner", "agency")]
    path = reverse(name)
    if name in {"cases:list", "audit:trail", "returns:inbox", "messaging:undeliverable"}:
        return [path, *[f"{path}?page={number}" for number in range(2, 30)]]
    return [path]


@pytest.mark.parametrize("email", [ADMIN, AUDITOR])
def test_no_page_or_api_answer_an_admin_or_auditor_can_reach_shows_the_canary(
    email: str, demo: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    northvale = demo["northvale"]
    type_the_canary_through_the_services(northvale)
    put_the_canary_in_every_row()
    cases = list(Case.objects.all())
    role = next(role for role, address in ROLE_EMAILS.items() if address == email)
    client = client_as(email)
    walked = 0
    for name in _reachable_pages(role):
        if name in NOT_WALKED or policy_for(name) is None:
            continue
        for path in _paths(name, northvale, cases):
            response = client.get(path)
            assert response.status_code < 500, path
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            assert CANARY.encode() not in body, f"{path} shows the canary to {role}"
            walked += 1
    assert walked > len(cases)
    api = api_client_for(email, northvale)
    for case in cases:
        for name in ("api:case-detail", "api:case-clocks"):
            response = api.get(reverse(name, kwargs={"reference": case.reference}))
            assert response.status_code < 500
            assert CANARY.encode() not in response.content, f"{name} {case.reference}"
    for path in (reverse("api:case-list"), reverse("api:index")):
        assert CANARY.encode() not in api.get(path).content
    # They see that a reason was recorded, without its words; and nothing was decrypted for them.
    page = client.get(reverse("cases:record", kwargs={"reference": "NVALE-2026-005"})).content.decode()
    assert "Recorded (the words are shown only to those working on the case)" in page
    assert not AuditEvent.objects.filter(verb=READ_VERB, actor=person(email)).exists()


def test_a_case_role_reads_the_free_text_and_the_read_is_audited_naming_places_not_words(
    demo: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    type_the_canary_through_the_services(demo["northvale"])
    client = client_as("business.unit@example.org")
    for name, shown, place in (
        ("cases:record", f"{CANARY} decided", "cases.localauthoritydecision.reason."),
        ("cases:documents", f"Statement of {CANARY}", "files.storedfile.title."),
    ):
        page = client.get(reverse(name, kwargs={"reference": "NVALE-2026-005"}))
        assert shown in page.content.decode()
        event = AuditEvent.objects.filter(verb=READ_VERB, actor=person("business.unit@example.org")).latest("id")
        assert event.details["view"] == name
        assert any(entry.startswith(place) for entry in event.details["places"]), event.details["places"]
        assert CANARY not in str(event.details)
    # The overview shows no free text but a deadline's own reasons (extended, late), beside the deadline.
    assert client.get(reverse("cases:detail", kwargs={"reference": "NVALE-2026-005"})).status_code == 200
    event = AuditEvent.objects.filter(verb=READ_VERB).latest("id")
    assert event.details["view"] == "cases:detail"
    assert all(place.startswith("cases.caseclock.") for place in event.details["places"]), event.details["places"]


@pytest.mark.parametrize(
    "key", ["note", "title", "late_reason", "extension_reason", "explanation", "what", "other_area", "original_name"]
)
def test_audit_details_refuse_keys_that_would_carry_free_text(db: None, key: str) -> None:
    with pytest.raises(IdentifyingDetailInAudit):
        audit_record(actor=None, verb="test.event", details={"nested": {key: "anything"}})
