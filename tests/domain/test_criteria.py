"""Criteria as data, and every branch of the notifiable-incident test."""

from __future__ import annotations

import pytest

from cspr.domain.criteria import (
    ALL_CRITERIA,
    CRITERIA_BY_CODE,
    DISCRETIONARY_GROUNDS,
    LOCAL_REVIEW_CIRCUMSTANCES,
    LOCAL_REVIEW_CRITERIA,
    NATIONAL_REVIEW_CIRCUMSTANCES,
    NATIONAL_REVIEW_CRITERIA,
    AbuseOrNeglect,
    Assessment,
    Criterion,
    CriterionGroup,
    DutyKind,
    IncidentNature,
    assess_incident,
    get_criterion,
)
from cspr.domain.presets import WT_2023, UnknownPresetError

YES, NO, UNKNOWN = AbuseOrNeglect.YES, AbuseOrNeglect.NO, AbuseOrNeglect.UNKNOWN
DEATH, HARM = IncidentNature.DEATH, IncidentNature.SERIOUS_HARM
LAC_DEATH, CARE_LEAVER_DEATH = IncidentNature.LOOKED_AFTER_CHILD_DEATH, IncidentNature.CARE_LEAVER_DEATH
PANEL, PARTNERS = DutyKind.NOTIFY_PANEL, DutyKind.INFORM_SAFEGUARDING_PARTNERS
SOS, NONE = DutyKind.NOTIFY_SOS_AND_OFSTED, DutyKind.NONE

# -- the lists -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "count", "section", "group"),
    [
        (LOCAL_REVIEW_CRITERIA, 4, "§5.4", CriterionGroup.LOCAL_CRITERIA),
        (LOCAL_REVIEW_CIRCUMSTANCES, 4, "§5.5", CriterionGroup.LOCAL_CIRCUMSTANCES),
        (DISCRETIONARY_GROUNDS, 4, "§5.6", CriterionGroup.DISCRETIONARY_GROUNDS),
        (NATIONAL_REVIEW_CRITERIA, 3, "§8.2", CriterionGroup.NATIONAL_CRITERIA),
        (NATIONAL_REVIEW_CIRCUMSTANCES, 4, "§8.3", CriterionGroup.NATIONAL_CIRCUMSTANCES),
    ],
)
def test_each_list_has_its_criteria_section_and_group(
    criteria: tuple[Criterion, ...], count: int, section: str, group: CriterionGroup
) -> None:
    assert len(criteria) == count
    for criterion in criteria:
        assert criterion.section == section
        assert criterion.group is group
        assert criterion.statement.endswith(".")


def test_discretionary_grounds_are_good_practice_poor_practice_near_miss_and_other() -> None:
    assert [ground.code for ground in DISCRETIONARY_GROUNDS] == ["good_practice", "poor_practice", "near_miss", "other"]


def test_criterion_codes_are_unique() -> None:
    assert len(CRITERIA_BY_CODE) == len(ALL_CRITERIA) == 19


def test_criteria_are_found_by_code() -> None:
    assert get_criterion("near_miss").section == "§5.6"
    with pytest.raises(KeyError, match="no criterion with the code 'nope'"):
        get_criterion("nope")


def test_every_group_has_a_heading() -> None:
    assert {group.heading for group in CriterionGroup} >= {"Criteria for a local review"}
    assert len({group.heading for group in CriterionGroup}) == len(CriterionGroup)


# -- the notifiable-incident test --------------------------------------------------------------------------------


def assess(**facts: object) -> Assessment:
    facts.setdefault("preset", "bnes-2020")
    facts.setdefault("in_area", True)
    return assess_incident(**facts)  # type: ignore[arg-type]


def test_a_suspected_abuse_death_in_the_area_is_notifiable_and_brings_a_rapid_review() -> None:
    result = assess(abuse_or_neglect=YES, nature=DEATH)
    assert result.notifiable_to_panel
    assert result.duty_kinds == (PANEL, PARTNERS)
    assert result.rapid_review_follows
    assert "in the local authority's area" in result.panel_reason
    assert result.duties[0].clock_ids == ("panel_notification",)
    assert result.duties[1].clock_ids == ("partners_notified",)
    assert result.duties[1].section == "§3.6"
    assert not result.needs_more_information


def test_serious_harm_in_the_area_is_notifiable() -> None:
    result = assess(abuse_or_neglect=YES, nature=HARM)
    assert result.notifiable_to_panel
    assert "was seriously harmed" in result.panel_reason


def test_harm_outside_england_to_a_child_normally_resident_in_the_area_is_notifiable() -> None:
    result = assess(
        abuse_or_neglect=YES, nature=HARM, in_area=False, outside_england=True, normally_resident_in_area=True
    )
    assert result.notifiable_to_panel
    assert result.duty_kinds == (PANEL, PARTNERS)
    assert "outside England while normally living" in result.panel_reason


def test_a_death_outside_england_of_a_child_not_normally_resident_brings_no_duty() -> None:
    result = assess(abuse_or_neglect=YES, nature=DEATH, in_area=False, outside_england=True)
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (NONE,)
    assert not result.rapid_review_follows
    assert "did not normally live in its area" in result.duties[0].reason


def test_an_incident_elsewhere_in_england_is_for_that_areas_local_authority() -> None:
    result = assess(abuse_or_neglect=YES, nature=HARM, in_area=False, normally_resident_in_area=True)
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (NONE,)
    assert "elsewhere in England" in result.panel_reason


def test_no_abuse_or_neglect_means_not_notifiable() -> None:
    result = assess(abuse_or_neglect=NO, nature=DEATH)
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (NONE,)
    assert "neither known nor suspected" in result.panel_reason
    assert "discretionary local review" in result.rapid_review_reason


def test_an_unanswered_abuse_question_is_not_notifiable_yet_and_asks_for_more() -> None:
    result = assess(abuse_or_neglect=UNKNOWN, nature=HARM)
    assert not result.notifiable_to_panel
    assert result.needs_more_information
    assert result.panel_reason.startswith("Not notifiable yet")


def test_a_looked_after_childs_death_is_told_to_the_secretary_of_state_whatever_the_cause() -> None:
    result = assess(abuse_or_neglect=NO, nature=LAC_DEATH)
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (SOS,)
    assert result.duties[0].section == "§3.7"
    assert result.duties[0].clock_ids == ("sos_ofsted_notification",)
    assert not result.rapid_review_follows
    assert "only to the Secretary of State and Ofsted" in result.rapid_review_reason


def test_a_looked_after_childs_death_with_suspected_abuse_brings_every_duty() -> None:
    result = assess(abuse_or_neglect=YES, nature=LAC_DEATH)
    assert result.duty_kinds == (PANEL, PARTNERS, SOS)
    assert result.rapid_review_follows


def test_a_looked_after_childs_death_abroad_is_still_told_to_the_secretary_of_state() -> None:
    result = assess(abuse_or_neglect=YES, nature=LAC_DEATH, in_area=False, outside_england=True)
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (SOS,)


def test_another_authoritys_looked_after_child_brings_it_no_secretary_of_state_duty_here() -> None:
    result = assess(abuse_or_neglect=NO, nature=LAC_DEATH, responsible_for_child=False)
    assert result.duty_kinds == (NONE,)


def test_a_care_leavers_death_at_24_is_told_to_the_secretary_of_state_under_wt_2023_without_a_rapid_review() -> None:
    result = assess(abuse_or_neglect=YES, nature=CARE_LEAVER_DEATH, age=24, preset="wt-2023")
    assert not result.notifiable_to_panel
    assert result.duty_kinds == (SOS,)
    assert result.duties[0].section == "Working Together 2023"
    assert not result.rapid_review_follows
    assert "an adult" in result.panel_reason


def test_a_care_leavers_death_at_25_brings_no_duty() -> None:
    assert assess(abuse_or_neglect=NO, nature=CARE_LEAVER_DEATH, age=25, preset="wt-2023").duty_kinds == (NONE,)


def test_a_care_leavers_death_brings_no_secretary_of_state_duty_under_bnes_2020() -> None:
    result = assess(abuse_or_neglect=NO, nature=CARE_LEAVER_DEATH, age=20)
    assert result.duty_kinds == (NONE,)


def test_a_care_leaver_under_18_is_a_child_so_abuse_makes_the_death_notifiable() -> None:
    result = assess(abuse_or_neglect=YES, nature=CARE_LEAVER_DEATH, age=17, preset=WT_2023)
    assert result.duty_kinds == (PANEL, PARTNERS, SOS)
    assert result.rapid_review_follows
    assert assess(abuse_or_neglect=YES, nature=CARE_LEAVER_DEATH, age=17).duty_kinds == (PANEL, PARTNERS)


def test_a_copied_wt_2023_preset_keeps_the_care_leaver_rule() -> None:
    custom = WT_2023.with_overrides({"prg_meeting": 8}, name="ours")
    result = assess(abuse_or_neglect=NO, nature=CARE_LEAVER_DEATH, age=19, preset=custom)
    assert result.duty_kinds == (SOS,)


def test_a_care_leavers_death_needs_an_age() -> None:
    with pytest.raises(ValueError, match="care leaver's age is needed"):
        assess(abuse_or_neglect=YES, nature=CARE_LEAVER_DEATH)


def test_contradictory_places_are_refused() -> None:
    with pytest.raises(ValueError, match="both in the local authority's area and outside England"):
        assess(abuse_or_neglect=YES, nature=DEATH, in_area=True, outside_england=True)


def test_a_negative_age_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        assess(abuse_or_neglect=YES, nature=DEATH, age=-1)


def test_an_unknown_preset_name_is_refused() -> None:
    with pytest.raises(UnknownPresetError):
        assess(abuse_or_neglect=YES, nature=DEATH, preset="nowhere")


@pytest.mark.parametrize("abuse", list(AbuseOrNeglect))
@pytest.mark.parametrize("nature", list(IncidentNature))
@pytest.mark.parametrize("place", ["in_area", "abroad_resident", "abroad_not_resident", "elsewhere_in_england"])
@pytest.mark.parametrize("preset", ["bnes-2020", "wt-2023"])
def test_every_combination_gives_duties_with_reasons_and_a_consistent_rapid_review(
    abuse: AbuseOrNeglect, nature: IncidentNature, place: str, preset: str
) -> None:
    places = {
        "in_area": {"in_area": True},
        "abroad_resident": {"in_area": False, "outside_england": True, "normally_resident_in_area": True},
        "abroad_not_resident": {"in_area": False, "outside_england": True},
        "elsewhere_in_england": {"in_area": False},
    }
    result = assess(abuse_or_neglect=abuse, nature=nature, preset=preset, age=16, **places[place])
    assert result.duties
    assert all(duty.reason for duty in result.duties)
    assert result.rapid_review_follows == result.notifiable_to_panel == (PANEL in result.duty_kinds)
    assert (PARTNERS in result.duty_kinds) == result.notifiable_to_panel
    assert (NONE in result.duty_kinds) == (len(result.duties) == 1 and result.duties[0].kind is NONE)
    expected_notifiable = abuse is YES and place in {"in_area", "abroad_resident"}
    assert result.notifiable_to_panel == expected_notifiable
    expected_sos = nature is LAC_DEATH or (nature is CARE_LEAVER_DEATH and preset == "wt-2023")
    assert (SOS in result.duty_kinds) == expected_sos
