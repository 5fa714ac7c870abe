"""The transition row names the role that authorised the move, and older rows are corrected where that is known."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseTransition
from cspr.cases.services import case_advance, case_route
from cspr.domain.roles import Role
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import acting_for

READY = {"prg_meeting_held": True, "rapid_review_complete": True}
fix_migration = importlib.import_module("cspr.cases.migrations.0008_transition_authorising_role")


@pytest.fixture
def rapid_review_case(demo: dict[str, Partnership]) -> Case:
    return Case.objects.get(reference="NVALE-2026-003")


def _also(email: str, case: Case, *roles: Role) -> User:
    person = User.objects.get(email=email)
    for role in roles:
        Membership.objects.get_or_create(user=person, partnership=case.partnership, role=role, organisation=None)
    return person


def _advance(person: User, case: Case, transition: str, **kwargs: object) -> Case:
    with transaction.atomic():
        return case_advance(acting=acting_for(person), case=case, transition=transition, **kwargs)  # type: ignore[arg-type]


def test_a_person_with_several_roles_is_recorded_in_the_one_that_allowed_the_move(rapid_review_case: Case) -> None:
    # The business unit sorts first alphabetically, but only the PRG chair may record the PRG's decision.
    person = _also("business.unit@example.org", rapid_review_case, Role.PRG_CHAIR, Role.AUDITOR)
    _advance(
        person,
        rapid_review_case,
        "record_prg_decision",
        facts=READY,
        reason="Criteria met: a reason long enough to read.",
    )
    row = CaseTransition.objects.get(case=rapid_review_case, transition="record_prg_decision")
    assert row.actor_role == Role.PRG_CHAIR
    event = AuditEvent.objects.filter(verb="case.transition", details__transition="record_prg_decision").latest("id")
    chair = Membership.objects.get(user=person, partnership=rapid_review_case.partnership, role=Role.PRG_CHAIR)
    assert event.membership_id == chair.pk


def test_routing_records_the_business_unit_membership_of_a_person_who_also_holds_another_role(
    demo: dict[str, Partnership],
) -> None:
    case = Case.objects.get(reference="NVALE-2026-005")
    person = _also("auditor@example.org", case, Role.BUSINESS_UNIT)
    case_route(acting=acting_for(person), case=case, transition="withdraw", reason="Moved out of the area.")
    row = CaseTransition.objects.get(case=case, transition="withdraw")
    event = AuditEvent.objects.filter(verb="case.transition", details__transition="withdraw").latest("id")
    unit = Membership.objects.get(user=person, partnership=case.partnership, role=Role.BUSINESS_UNIT)
    assert (row.actor_role, event.membership_id) == (Role.BUSINESS_UNIT, unit.pk)


def test_a_reviewer_receiving_the_draft_is_recorded_as_the_reviewer_not_as_nobody(rapid_review_case: Case) -> None:
    Case.objects.filter(pk=rapid_review_case.pk).update(stage="review_in_progress")
    person = _also("prg.member@example.org", rapid_review_case, Role.REVIEWER)
    _advance(person, rapid_review_case, "receive_draft", facts={})
    row = CaseTransition.objects.get(case=rapid_review_case, transition="receive_draft")
    assert row.actor_role == Role.REVIEWER


def test_the_data_fix_names_the_one_allowing_role_and_leaves_a_row_it_cannot_decide(rapid_review_case: Case) -> None:
    chair = _also("prg.chair@example.org", rapid_review_case)
    both = _also("executive@example.org", rapid_review_case, Role.PRG_CHAIR)
    at = max(Membership.objects.values_list("created_at", flat=True)) + timedelta(minutes=1)
    common = {"case": rapid_review_case, "at": at, "from_stage": "rapid_review", "to_stage": "closed_criteria_not_met"}
    one = CaseTransition(actor=chair, actor_role="", transition="close_criteria_not_met", **common)
    one.save(force_insert=True)
    several = CaseTransition(actor=both, actor_role="executive_member", transition="close_criteria_not_met", **common)
    several.save(force_insert=True)
    fix_migration.authorising_roles_fill(apps, None)
    assert CaseTransition.objects.get(pk=one.pk).actor_role == Role.PRG_CHAIR
    assert CaseTransition.objects.get(pk=several.pk).actor_role == "executive_member"
