"""Helpers for local review tests: the demo case at the rapid review stage (NVALE-2026-003, with a criminal trial on
its register) taken to a local review by each route, its reviewer commissioned through the lifecycle (the register
of reviewers is another part's), and the URL policy test's objects.

The Executive ratifies on Wednesday 2 December 2026 and the Panel answers on Thursday 10 December; the review starts
on Monday 14 December unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.accounts.models import User
from cspr.cases.models import Case, CaseAccess, ParallelProcess
from cspr.cases.services import case_access_grant, case_advance, case_route, parallel_process_add
from cspr.local_reviews import services
from cspr.local_reviews.models import LocalReview, Milestone, TermsOfReference
from cspr.rapid_reviews import services as rapid_services
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    EXEC_HEALTH,
    EXEC_LA,
    EXEC_POLICE,
    acting_as,
    at,
    panel_response,
    sign,
    the_case,
    to_awaiting_panel,
    to_prg_decided,
)

PANEL_SAYS = "The Panel agrees a local review is the right way to learn from this case."
NOT_NOTIFIABLE = "NVALE-2026-001"
LINES = "How agencies shared what they knew of the children's weight\nWhether the family's move was noticed"
HANDLING = "No practitioner who may be a witness is interviewed before the trial ends; liaise with the police monthly."


def when(day: int, month: int = 12) -> datetime:
    return at(day, month=month)


def to_local_review(case: Case | None = None, *, route: str = "executive") -> Case:
    """The demo case (or ``case``) at the local review stage, decided by ``route``: ``executive`` (the Executive
    ratified a local review, the Panel agreed), ``panel`` (the Executive ratified none, the Panel asked for one) or
    ``discretionary`` (the demo's case that was not notifiable, §5.6)."""
    if route == "discretionary":
        case = case or Case.objects.get(reference=NOT_NOTIFIABLE)
        return case_route(
            acting=acting_as(CHAIR),
            case=case,
            transition="choose_discretionary_review",
            reason="Agencies worked well together and the partnership wants to learn from it.",
            grounds=["good_practice"],
            at=when(9),
        )
    case = case or the_case()
    if route == "panel":
        case = to_prg_decided(case, local="no")
        for email in (EXEC_LA, EXEC_HEALTH, EXEC_POLICE):
            sign(case, email)
        rapid_services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, at=at(2, month=12))
        rapid_services.panel_submission_record(
            acting=acting_as(BU), case=case, sent_on=date(2026, 12, 3), at=at(3, month=12)
        )
    else:
        case = to_awaiting_panel(case)
    panel_response(Case.objects.get(pk=case.pk), "local_review", 10, details=PANEL_SAYS)
    return Case.objects.get(pk=case.pk)


def commissioned(case: Case, *, day: int = 15) -> Case:
    """The reviewer commissioned, as the register of reviewers will do it (its checks are its own)."""
    with transaction.atomic():
        case_advance(
            acting=acting_as(BU),
            case=case,
            transition="commission_reviewer",
            facts={"reviewer_checks_complete": True},
            at=when(day),
        )
    return Case.objects.get(pk=case.pk)


def reviewer_reaches(case: Case, email: str = "reviewer@example.org") -> None:
    """The demo reviewer given access to this case, as commissioning them does (the register's checks are its own)."""
    case_access_grant(
        acting=acting_as(BU),
        case=case,
        granted_for=CaseAccess.GrantedFor.REVIEWER,
        user=User.objects.get(email=email),
        at=when(15),
    )


def start(case: Case, *, day: int = 14, email: str = BU, **joint: Any) -> LocalReview:
    return services.local_review_start(
        acting=acting_as(email), case=case, started_on=date(2026, 12, day), at=when(day), **joint
    )


def police_investigation(case: Case) -> ParallelProcess:
    return parallel_process_add(
        acting=acting_as(BU), case=case, kind="criminal_investigation", status="active", lead_organisation="Police"
    )


def open_process_ids(case: Case) -> list[int]:
    open_ones = ParallelProcess.objects.filter(case=case).exclude(status="concluded")
    return list(open_ones.order_by("id").values_list("id", flat=True))


def save_terms(
    case: Case, *, day: int = 15, email: str = BU, opened: int | None = None, **changes: Any
) -> TermsOfReference:
    answers: dict[str, Any] = {
        "method": "systems",
        "period_from": date(2025, 1, 1),
        "period_to": date(2026, 11, 1),
        "lines_of_enquiry": LINES,
        "practitioners": "A learning event for every practitioner who worked with the family.",
        "family": "The reviewer meets the parents, with an advocate, once the trial allows.",
        "proportionality": "Two years before the incident: when the family moved into the area.",
        "handling": dict.fromkeys(open_process_ids(case), HANDLING),
        **changes,
    }
    return services.terms_of_reference_save(
        acting=acting_as(email), case=case, opened_version=opened, at=when(day), **answers
    )


def agree(case: Case, number: int = 1, *, day: int = 16, email: str = BU) -> TermsOfReference:
    return services.terms_of_reference_agree(
        acting=acting_as(email), case=case, number=number, agreed_on=date(2026, 12, day), at=when(day)
    )


def milestone(case: Case, kind: str) -> Milestone:
    return Milestone.objects.get(review__case=case, kind=kind)


# -- the URL policy test's objects ------------------------------------------------------------------------------------

LOCAL_REVIEW_POST_ONLY: frozenset[str] = frozenset()


def local_review_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """The demo case taken to a local review, its reviewer commissioned, the review started with a first version
    of its terms of reference (made once, then found again); a milestone for the milestone pages. The start page is
    reached on it too (it goes back to the review, started)."""
    case = Case.objects.get(partnership=northvale, reference=the_case().reference)
    if not LocalReview.objects.filter(case=case).exists():
        case = commissioned(to_local_review(case))
        reviewer_reaches(case)
        start(case)
        save_terms(case)
    if name in {"local_reviews:milestone-done", "local_reviews:milestone-move"}:
        return {"reference": case.reference, "milestone_id": milestone(case, "first_draft").pk}
    if name in {"local_reviews:terms-version", "local_reviews:terms-agree"}:
        return {"reference": case.reference, "number": 1}
    return {"reference": case.reference}
