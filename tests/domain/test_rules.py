"""May this happen now? The domain's one answer: closed stages, transition roles, reasons and the authorising role."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cspr
from cspr.domain import rules
from cspr.domain.lifecycle import (
    REASON_REQUIRED,
    ROLE_REQUIRED,
    TRANSITIONS,
    Stage,
    TransitionRefused,
    apply_transition,
)
from cspr.domain.roles import Role
from tests.domain.support import PROPERTY, READY, found_in_files

CSPR_DIR = Path(cspr.__file__).parent
DOMAIN_DIR = CSPR_DIR / "domain"


def test_the_closed_stages_are_those_only_reopening_leaves() -> None:
    assert rules.closed_stages() == {
        Stage.CLOSED,
        Stage.CLOSED_NOT_NOTIFIABLE,
        Stage.CLOSED_CRITERIA_NOT_MET,
        Stage.WITHDRAWN,
    }
    assert rules.is_closed("withdrawn")
    assert not rules.is_closed(Stage.PUBLISHED)


def test_the_stages_before_the_rapid_review_include_the_not_notifiable_branch() -> None:
    before = {stage for stage in Stage if rules.before_rapid_review(stage)}
    assert before == {
        Stage.REFERRAL_RECEIVED,
        Stage.NOTIFICATION_ASSESSED,
        Stage.NOT_NOTIFIABLE,
        Stage.CLOSED_NOT_NOTIFIABLE,
    }


def test_may_answers_why_not_in_the_order_the_table_checks() -> None:
    assert not rules.may("ratify", Stage.RAPID_REVIEW, roles=[Role.EXECUTIVE_MEMBER])
    verdict = rules.may("record_prg_decision", Stage.RAPID_REVIEW, roles=[Role.BUSINESS_UNIT])
    assert verdict.why.startswith(ROLE_REQUIRED.split("{")[0])
    blank = rules.may("withdraw", Stage.RAPID_REVIEW, roles=[Role.BUSINESS_UNIT], reason="   ")
    assert blank.why == REASON_REQUIRED.format(action="withdraw the case", minimum=20)
    assert rules.may("withdraw", Stage.RAPID_REVIEW, roles=[Role.BUSINESS_UNIT], reason=None).allowed
    assert not rules.may("nonsense", Stage.RAPID_REVIEW, roles=[Role.BUSINESS_UNIT])
    assert not rules.may("withdraw", "nowhere", roles=[Role.BUSINESS_UNIT])


@PROPERTY
@given(
    stage=st.sampled_from(list(Stage)),
    transition=st.sampled_from(list(TRANSITIONS)),
    roles=st.frozensets(st.sampled_from(list(Role))),
    reason=st.sampled_from(["", "  ", "Because the Panel asked."]),
)
def test_may_and_apply_transition_always_agree(
    stage: Stage, transition: str, roles: frozenset[Role], reason: str
) -> None:
    facts = replace(READY, discretionary_grounds=frozenset({"good_practice"}))
    verdict = rules.may(transition, stage, roles=roles, facts=facts, reason=reason)
    if verdict.allowed:
        apply_transition(stage, transition, roles=roles, facts=facts, reason=reason)
        assert rules.authorising_role(transition, roles) in TRANSITIONS[transition].roles
    else:
        with pytest.raises(TransitionRefused) as refused:
            apply_transition(stage, transition, roles=roles, facts=facts, reason=reason)
        assert refused.value.message == verdict.why


@PROPERTY
@given(transition=st.sampled_from(list(TRANSITIONS)), roles=st.frozensets(st.sampled_from(list(Role))))
def test_the_authorising_role_is_one_held_that_allows_it_or_none(transition: str, roles: frozenset[Role]) -> None:
    chosen = rules.authorising_role(transition, roles)
    allowing = TRANSITIONS[transition].roles & roles
    if allowing:
        assert chosen in allowing
        assert chosen == min(allowing, key=list(Role).index)
    else:
        assert chosen is None


def test_a_person_with_several_roles_is_named_by_the_one_that_allows_the_move() -> None:
    held = [Role.AUDITOR, Role.BUSINESS_UNIT, Role.PRG_CHAIR]
    assert rules.authorising_role("record_prg_decision", held) is Role.PRG_CHAIR
    assert rules.authorising_role("receive_draft", [Role.REVIEWER, Role.PRG_MEMBER]) is Role.REVIEWER
    # Two roles that both allow it: the preference is Role's declaration order, whatever order they come in.
    both = [Role.EXECUTIVE_MEMBER, Role.PRG_CHAIR]
    assert rules.authorising_role("choose_discretionary_review", both) is Role.PRG_CHAIR
    assert rules.authorising_role("choose_discretionary_review", reversed(both)) is Role.PRG_CHAIR


def test_every_transition_names_a_role_so_the_row_is_never_blank() -> None:
    for rule in TRANSITIONS.values():
        assert rule.roles
        assert rules.authorising_role(rule.name, rule.roles) is not None


def test_reason_minimums_come_from_the_table() -> None:
    assert TRANSITIONS["withdraw"].reason_min == rules.REASON_MIN
    assert TRANSITIONS["assess"].reason_min == 0
    assert rules.LATE_REASON_MIN == 20


def test_open_for_and_reached_by_read_the_machine() -> None:
    assert rules.open_for(Stage.RAPID_REVIEW, "record_prg_decision")
    assert rules.open_for(Stage.PRG_DECIDED, "close_criteria_not_met")
    assert not rules.open_for(Stage.EXECUTIVE_RATIFIED, "close_criteria_not_met")
    assert rules.open_for(Stage.PANEL_INFORMATION_REQUESTED, "panel_requests_information", "provide_information")
    assert rules.reached_by(Stage.CLOSED_CRITERIA_NOT_MET, "close_criteria_not_met")
    assert not rules.reached_by(Stage.CLOSED, "close_criteria_not_met")


# -- no second list ---------------------------------------------------------------------------------------------------

_CLOSED_NAMES = {
    "closed",
    "closed_not_notifiable",
    "closed_criteria_not_met",
    "withdrawn",
    "CLOSED",
    "CLOSED_NOT_NOTIFIABLE",
    "CLOSED_CRITERIA_NOT_MET",
    "WITHDRAWN",
}


def _literal_sets_of_closed_stages(path: Path) -> list[int]:
    """Lines of set, tuple or list literals naming two or more closed stages (as strings or ``Stage.X``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            names = set()
            for element in node.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    names.add(element.value)
                elif (
                    isinstance(element, ast.Attribute)
                    and isinstance(element.value, ast.Name)
                    and element.value.id == "Stage"
                ):
                    names.add(element.attr)
            if len(names & _CLOSED_NAMES) >= 2:
                found.append(node.lineno)
    return found


def test_no_module_outside_the_domain_lists_the_closed_stages() -> None:
    outside = (
        path for path in CSPR_DIR.rglob("*.py") if DOMAIN_DIR not in path.parents and "migrations" not in path.parts
    )
    assert found_in_files(outside, _literal_sets_of_closed_stages, root=CSPR_DIR) == set()


def test_no_template_lists_the_closed_stages() -> None:
    pattern = re.compile(r"\"(closed|withdrawn|closed_not_notifiable|closed_criteria_not_met)\"")
    offending = {
        str(path.relative_to(CSPR_DIR))
        for path in (CSPR_DIR / "templates").rglob("*.html")
        if len(set(pattern.findall(path.read_text(encoding="utf-8")))) >= 2
    }
    assert offending == set()


def test_the_access_policy_reads_transition_roles_from_the_table() -> None:
    from cspr.core import policy

    assert rules.transition_roles("choose_discretionary_review") == policy.DISCRETIONARY_DECIDERS
    assert rules.transition_roles("record_prg_decision") == policy.PRG_DECIDERS
    assert rules.transition_roles("close_criteria_not_met") == policy.CRITERIA_CLOSERS
    assert rules.transition_roles("ratify") == policy.PARTNER_SIGNERS
    source = (CSPR_DIR / "core" / "policy.py").read_text(encoding="utf-8")
    for name in ("DISCRETIONARY_DECIDERS", "PRG_DECIDERS", "CRITERIA_CLOSERS", "PARTNER_SIGNERS", "CASE_ROUTERS"):
        assert re.search(rf"^{name} = transition_roles\(", source, re.MULTILINE), name


@pytest.mark.parametrize("needle", ["not late_reason", "text_length(late_reason)", "> clock.effective_due"])
def test_no_service_writes_its_own_lateness_rule(needle: str) -> None:
    offending = {
        str(path.relative_to(CSPR_DIR))
        for path in CSPR_DIR.rglob("*.py")
        if DOMAIN_DIR not in path.parents and needle in path.read_text(encoding="utf-8")
    }
    assert offending == set()
