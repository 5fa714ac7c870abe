"""The family is told on every path (§5.3, §8.6): the case records who told them, how, when and what, or why not
yet; the overview shows them as still to be told until it does; the rows the rapid review kept move to the case,
re-sealed for their new place."""

from __future__ import annotations

import importlib
import uuid
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Case, FamilyDecision, FamilyNotYetTold, FamilyTold
from cspr.cases.selectors import case_family_to_tell
from cspr.kernel.crypto import DecryptionError, decrypt, encrypt
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.sealing import seal_context
from cspr.partnerships.scoping import acting_for
from tests.support import WriteFailed, leaves_nothing_written

BU, CHAIR, MEMBER = "business.unit@example.org", "prg.chair@example.org", "prg.member@example.org"
NOT_NOTIFIABLE, CLOSED, FRESH = "NVALE-2026-001", "NVALE-2026-002", "NVALE-2026-005"
SAID = "That the partnership will not review the case, and why."
MOVE = importlib.import_module("cspr.cases.migrations.0015_family_told_moved")


def acting(email: str) -> Any:
    return acting_for(User.objects.get(email=email))


def case(reference: str) -> Case:
    return Case.objects.get(reference=reference)


def tell(email: str = BU, reference: str = NOT_NOTIFIABLE, **changes: Any) -> FamilyTold:
    answers: dict[str, Any] = {
        "told_on": timezone.localdate() - timedelta(days=1),
        "method": "letter",
        "told_by": "Sam Okafor, social worker",
        "what_was_said": SAID,
    }
    return services.family_told_record(acting=acting(email), case=case(reference), **{**answers, **changes})


def test_the_business_unit_and_the_prg_chair_record_it_audited_without_the_words(demo: dict) -> None:
    assert case_family_to_tell(case=case(NOT_NOTIFIABLE)).decision == FamilyDecision.NOT_NOTIFIABLE  # type: ignore[union-attr]
    row = tell(BU)
    assert row.decision == FamilyDecision.NOT_NOTIFIABLE
    assert row.unseal("what_was_said") == SAID
    assert SAID not in row.what_was_said_sealed
    event = AuditEvent.objects.filter(verb="case.family_told").latest("id")
    assert event.details["decision"] == "not_notifiable"
    assert event.details["method"] == "letter"
    assert SAID not in str(event.details)
    assert case_family_to_tell(case=case(NOT_NOTIFIABLE)) is None
    assert tell(CHAIR, method="other", method_other="A video call").unseal("method_other") == "A video call"


@pytest.mark.parametrize(
    ("email", "reference", "changes", "message"),
    [
        (MEMBER, NOT_NOTIFIABLE, {}, "cannot do this"),
        ("notifier@example.org", NOT_NOTIFIABLE, {}, "cannot do this"),
        (BU, NOT_NOTIFIABLE, {"told_on": timezone.localdate() + timedelta(days=1)}, "today or in the past"),
        (BU, NOT_NOTIFIABLE, {"method": ""}, "Choose how"),
        (BU, NOT_NOTIFIABLE, {"method": "other"}, "Say how"),
        (BU, NOT_NOTIFIABLE, {"told_by": " "}, "who told"),
        (BU, NOT_NOTIFIABLE, {"what_was_said": "Told."}, "at least 20"),
        (BU, FRESH, {}, "no decision to tell"),
        (BU, NOT_NOTIFIABLE, {"told_on": date(2026, 10, 6)}, "on or after the day of the decision, 7 October 2026"),
    ],
)
def test_it_is_refused(demo: dict, email: str, reference: str, changes: dict, message: str) -> None:
    with pytest.raises(CaseActionRefused, match=message):
        tell(email, reference, **changes)
    assert not FamilyTold.objects.filter(case__reference=reference, recorded_at__date=timezone.localdate()).exists()


def test_a_failure_midway_leaves_nothing_written(demo: dict) -> None:
    failing = mock.patch("cspr.cases.services.family.audit_case", side_effect=WriteFailed)
    with leaves_nothing_written(failing):
        tell()


def test_the_overview_shows_it_outstanding_then_done(client_as: Any) -> None:
    client = client_as(BU)
    overview = reverse("cases:detail", kwargs={"reference": NOT_NOTIFIABLE})
    page = client.get(overview).content.decode()
    assert "The family is still to be told" in page
    assert "(recorded here on " in page  # the day the decision was recorded, not a date the decision gives
    assert "Record that the family was told" in page
    not_yet = reverse("cases:family-not-yet-told", kwargs={"reference": NOT_NOTIFIABLE})
    response = client.post(not_yet, {"reason": "The police asked us to wait until the interviews are done."})
    assert response.status_code == 302
    page = client.get(overview).content.decode()
    assert "The family is still to be told" in page
    assert "Why not yet is recorded" in page
    assert "interviews" not in page  # no sealed text on the overview
    today = timezone.localdate()
    response = client.post(
        reverse("cases:family-told", kwargs={"reference": NOT_NOTIFIABLE}),
        {
            "told_on-day": today.day,
            "told_on-month": today.month,
            "told_on-year": today.year,
            "method": "in_person",
            "told_by": "Sam Okafor, social worker",
            "what_was_said": SAID,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert "The family is still to be told" not in client.get(overview).content.decode()
    record = client.get(reverse("cases:record", kwargs={"reference": NOT_NOTIFIABLE})).content.decode()
    assert SAID.replace("'", "&#39;") in record
    assert "interviews" in record


def test_the_auditor_sees_that_it_was_recorded_not_the_words(client_as: Any) -> None:
    tell()
    client = client_as("auditor@example.org")
    record = client.get(reverse("cases:record", kwargs={"reference": NOT_NOTIFIABLE})).content.decode()
    assert "Sam Okafor" in record
    assert SAID.replace("'", "&#39;") not in record
    assert "Recorded (the words" in record
    page = client.get(reverse("cases:detail", kwargs={"reference": NOT_NOTIFIABLE})).content.decode()
    assert "Record that the family was told" not in page


def test_the_demo_closed_case_has_the_family_told(demo: dict) -> None:
    told = FamilyTold.objects.get(case__reference=CLOSED)
    assert told.decision == FamilyDecision.CLOSURE
    assert case_family_to_tell(case=case(CLOSED)) is None
    assert not FamilyNotYetTold.objects.filter(case__reference=CLOSED).exists()


# -- the move from the rapid review ----------------------------------------------------------------------------------

BEFORE = [("cases", "0014_family_told"), ("rapid_reviews", "0008_learning_action_resolved")]


def _migrate(targets: list[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_rows_the_rapid_review_kept_move_to_the_case_resealed(demo: dict) -> None:
    from tests.rapid_reviews import support as rr

    reviewed = rr.to_prg_decided(rr.the_case())
    FamilyTold.objects.all().delete()  # the demo's own, on a case without a review, could not go back
    try:
        _migrate(BEFORE)
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        review = old_apps.get_model("rapid_reviews", "RapidReview").objects.get(case_id=reviewed.pk)
        row_uuid = uuid.uuid4()

        def sealed(field: str, value: str) -> str:
            return encrypt(value, context=seal_context("rapid_reviews", "familytold", field, row_uuid))

        old_apps.get_model("rapid_reviews", "FamilyTold").objects.create(
            uuid=row_uuid,
            review=review,
            told_on=date(2026, 11, 27),
            method="other",
            method_other_sealed=sealed("method_other", "A video call"),
            told_by="Bea Unwin, BU manager",
            what_was_said_sealed=sealed("what_was_said", SAID),
            recorded_by_id=User.objects.get(email=BU).pk,
            recorded_at=timezone.now(),
        )
        _migrate()
    finally:
        _migrate()
    moved = FamilyTold.objects.get(uuid=row_uuid)
    assert moved.case_id == reviewed.pk
    assert moved.decision == FamilyDecision.PRG_DECISION
    assert moved.unseal("what_was_said") == SAID
    assert moved.unseal("method_other") == "A video call"
    with pytest.raises(DecryptionError):
        decrypt(
            moved.what_was_said_sealed, context=seal_context("rapid_reviews", "familytold", "what_was_said", row_uuid)
        )
    assert MOVE.MOMENTS["closed_not_notifiable"] == FamilyDecision.CLOSURE


def test_why_not_yet_is_refused_once_the_family_has_been_told_the_latest_decision(demo: dict) -> None:
    tell()
    with pytest.raises(CaseActionRefused, match="already been told"):
        services.family_not_yet_told_record(
            acting=acting(BU), case=case(NOT_NOTIFIABLE), reason="The family is away until the end of the month."
        )
    assert not FamilyNotYetTold.objects.filter(case__reference=NOT_NOTIFIABLE).exists()


def test_reopening_undoes_the_decision_so_nothing_is_outstanding_until_the_next(demo: dict) -> None:
    reopened = case("NVALE-2026-007")  # not notifiable, closed, the family told, then reopened
    assert case_family_to_tell(case=reopened) is None
    with pytest.raises(CaseActionRefused, match="no decision to tell"):
        tell(reference="NVALE-2026-007")
    services.case_route(
        acting=acting(BU), case=reopened, transition="close", reason="Reassessed: nothing further for the partnership."
    )
    assert case_family_to_tell(case=case("NVALE-2026-007")).decision == FamilyDecision.CLOSURE  # type: ignore[union-attr]
