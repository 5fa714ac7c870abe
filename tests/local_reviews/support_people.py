"""Helpers for the tests of practitioner events, the family log, the explainers and the thread with the reviewer: the
demo case NVALE-2026-007 (its father in the household, one child) taken to a discretionary local review, the demo
reviewer commissioned for it through the register (so their grant reaches it), and the review started on Monday
7 December 2026. The tests' "today" is Monday 14 December 2026."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cspr.cases.models import Case, Child, HouseholdMember
from cspr.demo.partnerships import NORTHVALE_PEOPLE
from cspr.domain.roles import Role
from cspr.local_reviews import services, services_people
from cspr.local_reviews.explainer_wording import GAP, service_wording
from cspr.local_reviews.models import LocalReview
from cspr.partnerships.models import Organisation
from tests.rapid_reviews.support import BU, acting_as
from tests.reviewers.support import LONDON, REVIEWER_EMAIL, WHEN, commissioned

TODAY = date(2026, 12, 14)
NOW = datetime(2026, 12, 14, 11, 0, tzinfo=LONDON)
ROLE_EMAILS = {person.role: person.email for person in NORTHVALE_PEOPLE if person.email != "police.lead@example.org"}
REVIEWER = REVIEWER_EMAIL
FEEDBACK = "The health visitor said Aster Sampleton's father was hard to reach after the move."  # sealed: a name
WORDS = "Juniper Sampleton wants to know why the GP was not told."  # the demo father's name: sealed


def reviewed_case() -> Case:
    """NVALE-2026-007 at the local review stage with the demo reviewer commissioned and the review started (made once,
    then found again)."""
    case = Case.objects.get(reference="NVALE-2026-007")
    if not LocalReview.objects.filter(case=case).exists():
        case = commissioned(case if case.stage == "local_review" else None)
        services.local_review_start(acting=acting_as(BU), case=case, started_on=date(2026, 12, 7), at=WHEN)
    return Case.objects.get(pk=case.pk)


def finished_family_explainer(case: Case) -> int:
    """The partnership's family explainer saved with its gaps filled in (the service's wording with every part in square
    brackets replaced by invented details), ready to give out; its version number."""
    title, body = service_wording("family", partnership=case.partnership.name)
    filled = GAP.sub("Rue Mockworthy, business unit, 01632 960 123 (invented for the tests)", body)
    saved = services_people.explainer_save(
        acting=acting_as(BU), partnership=case.partnership, kind="family", title=title, body=filled, at=WHEN
    )
    return saved.number


def father(case: Case) -> str:
    return f"member:{HouseholdMember.objects.get(case=case, position=0).pk}"


def child(case: Case) -> str:
    return f"child:{Child.objects.get(case=case, position=0).pk}"


def organisations(*names: str) -> list[int]:
    return list(Organisation.objects.filter(name__in=names).values_list("pk", flat=True))


def some_organisations(case: Case, count: int = 2) -> list[int]:
    return list(
        Organisation.objects.filter(partnerships=case.partnership_id)
        .order_by("name")[:count]
        .values_list("pk", flat=True)
    )


def role_email(role: Role) -> str:
    return ROLE_EMAILS[role]


# -- the URL policy test's objects ------------------------------------------------------------------------------------

PEOPLE_PAGES = frozenset(
    {
        "local_reviews:events",
        "local_reviews:event-add",
        "local_reviews:family",
        "local_reviews:family-add",
        "local_reviews:thread",
    }
)
"""The local review's pages the commissioned reviewer may open: the policy test opens them on the demo reviewer's own
case, where the review has started."""


def people_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    return {"reference": reviewed_case().reference}


def explainer_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    if name in {"explainers:version", "explainers:print"}:
        return {"kind": "family", "number": 0}
    if name in {"explainers:explainer", "explainers:edit"}:
        return {"kind": "family"}
    return {}
