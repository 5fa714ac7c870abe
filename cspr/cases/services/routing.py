"""Moving a case through the lifecycle table: the business unit's routing, and the later stages other apps take.

Every stage change goes through :func:`_move`: the table's verdict, the immutable transition row naming the role
that allowed it, the clocks, and the audit event with that role's membership.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace as dataclass_replace
from datetime import date, datetime
from typing import Any, cast

from django.db import transaction

from cspr.cases import selectors
from cspr.cases.facts import provided_facts
from cspr.cases.models import DUTY_CLOCKS, Case, CaseTransition
from cspr.cases.services.access import case_access_end_with_stage
from cspr.cases.services.clocks import clocks_refresh
from cspr.cases.services.common import TEXTS, case_locked
from cspr.cases.services.transitions import makes_transitions
from cspr.domain.lifecycle import CaseFacts, TransitionRefused, apply_transition, authorising_role
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED, audit_case, inserted, local_today, now, require

UNKNOWN_ROUTE = "'{transition}' is not something this page can do."

ROUTES = frozenset(
    {
        "assess",
        "start_rapid_review",
        "record_not_notifiable",
        "reassess",
        "choose_discretionary_review",
        "withdraw",
        "start_learning_and_actions",
        "close",
        "reopen",
    }
)
"""Transitions that rest on nothing but the table's rule and a reason, taken on the case's own pages; the others
rest on a record an app keeps (the rapid review, the Panel's response) and are taken by that app's service through
:func:`case_advance`."""


def case_facts(*, case: Case, grounds: Iterable[str] = ()) -> CaseFacts:
    """The case's answers to the lifecycle's guards: its own records', and other apps' (:mod:`cspr.cases.facts`)."""
    decision = selectors.case_la_decision_state(case=case)
    duty_clocks = {clock_id for clock_id in DUTY_CLOCKS.values() if clock_id}
    return CaseFacts(
        la_decision_recorded=decision.recorded,
        la_notified_panel=decision.notify_panel,
        discretionary_grounds=frozenset(grounds),
        statutory_duties_done=not any(
            clock.clock_id in duty_clocks and clock.applicable and clock.met_on is None
            for clock in selectors.case_clock_rows(case=case)
        ),
        **cast(dict[str, Any], provided_facts(case)),
    )


@makes_transitions(*sorted(ROUTES))
def case_route(
    *,
    acting: Acting,
    case: Case,
    transition: str,
    reason: str = "",
    grounds: Iterable[str] = (),
    at: datetime | None = None,
) -> Case:
    """Move the case on through the lifecycle table: start the rapid review, record it is not notifiable,
    reassess, choose a discretionary review (§5.6 grounds), withdraw, move to learning and actions, close (with a
    reason, once every learning action is done or closed) or reopen (the business unit, with a reason: its clocks
    apply again). Writes an immutable transition row; the clocks follow the new stage."""
    if transition not in ROUTES:
        raise CaseActionRefused(UNKNOWN_ROUTE.format(transition=transition))
    require("cases.view_case", acting.scope, case)
    at = now(at)
    grounds = tuple(sorted(set(grounds)))
    reason = TEXTS.clean("route_reason", reason, field="reason")
    with transaction.atomic():
        return _move(
            acting=acting,
            case=case,
            transition=transition,
            reason=reason,
            facts=case_facts(case=case, grounds=grounds),
            grounds=grounds,
            at=at,
            decision_on=local_today(at) if transition == "choose_discretionary_review" else None,
        )


def case_advance(
    *,
    acting: Acting,
    case: Case,
    transition: str,
    facts: Mapping[str, bool],
    reason: str = "",
    at: datetime | None = None,
    decision_on: date | None = None,
    executive_disagrees_with_prg: bool | None = None,
) -> Case:
    """Take a later-stage transition for the app that keeps its record (the rapid review, the Panel's response).

    Call it inside the caller's transaction, after writing the record the transition rests on. ``facts`` are the
    caller's answers to the lifecycle guards (``CaseFacts`` field names); the table still decides the role, the
    reason and the guards. ``decision_on`` fixes the ``decision`` event (DESIGN §3) and
    ``executive_disagrees_with_prg`` decides whether the discrepancy clock applies.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_advance must run inside the caller's transaction.atomic block.")
    if transition in ROUTES:
        raise CaseActionRefused(UNKNOWN_ROUTE.format(transition=transition))
    require("cases.view_case", acting.scope, case)
    unknown = set(facts) - set(CaseFacts.__dataclass_fields__)
    if unknown:
        raise ValueError(f"Unknown case facts: {sorted(unknown)}")
    base = case_facts(case=case)
    return _move(
        acting=acting,
        case=case,
        transition=transition,
        reason=reason,
        facts=dataclass_replace(base, **cast(dict[str, Any], dict(facts))),
        grounds=(),
        at=now(at),
        decision_on=decision_on,
        executive_disagrees_with_prg=executive_disagrees_with_prg,
    )


def _move(
    *,
    acting: Acting,
    case: Case,
    transition: str,
    reason: str,
    facts: CaseFacts,
    grounds: tuple[str, ...],
    at: datetime,
    decision_on: date | None = None,
    executive_disagrees_with_prg: bool | None = None,
) -> Case:
    """The one place a case changes stage: the table's verdict, the immutable row, the clocks and the audit."""
    reason = TEXTS.clean("transition_reason", reason, field="reason")
    roles = acting.roles_in(case.partnership_id)
    case = case_locked(case)
    try:
        target = apply_transition(case.stage, transition, roles=roles, facts=facts, reason=reason)
    except TransitionRefused as error:
        raise CaseActionRefused(error.message) from None
    # The role that allowed it (the table's answer), not merely one the person holds; its membership is audited.
    acting_role = authorising_role(transition, roles)
    if acting_role is None:  # pragma: no cover - apply_transition has just checked a held role allows it
        raise CaseActionRefused(NOT_ALLOWED)
    grant = acting.grant_for(case.partnership_id, [acting_role])
    inserted(
        CaseTransition(
            case=case,
            actor=acting.user,
            actor_role=acting_role.value,
            at=at,
            from_stage=case.stage,
            to_stage=target.value,
            transition=transition,
            grounds=list(grounds),
        ),
        reason=reason,
    )
    previous = case.stage
    case.stage = target.value
    fields = ["stage"]
    if decision_on is not None:
        case.decision_on = decision_on
        fields.append("decision_on")
    if executive_disagrees_with_prg is not None:
        case.executive_disagrees_with_prg = executive_disagrees_with_prg
        fields.append("executive_disagrees_with_prg")
    case.save(update_fields=fields)
    clocks_refresh(case=case)
    # A reviewer reaches the case only while the local review runs: sign-off, and any branch off it, ends that.
    case_access_end_with_stage(acting=acting, case=case, at=at)
    audit_case(
        acting,
        "case.transition",
        case,
        grant=grant,
        transition=transition,
        from_stage=previous,
        to_stage=target.value,
        grounds=list(grounds),
    )
    return case
