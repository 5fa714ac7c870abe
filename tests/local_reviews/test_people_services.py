"""Practitioner events, the family involvement log, the explainers and the thread with the reviewer, through their
services: who may write them, what is refused, what is sealed and audited, and that each write is one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core import mail

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.domain.roles import Role
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case
from cspr.local_reviews import services_people as services
from cspr.local_reviews.models import ExplainerVersion, FamilyEntry, Milestone, PractitionerEvent, ReviewerMessage
from cspr.messaging.models import OutboundMessage
from tests.local_reviews.support_people import (
    FEEDBACK,
    NOW,
    REVIEWER,
    WORDS,
    child,
    father,
    finished_family_explainer,
    reviewed_case,
    role_email,
    some_organisations,
)
from tests.rapid_reviews.support import BU, CHAIR, acting_as
from tests.support import fails_after_call, leaves_nothing_written

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def event(case: Case, email: str = BU, **changes: Any) -> PractitionerEvent:
    invited = some_organisations(case)
    values: dict[str, Any] = {"held_on": date(2026, 12, 10), "invited": invited, "attended": invited[:1]}
    return services.practitioner_event_record(
        acting=acting_as(email), case=case, feedback=FEEDBACK, **{**values, **changes}
    )


def entry(case: Case, email: str = REVIEWER, **changes: Any) -> FamilyEntry:
    values: dict[str, Any] = {"person": father(case), "kind": "consent", "consent": "given"}
    return services.family_entry_record(
        acting=acting_as(email), case=case, happened_on=date(2026, 12, 9), **{**values, **changes}
    )


def last_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.filter(verb=verb).latest("id")


# -- practitioner events ----------------------------------------------------------------------------------------------


def test_the_first_event_held_marks_the_milestone_done_and_the_feedback_is_sealed() -> None:
    case = reviewed_case()
    first = event(case)
    done = Milestone.objects.get(review__case=case, kind="practitioner_event")
    assert done.done_on == date(2026, 12, 10)
    assert "Sampleton" not in first.feedback_sealed
    assert first.unseal("feedback") == FEEDBACK
    audited = last_event("local_review.practitioner_event_recorded")
    assert audited.details["milestone_done"] is True
    assert "feedback" not in audited.details
    event(case, REVIEWER, held_on=date(2026, 12, 11))  # the reviewer records one too; the milestone stays as it was
    assert Milestone.objects.get(pk=done.pk).done_on == date(2026, 12, 10)
    assert last_event("local_review.practitioner_event_recorded").details["milestone_done"] is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"invited": []}, services.INVITED_NEEDED),
        ({"held_on": date(2026, 12, 15)}, "The date must be today or in the past."),
    ],
)
def test_an_event_needs_someone_invited_and_a_day_it_was_held(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseActionRefused, match=message):
        event(reviewed_case(), **changes)


def test_those_who_attended_were_invited() -> None:
    case = reviewed_case()
    invited = some_organisations(case, 3)
    with pytest.raises(CaseActionRefused, match=services.ATTENDED_NOT_INVITED):
        event(case, invited=invited[:1], attended=invited[1:])


@pytest.mark.parametrize("role", [Role.PRG_CHAIR, Role.EXECUTIVE_MEMBER, Role.AGENCY_CONTRIBUTOR, Role.AUDITOR])
def test_only_the_business_unit_and_the_reviewer_record_events(role: Role) -> None:
    with pytest.raises(CaseActionRefused):
        event(reviewed_case(), role_email(role))


def test_recording_an_event_is_atomic() -> None:
    case = reviewed_case()
    failing = mock.patch("cspr.kernel.kit.audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        event(case)


# -- the family involvement log ---------------------------------------------------------------------------------------


def test_the_reviewer_logs_consent_sealed_and_audited_without_the_words() -> None:
    case = reviewed_case()
    row = entry(case, note=WORDS)
    assert row.member_id is not None
    assert row.child_id is None
    assert "given" not in row.consent_sealed
    assert "Sampleton" not in row.note_sealed
    assert row.unseal("consent") == "given"
    assert row.unseal("note") == WORDS
    audited = last_event("local_review.family_entry_recorded")
    assert audited.details["kind"] == "consent"
    assert audited.details["person"] == "member"
    assert "Sampleton" not in str(audited.details)
    assert getattr(audited.actor, "email", None) == REVIEWER


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": ""}, "consent", services.CONSENT_NEEDED),
        ({"kind": "meeting", "how": ""}, "how", services.HOW_NEEDED),
        ({"kind": "told", "how": "letter", "note": ""}, "note", "Enter what they were told"),
        ({"kind": "expectations", "note": WORDS, "managed": ""}, "managed", services.MANAGED_NEEDED),
        ({"person": "member:999999"}, "person", services.PERSON_NEEDED),
        ({"kind": "gossip"}, "kind", services.UNKNOWN_KIND),
    ],
)
def test_an_entry_needs_what_its_kind_asks(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(CaseActionRefused, match=message) as refused:
        entry(reviewed_case(), **changes)
    assert refused.value.field == field


def test_a_child_of_another_case_cannot_be_logged_here() -> None:
    other = Case.objects.get(reference="NVALE-2026-003")
    with pytest.raises(CaseActionRefused, match=services.PERSON_NEEDED):
        entry(reviewed_case(), person=child(other))


@pytest.mark.parametrize(
    "role", [Role.PRG_CHAIR, Role.PRG_MEMBER, Role.EXECUTIVE_MEMBER, Role.AGENCY_CONTRIBUTOR, Role.AUDITOR]
)
def test_only_the_business_unit_and_the_reviewer_write_the_log(role: Role) -> None:
    with pytest.raises(CaseActionRefused):
        entry(reviewed_case(), role_email(role))


def test_the_explainer_is_given_only_once_its_gaps_are_filled_and_the_entry_names_its_version() -> None:
    case = reviewed_case()
    # The service's wording leaves the contact, the data protection officer and the retention period to fill in.
    with pytest.raises(CaseActionRefused, match=services.EXPLAINER_UNFINISHED):
        entry(case, BU, person=child(case), kind="explainer", how="in_person", explainer=0)
    assert not ExplainerVersion.objects.filter(partnership=case.partnership, kind="family").exists()
    number = finished_family_explainer(case)
    given = entry(case, BU, person=child(case), kind="explainer", how="in_person", explainer=number)
    assert given.explainer is not None
    assert (given.explainer.number, given.explainer.from_service) == (1, False)
    assert case.partnership.name in given.explainer.body
    with pytest.raises(CaseActionRefused, match=services.EXPLAINER_NEEDED):  # a saved version must now be chosen
        entry(case, BU, kind="explainer", how="letter", explainer=0)
    unfinished = services.explainer_save(
        acting=acting_as(BU), partnership=case.partnership, kind="family", title="For the family",
        body="Contact [the business unit's contact] with any question.",
    )  # fmt: skip
    with pytest.raises(CaseActionRefused, match=services.EXPLAINER_UNFINISHED):
        entry(case, BU, kind="explainer", how="letter", explainer=unfinished.number)
    assert FamilyEntry.objects.filter(review__case=case).count() == 1


def test_logging_is_atomic() -> None:
    case = reviewed_case()
    number = finished_family_explainer(case)
    failing = mock.patch("cspr.kernel.kit.audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        entry(case, kind="explainer", how="letter", explainer=number)


# -- explainers -------------------------------------------------------------------------------------------------------


def test_every_save_is_a_new_version_and_a_stale_or_unchanged_save_is_refused() -> None:
    case = reviewed_case()
    partnership = case.partnership

    def save(email: str, body: str, opened: int | None) -> ExplainerVersion:
        return services.explainer_save(
            acting=acting_as(email), partnership=partnership, kind="agency", title="Information", body=body,
            opened_version=opened,
        )  # fmt: skip

    first = save(BU, "Please send what you knew.", 0)
    second = save(role_email(Role.PARTNERSHIP_ADMIN), "Please send what your records show.", 1)
    assert (first.number, second.number) == (1, 2)
    assert ExplainerVersion.objects.get(pk=first.pk).body == "Please send what you knew."  # kept as it was
    with pytest.raises(Exception, match="was changed by"):
        save(BU, "From an old page.", 1)
    with pytest.raises(CaseActionRefused, match="Nothing has changed since version 2"):
        save(BU, "Please send what your records show.", 2)
    with pytest.raises(CaseActionRefused, match=services.EXPLAINER_REFUSED):
        save(CHAIR, "A chair's words.", 2)
    assert last_event("explainer.saved").details == {"kind": "agency", "number": 2}


# -- the thread with the reviewer -------------------------------------------------------------------------------------


def test_the_business_unit_writes_the_reviewer_is_told_only_that_a_message_waits_and_replies() -> None:
    case = reviewed_case()
    mail.outbox.clear()
    request = services.reviewer_message_send(acting=acting_as(BU), case=case, message=WORDS)
    assert request.side == "business_unit"
    assert "Sampleton" not in request.body_sealed
    told = OutboundMessage.objects.filter(kind="local_review.message_waiting").latest("id")
    assert told.to == REVIEWER
    assert case.reference in told.body
    assert "Sampleton" not in told.body + told.subject
    assert "GP" not in told.body
    reply = services.reviewer_message_send(acting=acting_as(REVIEWER), case=case, message="I will ask the GP.")
    assert reply.side == "reviewer"
    to_bu = set(
        OutboundMessage.objects.filter(kind="local_review.message_waiting", id__gt=told.id).values_list("to", flat=True)
    )
    assert BU in to_bu
    assert REVIEWER not in to_bu
    assert last_event("local_review.message_sent").details["side"] == "reviewer"


def test_reading_marks_the_other_sides_messages_read_once_audited() -> None:
    case = reviewed_case()
    services.reviewer_message_send(acting=acting_as(BU), case=case, message=WORDS)
    assert services.reviewer_messages_read(acting=acting_as(BU), case=case) == 0  # their own is not theirs to read
    assert services.reviewer_messages_read(acting=acting_as(REVIEWER), case=case) == 1
    row = ReviewerMessage.objects.get(review__case=case)
    assert row.read_at is not None
    assert getattr(row.read_by, "email", None) == REVIEWER
    assert services.reviewer_messages_read(acting=acting_as(REVIEWER), case=case) == 0
    assert last_event("local_review.messages_read").details["messages"] == [row.pk]


@pytest.mark.parametrize("role", [Role.PRG_CHAIR, Role.INDEPENDENT_CHAIR, Role.EXECUTIVE_MEMBER])
def test_only_the_business_unit_and_the_reviewer_write_in_the_thread(role: Role) -> None:
    with pytest.raises(CaseActionRefused):
        services.reviewer_message_send(acting=acting_as(role_email(role)), case=reviewed_case(), message="Hello")


def test_an_empty_message_is_refused_and_sending_is_atomic() -> None:
    case = reviewed_case()
    with pytest.raises(CaseActionRefused, match=services.MESSAGE_NEEDED):
        services.reviewer_message_send(acting=acting_as(BU), case=case, message="  ")
    failing = mock.patch("cspr.kernel.kit.audit_case", fails_after_call(audit_case))
    with leaves_nothing_written(failing):
        services.reviewer_message_send(acting=acting_as(BU), case=case, message=WORDS)
