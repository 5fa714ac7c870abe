"""Review criteria as data, and the notifiable-incident test (procedure §3, §5, §8).

Each criterion is stated briefly in our own words with its section; a partnership may show its own procedure's text
instead (that is its data, held elsewhere). :func:`assess_incident` applies the notification duties to plain facts
and explains each conclusion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from cspr.domain.presets import Preset, get_preset

__all__ = [
    "ADULTHOOD",
    "ALL_CRITERIA",
    "CARE_LEAVER_AGE_LIMIT",
    "CRITERIA_BY_CODE",
    "DISCRETIONARY_GROUNDS",
    "LOCAL_REVIEW_CIRCUMSTANCES",
    "LOCAL_REVIEW_CRITERIA",
    "NATIONAL_REVIEW_CIRCUMSTANCES",
    "NATIONAL_REVIEW_CRITERIA",
    "AbuseOrNeglect",
    "Assessment",
    "Criterion",
    "CriterionGroup",
    "Duty",
    "DutyKind",
    "IncidentNature",
    "assess_incident",
    "get_criterion",
]


class CriterionGroup(StrEnum):
    """The list a criterion belongs to."""

    LOCAL_CRITERIA = "local_criteria"
    LOCAL_CIRCUMSTANCES = "local_circumstances"
    DISCRETIONARY_GROUNDS = "discretionary_grounds"
    NATIONAL_CRITERIA = "national_criteria"
    NATIONAL_CIRCUMSTANCES = "national_circumstances"

    @property
    def heading(self) -> str:
        """A heading for the list."""
        return {
            CriterionGroup.LOCAL_CRITERIA: "Criteria for a local review",
            CriterionGroup.LOCAL_CIRCUMSTANCES: "Circumstances to have regard to",
            CriterionGroup.DISCRETIONARY_GROUNDS: "Grounds for a discretionary local review",
            CriterionGroup.NATIONAL_CRITERIA: "Criteria the Panel considers for a national review",
            CriterionGroup.NATIONAL_CIRCUMSTANCES: "Circumstances the Panel has regard to",
        }[self]


@dataclass(frozen=True)
class Criterion:
    """One criterion, circumstance or ground: a stable code, its group, its section and a short statement."""

    code: str
    group: CriterionGroup
    section: str
    statement: str


def _group(group: CriterionGroup, section: str, *items: tuple[str, str]) -> tuple[Criterion, ...]:
    return tuple(Criterion(code=code, group=group, section=section, statement=text) for code, text in items)


LOCAL_REVIEW_CRITERIA = _group(
    CriterionGroup.LOCAL_CRITERIA,
    "§5.4",
    ("improvements_needed", "Points, or may point, to improvements needed in safeguarding, including known ones."),
    ("recurrent_themes", "Points, or may point, to themes that keep recurring in how children are safeguarded."),
    ("joint_working_concerns", "Raises, or may raise, concerns about how two or more agencies worked together."),
    ("panel_suggests_local_review", "The Panel has considered the case and thinks a local review may suit it better."),
)
"""§5.4: the criteria the partnership weighs when deciding on a local review."""

LOCAL_REVIEW_CIRCUMSTANCES = _group(
    CriterionGroup.LOCAL_CIRCUMSTANCES,
    "§5.5",
    ("single_agency_concern", "The partners are concerned about what one agency did or did not do."),
    ("no_agency_involvement", "No agency was involved with the family, and that absence itself is a concern."),
    ("several_areas_involved", "More than one local authority, police force or health area is involved."),
    ("institutional_setting", "The case may raise safeguarding issues in an institutional setting."),
)
"""§5.5: circumstances the partnership should have regard to."""

DISCRETIONARY_GROUNDS = _group(
    CriterionGroup.DISCRETIONARY_GROUNDS,
    "§5.6",
    ("good_practice", "Practice went well and others could learn from it."),
    ("poor_practice", "Practice fell short in a way that matters locally."),
    ("near_miss", "A child nearly came to serious harm."),
    ("other", "Another issue of local importance (say what it is)."),
)
"""§5.6: grounds for reviewing a case that is not a serious child safeguarding case."""

NATIONAL_REVIEW_CRITERIA = _group(
    CriterionGroup.NATIONAL_CRITERIA,
    "§8.2",
    ("national_improvements_needed", "Points, or may point, to improvements needed, including ones already known."),
    ("law_or_guidance_change", "Raises, or may raise, a need to change legislation or statutory guidance."),
    ("national_recurrent_themes", "Points, or may point, to themes that keep recurring nationally."),
)
"""§8.2: what the Panel takes into account for a national review."""

NATIONAL_REVIEW_CIRCUMSTANCES = _group(
    CriterionGroup.NATIONAL_CIRCUMSTANCES,
    "§8.3",
    ("educated_otherwise_than_at_school", "The child was educated other than at school."),
    ("in_care_or_on_protection_plan", "The child was looked after, or on (or recently off) a child protection plan."),
    ("several_types_of_abuse", "The case involves several kinds of abuse."),
    ("national_institutional_setting", "The case may raise safeguarding issues in an institutional setting."),
)
"""§8.3: circumstances the Panel has regard to."""

ALL_CRITERIA: tuple[Criterion, ...] = (
    LOCAL_REVIEW_CRITERIA
    + LOCAL_REVIEW_CIRCUMSTANCES
    + DISCRETIONARY_GROUNDS
    + NATIONAL_REVIEW_CRITERIA
    + NATIONAL_REVIEW_CIRCUMSTANCES
)

CRITERIA_BY_CODE: Mapping[str, Criterion] = MappingProxyType({criterion.code: criterion for criterion in ALL_CRITERIA})


def get_criterion(code: str) -> Criterion:
    """The criterion with ``code`` (raises ``KeyError`` naming the code)."""
    try:
        return CRITERIA_BY_CODE[code]
    except KeyError:
        raise KeyError(f"There is no criterion with the code '{code}'.") from None


# -- the notifiable-incident test --------------------------------------------------------------------------------


class AbuseOrNeglect(StrEnum):
    """Whether abuse or neglect of the child is known or suspected."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class IncidentNature(StrEnum):
    """What happened to the child, as the national notification form asks it."""

    DEATH = "death"
    SERIOUS_HARM = "serious_harm"
    LOOKED_AFTER_CHILD_DEATH = "looked_after_child_death"
    CARE_LEAVER_DEATH = "care_leaver_death"


class DutyKind(StrEnum):
    """A notification duty that follows from an incident."""

    NOTIFY_PANEL = "notify_panel"
    INFORM_SAFEGUARDING_PARTNERS = "inform_safeguarding_partners"
    NOTIFY_SOS_AND_OFSTED = "notify_sos_and_ofsted"
    NONE = "none"


@dataclass(frozen=True)
class Duty:
    """One duty, why it applies and where it is set out, with the clocks that time it."""

    kind: DutyKind
    reason: str
    section: str
    clock_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """The outcome of the notifiable-incident test, with reasons in words."""

    notifiable_to_panel: bool
    panel_reason: str
    duties: tuple[Duty, ...]
    rapid_review_follows: bool
    rapid_review_reason: str
    needs_more_information: bool = False

    @property
    def duty_kinds(self) -> tuple[DutyKind, ...]:
        return tuple(duty.kind for duty in self.duties)


CARE_LEAVER_AGE_LIMIT = 24
"""Under Working Together 2023 a care leaver's death is notified up to and including this age."""

ADULTHOOD = 18


def assess_incident(
    *,
    abuse_or_neglect: AbuseOrNeglect,
    nature: IncidentNature,
    in_area: bool,
    preset: Preset | str,
    outside_england: bool = False,
    normally_resident_in_area: bool = False,
    age: int | None = None,
    responsible_for_child: bool = True,
) -> Assessment:
    """Which notification duties an incident brings for this local authority, and whether a rapid review follows.

    * Panel (§3.1, §3.5): abuse or neglect known or suspected, the child died or was seriously harmed, and either it
      happened in the authority's area or outside England while the child normally lived in the area. Every
      ``nature`` is a death or serious harm; a care leaver aged 18 or over is not a child, so not notifiable.
      A notification to the Panel also means telling the safeguarding partners (§3.6), and a rapid review (§4).
    * Secretary of State and Ofsted (§3.7): a looked-after child's death, whatever the cause and wherever it
      happened, when this authority looked after the child (``responsible_for_child``); under a preset with
      ``care_leaver_deaths_notifiable`` (``wt-2023``) also a care leaver's death at 24 or under. Neither brings a
      rapid review on its own.

    ``age`` is required for a care leaver's death. Raises ``ValueError`` for contradictory facts.
    """
    if in_area and outside_england:
        raise ValueError("An incident cannot be both in the local authority's area and outside England.")
    if age is not None and age < 0:
        raise ValueError(f"Age must not be negative (got {age}).")
    if nature is IncidentNature.CARE_LEAVER_DEATH and age is None:
        raise ValueError("The care leaver's age is needed to decide which duties apply.")
    rules = get_preset(preset) if isinstance(preset, str) else preset

    notifiable, panel_reason = _panel_test(
        abuse_or_neglect, nature, in_area, outside_england, normally_resident_in_area, age
    )
    duties: list[Duty] = []
    if notifiable:
        duties.append(Duty(DutyKind.NOTIFY_PANEL, panel_reason, "§3.5-3.6", ("panel_notification",)))
        duties.append(
            Duty(
                DutyKind.INFORM_SAFEGUARDING_PARTNERS,
                "A notification to the Panel is also reported to the area's safeguarding partners within 5 working "
                "days, and to other areas where appropriate.",
                "§3.6",
                ("partners_notified",),
            )
        )
    sos_duty = _sos_and_ofsted_duty(nature, age, responsible_for_child, rules)
    if sos_duty is not None:
        duties.append(sos_duty)
    if not duties:
        duties.append(Duty(DutyKind.NONE, panel_reason, "§3.5"))

    if notifiable:
        rapid_review_reason = "Every notification to the Panel is followed by a rapid review (§4.1)."
    elif sos_duty is not None:
        rapid_review_reason = (
            "No rapid review: a notification only to the Secretary of State and Ofsted does not bring one."
        )
    else:
        rapid_review_reason = (
            "No rapid review: the incident is not notifiable to the Panel. A discretionary local review is still "
            "possible (§5.6)."
        )
    return Assessment(
        notifiable_to_panel=notifiable,
        panel_reason=panel_reason,
        duties=tuple(duties),
        rapid_review_follows=notifiable,
        rapid_review_reason=rapid_review_reason,
        needs_more_information=abuse_or_neglect is AbuseOrNeglect.UNKNOWN,
    )


def _panel_test(
    abuse_or_neglect: AbuseOrNeglect,
    nature: IncidentNature,
    in_area: bool,
    outside_england: bool,
    normally_resident_in_area: bool,
    age: int | None,
) -> tuple[bool, str]:
    """Whether the Panel must be notified, and why (or why not)."""
    if abuse_or_neglect is AbuseOrNeglect.UNKNOWN:
        return False, (
            "Not notifiable yet: nobody has said whether abuse or neglect is known or suspected. Answer that first; "
            "the 5-working-day clock runs from the local authority becoming aware (§3.1, §3.6)."
        )
    if abuse_or_neglect is AbuseOrNeglect.NO:
        return False, "Not notifiable to the Panel: abuse or neglect is neither known nor suspected (§3.1)."
    if nature is IncidentNature.CARE_LEAVER_DEATH and age is not None and age >= ADULTHOOD:
        return False, (
            f"Not notifiable to the Panel: the care leaver was {age}, an adult, and the duty concerns children (§3.5)."
        )
    harm = "died" if nature is not IncidentNature.SERIOUS_HARM else "was seriously harmed"
    if in_area:
        return True, (
            f"Notifiable to the Panel: abuse or neglect is known or suspected and the child {harm} in the local "
            "authority's area (§3.1, §3.5)."
        )
    if outside_england and normally_resident_in_area:
        return True, (
            f"Notifiable to the Panel: abuse or neglect is known or suspected and the child {harm} outside England "
            "while normally living in the local authority's area (§3.1, §3.5)."
        )
    if outside_england:
        return False, (
            "Not notifiable by this local authority: the incident happened outside England and the child did not "
            "normally live in its area (§3.5)."
        )
    return False, (
        "Not notifiable by this local authority: the incident happened elsewhere in England, so the duty lies with "
        "the local authority for that area (§3.5, §3.8)."
    )


def _sos_and_ofsted_duty(
    nature: IncidentNature, age: int | None, responsible_for_child: bool, preset: Preset
) -> Duty | None:
    """The duty to notify the Secretary of State and Ofsted, if any."""
    if nature is IncidentNature.LOOKED_AFTER_CHILD_DEATH and responsible_for_child:
        return Duty(
            DutyKind.NOTIFY_SOS_AND_OFSTED,
            "A child looked after by this local authority has died: the Secretary of State and Ofsted are told "
            "whether or not abuse or neglect is suspected.",
            "§3.7",
            ("sos_ofsted_notification",),
        )
    if (
        nature is IncidentNature.CARE_LEAVER_DEATH
        and responsible_for_child
        and preset.care_leaver_deaths_notifiable
        and age is not None
        and age <= CARE_LEAVER_AGE_LIMIT
    ):
        return Duty(
            DutyKind.NOTIFY_SOS_AND_OFSTED,
            f"A care leaver of this local authority has died aged {age}: under Working Together 2023 the Secretary "
            "of State and Ofsted are told about care leavers aged 24 or under.",
            "Working Together 2023",
            ("sos_ofsted_notification",),
        )
    return None
