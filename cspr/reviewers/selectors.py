"""Reads of the register of reviewers and of a case's commissioning (§6.1-6.2).

The register is read for one partnership, the one the person works in (the view's ``request.partnership_id``,
the service's ``partnership_id``). A case's commissioning is read for a case its page found through the person's
scope (:func:`cspr.cases.selectors.case_get`) or that a service was given after its rule. Sealed text is revealed only
here (ADR 0009), in the ``..._revealed`` functions and with ``reveal``, each read audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cspr.cases import selectors as case_selectors
from cspr.cases.models import Case, CaseAccess
from cspr.domain.lifecycle import Stage
from cspr.domain.reviewers import COMPETENCIES, ReviewerChecks, competency_label
from cspr.partnerships.models import Organisation, PartnershipOrganisation
from cspr.rapid_reviews.selectors import involved_organisation_ids
from cspr.reviewers.models import (
    Commission,
    CompetencyEvidence,
    ConflictOverride,
    DeclaredInterest,
    Invoice,
    Reviewer,
)

# What the case page reads with its case (cspr.cases.panels.CasePanel.annotations): the commissioned reviewer's name,
# and how many proposals wait for a conflict to be overridden.
_NAME = "reviewer_commissioned_name"
_WAITING = "reviewer_proposals_waiting"


# -- the register ---------------------------------------------------------------------------------------------------


def reviewers_listed(*, partnership_id: int) -> QuerySet[Reviewer]:
    """The partnership's register, by name, with how many reviews each was commissioned for (the list's columns)."""
    commissioned = Count("commissions", filter=Q(commissions__status=Commission.Status.COMMISSIONED))
    return (
        Reviewer.objects.filter(partnership_id=partnership_id)
        .only("id", "name", "organisation", "email", "phone")
        .annotate(reviews=commissioned)
        .order_by("name", "id")
    )


def reviewer_get(*, partnership_id: int, reviewer_id: int) -> Reviewer | None:
    """One reviewer of the partnership's register, or ``None`` (another partnership's is not found)."""
    return Reviewer.objects.filter(partnership_id=partnership_id, pk=reviewer_id).first()


@dataclass(frozen=True)
class PastReview:
    reference: str
    stage: str
    commissioned_at: datetime | None


def reviewer_past_reviews(*, reviewer: Reviewer) -> list[PastReview]:
    """The reviews the reviewer was commissioned for here, the latest first (references and stages: no case data)."""
    rows = (
        Commission.objects.filter(reviewer=reviewer, status=Commission.Status.COMMISSIONED)
        .select_related("case")
        .order_by("-commissioned_at", "-id")
    )
    return [PastReview(row.case.reference, Stage(row.case.stage).label, row.commissioned_at) for row in rows]


def reviewer_revealed(*, reviewer: Reviewer) -> dict[str, Any]:
    """The reviewer as their form starts from it, the note of experience revealed."""
    return {
        "name": reviewer.name,
        "organisation": reviewer.organisation,
        "email": reviewer.email,
        "phone": reviewer.phone,
        "experience": reviewer.unseal("experience"),
    }


def reviewer_choices(*, partnership_id: int) -> list[tuple[int, str]]:
    """The register as (id, "name, organisation") for the commissioning form."""
    rows = Reviewer.objects.filter(partnership_id=partnership_id).order_by("name", "id")
    return [(row.pk, f"{row.name}, {row.organisation}" if row.organisation else row.name) for row in rows]


def organisation_choices(*, partnership_id: int) -> list[tuple[int, str]]:
    """The partnership's organisations, by name, as (id, name): what a reviewer may declare an interest in."""
    links = PartnershipOrganisation.objects.filter(partnership_id=partnership_id).select_related("organisation")
    return [(link.organisation_id, link.organisation.name) for link in links.order_by("organisation__name")]


def organisation_names(*, ids: frozenset[int] | set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


# -- a case's commissioning -----------------------------------------------------------------------------------------


def commission_get(*, case: Case, commission_id: int) -> Commission | None:
    """One commissioning proposal of the case (any status), or ``None``."""
    return Commission.objects.filter(case=case, pk=commission_id).select_related("reviewer").first()


def commission_current(*, case: Case) -> Commission | None:
    """The case's commissioned reviewer's commission, or ``None``."""
    return (
        Commission.objects.filter(case=case, status=Commission.Status.COMMISSIONED)
        .select_related("reviewer", "access")
        .first()
    )


def commission_checks(*, commission: Commission, involved: frozenset[int]) -> ReviewerChecks:
    """The §6.2 checks of a proposal against the organisations involved in the case now."""
    return ReviewerChecks.of(
        evidenced=commission.evidence.values_list("competency", flat=True),
        declared=commission.interests.values_list("organisation_id", flat=True),
        involved=involved,
        perceived=commission.perceived_conflict,
        overridden=ConflictOverride.objects.filter(commission=commission).exists(),
    )


def reviewer_name_for_case(*, case: Case) -> str | None:
    """The commissioned reviewer's name for the case (what the local review shows, and the letters tell), or
    ``None`` before one is commissioned. The reviewer's name is a professional's, published with the report (§7.3)."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _NAME):
        return getattr(case, _NAME)
    return (
        Commission.objects.filter(case=case, status=Commission.Status.COMMISSIONED)
        .values_list("reviewer__name", flat=True)
        .first()
    )


def case_page_annotations() -> dict[str, Any]:
    """The values the case page reads with its case: the commissioned reviewer's name, and the proposals waiting."""
    commissions = Commission.objects.filter(case=OuterRef("pk"))
    waiting = (
        commissions.filter(status=Commission.Status.PROPOSED)
        .order_by()
        .values("case")
        .annotate(count=Count("pk"))
        .values("count")
    )
    name = commissions.filter(status=Commission.Status.COMMISSIONED).values("reviewer__name")[:1]
    return {_NAME: Subquery(name), _WAITING: Subquery(waiting)}


@dataclass(frozen=True)
class Outline:
    """The case's reviewer in brief: the commissioned reviewer's name, and how many proposals wait for an override."""

    name: str | None
    waiting: int


def reviewer_outline(*, case: Case) -> Outline:
    """As read with the case on its page, else read now."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _NAME):
        return Outline(getattr(case, _NAME), getattr(case, _WAITING) or 0)
    return Outline(
        reviewer_name_for_case(case=case),
        Commission.objects.filter(case=case, status=Commission.Status.PROPOSED).count(),
    )


# -- the commissioning page, the words revealed -----------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    code: str
    label: str
    evidence: str


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    amount: Decimal
    received_on: date
    paid_on: date | None


@dataclass(frozen=True)
class AccessRow:
    id: int
    open: bool
    ends_on: date | None
    ended_at: datetime | None
    ending: str
    account_ready: bool
    invitation_expired_on: date | None = None
    """While the reviewer has no account: the day their invitation's link stopped working, if it has."""


@dataclass(frozen=True)
class CommissionView:
    id: int
    reviewer_id: int
    reviewer: str
    organisation: str
    status: str
    status_label: str
    evidence: tuple[EvidenceRow, ...]
    interests: tuple[tuple[str, bool], ...]
    other_interests: str
    perceived_conflict: bool
    blockers: tuple[str, ...]
    override_reason: str
    override_by: str
    override_at: datetime | None
    fee: Decimal
    purchase_order: str
    proposed_at: datetime
    commissioned_at: datetime | None
    invoices: tuple[InvoiceRow, ...]
    access: AccessRow | None

    @property
    def conflict(self) -> bool:
        return any(involved for _name, involved in self.interests) or self.perceived_conflict

    @property
    def overridden(self) -> bool:
        return bool(self.override_by)


def _text(row: Any, field: str, *, reveal: bool) -> str:
    if reveal:
        return str(row.unseal(field))
    return case_selectors.WITHHELD if row.is_recorded(field) else ""


def _person(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", "")) if user is not None else ""


def _access_row(access: CaseAccess | None, case: Case) -> AccessRow | None:
    if access is None:
        return None
    return AccessRow(
        id=access.pk,
        open=case_selectors.case_access_is_open(access=access, case=case),
        ends_on=access.ends_on,
        ended_at=access.ended_at,
        ending=access.get_ending_display() if access.ending else "",
        account_ready=access.user_id is not None
        or (access.invitation is not None and access.invitation.accepted_by_id is not None),
        invitation_expired_on=_expired_on(access),
    )


def _expired_on(access: CaseAccess) -> date | None:
    invitation = access.invitation
    if access.user_id is not None or invitation is None or invitation.accepted_by_id is not None:
        return None
    return timezone.localdate(invitation.expires_at) if invitation.expires_at <= timezone.now() else None


def commissions_view(*, case: Case, reveal: bool) -> list[CommissionView]:
    """Every commissioning proposal of the case, the latest first, as its page shows them."""
    involved = involved_organisation_ids(case=case)
    rows = (
        Commission.objects.filter(case=case)
        .select_related("reviewer", "access__invitation", "override__recorded_by")
        .prefetch_related(
            Prefetch("evidence", queryset=CompetencyEvidence.objects.order_by("id")),
            Prefetch("interests", queryset=DeclaredInterest.objects.select_related("organisation")),
            Prefetch("invoices", queryset=Invoice.objects.order_by("received_on", "id")),
        )
        .order_by("-proposed_at", "-id")
    )
    order = {competency.code: index for index, competency in enumerate(COMPETENCIES)}
    views = []
    for row in rows:
        override = getattr(row, "override", None) if _has_override(row) else None
        checks = ReviewerChecks.of(
            evidenced=[item.competency for item in row.evidence.all()],
            declared=[item.organisation_id for item in row.interests.all()],
            involved=involved,
            perceived=row.perceived_conflict,
            overridden=override is not None,
        )
        names = {item.organisation_id: item.organisation.name for item in row.interests.all()}
        views.append(
            CommissionView(
                id=row.pk,
                reviewer_id=row.reviewer_id,
                reviewer=row.reviewer.name,
                organisation=row.reviewer.organisation,
                status=row.status,
                status_label=row.get_status_display(),
                evidence=tuple(
                    EvidenceRow(
                        item.competency, competency_label(item.competency), _text(item, "evidence", reveal=reveal)
                    )
                    for item in sorted(row.evidence.all(), key=lambda item: order.get(item.competency, 99))
                ),
                interests=tuple(
                    (item.organisation.name, item.organisation_id in involved) for item in row.interests.all()
                ),
                other_interests=_text(row, "other_interests", reveal=reveal),
                perceived_conflict=row.perceived_conflict,
                blockers=checks.blockers(names) if row.status == Commission.Status.PROPOSED else (),
                override_reason=_text(override, "reason", reveal=reveal) if override else "",
                override_by=_person(override.recorded_by) if override else "",
                override_at=override.recorded_at if override else None,
                fee=row.fee,
                purchase_order=row.purchase_order,
                proposed_at=row.proposed_at,
                commissioned_at=row.commissioned_at,
                invoices=tuple(
                    InvoiceRow(item.pk, item.number, item.amount, item.received_on, item.paid_on)
                    for item in row.invoices.all()
                ),
                access=_access_row(row.access, case),
            )
        )
    return views


def _has_override(row: Commission) -> bool:
    try:
        return row.override is not None
    except Commission.override.RelatedObjectDoesNotExist:
        return False


def invoice_get(*, case: Case, invoice_id: int) -> Invoice | None:
    """One invoice of the case's commissioned reviewer, or ``None``."""
    return Invoice.objects.filter(
        pk=invoice_id, commission__case=case, commission__status=Commission.Status.COMMISSIONED
    ).first()
