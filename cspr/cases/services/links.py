"""Links between cases: the same child or incident (linked by the business unit), possible duplicates (flagged at
submission, dismissed after a check) and joint working with another area."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from cspr.cases import selectors
from cspr.cases.models import Case, CaseLink
from cspr.cases.services.common import TEXTS, allowed
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import NOT_ALLOWED, audit_case, inserted, now

LINK_SELF = "A case cannot be linked to itself."
LINK_NOT_FOUND = "There is no case {reference} in this partnership."
LINK_EXISTS = "These cases are already linked."


def link_create(*, note: str, **fields: Any) -> CaseLink:
    """One link row, its note sealed (inside the caller's transaction)."""
    return inserted(CaseLink(**fields), note=note)


def _same_child_link(case: Case, other: Case, *, note: str, acting: Acting, at: datetime) -> CaseLink:
    """One direction of a link between two cases about the same child or incident, made by the person acting."""
    return link_create(
        case=case, kind=CaseLink.Kind.DUPLICATE, other_case=other, note=note, created_by=acting.user, created_at=at
    )


def case_link(
    *, acting: Acting, case: Case, other_reference: str, note: str = "", at: datetime | None = None
) -> CaseLink:
    """Link two cases of the partnership as about the same child or incident; resolves a possible-duplicate flag."""
    grant = allowed(acting, "cases.link_cases", case)
    at = now(at)
    other_reference = TEXTS.clean("other_reference", other_reference)
    note = TEXTS.clean("note", note)
    other = selectors.case_get(scope=acting.scope, partnership_id=case.partnership_id, reference=other_reference)
    if other is None:
        raise CaseActionRefused(LINK_NOT_FOUND.format(reference=other_reference[:40]), field="other_reference")
    if other.pk == case.pk:
        raise CaseActionRefused(LINK_SELF, field="other_reference")
    with transaction.atomic():
        if CaseLink.objects.filter(case=case, other_case=other, kind=CaseLink.Kind.DUPLICATE).exists():
            raise CaseActionRefused(LINK_EXISTS, field="other_reference")
        link = _same_child_link(case, other, note=note, acting=acting, at=at)
        if not CaseLink.objects.filter(case=other, kind=CaseLink.Kind.DUPLICATE, other_case=case).exists():
            _same_child_link(other, case, note=note, acting=acting, at=at)
        CaseLink.objects.filter(
            case__in=[case, other], other_case__in=[case, other], kind=CaseLink.Kind.POSSIBLE_DUPLICATE
        ).update(resolved_at=at)
        audit_case(acting, "case.linked", case, grant=grant, other_reference=other.reference)
    return link


def case_link_dismiss(*, acting: Acting, case: Case, link_id: int, at: datetime | None = None) -> CaseLink:
    """The business unit has checked a possible duplicate and the cases are about different children."""
    grant = allowed(acting, "cases.link_cases", case)
    at = now(at)
    with transaction.atomic():
        link = CaseLink.objects.filter(
            case=case, pk=link_id, kind=CaseLink.Kind.POSSIBLE_DUPLICATE, resolved_at__isnull=True
        ).first()
        if link is None:
            raise CaseActionRefused(NOT_ALLOWED)
        link.resolved_at = at
        link.save(update_fields=["resolved_at"])
        audit_case(
            acting,
            "case.duplicate_dismissed",
            case,
            grant=grant,
            other_reference=link.other_case.reference if link.other_case else "",
        )
    return link
