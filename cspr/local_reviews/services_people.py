"""Practitioners and the family in a local review (§6.6), the partnership's explainers, and the written thread with
the reviewer (§6.7).

* :func:`practitioner_event_record` — a learning event held: its date, the partnership's organisations invited and
  those that attended, the feedback (sealed). The first event held marks the "practitioner event" milestone done.
* :func:`family_entry_record` — an entry of the family involvement log about one household member or one child:
  invited (how), consent (given, declined, withdrawn), a meeting, what they were told, their expectations and how
  they were managed, or the family explainer given (which version, how). Everything said is sealed.
* :func:`family_log_opened` — the log was read: one audit event each time, with the number of entries shown.
* :func:`explainer_save` — a new version of one of the partnership's explainers, never overwriting the last.
* :func:`reviewer_message_send` and :func:`reviewer_messages_read` — the thread between the business unit and the
  reviewer: each message sealed and audited, the other side told by e-mail only that a message is waiting; reading
  marks the other side's messages read.

The business unit and the commissioned reviewer (through their grant on the case) write the events, the log and the
thread; the audit trail keeps kinds, dates, counts and ids, never the words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import Case, Child, HouseholdMember
from cspr.cases.selectors import person_name
from cspr.core.policy import EXPLAINER_EDITORS
from cspr.domain.local_review import MilestoneKind
from cspr.domain.roles import Role
from cspr.kernel import kit
from cspr.kernel.acting import Acting
from cspr.kernel.edits import EditStamp, check_not_stale
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import local_today, not_future, now
from cspr.kernel.text import NARRATIVE, NOTE, ONE_LINE, REASON, FieldTexts
from cspr.local_reviews import selectors, selectors_people
from cspr.local_reviews.explainer_wording import unfilled
from cspr.local_reviews.models_people import ExplainerVersion, FamilyEntry, PractitionerEvent, ReviewerMessage
from cspr.local_reviews.rules_people import ROLES
from cspr.local_reviews.services import Writing, milestone_reached
from cspr.local_reviews.services import _open as open_review
from cspr.partnerships.models import Partnership
from cspr.partnerships.selectors import member_emails

INVITED_NEEDED = "Select the organisations that were invited"
NOT_THE_PARTNERSHIPS = "Choose organisations of this partnership"
ATTENDED_NOT_INVITED = "An organisation that attended must be one of those invited"
PERSON_NEEDED = "Select who the entry is about"
UNKNOWN_KIND = "Select what the entry records"
HOW_NEEDED = "Select how"
CONSENT_NEEDED = "Select whether consent was given, declined or withdrawn"
NOTE_NEEDED = {
    FamilyEntry.Kind.MEETING: "Enter what was discussed at the meeting",
    FamilyEntry.Kind.TOLD: "Enter what they were told",
    FamilyEntry.Kind.EXPECTATIONS: "Enter what they expect of the review",
}
MANAGED_NEEDED = "Enter how their expectations were managed"
EXPLAINER_NEEDED = "Select which version of the explainer was given"
EXPLAINER_UNFINISHED = (
    "That version of the family explainer still has words in square brackets for the partnership to fill in, such "
    "as who to contact and how long information is kept. Fill them in on the partnership's explainers page, save it, "
    "and record the version given then"
)
TITLE_NEEDED = "Enter the explainer's title"
BODY_NEEDED = "Enter the explainer's words"
UNCHANGED = "Nothing has changed since version {number}"
UNKNOWN_EXPLAINER = "There is no such explainer."
EXPLAINER_REFUSED = "You cannot change the partnership's explainers."
MESSAGE_NEEDED = "Enter your message"
NO_REVIEWER = "There is no reviewer with access to this review to write to."

HOW = frozenset(selectors_people.HOW_LABELS)
CONSENT = frozenset(selectors_people.CONSENT_LABELS)
NEEDS_HOW = frozenset(
    {FamilyEntry.Kind.INVITED, FamilyEntry.Kind.MEETING, FamilyEntry.Kind.TOLD, FamilyEntry.Kind.EXPLAINER}
)

TEXTS = FieldTexts(
    {
        ONE_LINE: {"title": "The explainer's title"},
        NOTE: {"managed": "How their expectations were managed"},
        REASON: {
            "feedback": "What the practitioners fed back",
            "note": "What happened",
            "message": "The message",
        },
        NARRATIVE: {"body": "The explainer's words"},
    },
    refused=CaseActionRefused,
)
"""How the free-text inputs are named in messages, under the limit of their kind (the forms use the same words)."""


def _writing(acting: Acting, case: Case, rule: str, *, at: datetime | None) -> Writing:
    """Inside the caller's transaction: ``rule`` checked, the case locked at a stage the review is kept at, its review,
    the membership that allows it."""
    return open_review(acting, case, at=at, rule=rule, roles=ROLES[rule])


# -- practitioner events ----------------------------------------------------------------------------------------------


def practitioner_event_record(
    *,
    acting: Acting,
    case: Case,
    held_on: date,
    invited: Iterable[int],
    attended: Iterable[int] = (),
    feedback: str = "",
    at: datetime | None = None,
) -> PractitionerEvent:
    """Record a learning event held for the practitioners on ``held_on``: the partnership's organisations invited,
    those that attended (among the invited), and what the practitioners fed back. The first event held marks the
    "practitioner event" milestone done on its date, if it was not."""
    at = now(at)
    not_future(held_on, today=local_today(at), field="held_on")
    invited, attended = set(invited), set(attended)
    feedback = TEXTS.clean("feedback", feedback)
    if not invited:
        raise CaseActionRefused(INVITED_NEEDED, field="invited")
    if not attended <= invited:
        raise CaseActionRefused(ATTENDED_NOT_INVITED, field="attended")
    if not invited <= selectors_people.partnership_organisation_ids(partnership_id=case.partnership_id):
        raise CaseActionRefused(NOT_THE_PARTNERSHIPS, field="invited")
    with transaction.atomic():
        writing = _writing(acting, case, "local_reviews.events_record", at=at)
        event = kit.inserted(
            PractitionerEvent(review=writing.review, held_on=held_on, recorded_by=kit.person(acting), recorded_at=at),
            feedback=feedback,
        )
        event.invited.set(invited)
        event.attended.set(attended)
        marked = milestone_reached(
            case=writing.case, kind=MilestoneKind.PRACTITIONER_EVENT, done_on=held_on, acting=acting, at=at
        )
        writing.audit(
            "practitioner_event_recorded",
            event,
            held_on=held_on,
            invited=sorted(invited),
            attended=sorted(attended),
            milestone_done=marked,
        )
    return event


# -- the family involvement log ---------------------------------------------------------------------------------------


def _person(case: Case, key: str) -> tuple[HouseholdMember | None, Child | None]:
    kind, _, pk = key.partition(":")
    if pk.isdigit():
        if kind == selectors_people.MEMBER:
            member = HouseholdMember.objects.filter(case=case, pk=int(pk)).first()
            if member is not None:
                return member, None
        if kind == selectors_people.CHILD:
            child = Child.objects.filter(case=case, pk=int(pk)).first()
            if child is not None:
                return None, child
    raise CaseActionRefused(PERSON_NEEDED, field="person")


def _family_explainer(acting: Acting, case: Case, number: int | None, *, at: datetime) -> ExplainerVersion:
    """The version of the family explainer given: a saved one, or the service's wording kept as version 1 when the
    partnership has saved none (so every entry names a version that stays as it was given). Never one that still has
    gaps in square brackets: the family would be given no one to contact and no privacy information."""
    kind = ExplainerVersion.Kind.FAMILY
    if number is None:
        raise CaseActionRefused(EXPLAINER_NEEDED, field="explainer")
    if number == selectors_people.SERVICE_WORDING:
        if selectors_people.explainer_latest_number(partnership_id=case.partnership_id, kind=kind):
            raise CaseActionRefused(EXPLAINER_NEEDED, field="explainer")
        view = selectors_people.service_explainer(partnership=case.partnership, kind=kind)
        _finished(view.body)
        return ExplainerVersion.objects.create(
            partnership_id=case.partnership_id,
            kind=kind,
            number=1,
            title=view.title,
            body=view.body,
            from_service=True,
            saved_by=kit.person(acting),
            saved_at=at,
        )
    found = selectors_people.explainer_row(partnership_id=case.partnership_id, kind=kind, number=number)
    if found is None:
        raise CaseActionRefused(EXPLAINER_NEEDED, field="explainer")
    _finished(found.body)
    return found


def _finished(body: str) -> None:
    """Refuse to record as given an explainer whose words still have gaps in square brackets."""
    if unfilled(body):
        raise CaseActionRefused(EXPLAINER_UNFINISHED, field="explainer")


def family_entry_record(
    *,
    acting: Acting,
    case: Case,
    person: str,
    kind: str,
    happened_on: date,
    how: str = "",
    consent: str = "",
    note: str = "",
    managed: str = "",
    explainer: int | None = None,
    at: datetime | None = None,
) -> FamilyEntry:
    """Record an entry of the family involvement log about ``person`` (``member:<id>`` or ``child:<id>`` of the case):
    what kind, on which day, and what it needs — how they were invited, met, told or given the explainer; whether
    consent was given, declined or withdrawn; what was discussed or told; their expectations and how they were
    managed; which version of the family explainer. Every word of it is sealed."""
    at = now(at)
    if kind not in FamilyEntry.Kind.values:
        raise CaseActionRefused(UNKNOWN_KIND, field="kind")
    not_future(happened_on, today=local_today(at), field="happened_on")
    note = TEXTS.clean("note", note)
    managed = TEXTS.clean("managed", managed) if kind == FamilyEntry.Kind.EXPECTATIONS else ""
    how = how if kind in NEEDS_HOW else ""
    consent = consent if kind == FamilyEntry.Kind.CONSENT else ""
    if kind in NEEDS_HOW and how not in HOW:
        raise CaseActionRefused(HOW_NEEDED, field="how")
    if kind == FamilyEntry.Kind.CONSENT and consent not in CONSENT:
        raise CaseActionRefused(CONSENT_NEEDED, field="consent")
    if kind in NOTE_NEEDED and not note:
        raise CaseActionRefused(NOTE_NEEDED[FamilyEntry.Kind(kind)], field="note")
    if kind == FamilyEntry.Kind.EXPECTATIONS and not managed:
        raise CaseActionRefused(MANAGED_NEEDED, field="managed")
    with transaction.atomic():
        writing = _writing(acting, case, "local_reviews.family_record", at=at)
        member, child = _person(writing.case, person)
        given = (
            _family_explainer(acting, writing.case, explainer, at=at) if kind == FamilyEntry.Kind.EXPLAINER else None
        )
        entry = FamilyEntry(
            review=writing.review,
            member=member,
            child=child,
            kind=kind,
            happened_on=happened_on,
            explainer=given,
            recorded_by=kit.person(acting),
            recorded_at=at,
        )
        for name, value in (("how", how), ("consent", consent), ("note", note), ("managed", managed)):
            entry.seal(name, value)
        entry.save(force_insert=True)
        writing.audit(
            "family_entry_recorded",
            entry,
            kind=kind,
            happened_on=happened_on,
            person=person.partition(":")[0],
            explainer_version=given.number if given is not None else None,
        )
    return entry


def family_log_opened(*, acting: Acting, case: Case, entries: int) -> None:
    """Record that the family log was read (``entries`` shown), whether or not it held any sealed words yet."""
    grant = kit.allowed(acting, "local_reviews.family_view", case, ROLES["local_reviews.family_view"])
    with transaction.atomic():
        kit.audit_case(acting, "local_review.family_log_read", case, grant=grant, entries=entries)


# -- explainers -------------------------------------------------------------------------------------------------------


def explainer_save(
    *,
    acting: Acting,
    partnership: Partnership,
    kind: str,
    title: str,
    body: str,
    opened_version: int | None = None,
    at: datetime | None = None,
) -> ExplainerVersion:
    """Save a new version of the partnership's explainer of ``kind`` (its title and words), never overwriting the
    last; refused as stale when another version was saved since the form was opened (ADR 0013), and refused when
    nothing changed."""
    at = now(at)
    if kind not in ExplainerVersion.Kind.values:
        raise CaseActionRefused(UNKNOWN_EXPLAINER)
    grant = acting.grant_for(partnership.pk, EXPLAINER_EDITORS)
    if grant is None:
        raise CaseActionRefused(EXPLAINER_REFUSED)
    title = TEXTS.needed("title", title, TITLE_NEEDED)
    body = TEXTS.needed("body", body, BODY_NEEDED)
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        latest = ExplainerVersion.objects.filter(partnership=partnership, kind=kind).order_by("-number").first()
        current = (
            EditStamp(version=latest.number, by=person_name(latest.saved_by), at=latest.saved_at)
            if latest
            else EditStamp(version=0)
        )
        check_not_stale(what="The explainer", opened=opened_version, current=current)
        if latest is not None and (latest.title, latest.body) == (title, body):
            raise CaseActionRefused(UNCHANGED.format(number=latest.number), field="body")
        version = ExplainerVersion.objects.create(
            partnership=partnership,
            kind=kind,
            number=current.version + 1,
            title=title,
            body=body,
            saved_by=kit.person(acting),
            saved_at=at,
        )
        kit.audit(
            acting,
            "explainer.saved",
            obj=version,
            partnership=partnership,
            grant=grant,
            kind=kind,
            number=version.number,
        )
    return version


# -- the thread with the reviewer -------------------------------------------------------------------------------------


def _side(acting: Acting, case: Case) -> str:
    business_unit = acting.grant_for(case.partnership_id, [Role.BUSINESS_UNIT])
    return ReviewerMessage.Side.BUSINESS_UNIT if business_unit is not None else ReviewerMessage.Side.REVIEWER


def reviewer_message_send(*, acting: Acting, case: Case, message: str, at: datetime | None = None) -> ReviewerMessage:
    """Write to the other side of the thread (the business unit to the reviewer, or the reviewer to the business
    unit): the message sealed and audited, and the other side told by e-mail that a message is waiting, by the case's
    reference only."""
    at = now(at)
    message = TEXTS.needed("message", message, MESSAGE_NEEDED)
    with transaction.atomic():
        writing = _writing(acting, case, "local_reviews.thread", at=at)
        side = _side(acting, writing.case)
        if side == ReviewerMessage.Side.BUSINESS_UNIT:
            to = selectors_people.reviewer_emails(case=writing.case)
            if not to:
                raise CaseActionRefused(NO_REVIEWER)
        else:
            to = member_emails(partnership_id=writing.case.partnership_id, roles=[Role.BUSINESS_UNIT])
        row = kit.inserted(
            ReviewerMessage(review=writing.review, side=side, sent_by=kit.person(acting), sent_at=at), body=message
        )
        told = kit.tell_case(
            case=writing.case,
            to=to,
            about="a message is waiting in the local review",
            news=f"There is a new message for you about the local review of case {writing.case.reference}.",
            then="Sign in to read it",
            link=kit.link("local_reviews:thread", reference=writing.case.reference),
            kind="local_review.message_waiting",
        )
        writing.audit("message_sent", row, side=side, told=told)
    return row


def reviewer_messages_read(*, acting: Acting, case: Case, at: datetime | None = None) -> int:
    """Mark the other side's unread messages read by the person reading the thread; how many (audited when any)."""
    grant = kit.allowed(acting, "local_reviews.thread", case, ROLES["local_reviews.thread"])
    at = now(at)
    review = selectors.local_review_get(case=case)
    if review is None:
        return 0
    side = _side(acting, case)
    with transaction.atomic():
        unread = ReviewerMessage.objects.filter(review=review, read_at__isnull=True).exclude(side=side)
        ids = list(unread.values_list("id", flat=True))
        if ids:
            ReviewerMessage.objects.filter(pk__in=ids).update(read_at=at, read_by=kit.person(acting))
            kit.audit_case(acting, "local_review.messages_read", case, obj=review, grant=grant, messages=ids)
    return len(ids)
