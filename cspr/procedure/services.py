"""Changing how the procedure reads for one partnership. Atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cspr.core.policy import PROCEDURE_EDITORS
from cspr.domain.criteria import get_criterion
from cspr.kernel.acting import Acting
from cspr.kernel.kit import audit
from cspr.kernel.text import NOTE, TextRefused, clean_text
from cspr.partnerships.models import Partnership
from cspr.procedure.models import CriterionWording


class WordingRefused(TextRefused):
    pass


def criterion_wording_set(*, acting: Acting, partnership: Partnership, code: str, text: str) -> CriterionWording | None:
    """Use the partnership's own text for one criterion; an empty text goes back to the service's wording."""
    criterion = get_criterion(code)  # KeyError for an unknown code
    text = clean_text(text, subject="Wording", limit=NOTE, field="text", refused=WordingRefused)
    grant = acting.grant_for(partnership.pk, PROCEDURE_EDITORS)

    def audited(verb: str, **details: Any) -> None:
        audit(acting, verb, partnership=partnership, grant=grant, code=code, section=criterion.section, **details)

    with transaction.atomic():
        if not text:
            deleted, _ = CriterionWording.objects.filter(partnership=partnership, code=code).delete()
            audited(
                "criterion_wording.reset",
                object_type="procedure.criterionwording",
                object_id=code,
                had_own_wording=bool(deleted),
            )
            return None
        wording, created = CriterionWording.objects.update_or_create(
            partnership=partnership, code=code, defaults={"text": text, "updated_by": acting.user}
        )
        audited("criterion_wording.set", obj=wording, text=text, created=created)
    return wording
