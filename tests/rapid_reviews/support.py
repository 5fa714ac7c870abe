"""Helpers for rapid review tests: the demo case at the rapid review stage driven step by step, with fixed dates.

NVALE-2026-003 was notified on Friday 13 November 2026: the PRG meeting and the report to the Executive are due
by Friday 27 November, ratification and the Panel copy by Friday 4 December.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from cspr.accounts.models import User
from cspr.cases.models import Case, Child
from cspr.domain.rapid_review import JUDGED_CRITERIA
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.partnerships.models import Organisation, PartnershipOrganisation
from cspr.partnerships.scoping import acting_for, scope_for
from cspr.rapid_reviews import services
from cspr.rapid_reviews.models import LearningAction, MeetingAttendance, MeetingPaper

LONDON = ZoneInfo("Europe/London")
REFERENCE = "NVALE-2026-003"
BU = "business.unit@example.org"
CHAIR = "prg.chair@example.org"
MEMBER = "prg.member@example.org"
EXEC_LA = "executive@example.org"
EXEC_HEALTH = "executive.health@example.org"
EXEC_POLICE = "executive.police@example.org"
SECRET_TEXT = "Tansy Madeupton"  # the demo child's name: must never leak into mail or audit


def at(day: int, hour: int = 11, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def person(email: str) -> User:
    return User.objects.get(email=email)


def scope(email: str) -> Any:
    return scope_for(person(email))


def acting_as(email: str, *, client_ip: str | None = None) -> Acting:
    """The person with this address acting (every one of their memberships), as a command or a test does."""
    return acting_for(person(email), client_ip=client_ip)


def the_case() -> Case:
    return Case.objects.get(reference=REFERENCE)


def statutory(case: Case) -> list[Organisation]:
    links = PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id, is_statutory_agency=True)
    return [link.organisation for link in links.select_related("organisation")]


def partners(case: Case) -> list[Organisation]:
    links = PartnershipOrganisation.objects.filter(partnership_id=case.partnership_id, is_safeguarding_partner=True)
    return [link.organisation for link in links.select_related("organisation")]


def save(case: Case, section: str, values: dict[str, Any], email: str = MEMBER, when: datetime | None = None) -> Any:
    return services.rapid_review_section_save(
        acting=acting_as(email), case=case, section=section, values=values, at=when or at(20)
    )


REASON = "A clear reason that is long enough to count."
SUMMARY = (
    "Child A was admitted to hospital with malnutrition and untreated injuries. The family was known to children's "
    "services and a child protection plan was in place."
)


def complete_record(case: Case, *, local: str = "yes", email: str = MEMBER) -> None:
    children = list(Child.objects.filter(case=case))
    save(
        case,
        "safeguarding",
        {"arrangements": {child.pk: f"{child.pseudonym} is safe with relatives." for child in children}},
        email,
    )
    save(case, "facts", {"facts_summary": SUMMARY, "key_practice_episodes": "", "equality_analysis": ""}, email)
    save(case, "criteria", {"judgements": {item.code: ("met", REASON) for item in JUDGED_CRITERIA}}, email)
    save(
        case,
        "decisions",
        {
            "local_decision": local,
            "local_grounds": "The case points to improvements needed in joint working.",
            "national_recommendation": "no",
            "national_criteria": ["several_types_of_abuse"],
            "national_reasons": "The learning is local and the Panel criteria are not met.",
            "further_learning": "Learning about neglect and health visiting is expected.",
            "no_further_learning": "" if local == "yes" else "Everything has been learnt at the rapid review.",
        },
        email,
    )
    owner = partners(case)[0]
    save(
        case,
        "learning",
        {
            "immediate_learning": "Agencies did not share concerns about missed appointments.",
            "actions": [
                services.ActionInput("Brief health visitors on the neglect toolkit.", owner.pk, date(2027, 1, 31))
            ],
        },
        email,
    )
    agencies = statutory(case)
    save(
        case,
        "agencies",
        {
            "involved": [org.pk for org in agencies if org.type != "fire_and_rescue"],
            "omissions": {
                org.pk: "The fire service had no contact with the family."
                for org in agencies
                if org.type == "fire_and_rescue"
            },
        },
        email,
    )


def schedule(case: Case, *, day: date = date(2026, 11, 25), late_reason: str = "", when: datetime | None = None) -> Any:
    return services.meeting_schedule(
        acting=acting_as(BU),
        case=case,
        scheduled_on=day,
        mode="virtual",
        where="Online: link in the calendar invitation",
        agenda="1. Facts 2. Criteria 3. Decision",
        late_reason=late_reason,
        at=when or at(18),
    )


def meeting_form(day: str, month: str, year: str) -> dict[str, str]:
    """What the meeting page posts to schedule the PRG meeting in Room 4 on this date (no reason for lateness)."""
    return {
        "scheduled_on-day": day,
        "scheduled_on-month": month,
        "scheduled_on-year": year,
        "starts_at": "14:00",
        "mode": "in_person",
        "where": "Room 4, the council offices",
        "agenda": "Facts, criteria, decision.",
        "late_reason": "",
    }


def attendance_all(case: Case) -> list[services.AttendanceInput]:
    rows = []
    for org in statutory(case):
        if org.type == "fire_and_rescue":
            rows.append(
                services.AttendanceInput(org.pk, MeetingAttendance.Status.NOT_INVOLVED, "No contact with the family.")
            )
        else:
            rows.append(services.AttendanceInput(org.pk, MeetingAttendance.Status.ATTENDED))
    return rows


def hold(case: Case, *, held_on: date = date(2026, 11, 25), when: datetime | None = None) -> Any:
    return services.meeting_held_record(
        acting=acting_as(BU),
        case=case,
        held_on=held_on,
        attendance=attendance_all(case),
        minutes="The PRG discussed the facts and the criteria.",
        actions_agreed="Share the learning.",
        at=when or at(25, 15),
    )


def to_prg_decided(case: Case, *, local: str = "yes") -> Case:
    schedule(case)
    hold(case)
    complete_record(case, local=local)
    services.prg_decision_record(acting=acting_as(CHAIR), case=case, at=at(26))
    return Case.objects.get(pk=case.pk)


def sign(case: Case, email: str, *, agrees: bool = True, when: datetime | None = None) -> Any:
    who = scope(email)
    organisation_id = next(iter(who.organisation_ids_in(case.partnership_id, roles=[Role.EXECUTIVE_MEMBER])))
    return services.partner_sign_off(
        acting=acting_as(email),
        case=case,
        organisation_id=organisation_id,
        agrees=agrees,
        rationale="" if agrees else "We think a local review would add little new learning.",
        at=when or at(30),
    )


def to_ratified(case: Case, *, disagree: bool = False, local_review: bool | None = None) -> Case:
    case = to_prg_decided(case)
    sign(case, EXEC_LA)
    sign(case, EXEC_HEALTH)
    sign(case, EXEC_POLICE, agrees=not disagree)
    services.rapid_review_ratify(acting=acting_as(EXEC_LA), case=case, local_review=local_review, at=at(2, month=12))
    return Case.objects.get(pk=case.pk)


def to_awaiting_panel(case: Case) -> Case:
    case = to_ratified(case)
    services.panel_submission_record(acting=acting_as(BU), case=case, sent_on=date(2026, 12, 3), at=at(3, month=12))
    return Case.objects.get(pk=case.pk)


def panel_response(case: Case, kind: str, day: int, *, recorded_day: int | None = None, **answer: Any) -> Any:
    """The business unit records the Panel's answer of this kind (or the information sent back to it), received on
    this day of December 2026, with the rest of the ``answer`` (``details``, ``information_due_on``) as given.

    It is recorded on the day it came unless `recorded_day` says otherwise."""
    return services.panel_response_record(
        acting=acting_as(BU),
        case=case,
        kind=kind,
        received_on=date(2026, 12, day),
        at=at(recorded_day or day, month=12),
        **answer,
    )


def every_action_done(case: Case, *, on: date, when: datetime) -> None:
    """The business unit records every learning action of the case as done on ``on``."""
    for action in LearningAction.objects.filter(case=case):
        services.learning_action_resolve(
            acting=acting_as(BU), case=case, action_id=action.pk, ending=services.ActionEnding("done", on), at=when
        )


def paper(case: Case) -> MeetingPaper:
    return services.meeting_paper_attach(
        acting=acting_as(BU),
        case=case,
        upload=SimpleUploadedFile("agenda.txt", b"Agenda for the PRG.", content_type="text/plain"),
        title="Agenda pack",
        at=at(19),
    )


# -- the URL policy test's objects ------------------------------------------------------------------------------------

RAPID_REVIEW_POST_ONLY: frozenset[str] = frozenset()


def rapid_review_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """NVALE-2026-003 (at the rapid review stage) for every page; a paper for the paper download."""
    case = Case.objects.get(partnership=northvale, reference=REFERENCE)
    if name == "rapid_reviews:section":
        return {"reference": REFERENCE, "section": "facts"}
    if name == "rapid_reviews:action":
        complete_record(case)
        return {"reference": REFERENCE, "action_id": LearningAction.objects.get(case=case).pk}
    if name == "rapid_reviews:paper-download":
        schedule(case)
        return {"reference": REFERENCE, "paper_uuid": paper(case).uuid}
    return {"reference": REFERENCE}
