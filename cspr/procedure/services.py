"""Changing how the procedure reads for one partnership. Atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from cspr.audit.services import audit_record
from cspr.core.text import NOTE, TextRefused, clean_text
from cspr.domain.criteria import get_criterion
from cspr.partnerships.models import Partnership
from cspr.procedure.models import CriterionWording


class WordingRefused(TextRefused):
    pass


def criterion_wording_set(
    *, actor: Any, partnership: Partnership, code: str, text: str, request: HttpRequest | None = None
) -> CriterionWording | None:
    """Use the partnership's own text for one criterion; an empty text goes back to the service's wording."""
    criterion = get_criterion(code)  # KeyError for an unknown code
    text = clean_text(text, subject="Wording", limit=NOTE, field="text", refused=WordingRefused)
    with transaction.atomic():
        if not text:
            deleted, _ = CriterionWording.objects.filter(partnership=partnership, code=code).delete()
            audit_record(
                actor=actor,
                verb="criterion_wording.reset",
                object_type="procedure.criterionwording",
                object_id=code,
                partnership=partnership,
                details={"code": code, "section": criterion.section, "had_own_wording": bool(deleted)},
                request=request,
            )
            return None
        wording, created = CriterionWording.objects.update_or_create(
            partnership=partnership, code=code, defaults={"text": text, "updated_by": actor}
        )
        audit_record(
            actor=actor,
            verb="criterion_wording.set",
            obj=wording,
            partnership=partnership,
            details={"code": code, "section": criterion.section, "text": text, "created": created},
            request=request,
        )
    return wording
