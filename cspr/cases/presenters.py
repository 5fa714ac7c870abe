"""View models for the case pages: plain values and words, built from selectors and the lifecycle table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import rules

from cspr.cases import selectors
from cspr.cases.models import DUTY_CLOCKS, Case, Child, DutyKind
from cspr.cases.notification import ABUSE_CHOICES, LOCATION_CHOICES, NATURE_CHOICES, RELATIONSHIP_CHOICES
from cspr.cases.selectors_processes import ProcessRow, case_processes
from cspr.cases.services import ROUTES, case_facts
from cspr.core.policy import URL_POLICY
from cspr.domain.clocks import ClockStatus
from cspr.domain.criteria import DutyKind as AssessedDuty
from cspr.domain.lifecycle import STAGES, PathPart, Stage, transition_options
from cspr.domain.roles import Role
from cspr.partnerships.scoping import Scope

_WORDS = {**dict(LOCATION_CHOICES), **dict(NATURE_CHOICES)}
_ABUSE = dict(ABUSE_CHOICES)

_DUTY_TITLES = {
    AssessedDuty.NOTIFY_PANEL.value: "Notify the Panel",
    AssessedDuty.INFORM_SAFEGUARDING_PARTNERS.value: "Tell the safeguarding partners",
    AssessedDuty.NOTIFY_SOS_AND_OFSTED.value: "Notify the Secretary of State and Ofsted",
    AssessedDuty.NONE.value: "No notification duty",
}


def assessed_duties(assessment: dict[str, Any]) -> list[dict[str, str]]:
    """The duties the criteria engine found, in words: title, section and reason."""
    return [
        {
            "title": _DUTY_TITLES.get(duty.get("kind", ""), duty.get("kind", "")),
            "section": duty.get("section", ""),
            "reason": duty.get("reason", ""),
        }
        for duty in assessment.get("duties", [])
    ]


@dataclass(frozen=True)
class Action:
    label: str
    href: str = ""
    blockers: tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class ChildSummary:
    pseudonym: str
    description: list[str]


@dataclass(frozen=True)
class CaseTab:
    label: str
    href: str
    current: bool


@dataclass(frozen=True)
class CaseHeader:
    """What every page of the case shows above its own part: the stage in words and the case's pages."""

    stage_description: str
    next_steps: tuple[str, ...]
    tabs: tuple[CaseTab, ...]


# The case's own pages, in the order of the row of links under its heading: (URL name, label).
CASE_TABS = (
    ("cases:detail", "Overview"),
    ("cases:record", "Notification and decisions"),
    ("cases:history", "History"),
    ("cases:documents", "Documents and links"),
    ("cases:processes", "Parallel processes"),
)


def _may_open(scope: Scope | None, case: Case, name: str) -> bool:
    """Whether the URL policy lets this person open the case's page ``name`` (every page, when no scope is given)."""
    policy = URL_POLICY.get(name)
    if scope is None or policy is None:
        return True
    return policy.allows(authenticated=True, is_superuser=False, roles_here=scope.roles_in(case.partnership_id))


def case_header(*, case: Case, current: str, url: Any, scope: Scope | None = None) -> CaseHeader:
    """The stage in words and the links to the case's pages; with ``scope``, only the pages this person may open."""
    stage = Stage(case.stage)
    description = STAGES[stage].description
    if stage is Stage.NOTIFICATION_ASSESSED and not selectors.case_la_decision_state(case=case).recorded:
        description = "The notification is in. The local authority's decision on notifying the Panel is awaited (§3.5)."
    return CaseHeader(
        stage_description=description,
        next_steps=STAGES[stage].next_steps,
        tabs=tuple(
            CaseTab(label, url(name, reference=case.reference), current=name == current)
            for name, label in CASE_TABS
            if _may_open(scope, case, name)
        ),
    )


@dataclass
class CaseOverview:
    """The case's first page: what to do now, its deadlines and where it is. It shows no free text anyone typed,
    so opening a case reads (and audits) none; the words are one link away, on the page that shows them."""

    case: Case
    header: CaseHeader
    summary: list[tuple[str, str]]
    path: tuple[PathPart, ...]
    clocks: list[selectors.ClockRow]
    clocks_not_applicable: list[selectors.ClockRow]
    children: list[ChildSummary]
    duplicate_warnings: list[Any]
    transition_actions: list[Action]
    other_actions: list[Action]
    can_extend: bool
    can_link: bool
    can_see_identifying: bool
    closed: selectors.ClosedNote | None = None
    # The decision the family is still to be told, if any (no words: those are on the record page).
    family_to_tell: selectors.FamilyToTell | None = None


@dataclass
class CaseRecordPage:
    """The notification as assessed, the duties that follow, the local authority's decision, who is involved."""

    case: Case
    header: CaseHeader
    assessment: dict[str, Any]
    duties: list[dict[str, str]]
    la_decisions: list[Any]
    parallel_processes: list[str]
    organisations: list[tuple[str, str]]
    family: list[selectors.FamilyRecordView] = field(default_factory=list)


@dataclass
class CaseHistoryPage:
    case: Case
    header: CaseHeader
    timeline: list[selectors.TimelineEntry]


@dataclass
class CaseDocumentsPage:
    case: Case
    header: CaseHeader
    documents: list[Any]
    links: list[Any]
    can_download: bool
    can_upload: bool
    can_link: bool


def _child_summary(child: Child) -> ChildSummary:
    words = []
    if child.unborn:
        words.append("Unborn")
    elif child.age_years is not None:
        words.append(f"Aged {child.age_years}")
    if child.not_yet_identified:
        words.append("Not yet identified")
    if child.sex:
        words.append(child.get_sex_display())
    if child.ethnicity:
        words.append(child.ethnicity)
    if child.disability == "yes":
        words.append("Disabled")
    if child.area:
        words.append(f"Lives in {child.area}")
    words.extend(child.legal_status)
    return ChildSummary(child.pseudonym, words)


def _date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not yet"


def _panel_notified(case: Case) -> str:
    """When the Panel was notified; not "Not yet" when the local authority decided that it need not be."""
    if case.panel_notified_on is None:
        decision = selectors.case_la_decision_state(case=case)
        if decision.recorded and not decision.notify_panel:
            return "Not needed: the local authority decided not to notify the Panel (§3.5)"
    return _date(case.panel_notified_on)


def _reveal(case: Case, scope: Scope) -> bool:
    """Free text typed into the case (reasons, notes, titles) only for the roles that work it (ADR 0009)."""
    return bool(rules.test_rule("cases.read_free_text", scope, case))


def case_overview(*, case: Case, scope: Scope, today: date, url: Any) -> CaseOverview:
    """The overview of the case for this person, on ``today``. ``url(name, **kwargs)`` reverses URLs."""
    reference = case.reference
    children = selectors.case_children(case=case)
    # Late and extension reasons are shown beside their deadline, so they are read only where there is one.
    all_clocks = selectors.case_clocks(case=case, today=today, reveal=_reveal(case, scope))
    summary = [
        ("Reference", reference),
        ("Children", ", ".join(child.pseudonym for child in children)),
        (
            "How it came",
            "Referral from an agency (§3.8)" if case.as_referral else "Notification from the local authority",
        ),
        ("Received", _date(case.submitted_on)),
        ("What happened", _WORDS.get(case.nature, case.nature)),
        ("Abuse or neglect", _ABUSE.get(case.abuse_or_neglect, case.abuse_or_neglect)),
        ("Incident date", _date(case.incident_on) + (f" at {case.incident_time}" if case.incident_time else "")),
        ("Where", _WORDS.get(case.location, case.location)),
        ("Local authority became aware", _date(case.aware_on)),
        ("Notification received", _date(case.notified_on)),
        ("Panel notified", _panel_notified(case)),
        ("Media interest", "Yes" if case.media_interest else "No"),
    ]
    if case.other_la_area:
        summary.append(("Child lives in another area", case.other_la_area))
    if case.decision_on:
        summary.append(("Decision to hold a local review", _date(case.decision_on)))
    can_link = rules.test_rule("cases.link_cases", scope, case)
    return CaseOverview(
        case=case,
        header=case_header(case=case, current="cases:detail", url=url, scope=scope),
        summary=summary,
        path=selectors.case_path(case=case),
        clocks=[clock for clock in all_clocks if clock.status is not ClockStatus.NOT_APPLICABLE],
        clocks_not_applicable=[clock for clock in all_clocks if clock.status is ClockStatus.NOT_APPLICABLE],
        children=[_child_summary(child) for child in children],
        # Only those who may link cases are told of a possible duplicate: it reveals that another case exists.
        duplicate_warnings=selectors.case_open_duplicate_warnings(case=case) if can_link else [],
        transition_actions=_transition_actions(case, scope, url),
        other_actions=_other_actions(case, scope, url),
        can_extend=rules.test_rule("cases.record_extension", scope, case),
        can_link=can_link,
        can_see_identifying=rules.test_rule("cases.view_identifying_details", scope, case),
        closed=selectors.case_closed_note(case=case),
        family_to_tell=selectors.case_family_to_tell(case=case),
    )


def _transition_actions(case: Case, scope: Scope, url: Any) -> list[Action]:
    """The moves of the lifecycle this person may make from here, each with what still blocks it."""
    reference = case.reference
    return [
        Action(
            label=option.label,
            href=(
                (
                    url("cases:discretionary-review", reference=reference)
                    if option.name == "choose_discretionary_review"
                    else url("cases:route", reference=reference, transition=option.name)
                )
                if option.enabled or option.name == "choose_discretionary_review"
                else ""
            ),
            # The grounds are chosen on the action's own page, so their absence blocks nothing here.
            blockers=() if option.name == "choose_discretionary_review" else option.blockers,
            section=option.section,
        )
        for option in transition_options(
            case.stage, roles=scope.roles_in(case.partnership_id), facts=case_facts(case=case)
        )
        if option.name in ROUTES
    ]


LA_DECISION_STAGES = frozenset({Stage.REFERRAL_RECEIVED, Stage.NOTIFICATION_ASSESSED, Stage.NOT_NOTIFIABLE})
"""While the local authority's decision is what the case turns on, the business unit is told why it cannot record
one; once the case has moved on (the rapid review and after), that would only be noise among the things to do."""


def _other_actions(case: Case, scope: Scope, url: Any) -> list[Action]:
    reference = case.reference
    actions = []
    decided = selectors.case_la_decision_state(case=case).recorded
    if rules.test_rule("cases.record_la_decision", scope, case):
        label = "Record a new decision by the local authority" if decided else "Record the local authority's decision"
        actions.append(Action(label, url("cases:la-decision", reference=reference), section="§3.5"))
    elif decided and case.stage in LA_DECISION_STAGES and Role.BUSINESS_UNIT in scope.roles_in(case.partnership_id):
        actions.append(
            Action(
                "Record the local authority's decision",
                blockers=("The local authority's decision is recorded. Only the local authority can change it.",),
            )
        )
    if rules.test_rule("cases.record_duty", scope, case):
        actions.append(Action("Record a duty done", url("cases:duty", reference=reference), section="§3.5-3.7"))
    if rules.test_rule("cases.attach_document", scope, case):
        actions.append(Action("Add a document", url("cases:document-upload", reference=reference)))
    if rules.test_rule("cases.link_cases", scope, case):
        actions.append(Action("Link to another case", url("cases:link", reference=reference)))
    actions.extend(_family_actions(case, scope, url))
    return actions


def _family_actions(case: Case, scope: Scope, url: Any) -> list[Action]:
    """While the family is still to be told a decision, those who record it are offered it (§5.3, §8.6)."""
    if selectors.case_family_to_tell(case=case) is None or not rules.test_rule("cases.record_family_told", scope, case):
        return []
    reference = case.reference
    return [
        Action("Record that the family was told", url("cases:family-told", reference=reference), section="§5.3"),
        Action("Record why the family has not been told yet", url("cases:family-not-yet-told", reference=reference)),
    ]


_DUTY_DONE_AS = {
    AssessedDuty.NOTIFY_PANEL.value: DutyKind.PANEL_NOTIFIED,
    AssessedDuty.INFORM_SAFEGUARDING_PARTNERS.value: DutyKind.PARTNERS_INFORMED,
    AssessedDuty.NOTIFY_SOS_AND_OFSTED.value: DutyKind.SOS_OFSTED_NOTIFIED,
}


def case_record_page(*, case: Case, scope: Scope, url: Any) -> CaseRecordPage:
    """The notification and the decisions on it, with the reasons typed for this person where they may read them."""
    reveal = _reveal(case, scope)
    named = selectors.case_named_lists(case=case, reveal=reveal)
    assessment = case.assessment or {}
    done = {record.kind for record in selectors.case_duties(case=case)}
    duties = []
    for duty in assessment.get("duties", []):
        kind = duty.get("kind", "")
        recorded = _DUTY_DONE_AS.get(kind)
        duties.append(
            {
                "title": _DUTY_TITLES.get(kind, kind),
                "reason": duty.get("reason", ""),
                "section": duty.get("section", ""),
                "done": "Done" if recorded in done else ("" if recorded is None else "Not recorded yet"),
            }
        )
    return CaseRecordPage(
        case=case,
        header=case_header(case=case, current="cases:record", url=url, scope=scope),
        assessment=assessment,
        duties=duties,
        la_decisions=selectors.case_la_decisions(case=case, reveal=reveal),
        parallel_processes=named["parallel_processes"],
        organisations=_organisations(case, named["agencies_involved"]),
        family=selectors.case_family_records_revealed(case=case, reveal=reveal),
    )


def case_history_page(*, case: Case, scope: Scope, url: Any) -> CaseHistoryPage:
    return CaseHistoryPage(
        case=case,
        header=case_header(case=case, current="cases:history", url=url, scope=scope),
        timeline=selectors.case_timeline(case=case, reveal=_reveal(case, scope)),
    )


def case_documents_page(*, case: Case, scope: Scope, url: Any) -> CaseDocumentsPage:
    return CaseDocumentsPage(
        case=case,
        header=case_header(case=case, current="cases:documents", url=url, scope=scope),
        documents=selectors.case_documents(case=case, reveal=_reveal(case, scope)),
        links=[link for link in selectors.case_links(case=case, scope=scope) if link.kind != "possible_duplicate"],
        can_download=rules.test_rule("cases.download_document", scope, case),
        can_upload=rules.test_rule("cases.attach_document", scope, case),
        can_link=rules.test_rule("cases.link_cases", scope, case),
    )


def _organisations(case: Case, agencies_named: list[str]) -> list[tuple[str, str]]:
    rows = [("Notified by" if not case.as_referral else "Referred by", str(case.submitted_by_organisation or ""))]
    rows.append(
        ("Notifier", f"{case.notifier_name}, {case.notifier_role} ({case.notifier_email}, {case.notifier_phone})")
    )
    if agencies_named:
        rows.append(("Agencies involved", ", ".join(agencies_named)))
    labels = dict(RELATIONSHIP_CHOICES)
    household = [
        labels.get(relationship, relationship) for relationship in selectors.case_household_relationships(case=case)
    ]
    # By relationship only: names and addresses are on the identifying-details page.
    rows.append(("Parents, carers and household", ", ".join(household) if household else "None recorded"))
    return rows


def duty_kinds_for(case: Case, clocks: list[selectors.ClockRow]) -> list[tuple[str, str]]:
    """The duties that can still be recorded: their clock applies and is not met (other areas: always)."""
    open_clocks = {clock.clock_id for clock in clocks if clock.applicable and clock.met_on is None}
    kinds = []
    for kind, label in DutyKind.choices:
        clock_id = DUTY_CLOCKS[kind]
        if clock_id is None or clock_id in open_clocks:
            kinds.append((kind, label))
    return kinds


@dataclass
class CaseProcessesPage:
    """The register of the case's parallel processes (§8.8, §9), the words for a reader allowed them."""

    case: Case
    header: CaseHeader
    processes: list[ProcessRow]
    can_record: bool


def case_processes_page(*, case: Case, scope: Scope, url: Any) -> CaseProcessesPage:
    reveal = _reveal(case, scope)
    return CaseProcessesPage(
        case=case,
        header=case_header(case=case, current="cases:processes", url=url, scope=scope),
        processes=case_processes(case=case, reveal=reveal),
        can_record=rules.test_rule("cases.record_parallel_processes", scope, case),
    )
