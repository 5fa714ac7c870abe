"""Presets: the exact clock tables, the wt-2023 differences, overrides and lookups."""

from __future__ import annotations

import pytest

from cspr.domain.clocks import AppliesWhen, Basis, DueSense, Event, RuleKind
from cspr.domain.presets import (
    BNES_2020,
    PRESETS,
    RAPID_REVIEW_CLOCK_IDS,
    WT_2023,
    Preset,
    PresetOverrideError,
    UnknownClockError,
    UnknownPresetError,
    get_preset,
)

AFTER, BEFORE = RuleKind.WORKING_DAYS_AFTER, RuleKind.WORKING_DAYS_BEFORE
STATUTORY, PROCEDURE, LOCAL = Basis.STATUTORY, Basis.PROCEDURE, Basis.LOCAL

# DESIGN §3, row by row: clock id, kind, amount, starting event, basis.
BNES_2020_TABLE = [
    ("panel_notification", AFTER, 5, Event.AWARE, STATUTORY),
    ("partners_notified", AFTER, 5, Event.AWARE, STATUTORY),
    ("sos_ofsted_notification", AFTER, 5, Event.AWARE, STATUTORY),
    ("information_returns", AFTER, 6, Event.NOTIFIED, LOCAL),
    ("prg_meeting", AFTER, 10, Event.NOTIFIED, PROCEDURE),
    ("rapid_review_to_executive", AFTER, 10, Event.NOTIFIED, PROCEDURE),
    ("executive_ratification", AFTER, 15, Event.NOTIFIED, PROCEDURE),
    ("rapid_review_to_panel", AFTER, 15, Event.NOTIFIED, STATUTORY),
    ("discrepancy_rationale_to_panel", AFTER, 15, Event.NOTIFIED, PROCEDURE),
    ("publication", RuleKind.MONTHS_AFTER, 6, Event.DECISION, STATUTORY),
    ("pre_publication_copies", BEFORE, 7, Event.PLANNED_PUBLICATION, STATUTORY),
    ("published_until", RuleKind.YEARS_AFTER, 1, Event.PUBLISHED, STATUTORY),
]


def test_bnes_2020_has_exactly_the_designed_clocks() -> None:
    assert [
        (rule.clock_id, rule.kind, rule.amount, rule.starts_at, rule.basis) for rule in BNES_2020.rules
    ] == BNES_2020_TABLE


def test_bnes_2020_conditions_and_rolls() -> None:
    conditions = {rule.clock_id: rule.applies_when for rule in BNES_2020.rules}
    assert conditions.pop("sos_ofsted_notification") is AppliesWhen.LOOKED_AFTER_CHILD_DEATH
    assert conditions.pop("discrepancy_rationale_to_panel") is AppliesWhen.EXECUTIVE_DISAGREES_WITH_PRG
    assert set(conditions.values()) == {AppliesWhen.ALWAYS}
    rolls = {rule.clock_id: rule.roll for rule in BNES_2020.rules}
    assert rolls.pop("published_until") == "next"
    assert set(rolls.values()) == {"previous"}
    assert BNES_2020.rule("published_until").sense is DueSense.NOT_BEFORE


def test_every_rule_names_its_section() -> None:
    for preset in PRESETS.values():
        for rule in preset.rules:
            assert rule.section.startswith("§"), rule.clock_id


def test_wt_2023_has_the_same_clock_ids() -> None:
    assert WT_2023.clock_ids == BNES_2020.clock_ids


def test_wt_2023_starts_every_rapid_review_clock_at_the_notification_to_the_panel() -> None:
    for clock_id in RAPID_REVIEW_CLOCK_IDS:
        assert WT_2023.rule(clock_id).starts_at is Event.PANEL_NOTIFIED
        assert BNES_2020.rule(clock_id).starts_at is Event.NOTIFIED
        assert WT_2023.rule(clock_id).amount == BNES_2020.rule(clock_id).amount


def test_wt_2023_applies_the_secretary_of_state_clock_to_care_leavers_too() -> None:
    assert WT_2023.rule("sos_ofsted_notification").applies_when is AppliesWhen.LOOKED_AFTER_CHILD_OR_CARE_LEAVER_DEATH
    assert WT_2023.care_leaver_deaths_notifiable
    assert not BNES_2020.care_leaver_deaths_notifiable


def test_wt_2023_changes_nothing_else() -> None:
    changed = {"sos_ofsted_notification", *RAPID_REVIEW_CLOCK_IDS}
    for rule in WT_2023.rules:
        if rule.clock_id not in changed:
            assert rule == BNES_2020.rule(rule.clock_id)


def test_only_wt_2023_requires_practice_episodes_and_an_equality_analysis() -> None:
    assert WT_2023.practice_episodes_and_equality_required
    assert not BNES_2020.practice_episodes_and_equality_required


def test_local_defaults_are_the_local_targets() -> None:
    assert BNES_2020.local_defaults == {"information_returns": 6}


def test_presets_are_registered_by_name() -> None:
    assert list(PRESETS) == ["bnes-2020", "wt-2023"]
    assert get_preset("bnes-2020") is BNES_2020
    assert get_preset("wt-2023") is WT_2023


def test_an_unknown_preset_name_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownPresetError) as raised:
        get_preset("bnes-2019")
    assert str(raised.value) == "There is no procedure preset called 'bnes-2019'. The presets are: bnes-2020, wt-2023."


def test_an_unknown_clock_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownClockError) as raised:
        BNES_2020.rule("prg_meting")
    assert str(raised.value).startswith(
        "Preset 'bnes-2020' has no clock 'prg_meting'. Its clocks are: panel_notification, partners_notified, "
    )


def test_overriding_a_number_changes_the_rule_and_its_sentence() -> None:
    custom = BNES_2020.with_overrides({"prg_meeting": 8}, name="bnes-local")
    assert custom.name == "bnes-local"
    assert custom.rule("prg_meeting").amount == 8
    assert custom.rule("prg_meeting").sentence == (
        "within 8 working days of the partnership receiving the local authority's notification"
    )
    assert BNES_2020.rule("prg_meeting").amount == 10
    assert custom.title == BNES_2020.title


def test_overrides_keep_the_presets_settings() -> None:
    custom = WT_2023.with_overrides({"information_returns": 4})
    assert custom.care_leaver_deaths_notifiable
    assert custom.local_defaults == {"information_returns": 4}
    assert custom.name == "wt-2023"


def test_an_override_of_an_unknown_clock_is_refused() -> None:
    with pytest.raises(UnknownClockError, match="no clock 'prg'"):
        BNES_2020.with_overrides({"prg": 8})


@pytest.mark.parametrize("amount", [0, -3, 2.5, True, "8"])
def test_an_override_must_be_a_whole_number_above_zero(amount: object) -> None:
    with pytest.raises(PresetOverrideError, match="whole number above zero"):
        BNES_2020.with_overrides({"prg_meeting": amount})  # type: ignore[dict-item]


def test_a_statutory_deadline_may_be_shortened_but_not_lengthened() -> None:
    assert BNES_2020.with_overrides({"rapid_review_to_panel": 12}).rule("rapid_review_to_panel").amount == 12
    with pytest.raises(PresetOverrideError, match="statutory"):
        BNES_2020.with_overrides({"rapid_review_to_panel": 20})


def test_statutory_notice_before_publication_may_be_lengthened_but_not_shortened() -> None:
    assert BNES_2020.with_overrides({"pre_publication_copies": 10}).rule("pre_publication_copies").amount == 10
    with pytest.raises(PresetOverrideError, match="stricter, not more lenient"):
        BNES_2020.with_overrides({"pre_publication_copies": 5})


def test_the_statutory_publication_period_may_be_lengthened_but_not_shortened() -> None:
    assert BNES_2020.with_overrides({"published_until": 2}).rule("published_until").amount == 2
    custom = BNES_2020.with_overrides({"publication": 4})
    with pytest.raises(PresetOverrideError):
        custom.with_overrides({"publication": 7})


def test_procedure_and_local_numbers_may_go_either_way() -> None:
    custom = BNES_2020.with_overrides({"prg_meeting": 12, "information_returns": 8})
    assert custom.rule("prg_meeting").amount == 12
    assert custom.rule("information_returns").amount == 8


def test_a_preset_cannot_declare_a_clock_twice() -> None:
    rule = BNES_2020.rules[0]
    with pytest.raises(ValueError, match="more than once: panel_notification"):
        Preset(name="twice", title="Twice", description="", rules=(rule, rule))
