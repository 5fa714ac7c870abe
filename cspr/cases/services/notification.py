"""A new case, from a local authority's notification or an agency's referral (§3.4, §3.8)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from django.db import transaction
from django.db.models import F

from cspr.cases import selectors
from cspr.cases.models import Case, CaseLink, CaseReferenceCounter, Child, HouseholdMember
from cspr.cases.notification import NotificationData, normalise_nhs_number, validate_notification
from cspr.cases.services.clocks import clocks_refresh
from cspr.cases.services.common import la_notifier_grant, referring_grant
from cspr.cases.services.links import link_create
from cspr.cases.services.processes import processes_from_notification
from cspr.domain.criteria import AbuseOrNeglect, IncidentNature, assess_incident
from cspr.domain.lifecycle import Stage
from cspr.domain.roles import Role
from cspr.domain.rules import closed_stages
from cspr.kernel.acting import Acting
from cspr.kernel.crypto import lookup_hash
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, link, local_today, now, pseudonym, pseudonyms_text, tell_case
from cspr.kernel.text import normalise
from cspr.partnerships.models import Organisation, OrganisationType, Partnership
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import member_emails

NOT_A_NOTIFIER = "Only a notifier for the local authority can submit a serious incident notification."
NOT_AN_AGENCY_MEMBER = "Only a member of an agency in this partnership can refer an incident."


class NotificationRefused(PermissionError):
    """The person acting may not submit this notification or referral."""


class NotificationInvalid(ValueError):
    """The notification has field errors (``errors``: field → messages, as :func:`validate_notification` gives)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The notification has errors: " + ", ".join(sorted(errors)))
        self.errors = errors


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


def submitting_grant(*, acting: Acting, partnership_id: int, as_referral: bool) -> Grant:
    """The membership a notification (a notifier for the local authority) or a referral (any member with an
    organisation, an agency contributor's first) is submitted through; its organisation submits it.

    Raises :class:`NotificationRefused` when the person holds none here.
    """
    if as_referral:
        grant = referring_grant(acting.scope, partnership_id)
        if grant is None:
            raise NotificationRefused(NOT_AN_AGENCY_MEMBER)
        return grant
    grant = la_notifier_grant(acting.scope, partnership_id)
    if grant is None:
        raise NotificationRefused(NOT_A_NOTIFIER)
    return grant


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
    acting: Acting,
    partnership: Partnership,
    data: NotificationData,
    as_referral: bool,
    submitted_at: datetime | None = None,
    source_draft: uuid.UUID | None = None,
) -> Case:
    """Create a case from a notification (a local-authority notifier) or a referral (any agency member, §3.8).

    Raises :class:`NotificationRefused` when the person may not, :class:`NotificationInvalid` with field errors
    when the data does not validate. Creates the case with its reference, children (pseudonyms, sealed details),
    household, assessment, clocks, duplicate warnings and joint-working link, one audit event (with the membership
    it was submitted through) and the outbox messages (§3.4), all in one transaction.
    """
    grant = submitting_grant(acting=acting, partnership_id=partnership.pk, as_referral=as_referral)
    organisation = Organisation.objects.get(pk=cast(int, grant.organisation_id))  # every such grant has one
    submitted_at = now(submitted_at)
    today = local_today(submitted_at)
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
            created_by=acting.user,
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
        named_processes = [normalise(item) for item in data.parallel_processes if normalise(item)]
        case.seal_list("parallel_processes", named_processes)
        for name in ("incident_place", "what_is_known", "serious_harm_description", "case_outline", "media_details"):
            case.seal(name, normalise(getattr(data, name)))
        case.save(force_insert=True)
        _involved_organisations_set(case=case, named=data.agencies_involved)
        processes_from_notification(case=case, acting=acting, at=submitted_at, named=named_processes)
        children = _children_create(case=case, data=data)
        _household_create(case=case, data=data)
        try:
            clocks_refresh(case=case, new=True)
        except CaseActionRefused as error:  # e.g. a date before the earliest bank holiday list
            raise NotificationInvalid({error.field or "la_aware_on": [error.message]}) from None
        duplicates = _duplicates_flag(case=case, children=children, at=submitted_at)
        _joint_working_link(case=case, at=submitted_at)
        audit_case(
            acting,
            "case.referred" if as_referral else "case.notified",
            case,
            grant=grant,
            children=len(children),
            household_members=len(data.household),
            organisation_id=organisation.pk,
            possible_duplicates=[duplicate.other_case.reference for duplicate in duplicates if duplicate.other_case],
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
        link_create(
            case=case,
            kind=CaseLink.Kind.POSSIBLE_DUPLICATE,
            other_case=other,
            note="A child in this notification has the same name and date of birth as a child in this case.",
            created_at=at,
        )
        for other in others
    ]


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
    link_create(
        case=case,
        kind=CaseLink.Kind.JOINT_WORKING,
        other_partnership=other,
        other_area=case.other_la_area,
        note="The child lives in another local authority area: joint working (§3.6).",
        created_at=at,
    )


def _tell_about_new_case(*, case: Case, children: list[Child], duplicates: list[CaseLink]) -> None:
    """§3.4: the business unit, the Independent Chair and the PRG chair; for a referral, the LA's notifiers."""
    names = pseudonyms_text(child.pseudonym for child in children)
    partnership_id = case.partnership_id
    case_link = link("cases:detail", reference=case.reference)
    if case.as_referral:
        la = member_emails(
            partnership_id=partnership_id, roles=[Role.NOTIFIER], organisation_type=OrganisationType.LOCAL_AUTHORITY
        )
        business_unit = member_emails(partnership_id=partnership_id, roles=[Role.BUSINESS_UNIT])
        tell_case(
            case=case,
            to=[*la, *(address for address in business_unit if address not in la)],
            about="an agency has referred a serious incident",
            news=f"An agency has told the partnership about a serious incident (§3.8): case {case.reference} "
            f"({names}). The duty to notify the Panel stays with the local authority: record its decision on "
            "notifying the Panel.",
            then="Sign in to see the case",
            link=case_link,
            kind="case.referred",
        )
    else:
        tell_case(
            case=case,
            to=member_emails(
                partnership_id=partnership_id, roles=[Role.BUSINESS_UNIT, Role.INDEPENDENT_CHAIR, Role.PRG_CHAIR]
            ),
            about="a new serious incident notification",
            news=f"The local authority has notified the partnership of a serious incident: case {case.reference} "
            f"({names}). An extraordinary PRG meeting is due within 10 working days (§3.4).",
            then="Sign in to see the case and its clocks",
            link=case_link,
            kind="case.notified",
        )
    if duplicates:
        others = [duplicate.other_case.reference for duplicate in duplicates if duplicate.other_case]
        tell_case(
            case=case,
            to=member_emails(partnership_id=partnership_id, roles=[Role.BUSINESS_UNIT]),
            about="possible duplicate of " + (others[0] if len(others) == 1 else f"{len(others)} open cases"),
            news=f"A child in the new case {case.reference} has the same name and date of birth as a child in open "
            f"case {', '.join(others)}. Check the cases and link them if they are about the same child.",
            then="Sign in to see the case",
            link=case_link,
            kind="case.possible_duplicate",
        )
