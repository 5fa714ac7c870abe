"""The partnership's procedure as its people read it: clocks in words and criteria in its own wording."""

from __future__ import annotations

from dataclasses import dataclass

from cspr.calendars.selectors import partnership_preset
from cspr.domain.clocks import ClockRule
from cspr.domain.criteria import ALL_CRITERIA, Criterion, CriterionGroup
from cspr.domain.presets import Preset, get_preset
from cspr.partnerships.models import Partnership
from cspr.procedure.models import CriterionWording


@dataclass(frozen=True)
class ClockView:
    rule: ClockRule
    default_amount: int

    @property
    def overridden(self) -> bool:
        return self.rule.amount != self.default_amount


@dataclass(frozen=True)
class CriterionView:
    criterion: Criterion
    own_wording: str | None

    @property
    def text(self) -> str:
        return self.own_wording or self.criterion.statement


@dataclass(frozen=True)
class ProcedureView:
    preset: Preset
    clocks: list[ClockView]
    criteria: dict[CriterionGroup, list[CriterionView]]


def procedure_for(*, partnership: Partnership) -> ProcedureView:
    """Callers pass a partnership they already checked the actor may see."""
    default = get_preset(partnership.preset)
    effective = partnership_preset(partnership_id=partnership.id, preset_name=partnership.preset)
    clocks = [ClockView(rule=rule, default_amount=default.rule(rule.clock_id).amount) for rule in effective.rules]
    own = dict(CriterionWording.objects.filter(partnership=partnership).values_list("code", "text"))
    criteria: dict[CriterionGroup, list[CriterionView]] = {group: [] for group in CriterionGroup}
    for criterion in ALL_CRITERIA:
        criteria[criterion.group].append(CriterionView(criterion=criterion, own_wording=own.get(criterion.code)))
    return ProcedureView(preset=effective, clocks=clocks, criteria=criteria)


def criterion_wording(*, partnership: Partnership, code: str) -> str | None:
    return CriterionWording.objects.filter(partnership=partnership, code=code).values_list("text", flat=True).first()
