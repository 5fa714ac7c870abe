"""Writes to cases. Every function is keyword-only, atomic and audited; messages go through the outbox.

Messages and audit details carry the case reference, pseudonyms and a link, never a child's or family member's
identifying details. Dates are calendar dates in Europe/London; "now" and "today" are parameters that default from
``django.utils.timezone`` (tests move time with time-machine).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from datetime import date, datetime
from typing import Any, cast

import rules
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.calendars.selectors import clock_date_range, partnership_calendar, partnership_preset
from cspr.cases import documents, selectors
from cspr.cases.errors import CaseActionRefused
from cspr.cases.models import (
    DUTY_CLOCKS,
    Case,
    CaseClock,
    CaseDocument,
    CaseLink,
    CaseReferenceCounter,
    CaseTransition,
    Child,
    DutyKind,
    DutyRecord,
    HouseholdMember,
    LocalAuthorityDecision,
)
from cspr.cases.notification import NotificationData, normalise_nhs_number, validate_notification
from cspr.cases.rules import la_notifier_organisation_ids, scope_of
from cspr.core.crypto import decrypt, encrypt, lookup_hash, needs_rotation
from cspr.core.sealing import SUFFIX, seal_context, sealed_field_names
from cspr.core.text import NOTE, ONE_LINE, REASON, FieldTexts, normalise
from cspr.domain.clocks import (
    LATE_REASON_MIN,
    CaseClockSituation,
    ClockFacts,
    Event,
    EventOrderError,
    clock_facts,
    compute_due_dates,
    is_late,
    late_reason_missing,
)
from cspr.domain.criteria import AbuseOrNeglect, IncidentNature, assess_incident
from cspr.domain.lifecycle import CaseFacts, Stage, TransitionRefused, apply_transition, authorising_role
from cspr.domain.roles import Role
from cspr.domain.rules import closed_stages
from cspr.kernel.acting import Acting
from cspr.kernel.kit import audit_case
from cspr.messaging.services import message_queue
from cspr.partnerships.models import Membership, Organisation, OrganisationType, Partnership
from cspr.partnerships.scoping import Scope

__all__ = [
    "IDENTIFYING_PURPOSES",
    "CaseActionRefused",
    "IdentifyingDetails",
    "NotificationInvalid",
    "NotificationRefused",
    "case_link",
    "case_link_dismiss",
    "case_route",
    "clock_extension_record",
    "document_attach",
    "document_download",
    "duty_record",
    "identifying_details_view",
    "la_decision_record",
    "notification_submit",
]

# -- messages (module constants: tests match the exact words) --------------------------------------------------------

NOT_A_NOTIFIER = "Only a notifier for the local authority can submit a serious incident notification."
NOT_AN_AGENCY_MEMBER = "Only a member of an agency in this partnership can refer an incident."
SCOPE_MISMATCH = "The membership used does not belong to the person acting."
NOT_ALLOWED = "You cannot do this on this case."
LA_DECISION_NOT_ALLOWED = (
    "Only the local authority records its decision on notifying the Panel. The business unit may record the first "
    "decision on the local authority's behalf, naming the officer who decided, but cannot change a decision already "
    "recorded: a correction is a new decision by the local authority."
)
LA_OFFICER_NEEDED = "Enter the name and role of the local authority officer who decided."
REASON_NEEDED = "Enter the reason for the decision."
DATE_IN_FUTURE = "The date must be today or in the past."
DATE_BEFORE_AWARE = "The date must be the same as or after the date the local authority became aware."
UNKNOWN_ROUTE = "'{transition}' is not something this page can do."
DUTY_LATE_REASON = (
    f"The duty was met after its due date: enter the reason it was late (at least {LATE_REASON_MIN} characters)."
)
DUTY_NOT_APPLICABLE = "This duty does not apply to this case."
DUTY_ALREADY_RECORDED = "This duty was already recorded as done on {done_on}."
PANEL_REFERENCE_NEEDED = "Enter the Panel's reference for the notification."
OTHER_AREA_NEEDED = "Enter which area was informed."
LA_DECISION_FIRST = "Record the local authority's decision to notify the Panel first: notifying is its duty (§3.5)."
PANEL_NOT_NOTIFIED_BY_LA = "The local authority decided not to notify the Panel. Record a new decision by it first."
EXTENSION_REASON_NEEDED = "Enter the reason for the extension and who agreed it."
EXTENSION_NOT_LATER = "The new due date must be after the current due date ({due})."
EXTENSION_BEYOND_CALENDAR = (
    "The new due date must be on or before {last}, the last date the working-day calendar can count to."
)
CLOCK_NOT_OPEN = "This clock is not running, so it cannot be extended."
UNKNOWN_CLOCK = "The case has no clock called '{clock_id}'."
PURPOSE_NEEDED = "Select why you need to see the identifying details."
PURPOSE_OTHER_NEEDED = "Say why you need to see the identifying details."
LINK_SELF = "A case cannot be linked to itself."
LINK_NOT_FOUND = "There is no case {reference} in this partnership."
LINK_EXISTS = "These cases are already linked."

IDENTIFYING_PURPOSES: tuple[tuple[str, str], ...] = (
    ("find_records", "Finding the child and family in my organisation's records"),
    ("rapid_review", "Preparing for or holding the rapid review"),
    ("notify_national", "Notifying the Panel, the Secretary of State or Ofsted"),
    ("duplicate_check", "Checking whether two cases are about the same child"),
    ("check_notification", "Checking or correcting the notification"),
    ("other", "Other"),
)
PURPOSE_LABELS = dict(IDENTIFYING_PURPOSES)

TEXTS = FieldTexts(
    {
        "reason": ("The reasons for the decision", REASON),
        "la_officer_name": ("Name of the local authority officer who decided", ONE_LINE),
        "la_officer_role": ("The officer's role", ONE_LINE),
        "route_reason": ("Reason", REASON),
        "title": ("What the document is", ONE_LINE),
        "purpose_other": ("Your reason", ONE_LINE),
        "note": ("Note", NOTE),
        "other_reference": ("Reference of the case to link", 40),
        "transition_reason": ("The reason", REASON),
        "late_reason": ("The reason it was late", REASON),
        "panel_reference": ("Panel reference", 100),
        "other_area": ("The area informed", ONE_LINE),
        "extension_reason": ("The reason for the extension", REASON),
        "agreed_by": ("Who agreed the extension", ONE_LINE),
    },
    refused=CaseActionRefused,
)
"""How the case pages' free-text inputs are named in messages, and their limits (the forms use the same words)."""

ROUTES = frozenset(
    {"assess", "start_rapid_review", "record_not_notifiable", "reassess", "choose_discretionary_review", "withdraw"}
)
"""Transitions this issue's routing service takes; later stages get their own services with their own records."""

PSEUDONYM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class NotificationRefused(PermissionError):
    """The actor may not submit this notification or referral."""


class NotificationInvalid(ValueError):
    """The notification has field errors (``errors``: field → messages, as :func:`validate_notification` gives)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The notification has errors: " + ", ".join(sorted(errors)))
        self.errors = errors


def _now(value: datetime | None) -> datetime:
    return value if value is not None else timezone.now()


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _case_url(case: Case) -> str:
    return f"{settings.SERVICE_URL}{reverse('cases:detail', kwargs={'reference': case.reference})}"


def pseudonym(position: int) -> str:
    """ "Child A" … "Child Z", then "Child AA" …"""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = PSEUDONYM_LETTERS[remainder] + letters
    return f"Child {letters}"


# -- references ------------------------------------------------------------------------------------------------------


def reference_allocate(*, partnership: Partnership, year: int) -> tuple[str, int]:
    """The next reference for the partnership and year, inside the caller's transaction.

    The counter row is created if missing (ignoring a concurrent creation), then incremented with a conditional
    ``UPDATE … SET last = last + 1`` and read back. On PostgreSQL the UPDATE's row lock holds a second submission
    until the first commits; on SQLite the write lock taken at BEGIN (``IMMEDIATE``) serialises them. If the
    submission rolls back, so does the increment: no gaps, no duplicates.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate() must run inside the submission's transaction.")
    CaseReferenceCounter.objects.bulk_create(
        [CaseReferenceCounter(partnership=partnership, year=year, last=0)], ignore_conflicts=True
    )
    counter = CaseReferenceCounter.objects.filter(partnership=partnership, year=year)
    counter.update(last=F("last") + 1)
    sequence = counter.values_list("last", flat=True).get()
    return f"{partnership.code}-{year}-{sequence:03d}", sequence


# -- submission ------------------------------------------------------------------------------------------------------


def _submitting_organisation(*, scope: Scope, partnership: Partnership, as_referral: bool) -> Organisation:
    if as_referral:
        grants = [grant for grant in scope.grants_in(partnership.pk) if grant.organisation_id is not None]
        # Prefer the agency role; any membership with an organisation may refer (§3.8).
        grants.sort(key=lambda grant: grant.role is not Role.AGENCY_CONTRIBUTOR)
        if not grants:
            raise NotificationRefused(NOT_AN_AGENCY_MEMBER)
        return Organisation.objects.get(pk=cast(int, grants[0].organisation_id))
    la_ids = la_notifier_organisation_ids(scope, partnership.pk)
    if not la_ids:
        raise NotificationRefused(NOT_A_NOTIFIER)
    return Organisation.objects.get(pk=min(la_ids))


def _assessment(data: NotificationData, preset_name: str) -> dict[str, Any]:
    assessment = assess_incident(
        abuse_or_neglect=AbuseOrNeglect(data.abuse_or_neglect),
        nature=IncidentNature(data.nature),
        in_area=data.location == Case.Location.IN_AREA,
        outside_england=data.location == Case.Location.OUTSIDE_ENGLAND_RESIDENT,
        normally_resident_in_area=data.location == Case.Location.OUTSIDE_ENGLAND_RESIDENT,
        age=data.care_leaver_age if data.nature == IncidentNature.CARE_LEAVER_DEATH else None,
        preset=preset_name,
    )
    return {
        "notifiable_to_panel": assessment.notifiable_to_panel,
        "panel_reason": assessment.panel_reason,
        "rapid_review_follows": assessment.rapid_review_follows,
        "rapid_review_reason": assessment.rapid_review_reason,
        "needs_more_information": assessment.needs_more_information,
        "duties": [
            {"kind": duty.kind.value, "reason": duty.reason, "section": duty.section, "clock_ids": list(duty.clock_ids)}
            for duty in assessment.duties
        ],
    }


def _age_at(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def notification_submit(
    *,
    actor: Any,
    membership_scope: Scope,
    partnership: Partnership,
    data: NotificationData,
    as_referral: bool,
    submitted_at: datetime | None = None,
    source_draft: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Create a case from a notification (a local-authority notifier) or a referral (any agency member, §3.8).

    Raises :class:`NotificationRefused` when the actor may not, :class:`NotificationInvalid` with field errors when
    the data does not validate. Creates the case with its reference, children (pseudonyms, sealed details),
    household, assessment, clocks, duplicate warnings and joint-working link, one audit event and the outbox
    messages (§3.4), all in one transaction.
    """
    if getattr(actor, "pk", None) is None or membership_scope.user_id != actor.pk:
        raise NotificationRefused(SCOPE_MISMATCH)
    organisation = _submitting_organisation(scope=membership_scope, partnership=partnership, as_referral=as_referral)
    submitted_at = _now(submitted_at)
    today = _local_date(submitted_at)
    errors = validate_notification(data, today=today)
    if errors:
        raise NotificationInvalid(errors)
    year = today.year

    with transaction.atomic():
        reference, sequence = reference_allocate(partnership=partnership, year=year)
        case = Case(
            reference=reference,
            partnership=partnership,
            year=year,
            sequence=sequence,
            stage=(Stage.REFERRAL_RECEIVED if as_referral else Stage.NOTIFICATION_ASSESSED).value,
            preset=partnership.preset,
            as_referral=as_referral,
            created_by=actor,
            submitted_by_organisation=organisation,
            submitted_at=submitted_at,
            source_draft=source_draft,
            notifier_name=normalise(data.notifier_name),
            notifier_role=normalise(data.notifier_role),
            notifier_phone=normalise(data.notifier_phone),
            notifier_email=normalise(data.notifier_email),
            aware_on=data.la_aware_on,
            # A referral starts nothing until the local authority notifies (DESIGN §3).
            notified_on=None if as_referral else today,
            incident_on=data.incident_on,
            incident_time=data.incident_time,
            location=data.location,
            nature=data.nature,
            abuse_or_neglect=data.abuse_or_neglect,
            care_leaver_age=data.care_leaver_age,
            media_interest=data.media_interest,
            other_la_area=normalise(data.other_la_area),
            assessment=_assessment(data, partnership.preset),
        )
        case.seal_list("agencies_involved", [normalise(item) for item in data.agencies_involved if normalise(item)])
        case.seal_list("parallel_processes", [normalise(item) for item in data.parallel_processes if normalise(item)])
        for name in ("incident_place", "what_is_known", "serious_harm_description", "case_outline", "media_details"):
            case.seal(name, normalise(getattr(data, name)))
        case.save(force_insert=True)
        _involved_organisations_set(case=case, named=data.agencies_involved)
        children = _children_create(case=case, data=data)
        _household_create(case=case, data=data)
        try:
            _clocks_refresh(case=case, new=True)
        except CaseActionRefused as error:  # e.g. a date before the earliest bank holiday list
            raise NotificationInvalid({error.field or "la_aware_on": [error.message]}) from None
        duplicates = _duplicates_flag(case=case, children=children, at=submitted_at)
        _joint_working_link(case=case, at=submitted_at)
        _audit(
            actor=actor,
            verb="case.referred" if as_referral else "case.notified",
            case=case,
            request=request,
            children=len(children),
            household_members=len(data.household),
            organisation_id=organisation.pk,
            possible_duplicates=[link.other_case.reference for link in duplicates if link.other_case],
        )
        _tell_about_new_case(case=case, children=children, duplicates=duplicates)
    return case


def _involved_organisations_set(*, case: Case, named: Iterable[str]) -> None:
    names = {name.strip().casefold() for name in named if name.strip()}
    if not names:
        return
    organisations = Organisation.objects.filter(partnership_links__partnership_id=case.partnership_id)
    case.involved_organisations.set([org for org in organisations if org.name.casefold() in names])


def _children_create(*, case: Case, data: NotificationData) -> list[Child]:
    children = []
    for position, given in enumerate(data.children):
        child = Child(
            case=case,
            position=position,
            pseudonym=pseudonym(position),
            unborn=given.unborn,
            not_yet_identified=given.not_yet_identified,
            age_years=(
                _age_at(given.date_of_birth, case.incident_on) if given.date_of_birth is not None else given.age_years
            ),
            sex=given.sex,
            ethnicity=normalise(given.ethnicity),
            disability=given.disability,
            area=normalise(given.area),
            looked_after=given.looked_after,
            placement_type=normalise(given.placement_type),
            child_protection_plan=given.child_protection_plan,
            child_in_need=given.child_in_need,
            care_leaver=given.care_leaver,
        )
        child.seal("name", normalise(given.name))
        child.seal("other_names", normalise(given.other_names))
        child.seal("date_of_birth", given.date_of_birth.isoformat() if given.date_of_birth else "")
        child.seal("address", normalise(given.address))
        child.seal("nhs_number", normalise_nhs_number(normalise(given.nhs_number)))
        child.seal("disability_details", normalise(given.disability_details))
        if normalise(given.name) and given.date_of_birth is not None:
            child.identity_hash = lookup_hash(given.name, given.date_of_birth.isoformat())
        child.save(force_insert=True)
        children.append(child)
    return children


def _household_create(*, case: Case, data: NotificationData) -> None:
    for position, given in enumerate(data.household):
        member = HouseholdMember(case=case, position=position, relationship=given.relationship)
        member.seal("name", normalise(given.name))
        member.seal("date_of_birth", given.date_of_birth.isoformat() if given.date_of_birth else "")
        member.seal("address", normalise(given.address))
        member.save(force_insert=True)


def _duplicates_flag(*, case: Case, children: list[Child], at: datetime) -> list[CaseLink]:
    """A child matching a child of another open case of the partnership, by keyed hash: a possible duplicate."""
    hashes = {child.identity_hash for child in children if child.identity_hash}
    if not hashes:
        return []
    others = selectors.open_cases_with_children(
        partnership_id=case.partnership_id, identity_hashes=hashes, closed_stages=closed_stages()
    ).exclude(pk=case.pk)
    return [
        _link_create(
            case=case,
            kind=CaseLink.Kind.POSSIBLE_DUPLICATE,
            other_case=other,
            note="A child in this notification has the same name and date of birth as a child in this case.",
            created_at=at,
        )
        for other in others
    ]


def _link_create(*, note: str, **fields: Any) -> CaseLink:
    link = CaseLink(**fields)
    link.seal("note", note)
    link.save(force_insert=True)
    return link


def _joint_working_link(*, case: Case, at: datetime) -> None:
    """The child lives in another local authority area: record it, with the partnership when we know it."""
    if not case.other_la_area:
        return
    wanted = case.other_la_area.casefold()
    other = next(
        (
            partnership
            for partnership in Partnership.objects.exclude(pk=case.partnership_id)
            if wanted in {area.casefold() for area in partnership.area_list}
        ),
        None,
    )
    _link_create(
        case=case,
        kind=CaseLink.Kind.JOINT_WORKING,
        other_partnership=other,
        other_area=case.other_la_area,
        note="The child lives in another local authority area: joint working (§3.6).",
        created_at=at,
    )


def _recipients(*, partnership_id: int, roles: Iterable[Role], organisation_type: str | None = None) -> list[str]:
    memberships = Membership.objects.filter(
        partnership_id=partnership_id,
        role__in=[role.value for role in roles],
        is_active=True,
        user__is_active=True,
    )
    if organisation_type is not None:
        memberships = memberships.filter(organisation__type=organisation_type)
    return sorted(set(memberships.values_list("user__email", flat=True)))


def _tell(*, case: Case, to: Iterable[str], subject: str, body: str, kind: str) -> None:
    for address in to:
        message_queue(to=address, subject=subject, body=body, kind=kind, partnership=case.partnership)


def _tell_about_new_case(*, case: Case, children: list[Child], duplicates: list[CaseLink]) -> None:
    """§3.4: the business unit, the Independent Chair and the PRG chair; for a referral, the LA's notifiers."""
    names = ", ".join(child.pseudonym for child in children)
    partnership = case.partnership
    link = _case_url(case)
    if case.as_referral:
        subject = f"{case.reference}: an agency has referred a serious incident"
        body = (
            f"{partnership.name}\n\nAn agency has told the partnership about a serious incident (§3.8): case "
            f"{case.reference} ({names}). The duty to notify the Panel stays with the local authority: record its "
            f"decision on notifying the Panel.\n\nSign in to see the case: {link}\n"
        )
        la = _recipients(
            partnership_id=partnership.pk, roles=[Role.NOTIFIER], organisation_type=OrganisationType.LOCAL_AUTHORITY
        )
        _tell(case=case, to=la, subject=subject, body=body, kind="case.referred")
        others = [
            address
            for address in _recipients(partnership_id=partnership.pk, roles=[Role.BUSINESS_UNIT])
            if address not in la
        ]
        _tell(case=case, to=others, subject=subject, body=body, kind="case.referred")
    else:
        subject = f"{case.reference}: a new serious incident notification"
        body = (
            f"{partnership.name}\n\nThe local authority has notified the partnership of a serious incident: case "
            f"{case.reference} ({names}). An extraordinary PRG meeting is due within 10 working days (§3.4).\n\n"
            f"Sign in to see the case and its clocks: {link}\n"
        )
        everyone = _recipients(
            partnership_id=partnership.pk, roles=[Role.BUSINESS_UNIT, Role.INDEPENDENT_CHAIR, Role.PRG_CHAIR]
        )
        _tell(case=case, to=everyone, subject=subject, body=body, kind="case.notified")
    if duplicates:
        others = [link.other_case.reference for link in duplicates if link.other_case]
        references = ", ".join(others)
        subject = f"{case.reference}: possible duplicate of " + (
            others[0] if len(others) == 1 else f"{len(others)} open cases"
        )
        body = (
            f"{partnership.name}\n\nA child in the new case {case.reference} has the same name and date of birth as a "
            f"child in open case {references}. Check the cases and link them if they are about the same child.\n\n"
            f"Sign in to see the case: {link}\n"
        )
        _tell(
            case=case,
            to=_recipients(partnership_id=partnership.pk, roles=[Role.BUSINESS_UNIT]),
            subject=subject,
            body=body,
            kind="case.possible_duplicate",
        )


# -- clocks ----------------------------------------------------------------------------------------------------------

_CLOCK_FIELDS = ("position", "title", "start", "due", "basis", "sentence", "section", "applicable", "provisional")


def _latest_la_decision(case: Case) -> LocalAuthorityDecision | None:
    decisions = selectors.case_la_decision_rows(case=case)
    return decisions[-1] if decisions else None


def _routed_not_notifiable(case: Case) -> bool:
    last = (
        CaseTransition.objects.filter(case=case, transition__in=["start_rapid_review", "record_not_notifiable"])
        .order_by("-at", "-id")
        .first()
    )
    return last is not None and last.transition == "record_not_notifiable"


def _clock_facts(case: Case) -> ClockFacts:
    return clock_facts(
        nature=case.nature,
        care_leaver_age=case.care_leaver_age,
        executive_disagrees_with_prg=case.executive_disagrees_with_prg,
    )


_EVENT_FIELDS = {Event.AWARE: "la_aware_on", Event.NOTIFIED: "notified_on", Event.PANEL_NOTIFIED: "panel_notified_on"}


def _clocks_refresh(*, case: Case, new: bool = False) -> None:
    """Create or update the case's clocks from its event dates; met dates and extensions are kept.

    Which clocks apply is the domain's answer (:func:`cspr.domain.clocks.clock_applies`): this works out the case's
    facts and situation (the local authority's latest decision, whether it was routed away from the rapid review,
    whether it is withdrawn) from its records.
    """
    events = {
        Event.AWARE: case.aware_on,
        Event.NOTIFIED: case.notified_on,
        Event.PANEL_NOTIFIED: case.panel_notified_on,
        Event.DECISION: case.decision_on,
        Event.PLANNED_PUBLICATION: case.planned_publication_on,
        Event.PUBLISHED: case.published_on,
    }
    known = {event: day for event, day in events.items() if day is not None}
    preset = partnership_preset(partnership_id=case.partnership_id, preset_name=case.preset)
    # A case being created has no decision, transition or clock yet: no need to ask.
    decision = None if new else _latest_la_decision(case)
    la_said_no = decision is not None and not decision.notify_panel
    situation = CaseClockSituation(
        la_declined_panel=la_said_no,
        off_rapid_review=la_said_no or (not new and _routed_not_notifiable(case)),
        withdrawn=case.stage == Stage.WITHDRAWN,
    )
    try:
        dues = compute_due_dates(
            preset,
            partnership_calendar(partnership_id=case.partnership_id),
            known,
            facts=_clock_facts(case),
            situation=situation,
        )
    except EventOrderError as error:
        raise CaseActionRefused(str(error)) from None
    uncomputed = next((due for due in dues.values() if due.due is None), None)
    if uncomputed is not None:  # the forms refuse such dates; a clock is never stored without its due date
        raise CaseActionRefused(
            f"{uncomputed.rule.title}: {uncomputed.problem}", field=_EVENT_FIELDS.get(uncomputed.starts_at, "")
        )
    existing = {} if new else {clock.clock_id: clock for clock in CaseClock.objects.filter(case=case)}
    created: list[CaseClock] = []
    changed: list[CaseClock] = []
    for position, clock_id in enumerate(preset.clock_ids):
        due = dues.get(clock_id)
        clock = existing.get(clock_id)
        if due is None:
            if clock is not None and clock.met_on is None:
                clock.delete()  # its starting event was removed
            continue
        values = {
            "position": position,
            "title": due.rule.title,
            "start": due.start,
            "due": due.due,
            "basis": due.basis.value,
            "sentence": due.sentence,
            "section": due.section,
            "applicable": due.applicable,
            "provisional": due.provisional,
        }
        if clock is None:
            created.append(CaseClock(case=case, clock_id=clock_id, **values))
        elif any(getattr(clock, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(clock, key, value)
            changed.append(clock)
    CaseClock.objects.bulk_create(created)
    if changed:
        CaseClock.objects.bulk_update(changed, fields=list(_CLOCK_FIELDS))


# -- the local authority's decision ----------------------------------------------------------------------------------


def _audit(
    *, actor: Any, verb: str, case: Case, request: HttpRequest | None, ip_address: str | None = None, **details: Any
) -> None:
    """One event on the trail about this case: its reference and what happened, never who the child is."""
    audit_record(
        actor=actor,
        verb=verb,
        obj=case,
        partnership=case.partnership,
        details={"reference": case.reference, **details},
        request=request,
        ip_address=ip_address,
    )


def _require(rule: str, scope: Scope, case: Case, message: str = NOT_ALLOWED) -> None:
    if not rules.test_rule(rule, scope, case):
        raise CaseActionRefused(message)


def _check_scope(actor: Any, scope: Scope | None) -> Scope:
    scope = scope if scope is not None else scope_of(actor)
    if scope.user_id != getattr(actor, "pk", None):
        raise CaseActionRefused(SCOPE_MISMATCH)
    return scope


def _check_day(day: date, *, case: Case, today: date, field: str) -> None:
    if day > today:
        raise CaseActionRefused(DATE_IN_FUTURE, field=field)
    if case.aware_on is not None and day < case.aware_on:
        raise CaseActionRefused(DATE_BEFORE_AWARE, field=field)


def la_decision_record(
    *,
    actor: Any,
    case: Case,
    notify_panel: bool,
    decided_on: date,
    reason: str,
    la_officer_name: str = "",
    la_officer_role: str = "",
    scope: Scope | None = None,
    recorded_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> LocalAuthorityDecision:
    """Record the local authority's decision whether to notify the Panel (§3.5): who decided, when and why.

    A notifier of a local-authority organisation records it, and any later correction (a new row). The business
    unit may record the first decision on the LA's behalf, naming the LA officer and their role; it can never
    record one once a decision exists. The first decision on a referral is the LA notifying the partnership: it
    starts the ``notified`` clocks.
    """
    scope = _check_scope(actor, scope)
    _require("cases.record_la_decision", scope, case, LA_DECISION_NOT_ALLOWED)
    recorded_at = _now(recorded_at)
    la_organisations = la_notifier_organisation_ids(scope, case.partnership_id)
    on_behalf = not la_organisations
    reason = TEXTS.clean("reason", reason)
    la_officer_name = TEXTS.clean("la_officer_name", la_officer_name)
    la_officer_role = TEXTS.clean("la_officer_role", la_officer_role)
    if not reason:
        raise CaseActionRefused(REASON_NEEDED, field="reason")
    if on_behalf and not (la_officer_name and la_officer_role):
        raise CaseActionRefused(LA_OFFICER_NEEDED, field="la_officer_name")
    _check_day(decided_on, case=case, today=_local_date(recorded_at), field="decided_on")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if on_behalf and LocalAuthorityDecision.objects.filter(case=case).exists():
            raise CaseActionRefused(LA_DECISION_NOT_ALLOWED)  # re-checked under the lock
        first = not LocalAuthorityDecision.objects.filter(case=case).exists()
        decision = LocalAuthorityDecision(
            case=case,
            decided_on=decided_on,
            notify_panel=notify_panel,
            decided_by=actor,
            decided_by_organisation_id=min(la_organisations) if la_organisations else None,
            on_behalf_of_la=on_behalf,
            la_officer_name=la_officer_name if on_behalf else "",
            la_officer_role=la_officer_role if on_behalf else "",
            recorded_at=recorded_at,
        )
        decision.seal("reason", reason)
        decision.save(force_insert=True)
        if first and case.as_referral and case.notified_on is None:
            case.notified_on = _local_date(recorded_at)
            case.save(update_fields=["notified_on"])
        _clocks_refresh(case=case)
        _audit(
            actor=actor,
            verb="case.la_decision_recorded",
            case=case,
            request=request,
            decision_id=decision.pk,
            notify_panel=notify_panel,
            decided_on=decided_on,
            on_behalf_of_la=on_behalf,
            correction=not first,
        )
        outcome = "will notify the Panel" if notify_panel else "will not notify the Panel"
        # A referral becomes the LA's notification at its first decision to notify: the chairs hear of it now (§3.4).
        chairs_too = first and case.as_referral and notify_panel
        roles = [Role.BUSINESS_UNIT, Role.INDEPENDENT_CHAIR, Role.PRG_CHAIR] if chairs_too else [Role.BUSINESS_UNIT]
        _tell(
            case=case,
            to=_recipients(partnership_id=case.partnership_id, roles=roles),
            subject=f"{case.reference}: the local authority {outcome}",
            body=(
                f"{case.partnership.name}\n\nThe local authority's decision on case {case.reference} is recorded: it "
                f"{outcome}. Decide whether a rapid review follows.\n\nSign in to see the case: {_case_url(case)}\n"
            ),
            kind="case.la_decision",
        )
    return decision


# -- routing ---------------------------------------------------------------------------------------------------------


def case_facts(*, case: Case, grounds: Iterable[str] = ()) -> CaseFacts:
    decision = _latest_la_decision(case)
    return CaseFacts(
        la_decision_recorded=decision is not None,
        la_notified_panel=decision is not None and decision.notify_panel,
        discretionary_grounds=frozenset(grounds),
    )


def case_route(
    *,
    actor: Any,
    case: Case,
    transition: str,
    reason: str = "",
    grounds: Iterable[str] = (),
    scope: Scope | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Move the case on through the lifecycle table: start the rapid review, record it is not notifiable,
    reassess, choose a discretionary review (§5.6 grounds), or withdraw. Writes an immutable transition row."""
    scope = _check_scope(actor, scope)
    if transition not in ROUTES:
        raise CaseActionRefused(UNKNOWN_ROUTE.format(transition=transition))
    _require("cases.view_case", scope, case)
    at = _now(at)
    grounds = tuple(sorted(set(grounds)))
    reason = TEXTS.clean("route_reason", reason, field="reason")
    with transaction.atomic():
        return _move(
            actor=actor,
            case=case,
            transition=transition,
            reason=reason,
            scope=scope,
            facts=case_facts(case=case, grounds=grounds),
            grounds=grounds,
            at=at,
            request=request,
            decision_on=_local_date(at) if transition == "choose_discretionary_review" else None,
        )


def case_advance(
    *,
    acting: Acting,
    case: Case,
    transition: str,
    facts: Mapping[str, bool],
    reason: str = "",
    at: datetime | None = None,
    decision_on: date | None = None,
    executive_disagrees_with_prg: bool | None = None,
) -> Case:
    """Take a later-stage transition for the app that keeps its record (the rapid review, the Panel's response).

    Call it inside the caller's transaction, after writing the record the transition rests on. ``facts`` are the
    caller's answers to the lifecycle guards (``CaseFacts`` field names); the table still decides the role, the
    reason and the guards. ``decision_on`` fixes the ``decision`` event (DESIGN §3) and
    ``executive_disagrees_with_prg`` decides whether the discrepancy clock applies.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_advance must run inside the caller's transaction.atomic block.")
    if transition in ROUTES:
        raise CaseActionRefused(UNKNOWN_ROUTE.format(transition=transition))
    _require("cases.view_case", acting.scope, case)
    unknown = set(facts) - set(CaseFacts.__dataclass_fields__)
    if unknown:
        raise ValueError(f"Unknown case facts: {sorted(unknown)}")
    base = case_facts(case=case)
    return _move(
        actor=acting.user,
        case=case,
        transition=transition,
        reason=reason,
        scope=acting.scope,
        facts=dataclass_replace(base, **cast(dict[str, Any], dict(facts))),
        grounds=(),
        at=_now(at),
        request=None,
        ip_address=acting.client_ip,
        decision_on=decision_on,
        executive_disagrees_with_prg=executive_disagrees_with_prg,
    )


def _move(
    *,
    actor: Any,
    case: Case,
    transition: str,
    reason: str,
    scope: Scope,
    facts: CaseFacts,
    grounds: tuple[str, ...],
    at: datetime,
    request: HttpRequest | None,
    ip_address: str | None = None,
    decision_on: date | None = None,
    executive_disagrees_with_prg: bool | None = None,
) -> Case:
    """The one place a case changes stage: the table's verdict, the immutable row, the clocks and the audit."""
    reason = TEXTS.clean("transition_reason", reason, field="reason")
    roles = scope.roles_in(case.partnership_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    try:
        target = apply_transition(case.stage, transition, roles=roles, facts=facts, reason=reason)
    except TransitionRefused as error:
        raise CaseActionRefused(error.message) from None
    # The role that allowed it (the table's answer), not merely one the person holds.
    acting_role = authorising_role(transition, roles)
    if acting_role is None:  # pragma: no cover - apply_transition has just checked a held role allows it
        raise CaseActionRefused(NOT_ALLOWED)
    transition_row = CaseTransition(
        case=case,
        actor=actor,
        actor_role=acting_role.value,
        at=at,
        from_stage=case.stage,
        to_stage=target.value,
        transition=transition,
        grounds=list(grounds),
    )
    transition_row.seal("reason", reason)
    transition_row.save(force_insert=True)
    previous = case.stage
    case.stage = target.value
    fields = ["stage"]
    if decision_on is not None:
        case.decision_on = decision_on
        fields.append("decision_on")
    if executive_disagrees_with_prg is not None:
        case.executive_disagrees_with_prg = executive_disagrees_with_prg
        fields.append("executive_disagrees_with_prg")
    case.save(update_fields=fields)
    _clocks_refresh(case=case)
    _audit(
        actor=actor,
        verb="case.transition",
        case=case,
        request=request,
        ip_address=ip_address,
        transition=transition,
        from_stage=previous,
        to_stage=target.value,
        grounds=list(grounds),
    )
    return case


CLOCK_LATE_REASON = (
    f"This was done after its due date: enter the reason it was late (at least {LATE_REASON_MIN} characters)."
)


def case_clock_met(
    *, acting: Acting, case: Case, clock_id: str, met_on: date, late_reason: str = ""
) -> CaseClock | None:
    """Stop a clock as met on ``met_on`` (met late needs a reason). Call it inside the caller's transaction.

    Returns the clock, or ``None`` when the case has no applicable clock of that id (a preset without it, or a
    conditional clock that does not apply): the caller's record stands either way. A clock already met keeps
    its first date.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_clock_met must run inside the caller's transaction.atomic block.")
    late_reason = TEXTS.clean("late_reason", late_reason)
    clock = CaseClock.objects.select_for_update().filter(case=case, clock_id=clock_id, applicable=True).first()
    if clock is None or clock.met_on is not None:
        return clock
    late = is_late(met_on, clock.effective_due)
    if late_reason_missing(met_on, clock.effective_due, late_reason):
        raise CaseActionRefused(CLOCK_LATE_REASON, field="late_reason")
    clock.met_on = met_on
    clock.seal("late_reason", late_reason if late else "")
    clock.save(update_fields=["met_on", "late_reason_sealed"])
    audit_case(acting, "case.clock_met", case, clock=clock_id, met_on=met_on, late=late)
    return clock


# -- duties ----------------------------------------------------------------------------------------------------------


def duty_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    done_on: date,
    panel_reference: str = "",
    other_area: str = "",
    late_reason: str = "",
    scope: Scope | None = None,
    recorded_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> DutyRecord:
    """Record that a notification duty was done (§3.5-3.7); it stops its clock as met, or met late with a reason.

    The Panel notification sets ``panel_notified_on``, which starts ``wt-2023``'s rapid-review clocks.
    """
    scope = _check_scope(actor, scope)
    _require("cases.record_duty", scope, case)
    recorded_at = _now(recorded_at)
    kind = DutyKind(kind).value
    _check_day(done_on, case=case, today=_local_date(recorded_at), field="done_on")
    panel_reference = TEXTS.clean("panel_reference", panel_reference)
    other_area = TEXTS.clean("other_area", other_area)
    late_reason = TEXTS.clean("late_reason", late_reason)
    if kind == DutyKind.PANEL_NOTIFIED and not panel_reference:
        raise CaseActionRefused(PANEL_REFERENCE_NEEDED, field="panel_reference")
    if kind == DutyKind.OTHER_AREA_INFORMED and not other_area:
        raise CaseActionRefused(OTHER_AREA_NEEDED, field="other_area")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        clock_id = DUTY_CLOCKS[kind]
        clock = CaseClock.objects.filter(case=case, clock_id=clock_id).first() if clock_id else None
        if clock_id:
            previous = DutyRecord.objects.filter(case=case, kind=kind).first()
            if previous is not None:
                raise CaseActionRefused(DUTY_ALREADY_RECORDED.format(done_on=f"{previous.done_on:%-d %B %Y}"))
            if kind == DutyKind.PANEL_NOTIFIED:
                decision = _latest_la_decision(case)
                if decision is None:
                    raise CaseActionRefused(LA_DECISION_FIRST)
                if not decision.notify_panel:
                    raise CaseActionRefused(PANEL_NOT_NOTIFIED_BY_LA)
            if clock is None or not clock.applicable:
                raise CaseActionRefused(DUTY_NOT_APPLICABLE)
        due = clock.effective_due if clock is not None else None
        late = due is not None and is_late(done_on, due)
        if late_reason_missing(done_on, due, late_reason):
            raise CaseActionRefused(DUTY_LATE_REASON, field="late_reason")
        duty = DutyRecord(
            case=case,
            kind=kind,
            done_on=done_on,
            panel_reference=panel_reference,
            recorded_by=actor,
            recorded_at=recorded_at,
        )
        duty.seal("other_area", other_area)
        duty.seal("late_reason", late_reason if late else "")
        duty.save(force_insert=True)
        if clock is not None:
            clock.met_on = done_on
            clock.seal("late_reason", late_reason if late else "")
            clock.save(update_fields=["met_on", "late_reason_sealed"])
        if kind == DutyKind.PANEL_NOTIFIED:
            case.panel_notified_on = done_on
            case.save(update_fields=["panel_notified_on"])
            _clocks_refresh(case=case)
        _audit(
            actor=actor, verb="case.duty_recorded", case=case, request=request, duty=kind, done_on=done_on, late=late
        )
    return duty


def clock_extension_record(
    *,
    actor: Any,
    case: Case,
    clock_id: str,
    extended_to: date,
    reason: str,
    agreed_by: str,
    scope: Scope | None = None,
    request: HttpRequest | None = None,
) -> CaseClock:
    """Record an extension agreed (for example with the Panel): the new due date, why, and who agreed it."""
    scope = _check_scope(actor, scope)
    _require("cases.record_extension", scope, case)
    reason = TEXTS.clean("extension_reason", reason, field="reason")
    agreed_by = TEXTS.clean("agreed_by", agreed_by)
    if not reason or not agreed_by:
        raise CaseActionRefused(EXTENSION_REASON_NEEDED, field="reason" if not reason else "agreed_by")
    last = clock_date_range()[1]
    if extended_to > last:  # the form says so first; this keeps any other caller from storing it
        raise CaseActionRefused(EXTENSION_BEYOND_CALENDAR.format(last=f"{last:%-d %B %Y}"), field="extended_to")
    with transaction.atomic():
        clock = CaseClock.objects.select_for_update().filter(case=case, clock_id=clock_id).first()
        if clock is None:
            raise CaseActionRefused(UNKNOWN_CLOCK.format(clock_id=clock_id))
        if clock.met_on is not None or not clock.applicable:
            raise CaseActionRefused(CLOCK_NOT_OPEN)
        if extended_to <= clock.effective_due:
            raise CaseActionRefused(
                EXTENSION_NOT_LATER.format(due=f"{clock.effective_due:%-d %B %Y}"), field="extended_to"
            )
        clock.extended_to = extended_to
        clock.seal("extension_reason", reason)
        clock.seal("extension_agreed_by", agreed_by)
        clock.save(update_fields=["extended_to", "extension_reason_sealed", "extension_agreed_by_sealed"])
        _audit(
            actor=actor,
            verb="case.clock_extended",
            case=case,
            request=request,
            clock_id=clock_id,
            extended_to=extended_to,
        )
    return clock


# -- identifying details ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildIdentity:
    pseudonym: str
    name: str
    other_names: str
    date_of_birth: date | None
    address: str
    nhs_number: str
    disability_details: str
    unborn: bool
    not_yet_identified: bool


@dataclass(frozen=True)
class HouseholdIdentity:
    relationship: str
    name: str
    date_of_birth: date | None
    address: str


@dataclass(frozen=True)
class IdentifyingDetails:
    reference: str
    purpose: str
    children: tuple[ChildIdentity, ...]
    household: tuple[HouseholdIdentity, ...]
    incident_place: str
    what_is_known: str
    serious_harm_description: str
    case_outline: str
    media_details: str
    extra: dict[str, str] = field(default_factory=dict)


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def identifying_details_view(
    *,
    acting: Acting,
    case: Case,
    purpose: str,
    purpose_other: str = "",
) -> IdentifyingDetails:
    """Decrypt the case's identifying details for one person, for a stated purpose, and audit that view."""
    _require("cases.view_identifying_details", acting.scope, case)
    purpose_other = _check_purpose(purpose, purpose_other)
    children = tuple(
        ChildIdentity(
            pseudonym=child.pseudonym,
            name=child.unseal("name"),
            other_names=child.unseal("other_names"),
            date_of_birth=_optional_date(child.unseal("date_of_birth")),
            address=child.unseal("address"),
            nhs_number=child.unseal("nhs_number"),
            disability_details=child.unseal("disability_details"),
            unborn=child.unborn,
            not_yet_identified=child.not_yet_identified,
        )
        for child in Child.objects.filter(case=case).order_by("position")
    )
    household = tuple(
        HouseholdIdentity(
            relationship=member.relationship,
            name=member.unseal("name"),
            date_of_birth=_optional_date(member.unseal("date_of_birth")),
            address=member.unseal("address"),
        )
        for member in HouseholdMember.objects.filter(case=case).order_by("position")
    )
    with transaction.atomic():
        audit_case(
            acting,
            "case.identifying_details_viewed",
            case,
            purpose=purpose,
            purpose_label=PURPOSE_LABELS[purpose],
            purpose_other=purpose_other,
        )
    return IdentifyingDetails(
        reference=case.reference,
        purpose=PURPOSE_LABELS[purpose],
        children=children,
        household=household,
        incident_place=case.unseal("incident_place"),
        what_is_known=case.unseal("what_is_known"),
        serious_harm_description=case.unseal("serious_harm_description"),
        case_outline=case.unseal("case_outline"),
        media_details=case.unseal("media_details"),
    )


# -- documents -------------------------------------------------------------------------------------------------------


def document_attach(
    *,
    actor: Any,
    case: Case,
    upload: Any,
    title: str,
    scope: Scope | None = None,
    uploaded_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> CaseDocument:
    """Keep an uploaded file outside the web root after checking its size and type (by content) and scanning it.

    Raises :class:`cspr.cases.documents.FileRejected` (a ``CaseActionRefused``) for a file that may not be kept.
    """
    scope = _check_scope(actor, scope)
    _require("cases.attach_document", scope, case)
    title = TEXTS.clean("title", title)
    if not title:
        raise CaseActionRefused(documents.TITLE_NEEDED, field="title")
    uploaded_at = _now(uploaded_at)
    document_uuid = uuid.uuid4()
    with documents.kept(upload=upload, folder=str(case.uuid), name=str(document_uuid)) as stored, transaction.atomic():
        document = CaseDocument(
            uuid=document_uuid,
            case=case,
            uploaded_by=actor,
            uploaded_at=uploaded_at,
            **stored.model_fields(),
        )
        document.seal("title", title)
        document.seal("original_name", documents.original_name(upload, "document"))
        document.save(force_insert=True)
        _audit(
            actor=actor,
            verb="case.document_attached",
            case=case,
            request=request,
            document=str(document_uuid),
            **stored.audit_details(),
        )
    return document


def _check_purpose(purpose: str, purpose_other: str) -> str:
    """The purpose's own words, cleaned; refuses an unknown purpose or "other" without words."""
    if purpose not in PURPOSE_LABELS:
        raise CaseActionRefused(PURPOSE_NEEDED, field="purpose")
    purpose_other = TEXTS.clean("purpose_other", purpose_other)
    if purpose == "other" and not purpose_other:
        raise CaseActionRefused(PURPOSE_OTHER_NEEDED, field="purpose_other")
    return purpose_other


def document_download(
    *,
    actor: Any,
    case: Case,
    document: CaseDocument,
    purpose: str,
    purpose_other: str = "",
    scope: Scope | None = None,
    request: HttpRequest | None = None,
) -> documents.Download:
    """Open a case document for one of the roles that work the case, for a stated purpose; each download audited.

    The file keeps its original name (which may name people) only for a reader who may see identifying details;
    anyone else gets ``<reference>-document-<n>.<ext>``.
    """
    scope = _check_scope(actor, scope)
    _require("cases.download_document", scope, case)
    if document.case_id != case.pk:
        raise CaseActionRefused(NOT_ALLOWED)
    purpose_other = _check_purpose(purpose, purpose_other)
    neutral = ""
    if not rules.test_rule("cases.view_identifying_details", scope, case):
        neutral = f"{case.reference}-document-{selectors.case_document_number(case=case, document=document)}"
    with transaction.atomic():
        _audit(
            actor=actor,
            verb="case.document_downloaded",
            case=case,
            request=request,
            document=str(document.uuid),
            purpose=purpose,
            purpose_label=PURPOSE_LABELS[purpose],
            purpose_other=purpose_other,
        )
    return documents.Download.of(document, neutral_name=neutral)


# -- links -----------------------------------------------------------------------------------------------------------


def case_link(
    *,
    actor: Any,
    case: Case,
    other_reference: str,
    note: str = "",
    scope: Scope | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> CaseLink:
    """Link two cases of the partnership as about the same child or incident; resolves a possible-duplicate flag."""
    scope = _check_scope(actor, scope)
    _require("cases.link_cases", scope, case)
    at = _now(at)
    other_reference = TEXTS.clean("other_reference", other_reference)
    note = TEXTS.clean("note", note)
    other = selectors.case_get(scope=scope, partnership_id=case.partnership_id, reference=other_reference)
    if other is None:
        raise CaseActionRefused(LINK_NOT_FOUND.format(reference=other_reference[:40]), field="other_reference")
    if other.pk == case.pk:
        raise CaseActionRefused(LINK_SELF, field="other_reference")
    with transaction.atomic():
        if CaseLink.objects.filter(case=case, other_case=other, kind=CaseLink.Kind.DUPLICATE).exists():
            raise CaseActionRefused(LINK_EXISTS, field="other_reference")
        link = _link_create(
            case=case,
            kind=CaseLink.Kind.DUPLICATE,
            other_case=other,
            note=note,
            created_by=actor,
            created_at=at,
        )
        if not CaseLink.objects.filter(case=other, kind=CaseLink.Kind.DUPLICATE, other_case=case).exists():
            _link_create(
                case=other,
                kind=CaseLink.Kind.DUPLICATE,
                other_case=case,
                note=note,
                created_by=actor,
                created_at=at,
            )
        CaseLink.objects.filter(
            case__in=[case, other], other_case__in=[case, other], kind=CaseLink.Kind.POSSIBLE_DUPLICATE
        ).update(resolved_at=at)
        _audit(actor=actor, verb="case.linked", case=case, request=request, other_reference=other.reference)
    return link


def case_link_dismiss(
    *,
    actor: Any,
    case: Case,
    link_id: int,
    scope: Scope | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> CaseLink:
    """The business unit has checked a possible duplicate and the cases are about different children."""
    scope = _check_scope(actor, scope)
    _require("cases.link_cases", scope, case)
    at = _now(at)
    with transaction.atomic():
        link = CaseLink.objects.filter(
            case=case, pk=link_id, kind=CaseLink.Kind.POSSIBLE_DUPLICATE, resolved_at__isnull=True
        ).first()
        if link is None:
            raise CaseActionRefused(NOT_ALLOWED)
        link.resolved_at = at
        link.save(update_fields=["resolved_at"])
        _audit(
            actor=actor,
            verb="case.duplicate_dismissed",
            case=case,
            request=request,
            other_reference=link.other_case.reference if link.other_case else "",
        )
    return link


# -- key rotation --------------------------------------------------------------------------------------------------


def identifying_details_reseal(*, batch_size: int = 500) -> dict[str, int]:
    """Re-seal every ``*_sealed`` value of the service's apps (cases and drafts, agency returns, the rapid
    review: every model sealed through ``SealedFieldsMixin``) that an older key sealed.

    Each value is decrypted with the key its token names and the row's own context, then encrypted with the newest
    key. Rows are updated in batches, each in its own transaction, with one audit event per model. Safe to run
    again: values already under the newest key are left alone.
    """
    counts: dict[str, int] = {}
    models: list[Any] = [model for model in apps.get_models() if model.__module__.startswith("cspr.")]
    for model in models:
        sealed = [f"{name}{SUFFIX}" for name in sealed_field_names(model)]
        if not sealed or not any(field.name == "uuid" for field in model._meta.get_fields()):
            continue
        label = model._meta.label_lower
        count = 0
        last_pk = 0
        while True:
            rows = list(
                model._default_manager.filter(pk__gt=last_pk).order_by("pk").only("pk", "uuid", *sealed)[:batch_size]
            )
            if not rows:
                break
            last_pk = rows[-1].pk
            with transaction.atomic():
                for row in rows:
                    changed = []
                    for name in sealed:
                        token = getattr(row, name)
                        if token and needs_rotation(token):
                            context = seal_context(
                                model._meta.app_label, model._meta.model_name, name[: -len(SUFFIX)], row.uuid
                            )
                            setattr(row, name, encrypt(decrypt(token, context=context), context=context))
                            changed.append(name)
                    if changed:
                        model._default_manager.filter(pk=row.pk).update(
                            **{name: getattr(row, name) for name in changed}
                        )
                        count += len(changed)
        if count:
            with transaction.atomic():
                audit_record(actor=None, verb="keys.resealed", object_type=label, details={"values": count})
        counts[label] = count
    return counts
