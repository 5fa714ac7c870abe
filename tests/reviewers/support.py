"""Helpers for reviewer tests: a demo case taken to a local review, reviewers on the register, and commissioning
(all on Monday 7 December 2026), and the URL policy test's objects."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cspr.cases.models import Case
from cspr.cases.services import case_route
from cspr.domain.reviewers import COMPETENCIES
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Organisation
from cspr.reviewers import services
from cspr.reviewers.models import Commission, Reviewer
from tests.rapid_reviews.support import BU, CHAIR, EXEC_LA, acting_as

LONDON = ZoneInfo("Europe/London")
WHEN = datetime(2026, 12, 7, 11, 0, tzinfo=LONDON)
MONDAY = datetime(2026, 12, 7, 12, 0, tzinfo=LONDON)
"""The machine's clock in the page and access tests: noon on the day the reviewer is commissioned (at ``WHEN``)."""
TODAY = date(2026, 12, 7)
EXECUTIVE = EXEC_LA
REVIEWER_EMAIL = "reviewer@example.org"  # the demo's reviewer (an account already): Rowan Achterberg
# A demo case that was not notifiable and names the Northvale Integrated Care Board as involved: a discretionary
# local review is chosen for it (§5.6).
LOCAL_REVIEW_CASE = "NVALE-2026-007"
OTHER_CASE = "NVALE-2026-003"  # the rapid review case: never the reviewer's
DEMO_REVIEWS = ("NVALE-2026-014", "NVALE-2026-015", "NVALE-2026-016")
"""The demo's local reviews its reviewer is commissioned for already (cspr/demo/data/cases.toml)."""
ICB = "Northvale Integrated Care Board (demo)"
EXPERIENCE = "Led six local reviews; knows the family of Tansy Madeupton from an earlier post."  # sealed: a name
EVIDENCE = {
    competency.code: f"Seen in the references for {competency.code}: two reviews for Eastshire (demo)."
    for competency in COMPETENCIES
}


def organisation(name: str = ICB) -> Organisation:
    return Organisation.objects.get(name=name)


def to_local_review(reference: str = LOCAL_REVIEW_CASE) -> Case:
    """The PRG chair chooses a discretionary local review of the case (a near miss)."""
    case = Case.objects.get(reference=reference)
    if case.stage != "local_review":
        case_route(
            acting=acting_as(CHAIR),
            case=case,
            transition="choose_discretionary_review",
            grounds=["near_miss"],
            reason="A near miss that shows how the agencies shared what they knew.",
            at=WHEN,
        )
    return Case.objects.get(pk=case.pk)


def reviewer(
    email: str = "ash.independent@example.org", *, name: str = "Ash Independent", organisation_name: str = ""
) -> Reviewer:
    """A reviewer on Northvale's register (the one already there with this address, if any)."""
    case = Case.objects.get(reference=LOCAL_REVIEW_CASE)
    found = Reviewer.objects.filter(partnership_id=case.partnership_id, email=email).first()
    if found is not None:
        return found
    return services.reviewer_save(
        acting=acting_as(BU),
        partnership_id=case.partnership_id,
        name=name,
        organisation=organisation_name,
        email=email,
        phone="01234 567000",
        experience=EXPERIENCE,
        at=WHEN,
    )


def propose(case: Case, who: Reviewer, *, interests: tuple[int, ...] = (), **changes: Any) -> services.Proposal:
    values: dict[str, Any] = {
        "evidence": EVIDENCE,
        "interests": interests,
        "fee": Decimal("4500.00"),
        "purchase_order": "PO-2026-0042",
        "at": WHEN,
        **changes,
    }
    return services.commission_propose(acting=acting_as(BU), case=case, reviewer_id=who.pk, **values)


def commissioned(case: Case | None = None, *, email: str = REVIEWER_EMAIL, name: str = "Rowan Achterberg") -> Case:
    """The case taken to a local review and the reviewer with this address commissioned for it."""
    case = to_local_review() if case is None else case
    proposal = propose(case, reviewer(email, name=name))
    assert proposal.commissioned, proposal.blockers
    return Case.objects.get(pk=case.pk)


def invitation_link(email: str) -> str:
    message = OutboundMessage.objects.filter(to=email, kind="invitation").latest("id")
    match = re.search(r"http://\S+/partnership/invitation/(\S+)/", message.body)
    assert match, message.body
    return f"/partnership/invitation/{match.group(1)}/"


# -- the URL policy test's objects ------------------------------------------------------------------------------------

REVIEWERS_POST_ONLY: frozenset[str] = frozenset()
REVIEWER_CASE_PAGES = frozenset({"cases:detail"})
"""The case pages a commissioned reviewer may open: the policy test opens them on the demo reviewer's own case."""


def reviewer_policy_case(northvale: Any) -> Case:
    """NVALE-2026-007 taken to a local review, a reviewer declaring an interest in the Integrated Care Board proposed
    (then set aside), and the demo reviewer commissioned with one invoice: made once, then found again."""
    case = Case.objects.get(partnership=northvale, reference=LOCAL_REVIEW_CASE)
    if Commission.objects.filter(case=case, status=Commission.Status.COMMISSIONED).exists():
        return case
    case = to_local_review()
    blocked = propose(case, reviewer(), interests=(organisation().pk,))
    assert not blocked.commissioned
    case = commissioned(case)
    services.invoice_add(acting=acting_as(BU), case=case, number="INV-1", amount="1500", received_on=TODAY, at=WHEN)
    return case


def reviewer_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """The register's pages need a reviewer of Northvale; a case's, the demo reviewer's case (above)."""
    if name in {"reviewers:register", "reviewers:add"}:
        return {}
    if name in {"reviewers:reviewer", "reviewers:change"}:
        return {"reviewer_id": reviewer().pk}
    case = reviewer_policy_case(northvale)
    kwargs: dict[str, Any] = {"reference": case.reference}
    if name in {"reviewers:override", "reviewers:confirm"}:
        kwargs["commission_id"] = Commission.objects.get(case=case, status=Commission.Status.SET_ASIDE).pk
    if name == "reviewers:invoice-paid":
        commission = Commission.objects.get(case=case, status=Commission.Status.COMMISSIONED)
        kwargs["invoice_id"] = commission.invoices.get().pk
    return kwargs
