"""The case lifecycle (DESIGN §4): one python-statemachine table, and a small facade over it.

The rule table, :data:`TRANSITIONS`, is the single source of truth for which stage can follow which: each
transition's stages, roles, required reason and guards are written once, in its rule. The rules and every stage's
words are written in ``data/lifecycle.toml`` beside this module, one table a transition, and read and checked when it
is imported (:func:`table_read`; a mistake there stops the import naming the transition and the key); the guards they
name are code, here (:data:`GUARDS`). :class:`CaseLifecycle`, the python-statemachine machine, is built from that
table with the guards as its transitions' conditions, so the machine refuses what the facade refuses.

Services and templates use only the facade, and never need python-statemachine:

* :func:`transition_options` / :func:`allowed_transitions` — what a person holding these roles could do now, and
  what blocks each option;
* :func:`apply_transition` — the next stage, or :class:`TransitionRefused` with a message a person can act on;
* :data:`STAGES`, :func:`next_steps`, :data:`STAGE_PATH`, :func:`path_position` and :func:`path_taken` — words,
  the flowcharts and a case's own path through them, for the case page.

Facts are passed in as :class:`CaseFacts`, plain booleans the caller works out from its records.
"""

from __future__ import annotations

import functools
import operator
import re
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from cspr.domain import datafile
from cspr.domain.clocks import LATE_REASON_MIN
from cspr.domain.criteria import DISCRETIONARY_GROUNDS
from cspr.domain.datafile import DataFileError
from cspr.domain.roles import Role
from cspr.domain.text import text_length

__all__ = [
    "CLOSED_STAGES",
    "GUARDS",
    "LIFECYCLE_FILE",
    "REASON_MIN",
    "STAGES",
    "STAGE_PATH",
    "TRANSITIONS",
    "CaseFacts",
    "CaseLifecycle",
    "Guard",
    "LifecycleTable",
    "PathPart",
    "PathPosition",
    "PathSection",
    "PathState",
    "PathStep",
    "Stage",
    "StageInfo",
    "TransitionOption",
    "TransitionRefused",
    "TransitionRule",
    "Verdict",
    "allowed_transitions",
    "apply_transition",
    "authorising_role",
    "leaves",
    "may",
    "next_steps",
    "onward",
    "path_position",
    "path_taken",
    "reached_by",
    "table_read",
    "transition_options",
    "transition_roles",
    "transitions_from",
]


class Stage(StrEnum):
    """Where a case is. The values are the lifecycle machine's state identifiers."""

    REFERRAL_RECEIVED = "referral_received"
    NOTIFICATION_ASSESSED = "notification_assessed"
    NOT_NOTIFIABLE = "not_notifiable"
    RAPID_REVIEW = "rapid_review"
    PRG_DECIDED = "prg_decided"
    EXECUTIVE_RATIFIED = "executive_ratified"
    SUBMITTED_TO_PANEL = "submitted_to_panel"
    AWAITING_PANEL = "awaiting_panel"
    PANEL_INFORMATION_REQUESTED = "panel_information_requested"
    NO_FURTHER_REVIEW = "no_further_review"
    LOCAL_REVIEW = "local_review"
    REVIEWER_COMMISSIONED = "reviewer_commissioned"
    REVIEW_IN_PROGRESS = "review_in_progress"
    DRAFT_REPORT = "draft_report"
    SIGNED_OFF = "signed_off"
    PRE_PUBLICATION = "pre_publication"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"
    NATIONAL_REVIEW = "national_review"
    LEARNING_AND_ACTIONS = "learning_and_actions"
    CLOSED = "closed"
    CLOSED_NOT_NOTIFIABLE = "closed_not_notifiable"
    CLOSED_CRITERIA_NOT_MET = "closed_criteria_not_met"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The stage's name for people."""
        return STAGES[self].label


@dataclass(frozen=True)
class CaseFacts:
    """What the caller knows about a case, as plain yes/no answers, for the transition guards.

    Every answer defaults to "no", so a guard never passes on a fact nobody supplied.
    """

    la_decision_recorded: bool = False
    """The local authority's decision on notifying the Panel is recorded, with who decided and why (§3.5)."""
    la_notified_panel: bool = False
    """The local authority decided to notify the Panel (§3.5-3.6)."""
    discretionary_grounds: frozenset[str] = field(default_factory=frozenset)
    """Codes of the §5.6 grounds chosen for a discretionary review."""
    prg_meeting_held: bool = False
    rapid_review_complete: bool = False
    """Every item the rapid review must record is recorded (§4.3, and §4.2 where the preset requires more)."""
    prg_decision_recorded: bool = False
    partners_signed_off: bool = False
    """Each lead safeguarding partner has given its ratification."""
    executive_disagrees_with_prg: bool = False
    disagreement_rationale_recorded: bool = False
    reviewer_checks_complete: bool = False
    """The reviewer's competencies and any conflict of interest have been checked (§6.2)."""
    terms_of_reference_agreed: bool = False
    recommendations_recorded: bool = False
    planned_publication_date_set: bool = False
    report_signed_off: bool = False
    independent_chair_scrutinised: bool = False
    pre_publication_copies_sent: bool = False
    publication_period_ended: bool = False
    all_actions_complete: bool = False
    no_unfinished_national_review: bool = False
    """No Panel-led national review of the case is still running: the Panel has finished any it held (§8.7)."""
    statutory_duties_done: bool = False
    """No notification duty's clock is still running (the Panel, the partners, the Secretary of State and Ofsted)."""


@dataclass(frozen=True)
class Guard:
    """A condition a transition needs, with the message shown when it does not hold."""

    message: str
    check: Callable[[CaseFacts], bool]


# -- messages (module constants, so tests and callers can match the exact words) --------------------------------

NOT_FROM_STAGE = "'{transition}' is not possible from stage '{stage}'."
UNKNOWN_TRANSITION = "There is no transition called '{transition}'."
UNKNOWN_STAGE = "There is no stage called '{stage}'."
ROLE_REQUIRED = "Only these roles can {action}: {roles}."
REASON_REQUIRED = "Enter the reason to {action} (at least {minimum} characters)."

LA_DECISION_MISSING = (
    "Record the local authority's decision on notifying the Panel, with who decided and why, first (§3.5)."
)
LA_HAS_NOT_NOTIFIED = "A rapid review starts only once the local authority has notified the Panel (§3.5, §4.1)."
LA_HAS_NOTIFIED = (
    "The local authority has notified the Panel, so the incident is notifiable and a rapid review follows (§3.5)."
)
GROUNDS_MISSING = (
    "Choose at least one ground for a discretionary review: good practice, poor practice, near miss or other (§5.6)."
)
GROUNDS_UNKNOWN = "Only the §5.6 grounds can justify a discretionary review."
PRG_MEETING_NOT_HELD = "The PRG must meet before it can record its decision (§3.4)."
RAPID_REVIEW_INCOMPLETE = "Every item the rapid review must record has to be completed first (§4.3)."
PRG_DECISION_MISSING = "A rapid review cannot be ratified before the PRG has recorded its decision."
PARTNERS_NOT_SIGNED_OFF = "Each lead safeguarding partner must ratify the rapid review first (§4.6)."
RATIONALE_MISSING = "The Executive Group disagrees with the PRG, so its rationale must be recorded first (§4.5)."
REVIEWER_NOT_CHECKED = "Check the reviewer's competencies and any conflict of interest first (§6.2)."
TERMS_NOT_AGREED = "Agree the methodology and terms of reference with the reviewer first (§6.3)."
RECOMMENDATIONS_MISSING = "Recommendations must say what is needed, from whom and by when before sign-off (§7.2)."
PUBLICATION_DATE_MISSING = "Set a planned publication date first (§7.7)."
NOT_SIGNED_OFF = "The report must be signed off by the Executive Group before publication (§7.4)."
NOT_SCRUTINISED = "The Independent Chair must scrutinise the report before publication (§7.5)."
COPIES_NOT_SENT = (
    "Copies must go to the Panel, the Secretary of State and Ofsted at least 7 working days before publication (§7.7)."
)
PUBLICATION_PERIOD_RUNNING = "A published report stays public for at least a year (§7.3)."
ACTIONS_OUTSTANDING = (
    "Every learning action agreed must be done, or closed with a reason, before the case is closed (§7.10)."
)
NATIONAL_REVIEW_UNFINISHED = (
    "The Panel's national review is not finished: record its outcome before moving to learning and actions (§8.7)."
)
DUTIES_OUTSTANDING = "A notification duty is still due: record it as done before closing the case (§3.5-3.7)."
NOT_RATIFIED_FOR_PANEL = "A rapid review goes to the Panel only after the Executive Group has ratified it (§4.6)."
NOT_READY_TO_PUBLISH = "A report can be published only once it is signed off and prepared for publication (§7.4, §7.7)."

REASON_MIN = LATE_REASON_MIN
"""A transition that needs a reason (closing, reopening, withdrawing, not notifiable…) needs at least this many
characters of it, counted as :func:`cspr.domain.text.text_length` counts: a sentence, not a tick, and the same
minimum as every other reason in the service."""

_DISCRETIONARY_CODES = frozenset(ground.code for ground in DISCRETIONARY_GROUNDS)


@dataclass(frozen=True)
class TransitionRule:
    """Which stages a transition leads from and to, who may take it, whether it needs a reason, and its guards."""

    name: str
    label: str
    roles: frozenset[Role]
    section: str
    reason_required: bool = False
    guards: tuple[Guard, ...] = ()
    moves: tuple[tuple[Stage, Stage], ...] = ()
    """(source, target) for each stage the transition leaves, and the stage it leads to from there."""
    sections_from: tuple[tuple[Stage, str], ...] = ()
    """(source, section) where the procedure's section for the move differs from ``section`` on that stage's way."""

    def section_from(self, stage: Stage) -> str:
        """The procedure's section for taking the transition from ``stage``."""
        return dict(self.sections_from).get(stage, self.section)

    @property
    def action(self) -> str:
        """The label as it reads inside a sentence ("ratify the rapid review")."""
        return self.label[0].lower() + self.label[1:]

    @property
    def reason_min(self) -> int:
        """The fewest characters a reason needs (0: no reason needed). Blank space never counts."""
        return REASON_MIN if self.reason_required else 0

    def reason_accepted(self, reason: str) -> bool:
        """Whether ``reason`` is enough for this transition."""
        return text_length(reason) >= self.reason_min

    def blockers(self, facts: CaseFacts) -> tuple[str, ...]:
        """The messages of every guard that does not hold for ``facts``."""
        return tuple(guard.message for guard in self.guards if not guard.check(facts))


@dataclass(frozen=True)
class StageInfo:
    """A stage in words: its name, what it means and what happens next."""

    label: str
    description: str
    next_steps: tuple[str, ...]


# -- the table, read from its file -----------------------------------------------------------------------------------

LIFECYCLE_FILE = Path(__file__).resolve().parent / "data" / "lifecycle.toml"
"""The transitions and every stage's words: the table, kept apart from the code that reads it (the file says how)."""

GUARDS: Mapping[str, Guard] = MappingProxyType(
    {
        "la_decided": Guard(LA_DECISION_MISSING, lambda facts: facts.la_decision_recorded),
        "la_notified": Guard(LA_HAS_NOT_NOTIFIED, lambda facts: facts.la_notified_panel),
        "la_did_not_notify": Guard(LA_HAS_NOTIFIED, lambda facts: not facts.la_notified_panel),
        "grounds_chosen": Guard(GROUNDS_MISSING, lambda facts: bool(facts.discretionary_grounds)),
        "grounds_known": Guard(GROUNDS_UNKNOWN, lambda facts: facts.discretionary_grounds <= _DISCRETIONARY_CODES),
        "prg_met": Guard(PRG_MEETING_NOT_HELD, lambda facts: facts.prg_meeting_held),
        "rapid_review_complete": Guard(RAPID_REVIEW_INCOMPLETE, lambda facts: facts.rapid_review_complete),
        "prg_decided": Guard(PRG_DECISION_MISSING, lambda facts: facts.prg_decision_recorded),
        "partners_signed_off": Guard(PARTNERS_NOT_SIGNED_OFF, lambda facts: facts.partners_signed_off),
        "disagreement_explained": Guard(
            RATIONALE_MISSING,
            lambda facts: not facts.executive_disagrees_with_prg or facts.disagreement_rationale_recorded,
        ),
        "reviewer_checked": Guard(REVIEWER_NOT_CHECKED, lambda facts: facts.reviewer_checks_complete),
        "terms_agreed": Guard(TERMS_NOT_AGREED, lambda facts: facts.terms_of_reference_agreed),
        "recommendations_recorded": Guard(RECOMMENDATIONS_MISSING, lambda facts: facts.recommendations_recorded),
        "publication_date_set": Guard(PUBLICATION_DATE_MISSING, lambda facts: facts.planned_publication_date_set),
        "report_signed_off": Guard(NOT_SIGNED_OFF, lambda facts: facts.report_signed_off),
        "chair_scrutinised": Guard(NOT_SCRUTINISED, lambda facts: facts.independent_chair_scrutinised),
        "copies_sent": Guard(COPIES_NOT_SENT, lambda facts: facts.pre_publication_copies_sent),
        "publication_period_ended": Guard(PUBLICATION_PERIOD_RUNNING, lambda facts: facts.publication_period_ended),
        "actions_complete": Guard(ACTIONS_OUTSTANDING, lambda facts: facts.all_actions_complete),
        "national_review_finished": Guard(
            NATIONAL_REVIEW_UNFINISHED, lambda facts: facts.no_unfinished_national_review
        ),
        "duties_done": Guard(DUTIES_OUTSTANDING, lambda facts: facts.statutory_duties_done),
    }
)
"""Every guard the table's transitions may name, each named for what must hold."""

# Who may take a transition the table names no roles for.
_BUSINESS_UNIT = frozenset({Role.BUSINESS_UNIT})

_TRANSITION_KEYS = (
    "name",
    "label",
    "section",
    "roles",
    "reason",
    "guards",
    "moves",
    "from_every_stage_but",
    "to",
    "sections_from",
)
_STAGE_KEYS = ("label", "description", "next_steps")
_NAME = re.compile(r"[a-z]+(?:_[a-z]+)*")


@dataclass(frozen=True)
class LifecycleTable:
    """The table's transitions, in its order, and every stage in words."""

    rules: tuple[TransitionRule, ...]
    stages: Mapping[Stage, StageInfo]


def table_read(path: Path = LIFECYCLE_FILE) -> LifecycleTable:
    """Every transition of the file, in its order, and every stage's words, checked: each key known and of its kind,
    each transition's name unique, each role, guard and stage one the code knows, and every stage in words once.
    A mistake is a :class:`~cspr.domain.datafile.DataFileError` naming the file, the transition or stage and the
    key."""
    document = datafile.read(path)
    datafile.known(document, ("transitions", "stages"), f"{path}")
    rules: dict[str, TransitionRule] = {}
    for index, entry in enumerate(datafile.items(document, "transitions", f"{path}")):
        rule = _transition(entry, f"{path}: transitions[{index}]")
        if rule.name in rules:
            raise DataFileError(f"{path}: transitions[{index}] ({rule.name}).name: a transition above has this name")
        rules[rule.name] = rule
    words = {
        datafile.member(Stage, stage, f"{path}: stages.{stage}"): _stage_words(entry, f"{path}: stages.{stage}")
        for stage, entry in datafile.table(document.get("stages"), f"{path}: stages").items()
    }
    unsaid = [stage.value for stage in Stage if stage not in words]
    if unsaid:
        raise DataFileError(f"{path}: stages: no words for {', '.join(unsaid)}")
    return LifecycleTable(tuple(rules.values()), MappingProxyType({stage: words[stage] for stage in Stage}))


def _transition(entry: object, where: str) -> TransitionRule:
    """One ``[[transitions]]`` table as a :class:`TransitionRule`."""
    entry = datafile.table(entry, where)
    where = f"{where} ({entry.get('name', 'no name')})"
    datafile.known(entry, _TRANSITION_KEYS, where)
    name = datafile.text(entry, "name", where)
    if not _NAME.fullmatch(name):
        raise DataFileError(f"{where}.name: small letters and single underscores")
    moves = _moves(entry, where)
    sections_from = tuple(
        (_stage_read(stage, f"{where}.sections_from"), datafile.words(section, f"{where}.sections_from.{stage}"))
        for stage, section in datafile.table(entry.get("sections_from", {}), f"{where}.sections_from").items()
    )
    if any(stage not in dict(moves) for stage, _ in sections_from):
        raise DataFileError(f"{where}.sections_from: only a stage the transition leaves has a section of its own")
    roles = frozenset(datafile.listed(entry, "roles", where, functools.partial(datafile.member, Role)))
    return TransitionRule(
        name=name,
        label=datafile.text(entry, "label", where),
        roles=roles or _BUSINESS_UNIT,
        section=datafile.text(entry, "section", where) if "section" in entry else "",
        reason_required=datafile.flag(entry, "reason", where),
        guards=datafile.listed(entry, "guards", where, functools.partial(datafile.named, GUARDS)),
        moves=moves,
        sections_from=sections_from,
    )


def _moves(entry: Mapping[str, object], where: str) -> tuple[tuple[Stage, Stage], ...]:
    """(source, target) for each stage a transition leaves: its ``moves``, or every stage but those it names."""
    if "moves" in entry:
        if "from_every_stage_but" in entry or "to" in entry:
            raise DataFileError(f"{where}: moves, or from_every_stage_but and to, not both")
        moves = datafile.table(entry["moves"], f"{where}.moves")
        if not moves:
            raise DataFileError(f"{where}.moves: expected at least one stage it leaves")
        return tuple(
            (_stage_read(source, f"{where}.moves"), _stage_read(target, f"{where}.moves.{source}"))
            for source, target in moves.items()
        )
    if "from_every_stage_but" not in entry:
        raise DataFileError(f"{where}: missing moves")
    kept = frozenset(datafile.listed(entry, "from_every_stage_but", where, _stage_read))
    target = _stage_read(datafile.text(entry, "to", where), f"{where}.to")
    return tuple((stage, target) for stage in Stage if stage not in kept)


def _stage_words(entry: object, where: str) -> StageInfo:
    """One ``[stages.<stage>]`` table as a :class:`StageInfo`."""
    entry = datafile.table(entry, where)
    datafile.known(entry, _STAGE_KEYS, where)
    return StageInfo(
        label=datafile.text(entry, "label", where),
        description=datafile.text(entry, "description", where),
        next_steps=datafile.listed(entry, "next_steps", where, datafile.words, required=True),
    )


_stage_read = functools.partial(datafile.member, Stage)


_TABLE = table_read()
_RULES = _TABLE.rules

TRANSITIONS: Mapping[str, TransitionRule] = MappingProxyType({rule.name: rule for rule in _RULES})
"""Every transition's rule, by transition name."""


_MACHINE_DOC = """The lifecycle table as a machine: stages and the transitions between them.

Built from :data:`TRANSITIONS`, so each transition is written once, in its rule. Every transition carries its rule's
guards as conditions, even where there are none yet, so a guard added to the rule table is enforced by the machine too.

Send an event with ``facts=CaseFacts(...)``. Closed, criteria-not-met and withdrawn cases can be reopened, so no stage
is final in the machine's sense.
"""


def _machine_class() -> type[StateMachine]:
    """The python-statemachine class for the table: a state for each stage, and for each rule one transition
    (an event) from each of its sources to that source's target, every one carrying the rule's guards as conditions.
    """
    states = {stage: State(initial=stage is Stage.REFERRAL_RECEIVED) for stage in Stage}
    namespace: dict[str, object] = {"__module__": __name__, "__doc__": _MACHINE_DOC}
    namespace.update({stage.value: state for stage, state in states.items()})
    for rule in _RULES:
        moves = [
            states[source].to(states[target], cond=[guard.check for guard in rule.guards])
            for source, target in rule.moves
        ]
        namespace[rule.name] = functools.reduce(operator.or_, moves)
    return types.new_class("CaseLifecycle", (StateMachine,), exec_body=lambda body: body.update(namespace))


CaseLifecycle = _machine_class()

_TOPOLOGY: Mapping[Stage, Mapping[str, Stage]] = MappingProxyType(
    {
        stage: MappingProxyType(
            {rule.name: target for rule in _RULES for source, target in rule.moves if source is stage}
        )
        for stage in Stage
    }
)
"""Stage → {transition name → target stage}, read from the rule table."""

CLOSED_STAGES: frozenset[Stage] = frozenset(
    stage for stage, outgoing in _TOPOLOGY.items() if set(outgoing) == {"reopen"}
)
"""The closed stages: those whose only way out is reopening (closed, closed as not meeting the criteria, withdrawn).

Read from the table, so a new closing stage joins the set by its transitions alone."""

RETURNS_AWAITED_STAGES: frozenset[Stage] = frozenset(
    {Stage.REFERRAL_RECEIVED, Stage.NOTIFICATION_ASSESSED, Stage.RAPID_REVIEW}
)
"""The stages in which the agencies' information returns are awaited: they feed the rapid review (§4.1), so once the
PRG has decided, returns not in by then are no longer waited for (their clock stops applying, unless it was met)."""

# Messages for common attempts that come too early, in place of the generic "not possible from stage" message.
_TOO_EARLY: Mapping[tuple[str, Stage], str] = MappingProxyType(
    {
        ("ratify", Stage.RAPID_REVIEW): PRG_DECISION_MISSING,
        ("submit_to_panel", Stage.RAPID_REVIEW): NOT_RATIFIED_FOR_PANEL,
        ("submit_to_panel", Stage.PRG_DECIDED): NOT_RATIFIED_FOR_PANEL,
        ("publish", Stage.DRAFT_REPORT): NOT_READY_TO_PUBLISH,
        ("publish", Stage.SIGNED_OFF): NOT_READY_TO_PUBLISH,
    }
)


# -- the facade ---------------------------------------------------------------------------------------------------


class TransitionRefused(Exception):
    """A transition cannot be taken; ``str(error)`` is a message for the person who tried."""

    def __init__(self, message: str, *, stage: str, transition: str) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.transition = transition


@dataclass(frozen=True)
class TransitionOption:
    """One thing a person could do from a stage, and what (if anything) stands in the way."""

    name: str
    label: str
    target: Stage
    section: str
    reason_required: bool
    blockers: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        return not self.blockers

    @property
    def target_label(self) -> str:
        return self.target.label


def transitions_from(stage: Stage | str) -> tuple[TransitionRule, ...]:
    """Every transition leaving ``stage``, whoever may take it, in table order."""
    outgoing = _TOPOLOGY[_stage(stage, transition="")]
    return tuple(rule for name, rule in TRANSITIONS.items() if name in outgoing)


def transition_options(
    stage: Stage | str, *, roles: Iterable[Role | str], facts: CaseFacts | None = None
) -> list[TransitionOption]:
    """The transitions from ``stage`` that someone with ``roles`` may take, each with its blockers (if any).

    Use it to draw buttons: enabled options as actions, blocked ones with their reasons.
    """
    current = _stage(stage, transition="")
    held = _roles(roles)
    facts = facts or CaseFacts()
    return [
        TransitionOption(
            name=rule.name,
            label=rule.label,
            target=_TOPOLOGY[current][rule.name],
            section=rule.section_from(current),
            reason_required=rule.reason_required,
            blockers=rule.blockers(facts),
        )
        for rule in transitions_from(current)
        if rule.roles & held
    ]


def allowed_transitions(
    stage: Stage | str, *, roles: Iterable[Role | str], facts: CaseFacts | None = None
) -> list[TransitionOption]:
    """The transitions from ``stage`` that someone with ``roles`` can take now (a reason may still be needed)."""
    return [option for option in transition_options(stage, roles=roles, facts=facts) if option.enabled]


@dataclass(frozen=True)
class Verdict:
    """The table's answer to "may this happen now?": ``allowed``, else ``why`` not, in words a person can act on."""

    allowed: bool
    why: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def may(
    transition: str,
    stage: Stage | str,
    *,
    roles: Iterable[Role | str],
    facts: CaseFacts | None = None,
    reason: str | None = None,
) -> Verdict:
    """Whether someone holding ``roles`` may take ``transition`` from ``stage`` now.

    Checks, in order: the transition exists and leaves this stage; one of ``roles`` may take it; a reason is given
    where one is required (skipped when ``reason`` is ``None``, for drawing a button before the reason is typed);
    every guard holds. The first failure is the verdict's ``why``.
    """
    try:
        current = Stage(stage)
    except ValueError:
        return Verdict(False, UNKNOWN_STAGE.format(stage=stage))
    rule = TRANSITIONS.get(transition)
    if rule is None:
        return Verdict(False, UNKNOWN_TRANSITION.format(transition=transition))
    if transition not in _TOPOLOGY[current]:
        return Verdict(
            False,
            _TOO_EARLY.get((transition, current)) or NOT_FROM_STAGE.format(transition=transition, stage=current.value),
        )
    if not rule.roles & _roles(roles):
        allowed = ", ".join(sorted(role.label for role in rule.roles))
        return Verdict(False, ROLE_REQUIRED.format(action=rule.action, roles=allowed))
    if reason is not None and not rule.reason_accepted(reason):
        return Verdict(False, REASON_REQUIRED.format(action=rule.action, minimum=rule.reason_min))
    blockers = rule.blockers(facts or CaseFacts())
    if blockers:
        return Verdict(False, " ".join(blockers))
    return Verdict(True)


def apply_transition(
    stage: Stage | str,
    transition: str,
    *,
    roles: Iterable[Role | str],
    facts: CaseFacts | None = None,
    reason: str = "",
) -> Stage:
    """The stage a case moves to when ``transition`` is taken from ``stage``.

    Asks :func:`may` (with the reason given: blank text is no reason); a refusal raises :class:`TransitionRefused`
    with the verdict's words. Recording who did it, in which role (:func:`authorising_role`), when and why is the
    caller's job.
    """
    verdict = may(transition, stage, roles=roles, facts=facts, reason=reason)
    if not verdict:
        raise TransitionRefused(verdict.why, stage=str(stage), transition=transition)
    current = Stage(stage)
    machine = CaseLifecycle(start_value=current.value)
    try:
        machine.send(transition, facts=facts or CaseFacts())
    except TransitionNotAllowed as error:  # pragma: no cover - the checks above mirror the machine's conditions
        raise TransitionRefused(
            NOT_FROM_STAGE.format(transition=transition, stage=current.value),
            stage=current.value,
            transition=transition,
        ) from error
    return Stage(machine.current_state_value)


def authorising_role(transition: str, roles: Iterable[Role | str]) -> Role | None:
    """Which of ``roles`` allows ``transition``: the one recorded on the case's transition row.

    A person may hold several roles that allow it (a PRG chair who is also an Executive member choosing a
    discretionary review): the preference is :class:`~cspr.domain.roles.Role`'s declaration order, so the answer
    never depends on how the roles were listed. ``None`` when no role held allows it.
    """
    allowed = TRANSITIONS[transition].roles & _roles(roles)
    return next((role for role in Role if role in allowed), None)


def transition_roles(*transitions: str) -> frozenset[Role]:
    """Every role that may take at least one of ``transitions`` (for the access policy's role groups)."""
    return frozenset().union(*(TRANSITIONS[name].roles for name in transitions))


def reached_by(stage: Stage | str, transition: str) -> bool:
    """Whether ``transition`` leads into ``stage`` (from wherever it is taken)."""
    current = _stage(stage, transition=transition)
    return any(outgoing.get(transition) is current for outgoing in _TOPOLOGY.values())


def leaves(stage: Stage | str, transition: str) -> bool:
    """Whether ``transition`` is one of the ways out of ``stage``, whoever takes it and whatever the facts."""
    return transition in _TOPOLOGY[_stage(stage, transition=transition)]


def _stage(stage: Stage | str, *, transition: str) -> Stage:
    try:
        return Stage(stage)
    except ValueError:
        raise TransitionRefused(UNKNOWN_STAGE.format(stage=stage), stage=str(stage), transition=transition) from None


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(Role(role) for role in roles)


# -- words and the path for the case page ---------------------------------------------------------------------------


STAGES: Mapping[Stage, StageInfo] = _TABLE.stages
"""Every stage in words."""


def next_steps(stage: Stage | str) -> tuple[str, ...]:
    """What happens next from ``stage``, in words for the case page."""
    return STAGES[_stage(stage, transition="")].next_steps


@dataclass(frozen=True)
class PathSection:
    """One flowchart of the procedure, as the ordered stages of its main line, and the stage it leads on to."""

    key: str
    title: str
    reference: str
    stages: tuple[Stage, ...]
    then: Stage | None = None
    """Where a case goes on to after the section's last stage (``None``: nowhere, the case is closed)."""


STAGE_PATH: tuple[PathSection, ...] = (
    PathSection(
        "appendix_1",
        "Serious incident notification and rapid review",
        "Appendix 1",
        (
            Stage.REFERRAL_RECEIVED,
            Stage.NOTIFICATION_ASSESSED,
            Stage.RAPID_REVIEW,
            Stage.PRG_DECIDED,
            Stage.EXECUTIVE_RATIFIED,
            Stage.SUBMITTED_TO_PANEL,
            Stage.AWAITING_PANEL,
        ),
        then=Stage.LOCAL_REVIEW,
    ),
    PathSection(
        "appendix_2",
        "Local child safeguarding practice review",
        "Appendix 2",
        (
            Stage.LOCAL_REVIEW,
            Stage.REVIEWER_COMMISSIONED,
            Stage.REVIEW_IN_PROGRESS,
            Stage.DRAFT_REPORT,
            Stage.SIGNED_OFF,
            Stage.PRE_PUBLICATION,
            Stage.PUBLISHED,
        ),
        then=Stage.LEARNING_AND_ACTIONS,
    ),
    PathSection(
        "national_review",
        "National review, led by the Panel",
        "§8.5-8.7",
        (Stage.NATIONAL_REVIEW,),
        then=Stage.LEARNING_AND_ACTIONS,
    ),
    PathSection("learning", "Learning and actions", "§7.10", (Stage.LEARNING_AND_ACTIONS, Stage.CLOSED)),
)
"""The procedure's flowcharts in order: the two appendices' main lines, the Panel's national review (which a case
reaches instead of, or part way through, a local review) and the learning that follows them all."""

# Stages off the main line, each drawn beside the main-line stage it branches from.
_BRANCHES: Mapping[Stage, Stage] = MappingProxyType(
    {
        Stage.NOT_NOTIFIABLE: Stage.NOTIFICATION_ASSESSED,
        Stage.CLOSED_NOT_NOTIFIABLE: Stage.NOTIFICATION_ASSESSED,
        Stage.CLOSED_CRITERIA_NOT_MET: Stage.RAPID_REVIEW,
        Stage.PANEL_INFORMATION_REQUESTED: Stage.AWAITING_PANEL,
        Stage.NO_FURTHER_REVIEW: Stage.AWAITING_PANEL,
        Stage.NOT_PUBLISHED: Stage.PRE_PUBLICATION,
    }
)

# Where a case on a branch usually goes on to. A closing stage (and a withdrawn case) goes nowhere but back, by
# reopening.
_BRANCHES_ONWARD: Mapping[Stage, Stage] = MappingProxyType(
    {
        Stage.NOT_NOTIFIABLE: Stage.CLOSED_NOT_NOTIFIABLE,
        Stage.PANEL_INFORMATION_REQUESTED: Stage.AWAITING_PANEL,
        Stage.NO_FURTHER_REVIEW: Stage.LEARNING_AND_ACTIONS,
        Stage.NOT_PUBLISHED: Stage.LEARNING_AND_ACTIONS,
    }
)


@dataclass(frozen=True)
class PathPosition:
    """Where a stage sits on :data:`STAGE_PATH`.

    ``anchor`` is the main-line stage drawn at the case's place: the stage itself on the main line, the stage a
    branch leaves from otherwise, or ``None`` for a withdrawn case.
    """

    section: PathSection | None
    index: int | None
    anchor: Stage | None
    on_main_line: bool


def path_position(stage: Stage | str) -> PathPosition:
    """Where ``stage`` sits on the flowcharts."""
    current = _stage(stage, transition="")
    anchor = _BRANCHES.get(current, current)
    for section in STAGE_PATH:
        if anchor in section.stages:
            return PathPosition(section, section.stages.index(anchor), anchor, on_main_line=anchor is current)
    return PathPosition(None, None, None, on_main_line=False)


def onward(stage: Stage | str) -> Stage | None:
    """The stage a case at ``stage`` usually moves to next: the next on its flowchart's main line (after a section's
    last stage, the one its flowchart leads on to), the way a branch goes on, or ``None`` from a closed stage."""
    current = _stage(stage, transition="")
    if current in _BRANCHES_ONWARD:
        return _BRANCHES_ONWARD[current]
    position = path_position(current)
    if position.section is None or not position.on_main_line:
        return None
    assert position.index is not None  # noqa: S101 - set with the section
    following = position.section.stages[position.index + 1 : position.index + 2]
    return following[0] if following else position.section.then


class PathState(StrEnum):
    """Where a step of a case's path stands."""

    DONE = "done"
    CURRENT = "current"
    TO_COME = "to_come"


@dataclass(frozen=True)
class PathStep:
    """A stage on a case's path, and whether the case has passed it, is there or may still come to it."""

    stage: Stage
    state: PathState

    @property
    def label(self) -> str:
        return self.stage.label


@dataclass(frozen=True)
class PathPart:
    """The steps of a case's path that lie on one flowchart, in order."""

    section: PathSection
    steps: tuple[PathStep, ...]


def path_taken(stage: Stage | str, went: Iterable[Stage | str]) -> tuple[PathPart, ...]:
    """A case's own path: the stages it went through to reach ``stage`` (done), ``stage`` itself (current) and the
    way a case usually goes on from there (to come, by :func:`onward`), each part under its flowchart.

    ``went`` is every stage the case was in, in order: its transitions' first source, then each one's target. A stage
    the case came back to (by reopening, reassessing, or sending the Panel what it asked for) cuts the path back to
    that stage, so the path is the way from the start to where the case is now; the history keeps every move. Stages
    the case did not pass are not on it, nor is a flowchart it never went through (a national review, say, unless
    the case went that way). A stage with no flowchart of its own (withdrawn) is drawn on the one before it.
    """
    current = _stage(stage, transition="")
    route: list[Stage] = []
    for passed in (*(_stage(each, transition="") for each in went), current):
        if passed in route:
            del route[route.index(passed) + 1 :]
        else:
            route.append(passed)
    ahead: list[Stage] = []
    following = onward(current)
    while following is not None and following not in ahead:
        ahead.append(following)
        following = onward(following)
    steps = [
        *(PathStep(done, PathState.DONE) for done in route[:-1]),
        PathStep(current, PathState.CURRENT),
        *(PathStep(later, PathState.TO_COME) for later in ahead),
    ]
    parts: list[tuple[PathSection, list[PathStep]]] = []
    for step in steps:
        section = path_position(step.stage).section or (parts[-1][0] if parts else STAGE_PATH[0])
        if parts and parts[-1][0] is section:
            parts[-1][1].append(step)
        else:
            parts.append((section, [step]))
    return tuple(PathPart(section, tuple(part)) for section, part in parts)
