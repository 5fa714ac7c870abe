"""The demo's rapid review steps: what the data file (``data/cases.toml``) may do on a case after its notification,
from the PRG meeting to the Panel's response and the learning actions' end. Each step acts through the services, as
the person whose role it is, at fixed invented dates.

The record written by :class:`RapidReviewRecord` is invented and plain: the children by pseudonym, every criterion
judged alike with one reason, every statutory agency involved but the fire service, and one learning action owned
by the first safeguarding partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cspr.cases.models import Case
from cspr.demo.common import BUSINESS_UNIT, EXECUTIVE, EXECUTIVES, PRG_CHAIR, PRG_MEMBER, acting, answers, on
from cspr.domain.rapid_review import JUDGED_CRITERIA
from cspr.domain.roles import Role
from cspr.partnerships.models import OrganisationType
from cspr.rapid_reviews import selectors
from cspr.rapid_reviews.models import MeetingAttendance
from cspr.rapid_reviews.services import (
    ActionEnding,
    ActionInput,
    AttendanceInput,
    criteria_not_met_close,
    learning_action_resolve,
    meeting_held_record,
    meeting_schedule,
    panel_response_record,
    panel_submission_record,
    partner_sign_off,
    prg_decision_record,
    rapid_review_ratify,
    rapid_review_section_save,
)

NO_FIRE_CONTACT = "The fire service had no contact with the family."


def _attendance(case: Case) -> list[AttendanceInput]:
    """Every statutory agency at the meeting, but the fire service, which had nothing to do with the family."""
    return [
        AttendanceInput(organisation.pk, MeetingAttendance.Status.NOT_INVOLVED, NO_FIRE_CONTACT)
        if organisation.type == OrganisationType.FIRE_AND_RESCUE
        else AttendanceInput(organisation.pk, MeetingAttendance.Status.ATTENDED)
        for organisation in selectors.statutory_agencies(partnership_id=case.partnership_id)
    ]


@dataclass(frozen=True)
class PrgMeeting:
    """The business unit schedules the PRG meeting at ``at`` and, when ``held_on`` is given, records it held that
    afternoon with every statutory agency accounted for."""

    scheduled_on: date
    at: datetime
    held_on: date | None = None
    starts_at: str = "14:00"
    mode: str = "virtual"
    where: str = "Online: the joining link is in the calendar invitation"
    agenda: str = (
        "1. Immediate safeguarding\n2. Agencies' returns and the facts\n3. The criteria (§5.4-5.5)\n4. Decisions"
    )
    minutes: str = "The PRG went through the agencies' returns, the facts and each criterion."
    actions_agreed: str = "The business unit writes up the record for the PRG chair."

    def take(self, case: Case) -> None:
        business_unit = acting(BUSINESS_UNIT)
        meeting_schedule(
            acting=business_unit,
            case=case,
            at=self.at,
            **answers(self, besides={"held_on", "minutes", "actions_agreed"}),
        )
        if self.held_on is not None:
            meeting_held_record(
                acting=business_unit,
                case=case,
                held_on=self.held_on,
                attendance=_attendance(case),
                minutes=self.minutes,
                actions_agreed=self.actions_agreed,
                at=on(self.held_on, 16),
            )


@dataclass(frozen=True)
class RapidReviewRecord:
    """A PRG member writes the whole record on ``written_on``: the PRG's view on a local review (``local_review``,
    for ``local_reasons``, which also say what is learnt when there is none), and the one learning action it agrees,
    due on ``action_due_on``; a national review is not recommended unless ``national_recommendation`` says so."""

    written_on: date
    facts_summary: str
    judgement: str
    judgement_reason: str
    local_review: bool
    local_reasons: str
    further_learning: str
    immediate_learning: str
    action: str
    action_due_on: date
    arrangements: str = "{pseudonym} is safe: the plan agreed at the strategy discussion is in place."
    national_recommendation: str = "no"
    national_criteria: tuple[str, ...] = ()
    national_reasons: str = "The learning is for the partnership; the Panel's criteria are not met."

    def take(self, case: Case) -> None:
        member = acting(PRG_MEMBER)
        partner = selectors.safeguarding_partners(partnership_id=case.partnership_id)[0]
        agencies = selectors.statutory_agencies(partnership_id=case.partnership_id)
        fire = [org for org in agencies if org.type == OrganisationType.FIRE_AND_RESCUE]
        sections: dict[str, dict[str, Any]] = {
            "safeguarding": {
                "arrangements": {
                    child.pk: self.arrangements.format(pseudonym=child.pseudonym)
                    for child in selectors.case_children(case=case)
                }
            },
            "facts": {"facts_summary": self.facts_summary, "key_practice_episodes": "", "equality_analysis": ""},
            "criteria": {
                "judgements": {item.code: (self.judgement, self.judgement_reason) for item in JUDGED_CRITERIA}
            },
            "decisions": {
                "local_decision": "yes" if self.local_review else "no",
                "local_grounds": self.local_reasons,
                "national_recommendation": self.national_recommendation,
                "national_criteria": list(self.national_criteria),
                "national_reasons": self.national_reasons,
                "further_learning": self.further_learning,
                "no_further_learning": "" if self.local_review else self.local_reasons,
            },
            "learning": {
                "immediate_learning": self.immediate_learning,
                "actions": [ActionInput(self.action, partner.pk, self.action_due_on)],
            },
            "agencies": {
                "involved": [org.pk for org in agencies if org not in fire],
                "omissions": {org.pk: NO_FIRE_CONTACT for org in fire},
            },
        }
        for hour, (section, values) in enumerate(sections.items(), start=10):
            rapid_review_section_save(
                acting=member, case=case, section=section, values=values, at=on(self.written_on, hour)
            )


@dataclass(frozen=True)
class PrgDecision:
    """The PRG chair records the PRG's decision, sending the rapid review to the Executive."""

    decided_on: date

    def take(self, case: Case) -> None:
        prg_decision_record(acting=acting(PRG_CHAIR), case=case, decided_on=self.decided_on, at=on(self.decided_on))


@dataclass(frozen=True)
class Ratification:
    """Each lead safeguarding partner's Executive member signs off in agreement, then one ratifies, all on
    ``ratified_on``."""

    ratified_on: date

    def take(self, case: Case) -> None:
        for hour, email in enumerate(EXECUTIVES, start=9):
            executive = acting(email)
            grant = executive.grant_for(case.partnership_id, [Role.EXECUTIVE_MEMBER])
            if grant is None or grant.organisation_id is None:
                raise ValueError(f"The demo's {email} signs for no organisation.")
            partner_sign_off(
                acting=executive,
                case=case,
                organisation_id=grant.organisation_id,
                agrees=True,
                signed_on=self.ratified_on,
                at=on(self.ratified_on, hour),
            )
        rapid_review_ratify(
            acting=acting(EXECUTIVE), case=case, ratified_on=self.ratified_on, at=on(self.ratified_on, 14)
        )


@dataclass(frozen=True)
class PanelSubmission:
    """The business unit records the ratified rapid review sent to the Panel."""

    sent_on: date

    def take(self, case: Case) -> None:
        panel_submission_record(acting=acting(BUSINESS_UNIT), case=case, sent_on=self.sent_on, at=on(self.sent_on))


@dataclass(frozen=True)
class PanelResponse:
    """The business unit records what the Panel said (a ``PanelResponse.Kind`` value), on the day it came."""

    kind: str
    received_on: date
    details: str = ""

    def take(self, case: Case) -> None:
        panel_response_record(acting=acting(BUSINESS_UNIT), case=case, at=on(self.received_on, 15), **answers(self))


@dataclass(frozen=True)
class CriteriaNotMet:
    """The PRG chair closes the case: it turns out not to meet the criteria for a review."""

    reason: str
    at: datetime

    def take(self, case: Case) -> None:
        criteria_not_met_close(acting=acting(PRG_CHAIR), case=case, reason=self.reason, at=self.at)


@dataclass(frozen=True)
class ActionsEnded:
    """The business unit records every open learning action of the case ended: ``outcome`` done, or closed with a
    ``reason``, on ``resolved_on``."""

    outcome: str
    resolved_on: date
    reason: str = ""

    def take(self, case: Case) -> None:
        business_unit = acting(BUSINESS_UNIT)
        for row in selectors.learning_action_rows(case=case):
            if row.is_open:
                learning_action_resolve(
                    acting=business_unit,
                    case=case,
                    action_id=row.id,
                    ending=ActionEnding(self.outcome, self.resolved_on, self.reason),
                    at=on(self.resolved_on, 16),
                )


RapidReviewStep = (
    PrgMeeting
    | RapidReviewRecord
    | PrgDecision
    | Ratification
    | PanelSubmission
    | PanelResponse
    | CriteriaNotMet
    | ActionsEnded
)

RAPID_REVIEW_STEPS: dict[str, type[RapidReviewStep]] = {
    "prg_meeting": PrgMeeting,
    "rapid_review_record": RapidReviewRecord,
    "prg_decision": PrgDecision,
    "ratification": Ratification,
    "panel_submission": PanelSubmission,
    "panel_response": PanelResponse,
    "criteria_not_met": CriteriaNotMet,
    "actions_ended": ActionsEnded,
}
"""The rapid review's steps by the names the data file gives them."""
