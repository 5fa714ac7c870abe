"""Reading a case's rapid review. Callers pass a case they found through ``cspr.cases.selectors.case_get`` (the one
scoping function) and checked with ``cspr.rapid_reviews.rules``; these functions read only that case's rows.

:func:`review_state` reads everything the case page and the overview need in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q

from cspr.cases import selectors as case_selectors
from cspr.cases.models import Case, CaseClock, CaseTransition, Child, FamilyTold
from cspr.cases.selectors import case_clock_rows, case_page_rows, case_preset
from cspr.domain.criteria import CRITERIA_BY_CODE
from cspr.domain.rapid_review import (
    RapidReviewCheck,
    RapidReviewDraft,
    check_rapid_review,
)
from cspr.partnerships.models import Organisation, PartnershipOrganisation
from cspr.procedure.models import CriterionWording
from cspr.rapid_reviews.models import (
    LearningAction,
    MeetingAttendance,
    MeetingPaper,
    PanelResponse,
    PartnerSignOff,
    PrgDecision,
    PrgMeeting,
    RapidReview,
)
from cspr.rapid_reviews.outline import outline_draft

RAPID_REVIEW_CLOCKS = (
    "prg_meeting",
    "rapid_review_to_executive",
    "executive_ratification",
    "discrepancy_rationale_to_panel",
    "rapid_review_to_panel",
)


def case_children(*, case: Case) -> list[Child]:
    return case_selectors.case_children(case=case)


_OUTCOMES = ("prg_decision", "ratification", "submission", "rationale_sent", "local_review_notice")

# The case's one-to-one rows the case page reads in the same query as the case (registered with the panel in
# ``RapidReviewsConfig.ready``): the review with its outcomes, and the PRG meeting.
CASE_PAGE_RELATED = ("prg_meeting", *(f"rapid_review__{outcome}" for outcome in _OUTCOMES))


def review_get(*, case: Case) -> RapidReview | None:
    """The case's rapid review. On the case page (a case marked for one read-only page), the row read with the case
    (with its one-to-one rows, for :func:`review_state` too); elsewhere a plain read, so that a one-to-one row a
    service adds later is not hidden by a cached absence."""
    if not case_selectors.case_is_for_page(case):
        return RapidReview.objects.filter(case=case).first()
    return case_page_rows(case, "rapid_review", lambda: _review_with_outcomes(case))


def _read_with_page(case: Case, name: str) -> tuple[bool, Any]:
    """``(True, row or None)`` when the case page read this one-to-one row with the case (``CASE_PAGE_RELATED``),
    else ``(False, None)``. Only a case marked for the read-only page counts: any other case reads afresh."""
    if not case_selectors.case_is_for_page(case):
        return False, None
    relation = Case._meta.get_field(name)
    if not relation.is_cached(case):
        return False, None
    return True, relation.get_cached_value(case)


def _review_with_outcomes(case: Case) -> RapidReview | None:
    # A missing one-to-one row raises on access (an AttributeError): ``ReviewState`` reads them with getattr.
    read, review = _read_with_page(case, "rapid_review")
    if read:
        return review
    return RapidReview.objects.filter(case=case).select_related(*_OUTCOMES).first()


def rapid_review_deadlines(*, case: Case, today: date) -> list[case_selectors.ClockRow]:
    """The rapid review's deadlines that apply to the case, in the procedure's order, each with where it stands on
    ``today`` (running, due soon, overdue, met, met late). The reasons stay withheld: the case page shows them."""
    rows = {row.clock_id: row for row in case_selectors.case_clocks(case=case, today=today)}
    return [rows[clock_id] for clock_id in RAPID_REVIEW_CLOCKS if clock_id in rows and rows[clock_id].applicable]


def meeting_get(*, case: Case) -> PrgMeeting | None:
    read, meeting = _read_with_page(case, "prg_meeting")
    if read:
        return meeting
    return PrgMeeting.objects.filter(case=case).first()


def meeting_papers(*, meeting: PrgMeeting | None) -> list[dict[str, Any]]:
    """The meeting's papers for the PRG's readers: their titles are sealed free text, decrypted here (audited)."""
    if meeting is None:
        return []
    return [
        {"uuid": paper.uuid, "title": paper.stored_file.unseal("title"), "uploaded_on": paper.stored_file.uploaded_on}
        for paper in MeetingPaper.objects.filter(meeting=meeting).select_related("stored_file")
    ]


def meeting_late_reason(*, meeting: PrgMeeting | None) -> str:
    return meeting.unseal("late_reason") if meeting is not None else ""


def meeting_paper_get(*, case: Case, paper_uuid: Any) -> MeetingPaper | None:
    return (
        MeetingPaper.objects.filter(meeting__case=case, uuid=paper_uuid)
        .select_related("meeting", "stored_file")
        .first()
    )


def statutory_agencies(*, partnership_id: int) -> list[Organisation]:
    """The partnership's statutory agencies for the PRG (§3.4), by name."""
    links = PartnershipOrganisation.objects.filter(partnership_id=partnership_id, is_statutory_agency=True)
    return [link.organisation for link in links.select_related("organisation").order_by("organisation__name")]


def partnership_agencies(*, partnership_id: int) -> list[Organisation]:
    links = PartnershipOrganisation.objects.filter(partnership_id=partnership_id)
    return [link.organisation for link in links.select_related("organisation").order_by("organisation__name")]


def safeguarding_partners(*, partnership_id: int) -> list[Organisation]:
    """The lead safeguarding partners (local authority, health, police) who each sign off the rapid review."""
    links = PartnershipOrganisation.objects.filter(partnership_id=partnership_id, is_safeguarding_partner=True)
    return [link.organisation for link in links.select_related("organisation").order_by("organisation__name")]


def criterion_texts(*, partnership_id: int) -> dict[str, str]:
    """Each criterion's statement in the partnership's own wording where it has one, else ours."""
    own = dict(CriterionWording.objects.filter(partnership_id=partnership_id).values_list("code", "text"))
    return {code: own.get(code) or criterion.statement for code, criterion in CRITERIA_BY_CODE.items()}


def practice_and_equality_required(*, case: Case) -> bool:
    return bool(case_preset(case=case).practice_episodes_and_equality_required)


def _case_agencies(case: Case) -> tuple[list[Organisation], list[Organisation]]:
    """The partnership's safeguarding partners and its statutory agencies, by name, in one read."""

    def load() -> tuple[list[Organisation], list[Organisation]]:
        links = list(
            PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id)
            .filter(Q(is_safeguarding_partner=True) | Q(is_statutory_agency=True))
            .select_related("organisation")
            .order_by("organisation__name", "id")
        )
        partners = [link.organisation for link in links if link.is_safeguarding_partner]
        statutory = [link.organisation for link in links if link.is_statutory_agency]
        return partners, statutory

    return case_page_rows(case, "rapid_review_agencies", load)


def review_draft(*, case: Case, review: RapidReview | None) -> RapidReviewDraft:
    """The record as the completeness rules see it: its outline (the length of each text, never the text), the
    case's children and the partnership's statutory agencies as they are now (:mod:`cspr.rapid_reviews.outline`)."""
    return outline_draft(
        review.outline if review is not None else {},
        children=[(child.pk, child.pseudonym) for child in case_selectors.case_children(case=case)],
        statutory_agencies=[(org.pk, org.name) for org in _case_agencies(case)[1]],
        practice_and_equality_required=practice_and_equality_required(case=case),
        local_decision=review.local_decision if review is not None else "",
        national_recommendation=review.national_recommendation if review is not None else "",
        national_criteria=review.national_criteria if review is not None else (),
    )


def review_completeness(*, case: Case, review: RapidReview | None) -> RapidReviewCheck:
    return check_rapid_review(review_draft(case=case, review=review))


class _Outcome:
    """A ``ReviewState`` attribute that reads one of the review's one-to-one outcomes of the same name, read with the
    review (a missing row raises on access, an ``AttributeError``): ``None`` until it is recorded, or with no review."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, state: ReviewState | None, owner: type | None = None) -> Any:
        if state is None:  # read on the class itself
            return self
        return getattr(state.review, self.name, None) if state.review is not None else None


@dataclass(frozen=True)
class ReviewState:
    """Where the rapid review stands, for the case page, the overview and the API (no sealed text)."""

    case: Case
    review: RapidReview | None
    meeting: PrgMeeting | None
    check: RapidReviewCheck
    partners: list[Organisation]
    sign_offs: list[PartnerSignOff]
    panel_responses: list[PanelResponse]
    family_told: list[FamilyTold]
    actions: list[LearningAction]
    clocks: dict[str, CaseClock] = field(default_factory=dict)
    transitions: list[CaseTransition] = field(default_factory=list)

    # The review's one-to-one outcomes (``_OUTCOMES``), each ``None`` until it is recorded.
    prg_decision = _Outcome()
    ratification = _Outcome()
    submission = _Outcome()
    rationale_sent = _Outcome()
    local_review_notice = _Outcome()

    @property
    def signed_organisation_ids(self) -> set[int]:
        return {row.organisation_id for row in self.sign_offs}

    @property
    def all_partners_signed(self) -> bool:
        return bool(self.partners) and {org.pk for org in self.partners} <= self.signed_organisation_ids

    @property
    def any_disagree(self) -> bool:
        return any(not row.agrees for row in self.sign_offs)

    def clock_due(self, clock_id: str) -> date | None:
        clock = self.clocks.get(clock_id)
        return clock.effective_due if clock is not None and clock.applicable else None


def review_state(*, case: Case) -> ReviewState:
    review = case_page_rows(case, "rapid_review", lambda: _review_with_outcomes(case))
    meeting = meeting_get(case=case)
    partners = _case_agencies(case)[0]
    sign_offs: list[PartnerSignOff] = []
    responses: list[PanelResponse] = []
    family: list[FamilyTold] = []
    actions: list[LearningAction] = []
    if review is not None:
        sign_offs = list(review.sign_offs.select_related("organisation", "signed_by"))
        responses = list(review.panel_responses.all())
        family = case_selectors.case_family_told_rows(case=case)
        actions = list(review.actions.select_related("owner_organisation"))
    clocks = {clock.clock_id: clock for clock in case_clock_rows(case=case) if clock.clock_id in RAPID_REVIEW_CLOCKS}
    return ReviewState(
        case=case,
        review=review,
        meeting=meeting,
        check=review_completeness(case=case, review=review),
        partners=partners,
        sign_offs=sign_offs,
        panel_responses=responses,
        family_told=family,
        actions=actions,
        clocks=clocks,
    )


_OPEN_ACTIONS = "_cspr_open_learning_actions"


def case_page_annotations() -> dict[str, Any]:
    """What the case pages read with their case (:class:`cspr.cases.panels.CasePanel`): whether an action is open."""
    return {_OPEN_ACTIONS: Exists(_open_actions(OuterRef("pk")))}


def _open_actions(case: Any) -> Any:
    """The case's learning actions agreed (the PRG has decided) and still open; a draft's are not agreed yet."""
    agreed = PrgDecision.objects.filter(review__case=OuterRef("case"))
    return LearningAction.objects.filter(case=case, status=LearningAction.Status.OPEN).filter(Exists(agreed))


def learning_actions_facts(case: Case) -> dict[str, bool]:
    """The lifecycle's answer for closing the case, whether through learning and actions (§7.10) or as not
    meeting the criteria after the PRG's decision: no learning action agreed is still open (as read with the case
    on its pages, else read now)."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _OPEN_ACTIONS):
        return {"all_actions_complete": not getattr(case, _OPEN_ACTIONS)}
    return {"all_actions_complete": not _open_actions(case).exists()}


def closing_reason(*, case: Case) -> str:
    row = CaseTransition.objects.filter(case=case, transition="close_criteria_not_met").order_by("-at").first()
    return row.unseal("reason") if row else ""


# -- sealed text, revealed ---------------------------------------------------------------------------------------------
# The one place the rapid review's pages reveal sealed values (ADR 0009): views and presenters receive plain text
# from these functions and never call ``unseal`` themselves. Each reads only the fields its caller shows, so the
# sealed-read audit records the same reads as before.


def review_texts_revealed(*, review: RapidReview | None, names: tuple[str, ...]) -> dict[str, str]:
    """The review's sealed free-text fields named, by name; empty strings when there is no review yet."""
    return {name: review.unseal(name) if review is not None else "" for name in names}


def arrangements_revealed(*, review: RapidReview | None) -> dict[int, str]:
    """Each child's immediate safeguarding arrangements, by child id."""
    if review is None:
        return {}
    return {row.child_id: row.unseal("arrangements") for row in review.safeguarding.all()}


def judgement_reasons_revealed(*, review: RapidReview | None) -> dict[str, tuple[str, str]]:
    """Each judged criterion's judgement and its reason, by criterion code."""
    if review is None:
        return {}
    return {row.code: (row.judgement, row.unseal("reason")) for row in review.judgements.all()}


def action_whats_revealed(*, actions: list[LearningAction]) -> list[str]:
    """What each learning action is, in the order given."""
    return [action.unseal("what") for action in actions]


@dataclass(frozen=True)
class LearningActionRow:
    """One learning action as its pages show it, its words revealed (audited) for those who may read the review."""

    id: int
    number: int
    what: str
    owner: str
    due_on: date | None
    status: str
    status_label: str
    resolved_on: date | None
    closed_reason: str

    @property
    def is_open(self) -> bool:
        return self.status == LearningAction.Status.OPEN


def learning_actions_agreed(*, case: Case) -> bool:
    """Whether the case's learning actions are agreed: the PRG has recorded its decision on the record."""
    return PrgDecision.objects.filter(review__case=case).exists()


def learning_action_rows(*, case: Case) -> list[LearningActionRow]:
    """The case's learning actions in the record's order, with what each is and how it ended."""
    actions = LearningAction.objects.filter(case=case).select_related("owner_organisation")
    return [_action_row(action) for action in actions.order_by("position", "id")]


def learning_action_row(*, case: Case, action_id: int) -> LearningActionRow | None:
    """One learning action of the case (only its words are revealed, not the other actions')."""
    action = LearningAction.objects.filter(case=case, pk=action_id).select_related("owner_organisation").first()
    return _action_row(action) if action is not None else None


def _action_row(action: LearningAction) -> LearningActionRow:
    return LearningActionRow(
        id=action.pk,
        number=action.position + 1,
        what=action.unseal("what"),
        owner=action.owner_organisation.name if action.owner_organisation else "Not set",
        due_on=action.due_on,
        status=action.status,
        status_label=action.get_status_display(),
        resolved_on=action.resolved_on,
        closed_reason=action.unseal("closed_reason"),
    )


def omissions_revealed(*, review: RapidReview | None) -> list[tuple[int, str, str]]:
    """The statutory agencies recorded as not involved: organisation id, its name and the reason."""
    if review is None:
        return []
    return [
        (row.organisation_id, row.organisation.name, row.unseal("reason"))
        for row in review.omissions.select_related("organisation")
    ]


def attendance_revealed(*, meeting: PrgMeeting) -> list[tuple[str, str, str]]:
    """Who came to the PRG meeting: organisation name, status label and, for those who did not attend, why."""
    return [
        (
            row.organisation.name,
            row.get_status_display(),
            row.unseal("explanation") if row.status != MeetingAttendance.Status.ATTENDED else "",
        )
        for row in meeting.attendance.select_related("organisation")
    ]


def sign_off_rationales_revealed(*, sign_offs: list[PartnerSignOff]) -> dict[int, str]:
    """The rationale of each partner who disagrees with the PRG, by sign-off id."""
    return {row.pk: row.unseal("rationale") for row in sign_offs if not row.agrees}


def meeting_texts_revealed(*, meeting: PrgMeeting) -> dict[str, str]:
    """The meeting's agenda and, when it was arranged late, why."""
    return {"agenda": meeting.unseal("agenda"), "late_reason": meeting.unseal("late_reason")}


def involved_organisation_ids(*, case: Case) -> frozenset[int]:
    """Every organisation involved in the case: those the case involves (named by the notification, or asked for
    information or comments since; their contributors see it) and the agencies the rapid review records as involved
    (§4.3). A reviewer's conflict of interest is judged against these, and any of them may be asked for comments on a
    draft report."""
    agencies = RapidReview.agencies_involved.through.objects.filter(rapidreview__case=case).values_list(
        "organisation_id", flat=True
    )
    return case_selectors.case_involved_organisation_ids(case=case) | frozenset(agencies)
