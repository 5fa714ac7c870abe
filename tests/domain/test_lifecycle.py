"""The case lifecycle: the table itself, every refused stage-and-transition pair, guards, reasons and roles."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from statemachine.exceptions import TransitionNotAllowed

from cspr.domain import lifecycle
from cspr.domain.lifecycle import (
    STAGE_PATH,
    STAGES,
    TRANSITIONS,
    CaseFacts,
    CaseLifecycle,
    PathState,
    Stage,
    TransitionRefused,
    allowed_transitions,
    apply_transition,
    leaves,
    next_steps,
    onward,
    path_position,
    path_taken,
    transition_options,
    transitions_from,
)
from cspr.domain.roles import Role
from tests.domain.support import READY

S = Stage
BU, PRG_CHAIR, EXEC, REVIEWER = Role.BUSINESS_UNIT, Role.PRG_CHAIR, Role.EXECUTIVE_MEMBER, Role.REVIEWER
ALL_ROLES = frozenset(Role)

# DESIGN §4, written out independently of the code: (stage, transition) → next stage.
WITHDRAWABLE = set(Stage) - {S.CLOSED, S.CLOSED_NOT_NOTIFIABLE, S.CLOSED_CRITERIA_NOT_MET, S.WITHDRAWN, S.PUBLISHED}
EDGES: dict[tuple[Stage, str], Stage] = {
    (S.REFERRAL_RECEIVED, "assess"): S.NOTIFICATION_ASSESSED,
    (S.NOTIFICATION_ASSESSED, "start_rapid_review"): S.RAPID_REVIEW,
    (S.NOTIFICATION_ASSESSED, "record_not_notifiable"): S.NOT_NOTIFIABLE,
    (S.NOT_NOTIFIABLE, "reassess"): S.NOTIFICATION_ASSESSED,
    (S.NOT_NOTIFIABLE, "choose_discretionary_review"): S.LOCAL_REVIEW,
    (S.NOT_NOTIFIABLE, "close"): S.CLOSED_NOT_NOTIFIABLE,
    (S.RAPID_REVIEW, "record_prg_decision"): S.PRG_DECIDED,
    (S.RAPID_REVIEW, "close_criteria_not_met"): S.CLOSED_CRITERIA_NOT_MET,
    (S.PRG_DECIDED, "close_criteria_not_met"): S.CLOSED_CRITERIA_NOT_MET,
    (S.PRG_DECIDED, "ratify"): S.EXECUTIVE_RATIFIED,
    (S.EXECUTIVE_RATIFIED, "submit_to_panel"): S.SUBMITTED_TO_PANEL,
    (S.SUBMITTED_TO_PANEL, "await_panel"): S.AWAITING_PANEL,
    (S.AWAITING_PANEL, "panel_requests_information"): S.PANEL_INFORMATION_REQUESTED,
    (S.PANEL_INFORMATION_REQUESTED, "provide_information"): S.AWAITING_PANEL,
    (S.AWAITING_PANEL, "panel_no_review"): S.NO_FURTHER_REVIEW,
    (S.AWAITING_PANEL, "panel_local_review"): S.LOCAL_REVIEW,
    (S.AWAITING_PANEL, "panel_national_review"): S.NATIONAL_REVIEW,
    (S.LOCAL_REVIEW, "panel_national_review"): S.NATIONAL_REVIEW,
    (S.REVIEWER_COMMISSIONED, "panel_national_review"): S.NATIONAL_REVIEW,
    (S.REVIEW_IN_PROGRESS, "panel_national_review"): S.NATIONAL_REVIEW,
    (S.DRAFT_REPORT, "panel_national_review"): S.NATIONAL_REVIEW,
    (S.LOCAL_REVIEW, "commission_reviewer"): S.REVIEWER_COMMISSIONED,
    (S.REVIEWER_COMMISSIONED, "start_review"): S.REVIEW_IN_PROGRESS,
    (S.REVIEW_IN_PROGRESS, "receive_draft"): S.DRAFT_REPORT,
    (S.DRAFT_REPORT, "sign_off"): S.SIGNED_OFF,
    (S.SIGNED_OFF, "prepare_publication"): S.PRE_PUBLICATION,
    (S.PRE_PUBLICATION, "publish"): S.PUBLISHED,
    (S.SIGNED_OFF, "decide_not_to_publish"): S.NOT_PUBLISHED,
    (S.PRE_PUBLICATION, "decide_not_to_publish"): S.NOT_PUBLISHED,
    (S.PUBLISHED, "end_publication_period"): S.LEARNING_AND_ACTIONS,
    (S.NO_FURTHER_REVIEW, "start_learning_and_actions"): S.LEARNING_AND_ACTIONS,
    (S.NOT_PUBLISHED, "start_learning_and_actions"): S.LEARNING_AND_ACTIONS,
    (S.NATIONAL_REVIEW, "start_learning_and_actions"): S.LEARNING_AND_ACTIONS,
    (S.LEARNING_AND_ACTIONS, "close"): S.CLOSED,
    (S.CLOSED, "reopen"): S.LEARNING_AND_ACTIONS,
    (S.CLOSED_NOT_NOTIFIABLE, "reopen"): S.NOT_NOTIFIABLE,
    (S.CLOSED_CRITERIA_NOT_MET, "reopen"): S.RAPID_REVIEW,
    (S.WITHDRAWN, "reopen"): S.REFERRAL_RECEIVED,
    **{(stage, "withdraw"): S.WITHDRAWN for stage in WITHDRAWABLE},
}

ROLE_TABLE: dict[str, frozenset[Role]] = {
    **dict.fromkeys(TRANSITIONS, frozenset({BU})),
    "choose_discretionary_review": frozenset({PRG_CHAIR, EXEC}),
    "record_prg_decision": frozenset({PRG_CHAIR}),
    "close_criteria_not_met": frozenset({PRG_CHAIR, EXEC}),
    "ratify": frozenset({EXEC}),
    "receive_draft": frozenset({BU, REVIEWER}),
    "sign_off": frozenset({EXEC}),
    "decide_not_to_publish": frozenset({EXEC}),
}

REASON_REQUIRED = {
    "close",
    "record_not_notifiable",
    "reassess",
    "choose_discretionary_review",
    "record_prg_decision",
    "close_criteria_not_met",
    "panel_no_review",
    "panel_local_review",
    "panel_national_review",
    "decide_not_to_publish",
    "withdraw",
    "reopen",
}

TOO_EARLY = {
    ("ratify", S.RAPID_REVIEW): lifecycle.PRG_DECISION_MISSING,
    ("submit_to_panel", S.RAPID_REVIEW): lifecycle.NOT_RATIFIED_FOR_PANEL,
    ("submit_to_panel", S.PRG_DECIDED): lifecycle.NOT_RATIFIED_FOR_PANEL,
    ("publish", S.DRAFT_REPORT): lifecycle.NOT_READY_TO_PUBLISH,
    ("publish", S.SIGNED_OFF): lifecycle.NOT_READY_TO_PUBLISH,
}


def ready_for(transition: str) -> CaseFacts:
    """Facts under which ``transition``'s guards all hold."""
    if transition == "record_not_notifiable":
        return replace(READY, la_notified_panel=False)
    return READY


def source_of(transition: str) -> Stage:
    return next(stage for stage, name in EDGES if name == transition)


def refusal(stage: Stage | str, transition: str, **kwargs: Any) -> str:
    """The message of the refusal that taking ``transition`` from ``stage`` must raise."""
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(stage, transition, **kwargs)
    return str(raised.value)


# -- the table -------------------------------------------------------------------------------------------------------


def test_the_machine_has_exactly_the_designed_stages() -> None:
    assert {state.value for state in CaseLifecycle.states} == {stage.value for stage in Stage}
    assert CaseLifecycle.initial_state is not None
    assert CaseLifecycle.initial_state.value == "referral_received"


def test_the_machine_has_exactly_the_designed_transitions() -> None:
    table = {
        (stage, option.name): option.target
        for stage in Stage
        for option in transition_options(stage, roles=ALL_ROLES, facts=READY)
    }
    assert table == EDGES


def test_every_transition_has_its_designed_roles() -> None:
    assert {name: rule.roles for name, rule in TRANSITIONS.items()} == ROLE_TABLE


def test_exactly_the_decisions_that_need_reasons_require_one() -> None:
    assert {name for name, rule in TRANSITIONS.items() if rule.reason_required} == REASON_REQUIRED


@pytest.mark.parametrize(("stage", "transition"), sorted(EDGES))
def test_each_designed_transition_moves_the_case_to_its_next_stage(stage: Stage, transition: str) -> None:
    new_stage = apply_transition(
        stage, transition, roles=ALL_ROLES, facts=ready_for(transition), reason="Because: a reason long enough to read."
    )
    assert new_stage is EDGES[stage, transition]


NOT_ALLOWED = sorted((stage, name) for stage in Stage for name in TRANSITIONS if (stage, name) not in EDGES)


@pytest.mark.parametrize(("stage", "transition"), NOT_ALLOWED)
def test_a_transition_that_does_not_leave_a_stage_is_refused_with_a_clear_message(
    stage: Stage, transition: str
) -> None:
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(
            stage,
            transition,
            roles=ALL_ROLES,
            facts=ready_for(transition),
            reason="Because: a reason long enough to read.",
        )
    expected = TOO_EARLY.get((transition, stage), f"'{transition}' is not possible from stage '{stage}'.")
    assert str(raised.value) == expected
    assert raised.value.stage == stage.value
    assert raised.value.transition == transition


def test_publish_is_not_possible_from_the_rapid_review_stage() -> None:
    assert (
        refusal(S.RAPID_REVIEW, "publish", roles=[BU], facts=READY)
        == "'publish' is not possible from stage 'rapid_review'."
    )


def test_the_machine_itself_refuses_a_transition_whose_guard_fails() -> None:
    machine = CaseLifecycle(start_value="prg_decided")
    with pytest.raises(TransitionNotAllowed):
        machine.send("ratify", facts=CaseFacts())
    machine.send("ratify", facts=READY)
    assert machine.current_state_value == "executive_ratified"


# -- guards ----------------------------------------------------------------------------------------------------------


def test_rapid_review_cannot_be_ratified_without_a_prg_decision() -> None:
    facts = replace(READY, prg_decision_recorded=False)
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(S.PRG_DECIDED, "ratify", roles=[EXEC], facts=facts)
    assert str(raised.value) == "A rapid review cannot be ratified before the PRG has recorded its decision."
    with pytest.raises(TransitionRefused, match="before the PRG has recorded its decision"):
        apply_transition(S.RAPID_REVIEW, "ratify", roles=[EXEC], facts=READY)


def test_a_disagreeing_executive_must_record_its_rationale_before_ratifying() -> None:
    disagreeing = replace(READY, executive_disagrees_with_prg=True)
    with pytest.raises(TransitionRefused, match=r"rationale must be recorded first \(§4.5\)"):
        apply_transition(S.PRG_DECIDED, "ratify", roles=[EXEC], facts=disagreeing)
    with_rationale = replace(disagreeing, disagreement_rationale_recorded=True)
    assert apply_transition(S.PRG_DECIDED, "ratify", roles=[EXEC], facts=with_rationale) is S.EXECUTIVE_RATIFIED


def test_publishing_needs_sign_off_scrutiny_and_copies_and_says_what_is_missing() -> None:
    nothing = replace(
        READY, report_signed_off=False, independent_chair_scrutinised=False, pre_publication_copies_sent=False
    )
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(S.PRE_PUBLICATION, "publish", roles=[BU], facts=nothing)
    assert str(raised.value) == " ".join(
        [lifecycle.NOT_SIGNED_OFF, lifecycle.NOT_SCRUTINISED, lifecycle.COPIES_NOT_SENT]
    )


GUARD_CASES = [
    (S.REFERRAL_RECEIVED, "assess", {"la_decision_recorded": False}, lifecycle.LA_DECISION_MISSING),
    (S.NOTIFICATION_ASSESSED, "start_rapid_review", {"la_notified_panel": False}, lifecycle.LA_HAS_NOT_NOTIFIED),
    (S.NOTIFICATION_ASSESSED, "record_not_notifiable", {"la_notified_panel": True}, lifecycle.LA_HAS_NOTIFIED),
    (
        S.NOTIFICATION_ASSESSED,
        "record_not_notifiable",
        {"la_notified_panel": False, "la_decision_recorded": False},
        lifecycle.LA_DECISION_MISSING,
    ),
    (
        S.NOT_NOTIFIABLE,
        "choose_discretionary_review",
        {"discretionary_grounds": frozenset()},
        lifecycle.GROUNDS_MISSING,
    ),
    (
        S.NOT_NOTIFIABLE,
        "choose_discretionary_review",
        {"discretionary_grounds": frozenset({"near_miss", "hunch"})},
        lifecycle.GROUNDS_UNKNOWN,
    ),
    (S.RAPID_REVIEW, "record_prg_decision", {"prg_meeting_held": False}, lifecycle.PRG_MEETING_NOT_HELD),
    (S.RAPID_REVIEW, "record_prg_decision", {"rapid_review_complete": False}, lifecycle.RAPID_REVIEW_INCOMPLETE),
    (S.PRG_DECIDED, "ratify", {"partners_signed_off": False}, lifecycle.PARTNERS_NOT_SIGNED_OFF),
    (S.LOCAL_REVIEW, "commission_reviewer", {"reviewer_checks_complete": False}, lifecycle.REVIEWER_NOT_CHECKED),
    (S.REVIEWER_COMMISSIONED, "start_review", {"terms_of_reference_agreed": False}, lifecycle.TERMS_NOT_AGREED),
    (S.DRAFT_REPORT, "sign_off", {"recommendations_recorded": False}, lifecycle.RECOMMENDATIONS_MISSING),
    (S.SIGNED_OFF, "prepare_publication", {"planned_publication_date_set": False}, lifecycle.PUBLICATION_DATE_MISSING),
    (S.PRE_PUBLICATION, "publish", {"independent_chair_scrutinised": False}, lifecycle.NOT_SCRUTINISED),
    (S.PUBLISHED, "end_publication_period", {"publication_period_ended": False}, lifecycle.PUBLICATION_PERIOD_RUNNING),
    (S.LEARNING_AND_ACTIONS, "close", {"all_actions_complete": False}, lifecycle.ACTIONS_OUTSTANDING),
    (S.PRG_DECIDED, "close_criteria_not_met", {"all_actions_complete": False}, lifecycle.ACTIONS_OUTSTANDING),
    (S.NOT_NOTIFIABLE, "close", {"all_actions_complete": False}, lifecycle.ACTIONS_OUTSTANDING),
    (S.NOT_NOTIFIABLE, "close", {"statutory_duties_done": False}, lifecycle.DUTIES_OUTSTANDING),
    (S.LEARNING_AND_ACTIONS, "close", {"statutory_duties_done": False}, lifecycle.DUTIES_OUTSTANDING),
    (
        S.NATIONAL_REVIEW,
        "start_learning_and_actions",
        {"no_unfinished_national_review": False},
        lifecycle.NATIONAL_REVIEW_UNFINISHED,
    ),
]


@pytest.mark.parametrize(("stage", "transition", "changes", "message"), GUARD_CASES)
def test_a_guard_that_does_not_hold_refuses_the_transition(
    stage: Stage, transition: str, changes: dict[str, object], message: str
) -> None:
    facts = replace(ready_for(transition), **changes)  # type: ignore[arg-type]
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(
            stage, transition, roles=ALL_ROLES, facts=facts, reason="Because: a reason long enough to read."
        )
    assert str(raised.value) == message


def test_every_guard_message_is_exercised() -> None:
    exercised = {case[3] for case in GUARD_CASES} | {
        lifecycle.PRG_DECISION_MISSING,
        lifecycle.RATIONALE_MISSING,
        lifecycle.NOT_SIGNED_OFF,
        lifecycle.COPIES_NOT_SENT,
    }
    declared = {guard.message for rule in TRANSITIONS.values() for guard in rule.guards}
    assert declared == exercised


def test_with_no_facts_every_guarded_transition_is_blocked() -> None:
    for (stage, transition), _target in EDGES.items():
        if TRANSITIONS[transition].guards:
            option = next(o for o in transition_options(stage, roles=ALL_ROLES) if o.name == transition)
            assert not option.enabled, transition


# -- reasons ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transition", sorted(REASON_REQUIRED))
@pytest.mark.parametrize("reason", ["", "   \n\t"])
def test_a_decision_that_needs_a_reason_is_refused_without_one(transition: str, reason: str) -> None:
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(source_of(transition), transition, roles=ALL_ROLES, facts=ready_for(transition), reason=reason)
    assert str(raised.value) == (
        f"Enter the reason to {TRANSITIONS[transition].action} (at least {lifecycle.REASON_MIN} characters)."
    )


def test_the_reason_message_reads_as_a_sentence() -> None:
    assert refusal(S.RAPID_REVIEW, "withdraw", roles=[BU]) == (
        "Enter the reason to withdraw the case (at least 20 characters)."
    )
    # Invisible characters are no reason: zero-width spaces and joiners count for nothing.
    assert refusal(S.RAPID_REVIEW, "withdraw", roles=[BU], reason="\u200b" * 30 + "Short.") == (
        "Enter the reason to withdraw the case (at least 20 characters)."
    )


# -- roles -----------------------------------------------------------------------------------------------------------

ROLE_REFUSALS = sorted(
    (transition, role) for transition, roles in ROLE_TABLE.items() for role in Role if role not in roles
)


@pytest.mark.parametrize(("transition", "role"), ROLE_REFUSALS)
def test_a_role_that_may_not_take_a_transition_is_refused(transition: str, role: Role) -> None:
    with pytest.raises(TransitionRefused) as raised:
        apply_transition(
            source_of(transition),
            transition,
            roles=[role],
            facts=ready_for(transition),
            reason="Why: a reason long enough to read.",
        )
    allowed = ", ".join(sorted(r.label for r in ROLE_TABLE[transition]))
    assert str(raised.value) == f"Only these roles can {TRANSITIONS[transition].action}: {allowed}."


def test_the_business_unit_cannot_ratify_a_rapid_review() -> None:
    assert (
        refusal(S.PRG_DECIDED, "ratify", roles=[BU], facts=READY)
        == "Only these roles can ratify the rapid review: Executive member."
    )


def test_only_the_prg_chair_records_the_prg_decision() -> None:
    assert apply_transition(
        S.RAPID_REVIEW,
        "record_prg_decision",
        roles=[PRG_CHAIR],
        facts=READY,
        reason="Met: a reason long enough to read.",
    ) is (S.PRG_DECIDED)
    with pytest.raises(TransitionRefused, match="PRG chair"):
        apply_transition(
            S.RAPID_REVIEW,
            "record_prg_decision",
            roles=[Role.PRG_MEMBER],
            facts=READY,
            reason="Met: a reason long enough to read.",
        )


def test_a_person_with_several_roles_can_use_any_of_them() -> None:
    assert apply_transition(S.PRG_DECIDED, "ratify", roles=[BU, EXEC], facts=READY) is S.EXECUTIVE_RATIFIED


@pytest.mark.parametrize(
    "role",
    [
        Role.NOTIFIER,
        Role.AGENCY_CONTRIBUTOR,
        Role.PRG_MEMBER,
        Role.INDEPENDENT_CHAIR,
        Role.PARTNERSHIP_ADMIN,
        Role.AUDITOR,
    ],
)
def test_roles_without_case_transitions_are_offered_none(role: Role) -> None:
    for stage in Stage:
        assert transition_options(stage, roles=[role], facts=READY) == []


def test_no_roles_means_no_options_and_no_transitions() -> None:
    assert transition_options(S.AWAITING_PANEL, roles=[], facts=READY) == []
    with pytest.raises(TransitionRefused, match="Only these roles"):
        apply_transition(S.AWAITING_PANEL, "panel_requests_information", roles=[], facts=READY)


# -- the facade ------------------------------------------------------------------------------------------------------


def test_options_show_blocked_transitions_with_their_blockers_and_allowed_ones_hide_them() -> None:
    facts = replace(READY, prg_decision_recorded=False)
    options = transition_options(S.PRG_DECIDED, roles=[EXEC], facts=facts)
    assert [(o.name, o.enabled) for o in options] == [("close_criteria_not_met", True), ("ratify", False)]
    assert options[1].blockers == (lifecycle.PRG_DECISION_MISSING,)
    assert options[1].target is S.EXECUTIVE_RATIFIED
    assert options[1].target_label == "Ratified"
    assert options[1].label == "Ratify the rapid review"
    assert options[0].reason_required
    assert [o.name for o in allowed_transitions(S.PRG_DECIDED, roles=[EXEC], facts=facts)] == ["close_criteria_not_met"]


def test_the_business_unit_sees_the_panels_possible_responses() -> None:
    names = [o.name for o in allowed_transitions(S.AWAITING_PANEL, roles=[BU], facts=READY)]
    assert names == [
        "panel_requests_information",
        "panel_no_review",
        "panel_local_review",
        "panel_national_review",
        "withdraw",
    ]


def test_transitions_from_lists_every_way_out_whoever_takes_it() -> None:
    assert [rule.name for rule in transitions_from("pre_publication")] == [
        "publish",
        "decide_not_to_publish",
        "withdraw",
    ]


def test_stages_and_roles_may_be_given_as_plain_strings() -> None:
    assert (
        apply_transition("referral_received", "assess", roles=["business_unit"], facts=READY) is S.NOTIFICATION_ASSESSED
    )


def test_an_unknown_transition_is_refused() -> None:
    assert refusal(S.RAPID_REVIEW, "approve", roles=ALL_ROLES) == "There is no transition called 'approve'."


def test_an_unknown_stage_is_refused() -> None:
    assert refusal("limbo", "assess", roles=ALL_ROLES) == "There is no stage called 'limbo'."
    with pytest.raises(TransitionRefused):
        transition_options("limbo", roles=ALL_ROLES)


def test_a_notifiable_case_walks_appendix_1_and_appendix_2_to_closure() -> None:
    path = [
        ("assess", BU),
        ("start_rapid_review", BU),
        ("record_prg_decision", PRG_CHAIR),
        ("ratify", EXEC),
        ("submit_to_panel", BU),
        ("await_panel", BU),
        ("panel_requests_information", BU),
        ("provide_information", BU),
        ("panel_local_review", BU),
        ("commission_reviewer", BU),
        ("start_review", BU),
        ("receive_draft", REVIEWER),
        ("sign_off", EXEC),
        ("prepare_publication", BU),
        ("publish", BU),
        ("end_publication_period", BU),
        ("close", BU),
    ]
    reasons = {  # for the transitions that need one
        "record_prg_decision": "Criteria 5.4 met: joint working concerns.",
        "panel_local_review": "The Panel agreed a local review.",
        "close": "Every action is done; the learning is shared.",
    }
    stage = S.REFERRAL_RECEIVED
    visited = [stage]
    for transition, role in path:
        stage = apply_transition(stage, transition, roles=[role], facts=READY, reason=reasons.get(transition, ""))
        visited.append(stage)
    assert stage is S.CLOSED
    main_line = [s for section in STAGE_PATH if section.key != "national_review" for s in section.stages]
    on_main_line = [s for s in dict.fromkeys(visited) if s in main_line]
    assert on_main_line == main_line


def test_a_case_not_notifiable_can_still_have_a_discretionary_review() -> None:
    facts = replace(READY, la_notified_panel=False)
    stage = apply_transition(
        S.NOTIFICATION_ASSESSED,
        "record_not_notifiable",
        roles=[BU],
        facts=facts,
        reason="No harm: a reason long enough to read.",
    )
    assert stage is S.NOT_NOTIFIABLE
    stage = apply_transition(
        stage,
        "choose_discretionary_review",
        roles=[PRG_CHAIR],
        facts=facts,
        reason="Near miss: a reason long enough to read.",
    )
    assert stage is S.LOCAL_REVIEW


def test_reopening_returns_to_a_sensible_stage() -> None:
    assert (
        apply_transition(S.CLOSED, "reopen", roles=[BU], reason="New action: a reason long enough to read.")
        is S.LEARNING_AND_ACTIONS
    )
    assert (
        apply_transition(
            S.CLOSED_CRITERIA_NOT_MET, "reopen", roles=[BU], reason="New facts: a reason long enough to read."
        )
        is S.RAPID_REVIEW
    )
    assert (
        apply_transition(S.WITHDRAWN, "reopen", roles=[BU], reason="Withdrawn in error: a reason long enough to read.")
        is S.REFERRAL_RECEIVED
    )


def test_a_published_report_cannot_be_withdrawn() -> None:
    assert (
        refusal(S.PUBLISHED, "withdraw", roles=[BU], reason="Oops: a reason long enough to read.")
        == "'withdraw' is not possible from stage 'published'."
    )


# -- words and the path ----------------------------------------------------------------------------------------------


def test_every_stage_has_a_label_description_and_next_steps() -> None:
    assert set(STAGES) == set(Stage)
    for stage in Stage:
        info = STAGES[stage]
        assert info.label
        assert info.description.endswith(".")
        assert next_steps(stage) == info.next_steps
        assert all(step.endswith(".") for step in info.next_steps)
        assert stage.label == info.label


def test_stage_labels_are_distinct() -> None:
    assert len({info.label for info in STAGES.values()}) == len(Stage)


def test_every_transition_label_and_section_reads_well() -> None:
    for rule in TRANSITIONS.values():
        assert rule.label[0].isupper()
        assert rule.action[0].islower()
        assert rule.section == "" or rule.section.startswith("§")
        for source, section in rule.sections_from:
            assert source in dict(rule.moves)
            assert section.startswith("§")


def test_closing_names_the_section_of_the_way_the_case_went() -> None:
    def close_section(stage: Stage) -> str:
        return next(option.section for option in transition_options(stage, roles=[BU]) if option.name == "close")

    assert close_section(S.LEARNING_AND_ACTIONS) == "§7.10"
    assert close_section(S.NOT_NOTIFIABLE) == "§3.5, §5.6"


def test_the_path_follows_appendix_1_then_appendix_2_or_the_national_review() -> None:
    assert [section.key for section in STAGE_PATH] == ["appendix_1", "appendix_2", "national_review", "learning"]
    assert STAGE_PATH[0].stages[0] is S.REFERRAL_RECEIVED
    assert STAGE_PATH[0].stages[-1] is S.AWAITING_PANEL
    assert STAGE_PATH[1].stages[0] is S.LOCAL_REVIEW
    assert STAGE_PATH[1].stages[-1] is S.PUBLISHED
    assert STAGE_PATH[2].stages == (S.NATIONAL_REVIEW,)
    assert STAGE_PATH[3].stages == (S.LEARNING_AND_ACTIONS, S.CLOSED)


def test_a_main_line_stage_sits_on_its_appendix() -> None:
    position = path_position(S.DRAFT_REPORT)
    assert position.section is STAGE_PATH[1]
    assert position.index == 3
    assert position.anchor is S.DRAFT_REPORT
    assert position.on_main_line


def test_a_branch_stage_is_drawn_beside_the_stage_it_leaves_from() -> None:
    position = path_position("no_further_review")
    assert position.section is STAGE_PATH[0]
    assert position.anchor is S.AWAITING_PANEL
    assert not position.on_main_line
    assert path_position(S.NOT_PUBLISHED).anchor is S.PRE_PUBLICATION


def test_the_national_review_is_a_flowchart_of_its_own() -> None:
    position = path_position(S.NATIONAL_REVIEW)
    assert position.section is STAGE_PATH[2]
    assert position.on_main_line


def test_a_withdrawn_case_has_no_place_on_the_path() -> None:
    position = path_position(S.WITHDRAWN)
    assert position.section is None
    assert position.anchor is None


def test_every_stage_except_withdrawn_has_a_place_on_the_path() -> None:
    for stage in set(Stage) - {S.WITHDRAWN}:
        assert path_position(stage).section is not None, stage


# -- a case's own path -----------------------------------------------------------------------------------------------


def test_the_way_on_from_each_stage_is_a_move_the_table_allows_and_closed_stages_go_nowhere() -> None:
    for stage in Stage:
        following = onward(stage)
        if stage in lifecycle.CLOSED_STAGES:
            assert following is None, stage
        else:
            assert following is not None, stage
            targets = {dict(rule.moves)[stage] for rule in TRANSITIONS.values() if leaves(stage, rule.name)}
            assert following in targets, stage


def drawn(stage: Stage, went: list[Stage]) -> list[tuple[str, list[tuple[Stage, str]]]]:
    return [
        (part.section.key, [(step.stage, step.state.value) for step in part.steps]) for part in path_taken(stage, went)
    ]


RAPID_REVIEW_TO_PANEL = [
    S.NOTIFICATION_ASSESSED,
    S.RAPID_REVIEW,
    S.PRG_DECIDED,
    S.EXECUTIVE_RATIFIED,
    S.SUBMITTED_TO_PANEL,
    S.AWAITING_PANEL,
]


def done(*stages: Stage) -> list[tuple[Stage, str]]:
    return [(stage, "done") for stage in stages]


def test_a_case_closed_after_no_further_review_shows_only_the_stages_it_passed() -> None:
    went = [*RAPID_REVIEW_TO_PANEL, S.NO_FURTHER_REVIEW, S.LEARNING_AND_ACTIONS, S.CLOSED]
    assert drawn(S.CLOSED, went) == [
        ("appendix_1", done(*RAPID_REVIEW_TO_PANEL, S.NO_FURTHER_REVIEW)),
        ("learning", [(S.LEARNING_AND_ACTIONS, "done"), (S.CLOSED, "current")]),
    ]


def test_a_national_review_is_drawn_where_the_case_went_that_way() -> None:
    went = [*RAPID_REVIEW_TO_PANEL, S.NATIONAL_REVIEW]
    assert drawn(S.NATIONAL_REVIEW, went) == [
        ("appendix_1", done(*RAPID_REVIEW_TO_PANEL)),
        ("national_review", [(S.NATIONAL_REVIEW, "current")]),
        ("learning", [(S.LEARNING_AND_ACTIONS, "to_come"), (S.CLOSED, "to_come")]),
    ]
    # Part way through a local review: the local review's stages passed are done, the rest are not on the path.
    went = [*RAPID_REVIEW_TO_PANEL, S.LOCAL_REVIEW, S.REVIEWER_COMMISSIONED, S.NATIONAL_REVIEW]
    assert drawn(S.NATIONAL_REVIEW, went)[1:3] == [
        ("appendix_2", done(S.LOCAL_REVIEW, S.REVIEWER_COMMISSIONED)),
        ("national_review", [(S.NATIONAL_REVIEW, "current")]),
    ]


def test_a_case_closed_as_not_notifiable_has_its_closing_stage_current() -> None:
    went = [S.NOTIFICATION_ASSESSED, S.NOT_NOTIFIABLE, S.CLOSED_NOT_NOTIFIABLE]
    assert drawn(S.CLOSED_NOT_NOTIFIABLE, went) == [
        ("appendix_1", [*done(S.NOTIFICATION_ASSESSED, S.NOT_NOTIFIABLE), (S.CLOSED_NOT_NOTIFIABLE, "current")]),
    ]
    assert drawn(S.NOT_NOTIFIABLE, went[:2]) == [
        (
            "appendix_1",
            [(S.NOTIFICATION_ASSESSED, "done"), (S.NOT_NOTIFIABLE, "current"), (S.CLOSED_NOT_NOTIFIABLE, "to_come")],
        ),
    ]


def test_an_open_case_shows_the_main_line_still_to_come() -> None:
    parts = path_taken(S.RAPID_REVIEW, [S.NOTIFICATION_ASSESSED, S.RAPID_REVIEW])
    assert [part.section.key for part in parts] == ["appendix_1", "appendix_2", "learning"]
    assert [step.state for step in parts[0].steps[:2]] == [PathState.DONE, PathState.CURRENT]
    assert {step.state for part in parts[1:] for step in part.steps} == {PathState.TO_COME}


def test_coming_back_to_a_stage_cuts_the_path_back_to_it() -> None:
    reopened = [S.NOTIFICATION_ASSESSED, S.NOT_NOTIFIABLE, S.CLOSED_NOT_NOTIFIABLE, S.NOT_NOTIFIABLE]
    assert drawn(S.NOT_NOTIFIABLE, reopened) == drawn(S.NOT_NOTIFIABLE, reopened[:2])
    asked = [*RAPID_REVIEW_TO_PANEL, S.PANEL_INFORMATION_REQUESTED, S.AWAITING_PANEL]
    assert drawn(S.AWAITING_PANEL, asked) == drawn(S.AWAITING_PANEL, RAPID_REVIEW_TO_PANEL)


def test_a_withdrawn_case_is_drawn_where_it_was_withdrawn() -> None:
    assert drawn(S.WITHDRAWN, [S.REFERRAL_RECEIVED, S.NOTIFICATION_ASSESSED, S.WITHDRAWN]) == [
        ("appendix_1", [*done(S.REFERRAL_RECEIVED, S.NOTIFICATION_ASSESSED), (S.WITHDRAWN, "current")]),
    ]


def test_a_case_that_has_not_moved_starts_its_path_where_it_is() -> None:
    parts = path_taken(S.REFERRAL_RECEIVED, [])
    assert parts[0].steps[0].stage is S.REFERRAL_RECEIVED
    assert parts[0].steps[0].state is PathState.CURRENT
    assert parts[0].steps[0].label == "Referral received"
