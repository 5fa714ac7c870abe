"""Reading cases. :func:`cases_visible` is THE scoping function for case data: every read starts from it."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.calendars.selectors import partnership_calendar, partnership_calendar_and_preset, partnership_preset
from cspr.cases.models import (
    FAMILY_MOMENTS,
    FAMILY_MUST_HEAR,
    Case,
    CaseAccess,
    CaseClock,
    CaseDocument,
    CaseLink,
    CaseTransition,
    Child,
    DutyKind,
    DutyRecord,
    FamilyDecision,
    FamilyNotYetTold,
    FamilyTold,
    HouseholdMember,
    LocalAuthorityDecision,
)
from cspr.domain.calendar import WorkingCalendar
from cspr.domain.clocks import Basis, ClockDue, ClockStatus, clock_status, days_left_words
from cspr.domain.letters import LETTERS, SENDING_METHODS, long_date
from cspr.domain.lifecycle import PathPart, Stage, path_taken
from cspr.domain.presets import UnknownClockError
from cspr.domain.reviewers import ACCESS_STAGES
from cspr.domain.roles import Role
from cspr.kernel.kit import pseudonyms_text
from cspr.partnerships.scoping import Scope

__all__ = [
    "ClockRow",
    "TimelineEntry",
    "case_clocks",
    "case_documents",
    "case_get",
    "case_la_decisions",
    "case_links",
    "case_list",
    "case_path",
    "case_stages_went",
    "case_timeline",
    "case_years",
    "cases_search",
    "cases_visible",
]

# Roles that see every case of their partnership. Agency contributors see only their organisation's cases; a reviewer
# sees only the cases they were commissioned for, while their grant is open (ADR 0020).
_LIMITED_ROLES = frozenset({Role.AGENCY_CONTRIBUTOR, Role.REVIEWER})
_ACCESS_STAGES = sorted(stage.value for stage in ACCESS_STAGES)


def _sees_every_case(scope: Scope, partnership_id: int) -> bool:
    """Whether ``cases_visible`` gives this scope every case of the partnership (a role beyond the limited ones)."""
    return scope.can_see_partnership(partnership_id) and bool(scope.roles_in(partnership_id) - _LIMITED_ROLES)


def open_access_grants(*, user_id: int | None, today: date | None = None) -> QuerySet[CaseAccess]:
    """The person's case access grants that are open today: not ended, their end date not reached, given to them or
    to the invitation that became their account. The case's stage is checked by :func:`cases_visible`."""
    if user_id is None:
        return CaseAccess.objects.none()
    today = today or timezone.localdate()
    return CaseAccess.objects.filter(
        Q(user_id=user_id) | Q(user__isnull=True, invitation__accepted_by_id=user_id),
        Q(ends_on__isnull=True) | Q(ends_on__gt=today),
        ended_at__isnull=True,
    )


def cases_visible(*, scope: Scope, partnership_id: int) -> QuerySet[Case]:
    """The cases of ``partnership_id`` this scope may see (none unless the scope holds a membership there)."""
    if not scope.can_see_partnership(partnership_id):
        return Case.objects.none()
    roles = scope.roles_in(partnership_id)
    cases = Case.objects.filter(partnership_id=partnership_id)
    if _sees_every_case(scope, partnership_id):
        return cases
    reaches: list[Q] = []
    if Role.AGENCY_CONTRIBUTOR in roles:
        organisations = scope.organisation_ids_in(partnership_id, roles=[Role.AGENCY_CONTRIBUTOR])
        involved = Case.involved_organisations.through.objects.filter(organisation_id__in=organisations).values(
            "case_id"
        )
        reaches.append(
            Q(created_by_id=scope.user_id) | Q(submitted_by_organisation_id__in=organisations) | Q(id__in=involved)
        )
    if Role.REVIEWER in roles:
        # Only the cases they were commissioned for, while the grant is open and the local review runs (§6.2, §7.4).
        granted = open_access_grants(user_id=scope.user_id).filter(granted_for=CaseAccess.GrantedFor.REVIEWER)
        reaches.append(Q(id__in=granted.values("case_id"), stage__in=_ACCESS_STAGES))
    if not reaches:
        return Case.objects.none()
    return cases.filter(functools.reduce(operator.or_, reaches))


def case_reviewed_by(*, scope: Scope, case: Case) -> bool:
    """Whether this person is the case's commissioned reviewer now: an open reviewer's grant for this case while the
    local review runs (§6.2, §7.4), as :func:`cases_visible` reads it (the stage from the database, not from a case
    object that may be older than a write). The reviewer's role counts on this case alone, whatever other role lets
    them see it: a contributor who is also another case's reviewer is no reviewer here. Read once per page (the
    read-only case page) or once per call."""

    def load() -> bool:
        granted = open_access_grants(user_id=scope.user_id).filter(
            case_id=case.pk, case__stage__in=_ACCESS_STAGES, granted_for=CaseAccess.GrantedFor.REVIEWER
        )
        return granted.exists()

    return case_page_rows(case, f"reviewed_by:{scope.user_id}", load)


# The attribute on a case loaded by ``case_get`` naming the scope it was found visible to, so that the permission
# checks on the same page do not ask the database again (a scope is immutable, so equal scopes see the same cases).
_VISIBLE_TO = "_cspr_visible_to"


def case_get(
    *,
    scope: Scope,
    partnership_id: int,
    reference: str,
    related: Iterable[str] = (),
    annotations: Mapping[str, Any] | None = None,
) -> Case | None:
    """One visible case by its reference (``None`` when it does not exist or this scope may not see it).

    ``related`` (one-to-one rows, for ``select_related``) and ``annotations`` are read in the same query, for a page
    that shows them (:func:`cspr.cases.panels.case_page_reads`); they add to what is read, never to what is found.
    """
    case = (
        cases_visible(scope=scope, partnership_id=partnership_id)
        .filter(reference=reference)
        .select_related("partnership", "created_by", "submitted_by_organisation", *related)
        .annotate(**(annotations or {}))
        .first()
    )
    if case is not None:
        setattr(case, _VISIBLE_TO, scope)
    return case


# -- one read per page -------------------------------------------------------------------------------------------
# A page that only reads (the case page) marks its case with :func:`case_for_page`; the rows below are then read
# once and shared by every part of the page (summary, timeline, panels, permission checks). Without the mark each
# call reads afresh, so a service that writes and reads again never sees stale rows.

_PAGE_ROWS = "_cspr_page_rows"


def case_for_page(case: Case) -> Case:
    """Mark a case loaded for a read-only page, so the page's parts share the rows they read."""
    setattr(case, _PAGE_ROWS, {})
    return case


def case_is_for_page(case: Case) -> bool:
    return getattr(case, _PAGE_ROWS, None) is not None


def case_page_rows(case: Case, key: str, load: Any) -> Any:
    """``load()``, read once per page when the case is marked by :func:`case_for_page` (other apps' selectors share
    the mark through this function, with keys of their own)."""
    rows = getattr(case, _PAGE_ROWS, None)
    if rows is None:
        return load()
    if key not in rows:
        rows[key] = load()
    return rows[key]


# The household's relationships, read with the case on the case page as one text of "position:relationship" lines.
_HOUSEHOLD = "_cspr_household_relationships"


def case_page_annotations() -> dict[str, Any]:
    """What the case pages read with their case in the same query (:func:`case_get`), besides the panels' reads: the
    household's relationships (shown by relationship only), so that the household is not read apart, the stages it
    went through (its path), and whether the local authority's decision is recorded and notified the Panel (what the
    case may do next depends on it)."""
    rows = _lines(HouseholdMember, "position", "relationship")
    # Its transitions, by id (the order they were recorded: SQLite cannot order inside the aggregate).
    moves = _lines(CaseTransition, "id", "from_stage", "to_stage")
    # The local authority's decision that stands (the latest): whether it notified the Panel; NULL when none.
    decisions = LocalAuthorityDecision.objects.filter(case=OuterRef("pk"))
    standing = decisions.order_by("-recorded_at", "-id").values("notify_panel")
    return {
        _HOUSEHOLD: rows,
        _MOVES: moves,
        _LA_STANDING: Subquery(standing[:1]),
        **family_annotations(),
    }


def _lines(model: Any, number: str, *columns: str) -> Subquery:
    """One text of a case's rows of ``model``, a line of "number:column:…" each (their order is the number's)."""
    parts: list[Any] = [Cast(number, CharField())]
    for column in columns:
        parts += [Value(":"), column]
    rows = model.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return Subquery(rows.annotate(rows=StringAgg(Concat(*parts), delimiter=Value("\n"))).values("rows"))


_LA_STANDING = "_cspr_la_decision_notifies_panel"
_MOVES = "_cspr_case_moves"


@dataclass(frozen=True)
class LaDecisionState:
    """Whether the local authority's decision is recorded, and whether the one that stands notified the Panel."""

    recorded: bool
    notify_panel: bool


def case_la_decision_state(*, case: Case) -> LaDecisionState:
    """As read with the case on a case page (:func:`case_page_annotations`), else from the decisions' rows."""
    if case_is_for_page(case) and hasattr(case, _LA_STANDING):
        standing = getattr(case, _LA_STANDING)
        return LaDecisionState(recorded=standing is not None, notify_panel=bool(standing))
    decisions = case_la_decision_rows(case=case)
    return LaDecisionState(recorded=bool(decisions), notify_panel=bool(decisions) and decisions[-1].notify_panel)


def case_household_relationships(*, case: Case) -> list[str]:
    """The relationships to the child of the household's members, in order (codes; names and addresses are on the
    identifying-details page): as read with the case on the case page, else read now."""
    if case_is_for_page(case) and hasattr(case, _HOUSEHOLD):
        lines = [line.split(":", 1) for line in (getattr(case, _HOUSEHOLD) or "").split("\n") if line]
        return [relationship for _position, relationship in sorted(lines, key=lambda line: int(line[0]))]
    members = HouseholdMember.objects.filter(case=case).order_by("position")
    return list(members.values_list("relationship", flat=True))


def case_children(*, case: Case) -> list[Child]:
    return case_page_rows(case, "children", lambda: list(Child.objects.filter(case=case).order_by("position")))


def case_pseudonyms_text(*, case: Case) -> str:
    """How a message names the case's children ("Child A, Child B"): pseudonyms only, never names. Uses the
    children a caller prefetched (the reminder sweep does), otherwise one query."""
    return pseudonyms_text(child.pseudonym for child in case.children.all())


def case_clock_rows(*, case: Case) -> list[CaseClock]:
    """The case's clock rows in the preset's order."""
    return case_page_rows(case, "clocks", lambda: list(CaseClock.objects.filter(case=case).order_by("position")))


def case_clock_due(*, case: Case, clock_id: str) -> date | None:
    """The date the case's clock ``clock_id`` is due by now (its extension's, once one is agreed), from the rows the
    case page shares; ``None`` when the case has no such clock, it does not apply, or it has no date yet."""
    for clock in case_clock_rows(case=case):
        if clock.clock_id == clock_id:
            return clock.effective_due if clock.applicable else None
    return None


def case_preset(*, case: Case) -> Any:
    """The case's preset with the partnership's own clock lengths."""
    if case_is_for_page(case):
        return _page_calendar_and_preset(case)[1]
    return partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)


def case_calendar(*, case: Case) -> WorkingCalendar:
    """The working calendar of the case's partnership (bank holidays and its closure days)."""
    if case_is_for_page(case):
        return _page_calendar_and_preset(case)[0]
    return partnership_calendar(partnership_id=case.partnership_id)


def case_calendar_and_preset(*, case: Case) -> tuple[WorkingCalendar, Any]:
    """:func:`case_calendar` and :func:`case_preset` together: as the case page read them once, else in one query
    (an app's page that counts its own dated targets as the clocks count, with the clocks' "due soon" days)."""
    if case_is_for_page(case):
        return _page_calendar_and_preset(case)
    return partnership_calendar_and_preset(partnership_id=case.partnership_id, preset_name=case.preset)


def _page_calendar_and_preset(case: Case) -> tuple[WorkingCalendar, Any]:
    # The page needs both: one query for the two (four tables) instead of one per table.
    return case_page_rows(
        case,
        "calendar_and_preset",
        lambda: partnership_calendar_and_preset(partnership_id=case.partnership_id, preset_name=case.preset),
    )


def case_la_decision_rows(*, case: Case) -> list[LocalAuthorityDecision]:
    """The local authority's decisions, oldest first (the last is the one that stands)."""
    return case_page_rows(
        case,
        "la_decisions",
        lambda: list(
            LocalAuthorityDecision.objects.filter(case=case)
            .select_related("decided_by", "decided_by_organisation")
            .order_by("recorded_at", "id")
        ),
    )


def case_last_transition_into(*, case: Case, stage: str) -> str | None:
    """The name of the latest transition that brought the case into ``stage`` (``None`` if it never got there): how
    the case came to a stage, for an app that starts its record there (the local review's route)."""
    return (
        CaseTransition.objects.filter(case=case, to_stage=stage)
        .order_by("-at", "-id")
        .values_list("transition", flat=True)
        .first()
    )


def case_is_visible(*, scope: Scope, case: Case) -> bool:
    """Whether this scope may see the case: known without a query when ``case_get`` found it for the same scope."""
    if getattr(case, _VISIBLE_TO, None) == scope:
        return True
    return cases_visible(scope=scope, partnership_id=case.partnership_id).filter(pk=case.pk).exists()


def cases_search(
    *, scope: Scope, partnership_id: int, stage: str = "", year: int | None = None, query: str = ""
) -> QuerySet[Case]:
    """The case list: visible cases filtered by stage and year, searched by reference or pseudonym, newest first.

    Pseudonyms repeat across cases ("Child A"), so a pseudonym search narrows to cases having that pseudonym. The
    match is on case ids in a subquery, never a join with ``DISTINCT`` (which would compare every column, the wide
    sealed ones included). Both matches ignore case on every database (``UPPER(…) LIKE UPPER(…)``).
    """
    cases = cases_visible(scope=scope, partnership_id=partnership_id)
    if stage:
        cases = cases.filter(stage=stage)
    if year:
        cases = cases.filter(year=year)
    query = query.strip()
    if query:
        named = Child.objects.filter(pseudonym__iexact=query).values("case_id")
        cases = cases.filter(Q(reference__icontains=query) | Q(id__in=named))
    return cases.select_related("partnership").order_by("-submitted_at", "-id")


# What a row of the case list shows: the rest of a case (sealed text above all) stays in the database.
CASE_LIST_COLUMNS = ("id", "reference", "stage", "as_referral", "submitted_at")


def case_list(
    *, scope: Scope, partnership_id: int, stage: str = "", year: int | None = None, query: str = ""
) -> QuerySet[Case]:
    """:func:`cases_search` with only the columns the case list shows, and each case's pseudonyms (one query)."""
    pseudonyms = Prefetch("children", queryset=Child.objects.only("id", "case_id", "pseudonym").order_by("position"))
    return (
        cases_search(scope=scope, partnership_id=partnership_id, stage=stage, year=year, query=query)
        .select_related(None)
        .only(*CASE_LIST_COLUMNS)
        .prefetch_related(pseudonyms)
    )


def open_cases_with_children(
    *, partnership_id: int, identity_hashes: set[str], closed_stages: frozenset[str]
) -> QuerySet[Case]:
    """The partnership's open cases with a child of one of these keyed identity hashes (never names in clear).

    A system check run at submission for the duplicate warning, not a person's view: it is not scoped to anyone,
    and what it finds is shown only to those who may link cases.
    """
    return (
        Case.objects.filter(partnership_id=partnership_id, children__identity_hash__in=identity_hashes)
        .exclude(stage__in=sorted(closed_stages))
        .distinct()
        .order_by("id")
    )


def case_years(*, scope: Scope, partnership_id: int) -> list[int]:
    """The years of the visible cases, newest first, for the list's filter: one ``SELECT DISTINCT year``."""
    visible = cases_visible(scope=scope, partnership_id=partnership_id)
    return list(visible.order_by("-year").values_list("year", flat=True).distinct())


# -- clocks ------------------------------------------------------------------------------------------------------

STATUS_COLOURS: dict[ClockStatus, str] = {
    ClockStatus.NOT_STARTED: "govuk-tag--grey",
    ClockStatus.RUNNING: "govuk-tag--blue",
    ClockStatus.DUE_SOON: "govuk-tag--yellow",
    ClockStatus.OVERDUE: "govuk-tag--red",
    ClockStatus.MET: "govuk-tag--green",
    ClockStatus.MET_LATE: "govuk-tag--orange",
    ClockStatus.ENDED_EARLY: "govuk-tag--purple",
    ClockStatus.NOT_APPLICABLE: "govuk-tag--grey",
    ClockStatus.CANNOT_COMPUTE: "govuk-tag--grey",
}


@dataclass(frozen=True)
class ClockRow:
    """One clock on the case page (and in the API): the due date, the rule in words and where it stands."""

    clock_id: str
    title: str
    start: date
    due: date
    effective_due: date
    sentence: str
    section: str
    basis: str
    basis_label: str
    status: ClockStatus
    status_label: str
    colour: str
    working_days_left: int | None
    met_on: date | None
    late_reason: str
    provisional: bool
    applicable: bool
    extended_to: date | None
    extension_reason: str
    extension_agreed_by: str
    late_reason_recorded: bool = False
    status_note: str = ""
    """What could not be worked out, in words (a date beyond the working-day calendar), or empty."""

    @property
    def is_open(self) -> bool:
        return self.status in (ClockStatus.RUNNING, ClockStatus.DUE_SOON, ClockStatus.OVERDUE)

    @property
    def days_left_words(self) -> str:
        left = self.working_days_left
        if left is None or not self.is_open:
            return ""
        return days_left_words(left)


_CLOCK_COPIED = (
    "clock_id",
    "title",
    "start",
    "due",
    "effective_due",
    "sentence",
    "section",
    "basis",
    "met_on",
    "provisional",
    "applicable",
    "extended_to",
)
"""The fields of a clock's row shown as the clock holds them."""


def case_clocks(*, case: Case, today: date, reveal: bool = False) -> list[ClockRow]:
    """The case's clocks in the preset's order, with their status on ``today``.

    The reasons (late, extension, who agreed) are sealed free text: with ``reveal`` they are decrypted (the caller
    has checked ``cases.read_free_text``; the read is audited), otherwise they are replaced by :data:`WITHHELD`.
    """
    calendar = case_calendar(case=case)
    preset = case_preset(case=case)
    rows = []
    for clock in case_clock_rows(case=case):
        try:
            rule = preset.rule(clock.clock_id)
        except UnknownClockError:  # a clock from a rule since removed: show it as recorded
            continue
        due = ClockDue(
            rule=rule, start=clock.start, due=clock.effective_due, applicable=clock.applicable, provisional=False
        )
        reading = clock_status(
            due,
            today=today,
            calendar=calendar,
            met_on=clock.met_on,
            applicable=clock.applicable,
            due_soon_days=preset.due_soon_days,
        )
        rows.append(
            ClockRow(
                **_copied(clock, _CLOCK_COPIED),
                basis_label=Basis(clock.basis).label,
                status=reading.status,
                status_label=reading.status.label,
                colour=STATUS_COLOURS[reading.status],
                working_days_left=reading.working_days_left,
                status_note=reading.note,
                late_reason=_text(clock, "late_reason", reveal),
                extension_reason=_text(clock, "extension_reason", reveal),
                extension_agreed_by=_text(clock, "extension_agreed_by", reveal),
                late_reason_recorded=clock.is_recorded("late_reason"),
            )
        )
    return rows


# -- the lifecycle path ------------------------------------------------------------------------------------------


def case_stages_went(*, case: Case) -> list[Stage]:
    """Every stage the case was in, in the order its transitions were recorded: the first one's source, then each
    one's target (just its stage when it has not moved). As read with the case on the case page, else read now."""
    if case_is_for_page(case) and hasattr(case, _MOVES):
        moves = [line.split(":") for line in (getattr(case, _MOVES) or "").split("\n") if line]
        pairs = [(source, target) for _id, source, target in sorted(moves, key=lambda move: int(move[0]))]
    else:
        pairs = list(CaseTransition.objects.filter(case=case).order_by("id").values_list("from_stage", "to_stage"))
    went = [Stage(pairs[0][0])] if pairs else []
    went.extend(Stage(target) for _source, target in pairs)
    return went or [Stage(case.stage)]


def case_path(*, case: Case) -> tuple[PathPart, ...]:
    """The way the case went through the procedure's flowcharts, where it is and what usually comes next."""
    return path_taken(case.stage, case_stages_went(case=case))


# -- decisions, documents, links -----------------------------------------------------------------------------------

WITHHELD = "Recorded (the words are shown only to those working on the case)"


def _copied(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """The values of ``names`` on ``row``, for a view row whose fields have the same names."""
    return {name: getattr(row, name) for name in names}


def sealed_words(row: Any, field: str, *, reveal: bool) -> str:
    """A sealed free-text value for a reader who may read it, else whether one was recorded (never the words): for
    every app's selectors of a case's rows."""
    if not row.is_recorded(field):
        return ""
    return str(row.unseal(field)) if reveal else WITHHELD


def _text(row: Any, field: str, reveal: bool) -> str:
    return sealed_words(row, field, reveal=reveal)


def person_name(user: object) -> str:
    """How a person who recorded something is named on a page: their full name, else their e-mail address."""
    return str(getattr(user, "full_name", "") or getattr(user, "email", ""))


@dataclass(frozen=True)
class LaDecisionRow:
    notify_panel: bool
    decided_on: date
    reason: str
    decided_by: Any
    decided_by_organisation: Any
    on_behalf_of_la: bool
    la_officer_name: str
    la_officer_role: str
    recorded_at: datetime


_LA_DECISION_COPIED = tuple(field.name for field in fields(LaDecisionRow) if field.name != "reason")
"""Every field of a decision's row but its sealed reason is shown as the decision holds it."""


def case_la_decisions(*, case: Case, reveal: bool = False) -> list[LaDecisionRow]:
    """The local authority's decisions, oldest first; the reason only with ``reveal`` (see :func:`case_clocks`)."""
    return [
        LaDecisionRow(reason=_text(decision, "reason", reveal), **_copied(decision, _LA_DECISION_COPIED))
        for decision in case_la_decision_rows(case=case)
    ]


@dataclass(frozen=True)
class DocumentRow:
    uuid: Any
    title: str
    content_type: str
    size: int
    uploaded_on: date


def case_documents(*, case: Case, reveal: bool = False) -> list[DocumentRow]:
    """The case's documents; a title (which may name people) only with ``reveal``, else "Document <n>"."""
    return [
        DocumentRow(
            uuid=document.uuid,
            title=document.stored_file.unseal("title") if reveal else f"Document {number}",
            content_type=document.stored_file.content_type,
            size=document.stored_file.size,
            uploaded_on=document.stored_file.uploaded_on,
        )
        for number, document in enumerate(CaseDocument.objects.filter(case=case).select_related("stored_file"), start=1)
    ]


def case_named_lists(*, case: Case, reveal: bool = False) -> dict[str, list[str]]:
    """The agencies and parallel processes as the notifier named them (sealed lists), only with ``reveal``."""
    return {
        name: (case.unseal_list(name) if reveal else [WITHHELD] if case.is_recorded(name) else [])
        for name in ("agencies_involved", "parallel_processes")
    }


def case_document_number(*, case: Case, document: CaseDocument) -> int:
    """The document's place in the case's list (1, 2, ...: the list's order, by upload time), for a neutral name."""
    uploaded_at = document.stored_file.uploaded_at
    return CaseDocument.objects.filter(case=case, stored_file__uploaded_at__lt=uploaded_at).count() + (
        CaseDocument.objects.filter(case=case, stored_file__uploaded_at=uploaded_at, id__lte=document.id).count()
    )


def case_document_get(*, case: Case, document_uuid: str) -> CaseDocument | None:
    try:
        return CaseDocument.objects.filter(case=case, uuid=document_uuid).select_related("stored_file").first()
    except (ValueError, TypeError):
        return None


def case_links(*, case: Case, scope: Scope | None = None) -> list[CaseLink]:
    """Links from this case; a linked case of another partnership is never named (only the partnership).

    With ``scope``, only links to cases that person may see (an agency contributor sees fewer cases).
    """
    links = CaseLink.objects.filter(case=case).filter(
        Q(other_case__isnull=True) | Q(other_case__partnership_id=case.partnership_id)
    )
    if scope is not None and not _sees_every_case(scope, case.partnership_id):
        visible = cases_visible(scope=scope, partnership_id=case.partnership_id)
        limited = links.filter(Q(other_case__isnull=True) | Q(other_case__in=visible))
        return list(limited.select_related("other_case", "other_partnership"))
    return case_page_rows(case, "links", lambda: list(links.select_related("other_case", "other_partnership")))


def case_open_duplicate_warnings(*, case: Case) -> list[CaseLink]:
    return [
        link for link in case_links(case=case) if link.kind == CaseLink.Kind.POSSIBLE_DUPLICATE and not link.resolved_at
    ]


def case_duties(*, case: Case) -> list[DutyRecord]:
    duties = DutyRecord.objects.filter(case=case).select_related("recorded_by")
    return case_page_rows(case, "duties", lambda: list(duties))


# -- the timeline ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    by: str
    detail: str = ""

    @property
    def when(self) -> str:
        """The time in Europe/London as GOV.UK writes it: 18 December 2026 at 4:05pm."""
        local = timezone.localtime(self.at)
        hour = local.hour % 12 or 12
        return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


_AUDIT_TITLES: dict[str, str] = {
    "case.clock_extended": "Clock extended",
    "case.document_attached": "Document added",
    "case.document_downloaded": "Document downloaded",
    "case.identifying_details_viewed": "Identifying details viewed",
    "case.linked": "Cases linked",
    "case.duplicate_dismissed": "Possible duplicate dismissed",
    "case.organisations_involved": "Organisations asked became involved in the case",
    "rapid_review.action_resolved": "Learning action ended",
    "case.family_told": "The family was told",
    "case.family_not_yet_told": "Why the family has not been told yet recorded",
    "letter.sent": "Letter recorded as sent",
}
_ACTION_ENDINGS = {"done": "done", "closed": "closed without being done"}

_TRANSITION_TITLES: dict[str, str] = {
    "assess": "{who} recorded the notification assessment",
    "start_rapid_review": "{who} started the rapid review",
    "record_not_notifiable": "{who} recorded that the incident is not notifiable",
    "reassess": "{who} reopened the assessment of the notification",
    "choose_discretionary_review": "{who} chose a discretionary local review",
    "withdraw": "{who} withdrew the case",
    "reopen": "{who} reopened the case",
    "close": "{who} closed the case",
    "start_learning_and_actions": "{who} moved the case to learning and actions",
}


@dataclass(frozen=True)
class ClosedNote:
    """When a closed case closed and who closed it (the reason is on the history page, with the other reasons)."""

    on: date
    by: str
    role: str


def case_closed_note(*, case: Case) -> ClosedNote | None:
    """For a case at a closed stage, the move that closed it; ``None`` for an open case (no query)."""
    if not case.is_closed:
        return None
    row = CaseTransition.objects.filter(case=case, to_stage=case.stage).select_related("actor").order_by("-at").first()
    if row is None:
        return None
    role = Role(row.actor_role).label if row.actor_role in Role else ""
    return ClosedNote(on=timezone.localtime(row.at).date(), by=_who(row.actor), role=role)


def _who(user: object, fallback: str = "The service") -> str:
    return str(user) if user is not None else fallback


def case_timeline(*, case: Case, reveal: bool = False) -> list[TimelineEntry]:
    """Everything that happened to the case, newest first, in words; reasons only with ``reveal``."""
    entries: list[TimelineEntry] = [
        TimelineEntry(
            at=case.submitted_at,
            title="Referral received from an agency" if case.as_referral else "Serious incident notification received",
            by=_who(case.created_by),
            detail=str(case.submitted_by_organisation or ""),
        )
    ]
    for transition in CaseTransition.objects.filter(case=case).select_related("actor"):
        template = _TRANSITION_TITLES.get(transition.transition, "{who} moved the case on")
        entries.append(
            TimelineEntry(
                at=transition.at,
                title=template.format(who=Role(transition.actor_role).label if transition.actor_role else "Someone"),
                by=_who(transition.actor),
                detail=(
                    f"{Stage(transition.from_stage).label} → {Stage(transition.to_stage).label}"
                    + (f". Reason: {_text(transition, 'reason', reveal)}" if transition.is_recorded("reason") else "")
                ),
            )
        )
    for decision in case_la_decision_rows(case=case):
        outcome = "to notify the Panel" if decision.notify_panel else "not to notify the Panel"
        on_behalf = (
            f" (recorded by the business unit for {decision.la_officer_name}, {decision.la_officer_role})"
            if decision.on_behalf_of_la
            else ""
        )
        entries.append(
            TimelineEntry(
                at=decision.recorded_at,
                title=f"The local authority decided {outcome}",
                by=_who(decision.decided_by),
                detail=(
                    f"Decided on {decision.decided_on:%-d %B %Y}{on_behalf}. "
                    f"Reason: {_text(decision, 'reason', reveal)}"
                ),
            )
        )
    for duty in case_duties(case=case):
        detail = f"On {duty.done_on:%-d %B %Y}"
        if duty.panel_reference:
            detail += f", Panel reference {duty.panel_reference}"
        if duty.is_recorded("other_area"):
            detail += f" ({_text(duty, 'other_area', reveal)})"
        if duty.is_recorded("late_reason"):
            detail += f". Late because: {_text(duty, 'late_reason', reveal)}"
        entries.append(
            TimelineEntry(
                at=duty.recorded_at, title=DutyKind(duty.kind).label, by=_who(duty.recorded_by), detail=detail
            )
        )
    events = AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), verb__in=list(_AUDIT_TITLES)
    ).select_related("actor")
    for event in events:
        detail = ""
        if event.verb == "case.clock_extended":
            detail = f"{event.details.get('clock_id', '')} to {event.details.get('extended_to', '')}"
        elif event.verb == "case.identifying_details_viewed":
            detail = f"Purpose: {event.details.get('purpose_label', '')}"
        elif event.verb == "rapid_review.action_resolved":
            ending = _ACTION_ENDINGS.get(event.details.get("outcome", ""), "")
            day = date.fromisoformat(str(event.details.get("resolved_on", "")))
            detail = f"Action {event.details.get('action', '')}: {ending} on {day.day} {day:%B %Y}"
        elif event.verb == "letter.sent":
            detail = _letter_sent(event.details)
        # A link's other case is named only under "Linked cases", to those who may see it.
        entries.append(
            TimelineEntry(at=event.occurred_at, title=_AUDIT_TITLES[event.verb], by=_who(event.actor), detail=detail)
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _letter_sent(details: dict[str, Any]) -> str:
    """A letter recorded as sent, in words: which (the catalogue's title), on what day and how."""
    letter = LETTERS.get(str(details.get("letter", "")))
    day = date.fromisoformat(str(details.get("sent_on", "")))
    method = SENDING_METHODS.get(str(details.get("method", "")), "")
    return f"{letter.title if letter else details.get('letter', '')}: sent on {long_date(day)} ({method})"


# -- telling the family (§5.3, §8.6) -----------------------------------------------------------------------------------
# The case pages read, with the case, when the latest decision the family must hear was made and when the family was
# last told (or a reason recorded why not yet), so that the overview says whether they are still to be told.

_FAMILY = (
    "_cspr_family_decided_at",
    "_cspr_family_decided_stage",
    "_cspr_family_told_at",
    "_cspr_family_waiting_at",
    "_cspr_family_reopened_at",
)


def _reopenings(case: Any) -> QuerySet[CaseTransition]:
    return CaseTransition.objects.filter(case=case, transition="reopen").order_by("-at", "-id")


def case_reopened_at(*, case: Case) -> datetime | None:
    """When the case was last reopened, or ``None`` if it never was (what a reopening undoes or restarts)."""
    return _reopenings(case).values_list("at", flat=True).first()


def family_annotations() -> dict[str, Any]:
    """The five values :func:`case_family_to_tell` needs, as subqueries on the case."""
    decided = CaseTransition.objects.filter(case=OuterRef("pk"), to_stage__in=list(FAMILY_MUST_HEAR))
    decided = decided.order_by("-at", "-id")
    told = FamilyTold.objects.filter(case=OuterRef("pk")).order_by("-recorded_at", "-id")
    waiting = FamilyNotYetTold.objects.filter(case=OuterRef("pk")).order_by("-recorded_at", "-id")
    values = (
        decided.values("at"),
        decided.values("to_stage"),
        told.values("recorded_at"),
        waiting.values("recorded_at"),
        _reopenings(OuterRef("pk")).values("at"),
    )
    return {name: Subquery(query[:1]) for name, query in zip(_FAMILY, values, strict=True)}


@dataclass(frozen=True)
class FamilyToTell:
    """The family is still to be told ``decision`` (made on ``since``, a local date); ``waiting``: a reason why not
    yet is recorded since then."""

    decision: FamilyDecision
    since: date
    waiting: bool


def case_family_to_tell(*, case: Case) -> FamilyToTell | None:
    """What the family is still to be told, or ``None`` when nothing is outstanding: from the moment a decision the
    family must hear is made (``FAMILY_MUST_HEAR``) until a record that they were told follows it. Reopening the
    case undoes the decision (a closure, say), so nothing is outstanding until the next one."""
    if case_is_for_page(case) and hasattr(case, _FAMILY[0]):
        decided_at, stage, told_at, waiting_at, reopened_at = (getattr(case, name) for name in _FAMILY)
    else:
        decided_at, stage, told_at, waiting_at, reopened_at = (
            Case.objects.filter(pk=case.pk).annotate(**family_annotations()).values_list(*_FAMILY).get()
        )
    if decided_at is None or (told_at is not None and told_at >= decided_at):
        return None
    if reopened_at is not None and reopened_at >= decided_at:
        return None
    return FamilyToTell(
        decision=FAMILY_MOMENTS[stage],
        since=timezone.localdate(decided_at),
        waiting=waiting_at is not None and waiting_at >= decided_at,
    )


@dataclass(frozen=True)
class FamilyMoment:
    """A decision the family may be told about, and the day (local) it was made."""

    decision: FamilyDecision
    made_at: datetime

    @property
    def made_on(self) -> date:
        return timezone.localdate(self.made_at)


def case_family_moment(*, case: Case) -> FamilyMoment | None:
    """The latest decision the family may be told about (including the PRG's recommendation), or ``None`` when there
    is none, or the case was reopened since (which undoes it)."""
    moment = (
        CaseTransition.objects.filter(case=case, to_stage__in=list(FAMILY_MOMENTS))
        .order_by("-at", "-id")
        .values_list("to_stage", "at")
        .first()
    )
    if moment is None:
        return None
    stage, at = moment
    reopened = case_reopened_at(case=case)
    if reopened is not None and reopened >= at:
        return None
    return FamilyMoment(FAMILY_MOMENTS[stage], at)


def case_family_told_rows(*, case: Case) -> list[FamilyTold]:
    """Every record that the family was told, oldest first (no sealed text read)."""
    return case_page_rows(case, "family_told", lambda: list(FamilyTold.objects.filter(case=case)))


@dataclass(frozen=True)
class FamilyRecordView:
    """One line of the case's record of telling the family: told, or not yet and why."""

    recorded_at: datetime
    decision: str
    told: bool
    recorded_on: date | None = None
    told_on: date | None = None
    method: str = ""
    told_by: str = ""
    words: str = ""


def case_family_records_revealed(*, case: Case, reveal: bool) -> list[FamilyRecordView]:
    """What the family was told and the reasons they were not told yet, oldest first; the words (what was said, how
    when "other", why not yet) only with ``reveal``. A case page reads neither kind when the case, as read, has
    none."""
    as_read = case_is_for_page(case) and hasattr(case, _FAMILY[2])
    told_rows = FamilyTold.objects.filter(case=case) if not as_read or getattr(case, _FAMILY[2]) else []
    waiting_rows = FamilyNotYetTold.objects.filter(case=case) if not as_read or getattr(case, _FAMILY[3]) else []
    told = [
        FamilyRecordView(
            recorded_at=row.recorded_at,
            decision=row.get_decision_display(),
            told=True,
            told_on=row.told_on,
            method=(row.unseal("method_other") if reveal else WITHHELD)
            if row.method == FamilyTold.Method.OTHER
            else row.get_method_display(),
            told_by=row.told_by,
            words=row.unseal("what_was_said") if reveal else WITHHELD,
        )
        for row in told_rows
    ]
    waiting = [
        FamilyRecordView(
            recorded_at=row.recorded_at,
            recorded_on=timezone.localdate(row.recorded_at),
            decision=row.get_decision_display(),
            told=False,
            words=row.unseal("reason") if reveal else WITHHELD,
        )
        for row in waiting_rows
    ]
    return sorted(told + waiting, key=lambda view: view.recorded_at)


# -- what other apps ask of a case ----------------------------------------------------------------------------------


def case_involved_organisation_ids(*, case: Case) -> frozenset[int]:
    """The organisations the case involves, whose contributors see it (``involved_organisations``): those the
    notification named that the service recognised, and those asked for information or comments since."""
    return frozenset(case.involved_organisations.values_list("id", flat=True))


def case_access_grant_get(*, case: Case, access_id: int | None) -> CaseAccess | None:
    """One access grant on the case (open or ended), with whom it was granted to, or ``None``."""
    if access_id is None:
        return None
    return (
        CaseAccess.objects.filter(case=case, pk=access_id)
        .select_related("user", "invitation__accepted_by", "ended_by")
        .first()
    )


def case_access_is_open(*, access: CaseAccess, case: Case, today: date | None = None) -> bool:
    """Whether the grant reaches the case today: not ended, its end date not reached, the case in the stages it is
    for (the same test as :func:`cases_visible`)."""
    today = today or timezone.localdate()
    return (
        access.ended_at is None
        and (access.ends_on is None or access.ends_on > today)
        and (access.granted_for != CaseAccess.GrantedFor.REVIEWER or case.stage in _ACCESS_STAGES)
    )
