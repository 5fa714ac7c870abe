"""Commissioning a reviewer as plain rules: the §6.2 competencies, the conflict of interest, and when access is open."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspr.domain.lifecycle import TRANSITIONS, CaseFacts, Stage, may
from cspr.domain.reviewers import (
    ACCESS_STAGES,
    COMPETENCIES,
    COMPETENCY_CODES,
    OVERRIDE_NEEDED,
    ReviewerChecks,
    access_open,
    competency_label,
)
from cspr.domain.roles import Role

ALL = COMPETENCY_CODES
HEALTH, POLICE, SCHOOL = 1, 2, 3


def test_five_competencies_each_with_its_own_code_and_words() -> None:
    assert [competency.code for competency in COMPETENCIES] == [
        "practice",
        "research",
        "complexity",
        "hindsight",
        "communication",
    ]
    assert len({competency.label for competency in COMPETENCIES}) == 5
    assert competency_label("research").startswith("Knows the research")
    assert competency_label("unknown") == "unknown"


def test_every_competency_evidenced_and_no_interest_declared_is_complete() -> None:
    checks = ReviewerChecks.of(evidenced=ALL, declared=(), involved=(HEALTH, POLICE))
    assert checks.complete
    assert checks.blockers() == ()


def test_a_missing_competency_blocks_and_is_named() -> None:
    checks = ReviewerChecks.of(evidenced=ALL - {"hindsight"}, declared=(), involved=())
    assert not checks.complete
    assert checks.missing == ("hindsight",)
    assert competency_label("hindsight") in checks.blockers()[0]


def test_an_interest_in_an_involved_organisation_is_a_real_conflict_until_overridden() -> None:
    checks = ReviewerChecks.of(evidenced=ALL, declared=(HEALTH, SCHOOL), involved=(HEALTH, POLICE))
    assert checks.conflicting == {HEALTH}
    assert not checks.complete
    blockers = checks.blockers({HEALTH: "Northvale ICB"})
    assert "Northvale ICB" in blockers[0]
    assert blockers[-1] == OVERRIDE_NEEDED
    assert ReviewerChecks.of(evidenced=ALL, declared=(HEALTH,), involved=(HEALTH,), overridden=True).complete


def test_an_interest_in_an_organisation_not_involved_is_no_conflict() -> None:
    assert ReviewerChecks.of(evidenced=ALL, declared=(SCHOOL,), involved=(HEALTH, POLICE)).complete


def test_a_perceived_conflict_blocks_like_a_real_one() -> None:
    checks = ReviewerChecks.of(evidenced=ALL, declared=(), involved=(HEALTH,), perceived=True)
    assert checks.conflict
    assert not checks.complete
    assert ReviewerChecks.of(evidenced=ALL, declared=(), involved=(), perceived=True, overridden=True).complete


def test_an_override_does_not_make_up_for_missing_evidence() -> None:
    assert not ReviewerChecks.of(evidenced=(), declared=(HEALTH,), involved=(HEALTH,), overridden=True).complete


@given(
    evidenced=st.sets(st.sampled_from(sorted(ALL))),
    declared=st.sets(st.integers(1, 6)),
    involved=st.sets(st.integers(1, 6)),
    perceived=st.booleans(),
    overridden=st.booleans(),
)
def test_complete_exactly_when_evidenced_and_free_of_conflict_or_overridden(
    evidenced: set[str], declared: set[int], involved: set[int], perceived: bool, overridden: bool
) -> None:
    checks = ReviewerChecks.of(
        evidenced=evidenced, declared=declared, involved=involved, perceived=perceived, overridden=overridden
    )
    free = not (declared & involved) and not perceived
    assert checks.complete == (evidenced == ALL and (free or overridden))
    assert (checks.blockers() == ()) == checks.complete


def test_the_lifecycle_commissions_only_when_the_checks_are_complete() -> None:
    refused = may("commission_reviewer", Stage.LOCAL_REVIEW, roles=[Role.BUSINESS_UNIT], facts=CaseFacts())
    assert not refused
    complete = ReviewerChecks.of(evidenced=ALL, declared=(), involved=()).complete
    facts = CaseFacts(reviewer_checks_complete=complete)
    assert may("commission_reviewer", Stage.LOCAL_REVIEW, roles=[Role.BUSINESS_UNIT], facts=facts)


@pytest.mark.parametrize("stage", list(Stage))
def test_access_is_open_from_commissioning_until_sign_off_only(stage: Stage) -> None:
    expected = stage in {Stage.REVIEWER_COMMISSIONED, Stage.REVIEW_IN_PROGRESS, Stage.DRAFT_REPORT}
    assert access_open(stage) is expected
    assert access_open(stage.value) is expected


def test_sign_off_leaves_the_access_stages() -> None:
    sign_off = TRANSITIONS["sign_off"]
    assert all(source in ACCESS_STAGES and target not in ACCESS_STAGES for source, target in sign_off.moves)
