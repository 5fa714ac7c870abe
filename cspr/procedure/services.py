"""Changing how the procedure reads for one partnership. Atomic and audited."""

from __future__ import annotations

from django.db import transaction

from cspr.core.policy import PROCEDURE_EDITORS
from cspr.domain.criteria import get_criterion
from cspr.domain.roles import Role
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
    grant = acting.grant_for(partnership.pk, [role for role in Role if role in PROCEDURE_EDITORS])
    with transaction.atomic():
        if not text:
            deleted, _ = CriterionWording.objects.filter(partnership=partnership, code=code).delete()
            audit(
                acting,
                "criterion_wording.reset",
                object_type="procedure.criterionwording",
                object_id=code,
                partnership=partnership,
                grant=grant,
                code=code,
                section=criterion.section,
                had_own_wording=bool(deleted),
            )
            return None
        wording, created = CriterionWording.objects.update_or_create(
            partnership=partnership, code=code, defaults={"text": text, "updated_by": acting.user}
        )
        audit(
            acting,
            "criterion_wording.set",
            obj=wording,
            partnership=partnership,
            grant=grant,
            code=code,
            section=criterion.section,
            text=text,
            created=created,
        )
    return wording
