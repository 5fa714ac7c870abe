"""The partnership's part in the Panel's national review: each service allowed to the business unit only, refused
at the wrong stage or with the wrong dates, audited without words, sealed, and atomic; and the case moving on to
learning and actions only once the national review is finished."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.cases.services import case_route
from cspr.domain.lifecycle import NATIONAL_REVIEW_UNFINISHED, Stage
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import DATE_IN_FUTURE, audit_case
from cspr.national_reviews import services
from cspr.national_reviews.models import EngagementEntry, NationalReview, ProvisionItem
from cspr.partnerships.models import Organisation
from tests.national_reviews.support import NOTE, RATIONALE, finish, item, log, to_national_review, when
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    EXEC_LA,
    acting_as,
    every_action_done,
    panel_response,
    partners,
    the_case,
    to_awaiting_panel,
)
from tests.support import WriteFailed, fails_after_call, leaves_nothing_written

pytestmark = pytest.mark.django_db


def route(case: Case, transition: str, *, day: int = 21, reason: str = "") -> Case:
    return case_route(acting=acting_as(BU), case=case, transition=transition, reason=reason, at=when(day))


def test_the_record_starts_once_for_the_panels_decision_and_says_so_on_the_trail() -> None:
    case = to_national_review()
    review = services.national_review_start(acting=acting_as(BU), case=case, at=when(11))
    again = services.national_review_start(acting=acting_as(BU), case=case, at=when(12))
    assert again.pk == review.pk
    assert review.panel_response.received_on == date(2026, 12, 10)
    assert review.panel_response.unseal("details") == RATIONALE  # the Panel's words stay on its response
    assert AuditEvent.objects.filter(verb="national_review.started", object_id=str(review.pk)).count() == 1


@pytest.mark.parametrize("email", [CHAIR, EXEC_LA, "independent.chair@example.org", "auditor@example.org"])
def test_only_the_business_unit_records_the_national_review(email: str) -> None:
    case = to_national_review()
    with pytest.raises(CaseActionRefused):
        log(case, email=email)
    with pytest.raises(CaseActionRefused):
        services.national_review_start(acting=acting_as(email), case=case, at=when(11))
    assert not NationalReview.objects.filter(case=case).exists()


def test_nothing_is_recorded_for_a_case_the_panel_is_not_reviewing() -> None:
    case = to_awaiting_panel(the_case())
    with pytest.raises(CaseActionRefused, match="not at the national review stage"):
        log(case)
    panel_response(case, "no_review", 10, details="The Panel agrees the learning is captured already.")
    with pytest.raises(CaseActionRefused, match="not at the national review stage"):
        services.national_review_start(acting=acting_as(BU), case=Case.objects.get(pk=case.pk), at=when(11))


def test_engagement_is_logged_sealed_and_audited_without_its_words() -> None:
    case = to_national_review()
    entry = log(case, scope_agreed=True)
    assert entry.unseal("note") == NOTE
    assert NOTE not in entry.note_sealed
    review = NationalReview.objects.get(case=case)
    assert review.scope_agreed_on == date(2026, 12, 14)
    event = AuditEvent.objects.get(verb="national_review.engagement_logged", object_id=str(entry.pk))
    assert event.details["kind"] == "scoping"
    assert "methodology" not in str(event.details)
    # A later scoping discussion keeps the date the scope was first agreed.
    log(case, day=16, scope_agreed=True)
    assert NationalReview.objects.get(case=case).scope_agreed_on == date(2026, 12, 14)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"kind": "gossip"}, services.UNKNOWN_KIND),
        ({"kind": "information", "scope_agreed": True}, services.SCOPE_ONLY_WHEN_SCOPING),
        ({"note": "   "}, services.NOTE_NEEDED),
        ({"happened_on": date(2026, 12, 15)}, DATE_IN_FUTURE),
        ({"happened_on": date(2026, 12, 9)}, "the Panel's decision (10 December 2026)"),
    ],
)
def test_an_engagement_is_refused_with_a_reason_a_person_can_act_on(answers: dict[str, object], message: str) -> None:
    case = to_national_review()
    values: dict[str, object] = {"kind": "scoping", "happened_on": date(2026, 12, 14), "note": NOTE, **answers}
    with pytest.raises(CaseActionRefused) as refused:
        services.national_review_engagement_log(acting=acting_as(BU), case=case, at=when(14), **values)  # type: ignore[arg-type]
    assert message in refused.value.message
    assert not EngagementEntry.objects.filter(review__case=case).exists()


def test_an_item_is_provided_once_by_one_of_the_partnerships_organisations_and_not_before_it_was_asked_for() -> None:
    case = to_national_review()
    asked = item(case)
    assert asked.unseal("what") == "The agencies' chronologies, merged"
    police = partners(case)[0]

    def provide(day: date, organisation: int | None) -> ProvisionItem:
        return services.national_review_item_provided(
            acting=acting_as(BU), case=case, item_id=asked.pk, provided_on=day, provided_by=organisation, at=when(18)
        )

    with pytest.raises(CaseActionRefused, match="the date it was asked for"):
        provide(date(2026, 12, 13), police.pk)
    elsewhere = Organisation.objects.create(name="An organisation of no partnership here", type="other")
    with pytest.raises(CaseActionRefused, match="Select the organisation"):
        provide(date(2026, 12, 16), elsewhere.pk)
    provided = provide(date(2026, 12, 16), police.pk)
    assert (provided.provided_on, provided.provided_by_id) == (date(2026, 12, 16), police.pk)
    with pytest.raises(CaseActionRefused, match="recorded as provided on 16 December 2026"):
        provide(date(2026, 12, 17), police.pk)
    event = AuditEvent.objects.get(verb="national_review.item_provided", object_id=str(asked.pk))
    assert event.details["organisation"] == police.pk
    with pytest.raises(CaseActionRefused, match="the date it was asked for"):
        item(case, day=14, due_on=date(2026, 12, 1))


def test_the_case_moves_to_learning_and_actions_only_once_the_national_review_is_finished_then_closes() -> None:
    case = to_national_review()
    with pytest.raises(CaseActionRefused) as refused:
        route(case, "start_learning_and_actions")
    assert refused.value.message == NATIONAL_REVIEW_UNFINISHED
    log(case, scope_agreed=True)
    item(case)
    with pytest.raises(CaseActionRefused, match="review finished must be the same as or after the date of the report"):
        services.national_review_finish(
            acting=acting_as(BU),
            case=case,
            report_on=date(2026, 12, 17),
            findings="Findings.",
            finished_on=date(2026, 12, 16),
            at=when(18),
        )
    review = finish(case)
    assert review.finished_on == date(2026, 12, 18)
    assert review.unseal("findings").startswith("Health visiting")
    event = AuditEvent.objects.get(verb="national_review.finished", object_id=str(review.pk))
    assert event.details["outstanding_items"] == 1
    assert "Health" not in str(event.details)
    with pytest.raises(CaseActionRefused, match="finished on 18 December 2026"):
        log(case, day=18)
    case = route(case, "start_learning_and_actions")
    assert case.stage == Stage.LEARNING_AND_ACTIONS
    every_action_done(case, on=date(2026, 12, 21), when=when(21))
    assert route(case, "close", reason="The national review's learning is acted on.").stage == Stage.CLOSED
    # Nothing more can be recorded about the national review once the case has moved on.
    with pytest.raises(CaseActionRefused, match="not at the national review stage"):
        item(case, day=21)


def test_the_other_ways_to_learning_and_actions_need_no_national_review() -> None:
    case = to_awaiting_panel(the_case())
    panel_response(case, "no_review", 15, details="The Panel agrees the learning is captured already.")
    assert route(Case.objects.get(pk=case.pk), "start_learning_and_actions").stage == Stage.LEARNING_AND_ACTIONS


def test_atomicity_a_log_that_fails_at_its_audit_event_starts_nothing_either() -> None:
    case = to_national_review()
    # The start's event is written, then the log's fails: the started record goes with it.
    with leaves_nothing_written(
        mock.patch("cspr.kernel.kit.audit_case", side_effect=fails_after_call(audit_case, call=2))
    ):
        log(case)


def test_atomicity_an_outcome_that_fails_at_its_audit_event_leaves_the_review_running() -> None:
    case = to_national_review()
    services.national_review_start(acting=acting_as(BU), case=case, at=when(11))
    with leaves_nothing_written(
        mock.patch("cspr.kernel.kit.audit_case", side_effect=WriteFailed("the audit trail is down"))
    ):
        finish(case)
