"""View models for the rapid review: the task list, the case-page panel, and the record as a document (the same
structure feeds the print page and the Word document, so the two cannot drift apart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cspr.cases.models import Case, FamilyTold
from cspr.cases.panels import PanelAction, PanelView
from cspr.cases.selectors import case_family_to_tell
from cspr.cases.services import IdentifyingDetails
from cspr.core.forms import govuk_date
from cspr.domain import rules as domain_rules
from cspr.domain.criteria import NATIONAL_REVIEW_CIRCUMSTANCES, NATIONAL_REVIEW_CRITERIA
from cspr.domain.lifecycle import Stage
from cspr.domain.rapid_review import JUDGED_CRITERIA, SECTIONS, Judgement
from cspr.domain.text import counted
from cspr.partnerships.scoping import Scope
from cspr.rapid_reviews import selectors, services
from cspr.rapid_reviews.models import PanelResponse, RapidReview
from cspr.rapid_reviews.rules import ROLES as _RULE_ROLES
from cspr.rapid_reviews.selectors import ReviewState

OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"


def _url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(f"rapid_reviews:{name}", kwargs={"reference": case.reference, **kwargs})


def _can(scope: Scope, rule: str, case: Case) -> bool:
    """The role half of ``cspr.rapid_reviews.rules`` (read from its own table of roles, so no rule is missing here)
    without a query: callers already found the case through ``case_get`` for this scope, which is the other half."""
    return scope.has_any_role(case.partnership_id, _RULE_ROLES[rule])


def _day(value: date | None) -> str:
    return govuk_date(value) if value else ""


# -- the task list ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    title: str
    reference: str
    href: str
    status: str
    colour: str
    problems: tuple[str, ...] = ()


def task_list(state: ReviewState, *, editable: bool) -> list[Task]:
    saved = set(state.review.sections_saved) if state.review else set()
    tasks = []
    for part in SECTIONS:
        problems = tuple(problem.message for problem in state.check.for_section(part))
        if not problems:
            status, colour = "Completed", ""
        elif part.value in saved:
            status, colour = "In progress", "govuk-tag--light-blue"
        else:
            status, colour = "Not started", "govuk-tag--blue"
        tasks.append(
            Task(
                title=part.heading,
                reference=part.reference,
                href=_url("section", state.case, section=part.value) if editable else "",
                status=status,
                colour=colour,
                problems=problems,
            )
        )
    return tasks


# -- the case-page panel ---------------------------------------------------------------------------------------------


_UNDER_WAY = frozenset(
    {
        Stage.RAPID_REVIEW,
        Stage.PRG_DECIDED,
        Stage.EXECUTIVE_RATIFIED,
        Stage.SUBMITTED_TO_PANEL,
        Stage.AWAITING_PANEL,
        Stage.PANEL_INFORMATION_REQUESTED,
    }
)
"""The stages at which the rapid review is the case's work: its panel shows even before anything is recorded. At a
later stage it shows only if the case had a rapid review (a discretionary local review has none)."""


def case_panel(case: Case, scope: Scope, today: date) -> PanelView | None:
    """The rapid review's state on the case page, with what this person may do now."""
    if not _can(scope, "rapid_reviews.view", case):
        return None
    if case.stage not in _UNDER_WAY and selectors.review_get(case=case) is None:
        return None
    state = selectors.review_state(case=case)
    actions = tuple(next_actions(state, scope))
    return PanelView(
        template="rapid_reviews/_panel.html",
        context={"summary": summary_rows(state), "overview": _url("overview", case)},
        actions=actions,
    )


def summary_rows(state: ReviewState) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    meeting = state.meeting
    if meeting is None:
        rows.append(("PRG meeting", "Not scheduled yet"))
    elif meeting.held_on:
        rows.append(("PRG meeting", f"Held on {_day(meeting.held_on)}"))
    else:
        rows.append(
            ("PRG meeting", f"Scheduled for {_day(meeting.scheduled_on)} ({meeting.get_mode_display().lower()})")
        )
    problems = len(state.check.problems)
    rows.append(("Record", "Complete" if not problems else f"{counted(problems, 'item')} missing or too thin"))
    decision = state.prg_decision
    if decision:
        rows.append(
            (
                "PRG decision",
                f"{'A local review' if decision.local_review else 'No local review'}, sent to the Executive on "
                f"{_day(decision.decided_on)}",
            )
        )
    if decision or state.sign_offs:
        signed = len(state.sign_offs)
        rows.append(("Partners signed off", f"{signed} of {len(state.partners)}"))
    ratification = state.ratification
    if ratification:
        words = "a local review" if ratification.local_review else "no local review"
        extra = " (disagreeing with the PRG)" if ratification.disagrees_with_prg else ""
        rows.append(("Ratified", f"{_day(ratification.ratified_on)}: {words}{extra}"))
    if state.submission:
        rows.append(("Sent to the Panel", _day(state.submission.sent_on)))
    if state.panel_responses:
        latest = state.panel_responses[-1]
        rows.append(("Panel", f"{latest.get_kind_display()} ({_day(latest.received_on)})"))
    if state.family_told:
        told = state.family_told[-1]
        rows.append(("Family told", f"{_day(told.told_on)} ({told.get_method_display().lower()})"))
    return rows


def next_actions(state: ReviewState, scope: Scope) -> list[PanelAction]:
    case = state.case
    stage = case.stage
    actions: list[PanelAction] = []
    if domain_rules.open_for(stage, services.PRG_DECISION):
        if _can(scope, "rapid_reviews.organise_meeting", case):
            if state.meeting is None:
                actions.append(PanelAction("Schedule the PRG meeting", _url("meeting", case), "§3.4"))
            elif state.meeting.held_on is None:
                actions.append(PanelAction("Record that the PRG meeting was held", _url("meeting-held", case), "§3.4"))
                actions.append(PanelAction("Add a paper for the PRG meeting", _url("paper-upload", case), "§4.2"))
        if _can(scope, "rapid_reviews.edit", case):
            actions.append(PanelAction("Complete the rapid review record", _url("overview", case), "§4.3"))
        if _can(scope, "rapid_reviews.decide", case):
            actions.append(
                PanelAction("Check the rapid review and send it to the Executive", _url("check", case), "§4.4")
            )
    if domain_rules.open_for(stage, "ratify") and _can(scope, "rapid_reviews.sign_off", case):
        mine = scope.organisation_ids_in(case.partnership_id) & {org.pk for org in state.partners}
        if mine - state.signed_organisation_ids:
            actions.append(
                PanelAction("Sign off the rapid review for your organisation", _url("sign-off", case), "§4.4")
            )
        if state.all_partners_signed:
            actions.append(PanelAction("Ratify the rapid review", _url("ratify", case), "§4.6"))
    if domain_rules.open_for(stage, services.CLOSE_CRITERIA_NOT_MET) and _can(
        scope, "rapid_reviews.close_criteria_not_met", case
    ):
        actions.append(PanelAction("Close the case as not meeting the criteria", _url("close", case), "§4.3"))
    if _can(scope, "rapid_reviews.correspond_with_panel", case):
        ratification = state.ratification
        if ratification and ratification.disagrees_with_prg and state.rationale_sent is None:
            actions.append(
                PanelAction("Record that the rationale was sent to the Panel", _url("rationale-sent", case), "§4.5")
            )
        if domain_rules.open_for(stage, "submit_to_panel"):
            actions.append(
                PanelAction("Record that the rapid review was sent to the Panel", _url("submit", case), "§4.6")
            )
        if domain_rules.open_for(stage, *services.PANEL_WAITING):
            actions.append(PanelAction("Record the Panel's response", _url("panel-response", case), "§8.5"))
    # Telling the family is the case's record: while a decision is still to be told, the case's own actions offer it.
    if (
        (state.prg_decision or domain_rules.reached_by(stage, services.CLOSE_CRITERIA_NOT_MET))
        and _can(scope, "rapid_reviews.record_family_told", case)
        and case_family_to_tell(case=case) is None
    ):
        family_told = reverse("cases:family-told", kwargs={"reference": case.reference})
        actions.append(PanelAction("Record that the family was told the decision", family_told, "§5.3"))
    if (
        domain_rules.open_for(stage, "close")
        and any(action.status == action.Status.OPEN for action in state.actions)
        and _can(scope, "rapid_reviews.resolve_action", case)
    ):
        actions.append(PanelAction("Record how the learning actions ended", _url("actions", case), "§7.10"))
    return actions


# -- the record as a document ----------------------------------------------------------------------------------------


@dataclass
class Block:
    heading: str
    section: str = ""
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)


@dataclass
class RecordDocument:
    title: str
    partnership: str
    reference: str
    pseudonyms: str
    identifying: bool
    blocks: list[Block]
    marking: str = OFFICIAL_SENSITIVE


# The review's sealed free text the record document shows.
RECORD_TEXTS = (
    "facts_summary",
    "key_practice_episodes",
    "equality_analysis",
    "local_grounds",
    "national_reasons",
    "immediate_learning",
    "further_learning",
    "no_further_learning",
)


def _or_missing(text: str) -> str:
    return text.strip() or "Not recorded."


def record_document(*, case: Case, state: ReviewState, identifying: IdentifyingDetails | None = None) -> RecordDocument:
    """The rapid review, item by item in §4.3's order, then the decisions, ratification and submission.

    Without ``identifying`` the children appear by pseudonym only; with it, item 9 lists their identifying details.
    """
    review: RapidReview | None = state.review
    children = selectors.case_children(case=case)
    texts = selectors.criterion_texts(partnership_id=case.partnership_id)
    revealed = selectors.review_texts_revealed(review=review, names=RECORD_TEXTS)

    def sealed(name: str) -> str:
        return revealed[name]

    blocks: list[Block] = []
    arrangements = selectors.arrangements_revealed(review=review)
    blocks.append(
        Block(
            "1. Immediate safeguarding arrangements",
            "§4.3",
            rows=[(child.pseudonym, _or_missing(arrangements.get(child.pk, ""))) for child in children],
        )
    )
    facts = Block(
        "2. Summary of the facts and their context", "§4.3", paragraphs=[_or_missing(sealed("facts_summary"))]
    )
    episodes, equality = sealed("key_practice_episodes"), sealed("equality_analysis")
    if episodes or selectors.practice_and_equality_required(case=case):
        facts.rows.append(("Key practice episodes", _or_missing(episodes)))
    if equality or selectors.practice_and_equality_required(case=case):
        facts.rows.append(("Equality analysis (race, disability and other inequalities)", _or_missing(equality)))
    blocks.append(facts)

    judgements = selectors.judgement_reasons_revealed(review=review)
    local = Block("3. Decision on a local child safeguarding practice review", "§4.3, §5.3-5.5")
    decision = {"yes": "Yes: the criteria are met and a local review is appropriate", "no": "No"}.get(
        review.local_decision if review else "", "Not recorded."
    )
    local.rows = [("Decision", decision), ("Grounds", _or_missing(sealed("local_grounds")))]
    local.table_head = ["Criterion or circumstance", "Judgement", "Reason"]
    for criterion in JUDGED_CRITERIA:
        judged, reason = judgements.get(criterion.code, ("", ""))
        label = Judgement(judged).label if judged else "Not recorded"
        local.table.append([f"{criterion.section}: {texts[criterion.code]}", label, _or_missing(reason)])
    blocks.append(local)

    national = Block("4. Recommendation on a national review", "§4.3, §8.2-8.3")
    recommendation = review.get_national_recommendation_display() if review and review.national_recommendation else ""
    national.rows = [
        ("Recommendation", recommendation or "Not recorded."),
        ("Reasons", _or_missing(sealed("national_reasons"))),
    ]
    chosen = set(review.national_criteria) if review else set()
    applying = [
        f"{item.section}: {texts[item.code]}"
        for item in NATIONAL_REVIEW_CRITERIA + NATIONAL_REVIEW_CIRCUMSTANCES
        if item.code in chosen
    ]
    national.rows.append(("Panel criteria and circumstances that apply", "; ".join(applying) or "None identified"))
    blocks.append(national)

    learning = Block(
        "5. Immediate learning and plans to share it", "§4.3", paragraphs=[_or_missing(sealed("immediate_learning"))]
    )
    learning.table_head = ["Action", "Owner", "Due"]
    learning.table = [
        [
            what,
            action.owner_organisation.name if action.owner_organisation else "Not set",
            _day(action.due_on),
        ]
        for action, what in zip(state.actions, selectors.action_whats_revealed(actions=state.actions), strict=True)
    ]
    blocks.append(learning)
    blocks.append(
        Block("6. Potential for further learning", "§4.3", paragraphs=[_or_missing(sealed("further_learning"))])
    )
    if review is None or review.local_decision != "yes":
        blocks.append(
            Block(
                "7. Why no further learning is expected without a local review",
                "§4.3",
                paragraphs=[_or_missing(sealed("no_further_learning"))],
            )
        )
    else:
        blocks.append(
            Block(
                "7. Why no further learning is expected",
                "§4.3",
                paragraphs=["Not applicable: a local review is recommended."],
            )
        )

    agencies = Block("8. Agencies involved in the rapid review", "§3.4, §4.3")
    involved = list(review.agencies_involved.order_by("name")) if review else []
    agencies.paragraphs = [", ".join(org.name for org in involved) or "Not recorded."]
    agencies.rows = [
        (f"Not involved: {name}", reason)
        for _organisation_id, name, reason in selectors.omissions_revealed(review=review)
    ]
    blocks.append(agencies)

    details = Block("9. Identifying details of the child and family", "§4.3")
    if identifying is None:
        details.paragraphs = [
            "This copy has no identifying details. The children are referred to as "
            + (", ".join(child.pseudonym for child in children) or "not recorded")
            + ". The copy with identifying details is a separate, audited download."
        ]
    else:
        for child in identifying.children:
            born = _day(child.date_of_birth) if child.date_of_birth else "not known"
            details.rows.append(
                (
                    child.pseudonym,
                    f"{child.name or 'Not yet identified'}; born {born}; {child.address or 'address not known'}",
                )
            )
        for member in identifying.household:
            details.rows.append(
                (member.relationship.capitalize(), f"{member.name}; {member.address or 'address not known'}")
            )
    blocks.append(details)

    meeting = state.meeting
    meeting_block = Block("The PRG meeting", "§3.4, §4.2")
    if meeting is None:
        meeting_block.paragraphs = ["Not scheduled."]
    else:
        meeting_block.rows = [
            ("Date", _day(meeting.held_on or meeting.scheduled_on) + ("" if meeting.held_on else " (scheduled)")),
            ("How", meeting.get_mode_display()),
        ]
        for organisation, status_label, explanation in selectors.attendance_revealed(meeting=meeting):
            meeting_block.rows.append((organisation, status_label + (f": {explanation}" if explanation else "")))
    blocks.append(meeting_block)

    ratification_block = Block("Ratification by the Executive Group", "§4.4-4.6")
    decision_row = state.prg_decision
    if decision_row:
        ratification_block.rows.append(
            (
                "PRG decision",
                ("A local review" if decision_row.local_review else "No local review")
                + f" ({_day(decision_row.decided_on)})",
            )
        )
    rationales = selectors.sign_off_rationales_revealed(sign_offs=state.sign_offs)
    for sign_off in state.sign_offs:
        text = (
            "Agrees with the PRG"
            if sign_off.agrees
            else f"Disagrees with the PRG. Rationale: {rationales[sign_off.pk]}"
        )
        ratification_block.rows.append((sign_off.organisation.name, f"{text} ({_day(sign_off.signed_on)})"))
    ratification = state.ratification
    if ratification:
        ratification_block.rows.append(
            (
                "Ratified",
                f"{_day(ratification.ratified_on)}: "
                + ("a local review will be held" if ratification.local_review else "no local review")
                + (" (the Executive Group disagrees with the PRG)" if ratification.disagrees_with_prg else ""),
            )
        )
    if not ratification_block.rows:
        ratification_block.paragraphs = ["Not ratified yet."]
    blocks.append(ratification_block)

    return RecordDocument(
        title="Rapid review",
        partnership=case.partnership.name,
        reference=case.reference,
        pseudonyms=", ".join(child.pseudonym for child in children),
        identifying=identifying is not None,
        blocks=blocks,
    )


# -- choices for forms -------------------------------------------------------------------------------------------------


def response_choices(stage: str) -> list[tuple[str, str]]:
    if stage == Stage.PANEL_INFORMATION_REQUESTED:
        return [(PanelResponse.Kind.INFORMATION_PROVIDED.value, PanelResponse.Kind.INFORMATION_PROVIDED.label)]
    return [(kind.value, kind.label) for kind in PanelResponse.Kind if kind != PanelResponse.Kind.INFORMATION_PROVIDED]


def family_methods() -> list[tuple[str, str]]:
    return list(FamilyTold.Method.choices)


def today() -> date:
    return timezone.localdate()


# -- the API's view (no sealed text: codes, choices, names of organisations and dates) ----------------------------


def _values(row: Any, *names: str) -> dict[str, Any]:
    """The row's attributes ``names``, under their own names."""
    return {name: getattr(row, name) for name in names}


def api_view(state: ReviewState) -> dict[str, Any]:
    """The rapid review as ``GET /api/v1/cases/{reference}/rapid-review`` shows it: pseudonyms, judgements,
    decisions, ratification status and dates. The record's free text may name people, so it is never included."""
    case = state.case
    review = state.review
    texts = selectors.criterion_texts(partnership_id=case.partnership_id)
    judgements = {row.code: row.judgement for row in review.judgements.all()} if review else {}
    arranged = {row.child_id for row in review.safeguarding.all() if row.arrangements_sealed} if review else set()
    involved = list(review.agencies_involved.order_by("name")) if review else []
    omitted = list(review.omissions.select_related("organisation")) if review else []
    meeting = state.meeting
    decision = state.prg_decision
    ratification = state.ratification
    return {
        "reference": case.reference,
        "stage": case.stage,
        "stage_label": case.stage_label,
        "preset": case.preset,
        "decision_on": case.decision_on,
        "meeting": None
        if meeting is None
        else {
            **_values(meeting, "scheduled_on", "held_on", "mode"),
            "attendance": [
                {"organisation": row.organisation.name, "status": row.status}
                for row in meeting.attendance.select_related("organisation")
            ],
        },
        "record": {
            "complete": state.check.complete,
            "missing": [
                {"section": problem.section.value, "message": problem.message} for problem in state.check.problems
            ],
            "children": [
                {"pseudonym": child.pseudonym, "safeguarding_recorded": child.pk in arranged}
                for child in selectors.case_children(case=case)
            ],
            "judgements": [
                {
                    "code": criterion.code,
                    "section": criterion.section,
                    "statement": texts[criterion.code],
                    "judgement": judgements.get(criterion.code) or None,
                }
                for criterion in JUDGED_CRITERIA
            ],
            "local_decision": (review.local_decision or None) if review else None,
            "national_recommendation": (review.national_recommendation or None) if review else None,
            "national_criteria": list(review.national_criteria) if review else [],
            "agencies_involved": [org.name for org in involved],
            "agencies_not_involved": [row.organisation.name for row in omitted],
            "actions": [
                {
                    "owner": action.owner_organisation.name if action.owner_organisation else None,
                    "due_on": action.due_on,
                    "status": action.status,
                }
                for action in state.actions
            ],
        },
        "prg_decision": None
        if decision is None
        else _values(decision, "decided_on", "local_review", "national_recommendation"),
        "sign_offs": [
            {"organisation": row.organisation.name, "agrees": row.agrees, "signed_on": row.signed_on}
            for row in state.sign_offs
        ],
        "partners_to_sign": [org.name for org in state.partners if org.pk not in state.signed_organisation_ids],
        "ratification": None
        if ratification is None
        else {
            **_values(ratification, "ratified_on", "local_review", "disagrees_with_prg"),
            "rationale_sent_on": state.rationale_sent.sent_on if state.rationale_sent else None,
        },
        "sent_to_panel_on": state.submission.sent_on if state.submission else None,
        "panel_responses": [_values(row, "kind", "received_on", "information_due_on") for row in state.panel_responses],
        "family_told": [_values(row, "told_on", "method") for row in state.family_told],
    }
