"""Later-stage transitions taken by the app that keeps the record, and clocks stopped as met."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import transaction

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseClock, CaseTransition
from cspr.cases.services import case_advance, case_clock_met, case_organisations_involve
from cspr.domain.lifecycle import PRG_MEETING_NOT_HELD
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.models import Organisation, Partnership
from cspr.partnerships.scoping import acting_for

READY = {"prg_meeting_held": True, "rapid_review_complete": True}
REASON = "Met: a reason long enough to read."


@pytest.fixture
def rapid_review_case(demo: dict[str, Partnership]) -> Case:
    return Case.objects.get(reference="NVALE-2026-003")


def advance(case: Case, email: str, **kwargs: object) -> Case:
    person = User.objects.get(email=email)
    with transaction.atomic():
        return case_advance(acting=acting_for(person), case=case, **kwargs)  # type: ignore[arg-type]


def record_prg_decision(case: Case, email: str = "prg.chair@example.org", **changes: object) -> Case:
    """The PRG's decision recorded by ``email``, the facts ready and a reason given unless ``changes`` differ."""
    return advance(case, email, **{"transition": "record_prg_decision", "facts": READY, "reason": REASON, **changes})


def test_the_prg_chair_records_the_decision_when_the_facts_allow(rapid_review_case: Case) -> None:
    case = record_prg_decision(rapid_review_case)
    assert case.stage == "prg_decided"
    row = CaseTransition.objects.get(case=case, transition="record_prg_decision")
    assert (row.from_stage, row.to_stage, row.unseal("reason")) == ("rapid_review", "prg_decided", REASON)
    assert AuditEvent.objects.filter(verb="case.transition", details__transition="record_prg_decision").exists()


def test_the_guards_refuse_with_the_tables_words_and_nothing_changes(rapid_review_case: Case) -> None:
    with pytest.raises(CaseActionRefused, match=re.escape(PRG_MEETING_NOT_HELD)):
        record_prg_decision(rapid_review_case, facts={"rapid_review_complete": True})
    assert Case.objects.get(pk=rapid_review_case.pk).stage == "rapid_review"
    assert not CaseTransition.objects.filter(case=rapid_review_case, transition="record_prg_decision").exists()


def test_the_role_is_the_tables_to_decide(rapid_review_case: Case) -> None:
    with pytest.raises(CaseActionRefused, match="Only these roles"):
        record_prg_decision(rapid_review_case, "business.unit@example.org", reason="x: a reason long enough to read.")


def test_the_routing_transitions_are_not_taken_this_way_and_unknown_facts_are_an_error(
    rapid_review_case: Case,
) -> None:
    with pytest.raises(CaseActionRefused):
        advance(
            rapid_review_case,
            "business.unit@example.org",
            transition="withdraw",
            facts={},
            reason="x: a reason long enough to read.",
        )
    with pytest.raises(ValueError, match="Unknown case facts"):
        advance(rapid_review_case, "prg.chair@example.org", transition="record_prg_decision", facts={"nope": True})


def test_disagreement_brings_in_the_discrepancy_clock(rapid_review_case: Case) -> None:
    case = record_prg_decision(rapid_review_case)
    assert not CaseClock.objects.get(case=case, clock_id="discrepancy_rationale_to_panel").applicable
    case = advance(
        case,
        "executive@example.org",
        transition="ratify",
        facts={
            "prg_decision_recorded": True,
            "partners_signed_off": True,
            "executive_disagrees_with_prg": True,
            "disagreement_rationale_recorded": True,
        },
        decision_on=date(2026, 11, 20),
        executive_disagrees_with_prg=True,
    )
    assert case.stage == "executive_ratified"
    assert case.decision_on == date(2026, 11, 20)
    assert CaseClock.objects.get(case=case, clock_id="discrepancy_rationale_to_panel").applicable


def test_a_clock_is_met_on_time_late_with_a_reason_or_refused(rapid_review_case: Case) -> None:
    actor = User.objects.get(email="business.unit@example.org")
    clock = CaseClock.objects.get(case=rapid_review_case, clock_id="prg_meeting")
    with transaction.atomic(), pytest.raises(CaseActionRefused, match="reason"):
        case_clock_met(
            acting=acting_for(actor), case=rapid_review_case, clock_id="prg_meeting", met_on=date(2026, 12, 31)
        )
    with transaction.atomic():
        met = case_clock_met(
            acting=acting_for(actor),
            case=rapid_review_case,
            clock_id="prg_meeting",
            met_on=clock.due,
            late_reason="ignored",
        )
    assert met is not None
    assert (met.met_on, met.unseal("late_reason")) == (clock.due, "")
    assert AuditEvent.objects.filter(verb="case.clock_met", details__clock="prg_meeting").exists()
    with transaction.atomic():
        again = case_clock_met(
            acting=acting_for(actor), case=rapid_review_case, clock_id="prg_meeting", met_on=date(2026, 12, 31)
        )
    assert again is not None
    assert again.met_on == clock.due  # the first date stands
    with transaction.atomic():
        assert (
            case_clock_met(acting=acting_for(actor), case=rapid_review_case, clock_id="no_such_clock", met_on=clock.due)
            is None
        )


def test_an_organisation_asked_is_involved_once_with_its_reason_audited(rapid_review_case: Case) -> None:
    acting = acting_for(User.objects.get(email="business.unit@example.org"))
    named = set(rapid_review_case.involved_organisations.values_list("id", flat=True))
    other = Organisation.objects.exclude(id__in=named).first()
    assert other is not None
    for _ in range(2):
        with transaction.atomic():
            added = case_organisations_involve(
                acting=acting, case=rapid_review_case, organisation_ids=[other.pk, *named], because="comments_requested"
            )
    assert added == []  # the second time, nothing is new
    assert other.pk in set(rapid_review_case.involved_organisations.values_list("id", flat=True))
    (event,) = AuditEvent.objects.filter(
        verb="case.organisations_involved",
        details__reference=rapid_review_case.reference,
        details__because="comments_requested",
    )
    assert (event.details["organisations"], event.details["because"]) == ([other.pk], "comments_requested")
