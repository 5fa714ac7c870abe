"""Reads of a local review's practitioner events, family involvement log and thread with the reviewer, and of the
partnership's explainers.

The case is the one its page found through the person's scope; the review is that case's. Sealed text is revealed
only in the ``..._revealed`` functions (ADR 0009), each read noted for the request's audit event by the middleware.
People in the family log are named by pseudonym or relationship, never by name: their identifying details stay on the
case's identifying-details page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.db.models import Prefetch
from django.utils import timezone

from cspr.cases.models import Case, CaseAccess, Child, HouseholdMember
from cspr.cases.selectors import person_name as _name
from cspr.local_reviews.explainer_wording import service_wording, unfilled
from cspr.local_reviews.models import LocalReview
from cspr.local_reviews.models_people import ExplainerVersion, FamilyEntry, PractitionerEvent, ReviewerMessage
from cspr.partnerships.models import Organisation, Partnership
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import partnership_organisations

MEMBER = "member"
CHILD = "child"
UNFINISHED = "not finished: it has words in square brackets to fill in"
SERVICE_WORDING = 0
"""The number a page uses for the service's own wording of an explainer, before the partnership saved a version."""


# -- practitioner events ----------------------------------------------------------------------------------------------


def organisation_choices(*, scope: Scope, partnership_id: int) -> list[tuple[int, str]]:
    """The partnership's organisations, by name, as (id, name): who may be invited to a practitioner event."""
    links = partnership_organisations(scope=scope, partnership_id=partnership_id).select_related("organisation")
    return sorted(((link.organisation_id, link.organisation.name) for link in links), key=lambda pair: pair[1])


def partnership_organisation_ids(*, partnership_id: int) -> frozenset[int]:
    """The ids of the partnership's organisations (what a service checks an invitation against)."""
    return frozenset(Organisation.objects.filter(partnerships__id=partnership_id).values_list("id", flat=True))


@dataclass(frozen=True)
class EventRow:
    held_on: date
    invited: tuple[str, ...]
    attended: tuple[str, ...]
    feedback: str
    recorded_by: str


def events_revealed(*, review: LocalReview) -> list[EventRow]:
    """The review's practitioner events in the order they were held, the feedback revealed."""
    names = Prefetch("invited", queryset=Organisation.objects.order_by("name"))
    attended = Prefetch("attended", queryset=Organisation.objects.order_by("name"))
    rows = (
        PractitionerEvent.objects.filter(review=review)
        .select_related("recorded_by")
        .prefetch_related(names, attended)
        .order_by("held_on", "id")
    )
    return [
        EventRow(
            held_on=row.held_on,
            invited=tuple(organisation.name for organisation in row.invited.all()),
            attended=tuple(organisation.name for organisation in row.attended.all()),
            feedback=row.unseal("feedback"),
            recorded_by=_name(row.recorded_by),
        )
        for row in rows
    ]


# -- the family involvement log ---------------------------------------------------------------------------------------


def member_label(member: HouseholdMember) -> str:
    return f"Household member {member.position + 1} ({member.relationship})"


def child_label(child: Child) -> str:
    return f"{child.pseudonym} (a child of the case)"


def family_people(*, case: Case) -> list[tuple[str, str]]:
    """Who the log can be about, as (key, words): the case's household members by relationship, then its children by
    pseudonym. The key is ``member:<id>`` or ``child:<id>``."""
    members = HouseholdMember.objects.filter(case=case).only("id", "position", "relationship").order_by("position")
    children = Child.objects.filter(case=case).only("id", "position", "pseudonym").order_by("position")
    return [(f"{MEMBER}:{row.pk}", member_label(row)) for row in members] + [
        (f"{CHILD}:{row.pk}", child_label(row)) for row in children
    ]


@dataclass(frozen=True)
class EntryRow:
    kind: str
    kind_label: str
    happened_on: date
    how: str
    consent: str
    note: str
    managed: str
    explainer: str
    recorded_by: str


@dataclass(frozen=True)
class PersonLog:
    key: str
    label: str
    entries: tuple[EntryRow, ...]


HOW_LABELS = {
    "in_person": "In person",
    "letter": "By letter",
    "phone": "By phone",
    "video": "By video call",
    "email": "By e-mail",
    "through_someone": "Through someone supporting them",
}
CONSENT_LABELS = {"given": "Given", "declined": "Declined", "withdrawn": "Withdrawn"}


def _entry_row(row: FamilyEntry) -> EntryRow:
    how = row.unseal("how")
    consent = row.unseal("consent")
    explainer = row.explainer
    return EntryRow(
        kind=row.kind,
        kind_label=row.get_kind_display(),
        happened_on=row.happened_on,
        how=HOW_LABELS.get(how, how),
        consent=CONSENT_LABELS.get(consent, consent),
        note=row.unseal("note"),
        managed=row.unseal("managed"),
        explainer=f"{explainer.title} (version {explainer.number})" if explainer is not None else "",
        recorded_by=_name(row.recorded_by),
    )


def family_log_revealed(*, case: Case, review: LocalReview) -> list[PersonLog]:
    """Everyone the log can be about, each with their entries in date order, every word revealed (the log's page,
    for the roles that may read it: each read audited)."""
    rows = (
        FamilyEntry.objects.filter(review=review)
        .select_related("recorded_by", "explainer")
        .order_by("happened_on", "recorded_at", "id")
    )
    by_person: dict[str, list[EntryRow]] = {}
    for row in rows:
        key = f"{MEMBER}:{row.member_id}" if row.member_id else f"{CHILD}:{row.child_id}"
        by_person.setdefault(key, []).append(_entry_row(row))
    return [PersonLog(key, label, tuple(by_person.get(key, ()))) for key, label in family_people(case=case)]


def family_entry_count(*, review: LocalReview) -> int:
    return FamilyEntry.objects.filter(review=review).count()


# -- explainers -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainerView:
    """One version of an explainer as a page shows it; number 0 is the service's wording, not saved by anyone."""

    kind: str
    kind_label: str
    number: int
    title: str
    body: str
    from_service: bool
    saved_by: str
    saved_on: date | None

    @cached_property
    def unfilled(self) -> list[str]:
        """The gaps in square brackets still to fill in before it is given out (none in a finished version)."""
        return unfilled(self.body)

    @property
    def unfinished(self) -> str:
        """What a list of versions says of this one while it has gaps ("" once it is finished)."""
        return UNFINISHED if self.unfilled else ""


def _explainer_view(row: ExplainerVersion) -> ExplainerView:
    return ExplainerView(
        kind=row.kind,
        kind_label=row.get_kind_display(),
        number=row.number,
        title=row.title,
        body=row.body,
        from_service=row.from_service,
        saved_by=_name(row.saved_by),
        saved_on=timezone.localdate(row.saved_at),
    )


def service_explainer(*, partnership: Partnership, kind: str) -> ExplainerView:
    """The service's own wording of an explainer, for a partnership that has saved none of its own."""
    title, body = service_wording(kind, partnership=partnership.name)
    label = ExplainerVersion.Kind(kind).label
    return ExplainerView(kind, label, SERVICE_WORDING, title, body, True, "", None)


def explainer_versions(*, partnership_id: int, kind: str) -> list[ExplainerView]:
    """Every saved version of the partnership's explainer of ``kind``, the first first."""
    rows = ExplainerVersion.objects.filter(partnership_id=partnership_id, kind=kind).select_related("saved_by")
    return [_explainer_view(row) for row in rows.order_by("number")]


def explainer_latest_number(*, partnership_id: int, kind: str) -> int:
    """The number of the latest saved version (0 when the partnership still uses the service's wording)."""
    latest = ExplainerVersion.objects.filter(partnership_id=partnership_id, kind=kind).order_by("-number").first()
    return latest.number if latest is not None else SERVICE_WORDING


def explainer_get(*, partnership: Partnership, kind: str, number: int) -> ExplainerView | None:
    """One version of the explainer (0: the service's wording), or ``None``."""
    if number == SERVICE_WORDING:
        return service_explainer(partnership=partnership, kind=kind)
    row = ExplainerVersion.objects.filter(partnership=partnership, kind=kind, number=number).first()
    return _explainer_view(row) if row is not None else None


def explainer_current(*, partnership: Partnership, kind: str) -> ExplainerView:
    """The version given out now: the latest saved, else the service's wording."""
    number = explainer_latest_number(partnership_id=partnership.pk, kind=kind)
    found = explainer_get(partnership=partnership, kind=kind, number=number)
    return found if found is not None else service_explainer(partnership=partnership, kind=kind)


def explainer_row(*, partnership_id: int, kind: str, number: int) -> ExplainerVersion | None:
    return ExplainerVersion.objects.filter(partnership_id=partnership_id, kind=kind, number=number).first()


@dataclass(frozen=True)
class Block:
    """A piece of an explainer as printed: a heading, a paragraph or a list."""

    heading: str = ""
    paragraph: str = ""
    points: tuple[str, ...] = ()


def explainer_blocks(body: str) -> list[Block]:
    """The explainer's words as headings (``## ``), lists (``- ``) and paragraphs (a blank line between them)."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    points: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block(paragraph=" ".join(paragraph)))
            paragraph.clear()
        if points:
            blocks.append(Block(points=tuple(points)))
            points.clear()

    for line in (raw.strip() for raw in body.split("\n")):
        if line.startswith("## "):
            flush()
            blocks.append(Block(heading=line[3:].strip()))
        elif line.startswith("- "):
            if paragraph:
                flush()
            points.append(line[2:].strip())
        elif not line:
            flush()
        else:
            if points:
                flush()
            paragraph.append(line)
    flush()
    return blocks


# -- the thread with the reviewer -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRow:
    side: str
    side_label: str
    sent_by: str
    sent_at: str
    body: str
    read_at: str
    read_by: str


def _when(moment: datetime | None) -> str:
    """A moment as people read it, in England: "3 December 2026 at 2:15pm"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def thread_revealed(*, review: LocalReview) -> list[MessageRow]:
    """The thread's messages, the first first, each revealed, with when the other side read it."""
    rows = ReviewerMessage.objects.filter(review=review).select_related("sent_by", "read_by")
    return [
        MessageRow(
            side=row.side,
            side_label=row.get_side_display(),
            sent_by=_name(row.sent_by),
            sent_at=_when(row.sent_at),
            body=row.unseal("body"),
            read_at=_when(row.read_at),
            read_by=_name(row.read_by) if row.read_by else "",
        )
        for row in rows
    ]


def reviewer_emails(*, case: Case) -> list[str]:
    """The addresses of the reviewers whose grant on the case is open today (the account, or the one the invitation
    became): who is told a message is waiting."""
    today = timezone.localdate()
    grants = CaseAccess.objects.filter(
        case=case, granted_for=CaseAccess.GrantedFor.REVIEWER, ended_at__isnull=True
    ).select_related("user", "invitation__accepted_by")
    addresses = set()
    for grant in grants:
        if grant.ends_on is not None and grant.ends_on <= today:
            continue
        person = grant.user or (grant.invitation.accepted_by if grant.invitation is not None else None)
        if person is not None and person.is_active:
            addresses.add(person.email)
    return sorted(addresses)
