"""Procedure presets: named sets of clock rules and settings a partnership chooses (DESIGN §3).

Presets are data. ``bnes-2020`` follows the 2020 procedure as written; ``wt-2023`` follows Working Together 2023
and the Panel's 2025 guidance. A partnership can copy one and change a number with :meth:`Preset.with_overrides`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from cspr.domain.clock_rules import AppliesWhen, Basis, ClockRule, DueSense, Event, RuleKind

__all__ = [
    "BNES_2020",
    "CLOCK_RULES",
    "PRESETS",
    "RAPID_REVIEW_CLOCK_IDS",
    "WT_2023",
    "Preset",
    "PresetOverrideError",
    "UnknownClockError",
    "UnknownPresetError",
    "get_preset",
]


class UnknownPresetError(ValueError):
    """No preset has the name asked for."""


class UnknownClockError(ValueError):
    """A preset has no clock with the identifier asked for."""


class PresetOverrideError(ValueError):
    """A change to a preset's numbers is not allowed."""


@dataclass(frozen=True)
class Preset:
    """A named procedure: its clock rules and the settings that differ between versions of the guidance."""

    name: str
    title: str
    description: str
    rules: tuple[ClockRule, ...]
    care_leaver_deaths_notifiable: bool = False
    """Whether a care leaver's death (aged 24 or under) is notified to the Secretary of State and Ofsted."""
    practice_episodes_and_equality_required: bool = False
    """Whether the rapid review must record key practice episodes and an equality analysis (§4.2, Panel guidance)."""
    due_soon_days: int = 2
    """How many working days before a due date a clock shows as due soon."""

    def __post_init__(self) -> None:
        ids = [rule.clock_id for rule in self.rules]
        duplicates = sorted({clock_id for clock_id in ids if ids.count(clock_id) > 1})
        if duplicates:
            raise ValueError(f"Preset '{self.name}' declares these clocks more than once: {', '.join(duplicates)}.")

    @property
    def clock_ids(self) -> tuple[str, ...]:
        """The clock identifiers, in the preset's order."""
        return tuple(rule.clock_id for rule in self.rules)

    @property
    def local_defaults(self) -> dict[str, int]:
        """The numbers of the local targets, which a partnership is expected to set for itself."""
        return {rule.clock_id: rule.amount for rule in self.rules if rule.is_local}

    def rule(self, clock_id: str) -> ClockRule:
        """The rule for ``clock_id`` (raises :class:`UnknownClockError` naming the valid identifiers)."""
        for rule in self.rules:
            if rule.clock_id == clock_id:
                return rule
        raise UnknownClockError(
            f"Preset '{self.name}' has no clock '{clock_id}'. Its clocks are: {', '.join(self.clock_ids)}."
        )

    def with_overrides(
        self, amounts: Mapping[str, int], *, name: str | None = None, title: str | None = None
    ) -> Preset:
        """A copy with some clocks' numbers changed, e.g. ``preset.with_overrides({"prg_meeting": 8})``.

        Every identifier must be one of this preset's clocks and every amount a whole number above zero. A
        statutory clock may be made stricter (a shorter deadline, longer notice) but never more lenient than the
        law allows.
        """
        for clock_id, amount in amounts.items():
            rule = self.rule(clock_id)
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                raise PresetOverrideError(f"Clock '{clock_id}' needs a whole number above zero (got {amount!r}).")
            if rule.is_statutory and not rule.would_be_stricter_or_equal(amount):
                raise PresetOverrideError(
                    f"Clock '{clock_id}' is statutory ({rule.sentence}): a partnership may make it stricter, "
                    f"not more lenient, so {amount} is not allowed."
                )
        rules = tuple(
            replace(rule, amount=amounts[rule.clock_id]) if rule.clock_id in amounts else rule for rule in self.rules
        )
        return replace(self, rules=rules, name=name or self.name, title=title or self.title)


_AFTER = RuleKind.WORKING_DAYS_AFTER

BNES_2020 = Preset(
    name="bnes-2020",
    title="B&NES procedure (March 2020)",
    description=(
        "The partnership's 2020 procedure as written: rapid-review clocks run from the partnership receiving the "
        "local authority's notification."
    ),
    rules=(
        ClockRule("panel_notification", "Notify the Panel", _AFTER, 5, Event.AWARE, Basis.STATUTORY, "§3.6"),
        ClockRule(
            "partners_notified", "Tell the safeguarding partners", _AFTER, 5, Event.AWARE, Basis.STATUTORY, "§3.6"
        ),
        ClockRule(
            "sos_ofsted_notification",
            "Notify the Secretary of State and Ofsted",
            _AFTER,
            5,
            Event.AWARE,
            Basis.STATUTORY,
            "§3.7",
            applies_when=AppliesWhen.LOOKED_AFTER_CHILD_DEATH,
        ),
        ClockRule("information_returns", "Agencies return information", _AFTER, 6, Event.NOTIFIED, Basis.LOCAL, "§4.1"),
        ClockRule("prg_meeting", "Hold the PRG meeting", _AFTER, 10, Event.NOTIFIED, Basis.PROCEDURE, "§3.4"),
        ClockRule(
            "rapid_review_to_executive",
            "Send the rapid review to the Executive Group",
            _AFTER,
            10,
            Event.NOTIFIED,
            Basis.PROCEDURE,
            "§4.4",
        ),
        ClockRule(
            "executive_ratification",
            "Ratify the rapid review at the Executive Group",
            _AFTER,
            15,
            Event.NOTIFIED,
            Basis.PROCEDURE,
            "§4.6",
        ),
        ClockRule(
            "rapid_review_to_panel",
            "Send the rapid review and decision to the Panel",
            _AFTER,
            15,
            Event.NOTIFIED,
            Basis.STATUTORY,
            "§4.6",
        ),
        ClockRule(
            "discrepancy_rationale_to_panel",
            "Send the Executive Group's rationale to the Panel",
            _AFTER,
            15,
            Event.NOTIFIED,
            Basis.PROCEDURE,
            "§4.5",
            applies_when=AppliesWhen.EXECUTIVE_DISAGREES_WITH_PRG,
        ),
        ClockRule(
            "publication", "Publish the report", RuleKind.MONTHS_AFTER, 6, Event.DECISION, Basis.STATUTORY, "§7.8"
        ),
        ClockRule(
            "pre_publication_copies",
            "Send copies to the Panel, the Secretary of State and Ofsted",
            RuleKind.WORKING_DAYS_BEFORE,
            7,
            Event.PLANNED_PUBLICATION,
            Basis.STATUTORY,
            "§7.7",
        ),
        ClockRule(
            "published_until",
            "Keep the report public",
            RuleKind.YEARS_AFTER,
            1,
            Event.PUBLISHED,
            Basis.STATUTORY,
            "§7.3",
            roll="next",
            sense=DueSense.NOT_BEFORE,
        ),
    ),
)

RAPID_REVIEW_CLOCK_IDS: tuple[str, ...] = (
    "prg_meeting",
    "rapid_review_to_executive",
    "executive_ratification",
    "rapid_review_to_panel",
    "discrepancy_rationale_to_panel",
)
"""The clocks that time the rapid review, which ``wt-2023`` starts from the notification to the Panel."""


def _wt_2023_rule(rule: ClockRule) -> ClockRule:
    if rule.clock_id == "sos_ofsted_notification":
        return replace(
            rule,
            applies_when=AppliesWhen.LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH,
            section="§3.7; Working Together 2023",
        )
    if rule.clock_id in RAPID_REVIEW_CLOCK_IDS:
        return replace(rule, starts_at=Event.PANEL_NOTIFIED, section=f"{rule.section}; Panel guidance 2025")
    return rule


WT_2023 = Preset(
    name="wt-2023",
    title="Working Together 2023 and Panel guidance 2025",
    description=(
        "The procedure updated for Working Together 2023 and the Panel's 2025 guidance: rapid-review clocks run "
        "from the notification being sent to the Panel; a care leaver's death at 24 or under is notified to the "
        "Secretary of State and Ofsted, with no rapid review; key practice episodes and an equality analysis are "
        "required in the rapid review."
    ),
    rules=tuple(_wt_2023_rule(rule) for rule in BNES_2020.rules),
    care_leaver_deaths_notifiable=True,
    practice_episodes_and_equality_required=True,
)

PRESETS: Mapping[str, Preset] = MappingProxyType({preset.name: preset for preset in (BNES_2020, WT_2023)})
"""Every built-in preset by name."""

CLOCK_RULES: tuple[ClockRule, ...] = tuple(rule for preset in PRESETS.values() for rule in preset.rules)
"""Every rule of every built-in preset: the longest of them decides how close to the calendar's ends a date that
starts a clock may lie (:func:`cspr.domain.clocks.clock_date_range`)."""


def get_preset(name: str) -> Preset:
    """The built-in preset called ``name`` (raises :class:`UnknownPresetError` naming the valid ones)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownPresetError(
            f"There is no procedure preset called '{name}'. The presets are: {', '.join(PRESETS)}."
        ) from None
