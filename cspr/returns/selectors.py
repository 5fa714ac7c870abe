"""Reading information requests and returns, always from what the person may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import rules
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cspr.cases.models import Case
from cspr.cases.selectors import case_is_for_page, cases_visible
from cspr.core.policy import RETURN_CONTRIBUTORS, RETURN_READERS
from cspr.partnerships.models import Membership, PartnershipOrganisation
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import organisations_reachable
from cspr.returns.models import (
    CLOSED_STATUSES,
    RETURN_TEXT_FIELDS,
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    OrganisationLead,
    RequestStatus,
    ReturnAttachment,
    ReturnStatus,
)

# What a row of the inbox shows: the request's sealed questions and reasons stay in the database.
INBOX_COLUMNS = (
    "id",
    "uuid",
    "status",
    "due_on",
    "partnership",
    "partnership__name",
    "case",
    "case__reference",
    "case__stage",
    "organisation",
    "organisation__name",
    "assigned_to",
    "assigned_to__full_name",
    "assigned_to__email",
)


def inbox(*, scope: Scope) -> QuerySet[InformationRequest]:
    """Every request to an organisation this person answers for, on a case they may see (``cases_visible``, the
    one scoping function), in every partnership they belong to.

    A queryset in the inbox's order (status, due date, id), for the one pager to fetch a page of: one query, the
    visible cases a subquery of it.
    """
    where = Q(pk__in=[])
    for partnership_id in scope.partnership_ids:
        organisations = scope.organisation_ids_in(partnership_id, roles=RETURN_CONTRIBUTORS)
        if organisations:
            visible = cases_visible(scope=scope, partnership_id=partnership_id).values("id")
            where |= Q(partnership_id=partnership_id, organisation_id__in=organisations, case_id__in=visible)
    return (
        InformationRequest.objects.filter(where)
        .select_related("case", "partnership", "organisation", "assigned_to")
        .only(*INBOX_COLUMNS)
        .order_by("status", "due_on", "id")
    )


def contributor_request_get(
    *, scope: Scope, partnership_id: int | None, request_uuid: Any
) -> InformationRequest | None:
    """One request, only for a contributor of its organisation in the current partnership (else ``None``)."""
    organisations = scope.organisation_ids_in(partnership_id, roles=RETURN_CONTRIBUTORS)
    if not organisations or partnership_id is None:
        return None
    return (
        InformationRequest.objects.filter(
            uuid=request_uuid, partnership_id=partnership_id, organisation_id__in=organisations
        )
        .select_related("case", "case__partnership", "partnership", "organisation", "assigned_to")
        .first()
    )


def case_request_get(*, case: Case, request_uuid: Any) -> InformationRequest | None:
    return (
        InformationRequest.objects.filter(case=case, uuid=request_uuid)
        .select_related("case", "case__partnership", "partnership", "organisation")
        .first()
    )


def case_requests(*, case: Case) -> QuerySet[InformationRequest]:
    """The board: each request with its organisation and how many reminders went (a flat number of queries)."""
    return (
        InformationRequest.objects.filter(case=case)
        .select_related("organisation", "assigned_to")
        .annotate(
            # Only reminders that reached somebody count as sent (one to an organisation nobody can answer for
            # is recorded, so it is not tried again, but nothing went).
            reminders_sent=Count("reminders", filter=Q(reminders__recipients__gt=0)),
            automatic_reminders=Count("reminders", filter=~Q(reminders__kind="manual")),
        )
        .order_by("organisation__name", "id")
    )


@dataclass(frozen=True)
class RequestsSummary:
    """Where a case's requests stand as a whole, counted in the database (the board shows one page of them)."""

    total: int
    still_open: int
    last_in_at: datetime | None


def case_requests_summary(*, case: Case) -> RequestsSummary:
    totals = InformationRequest.objects.filter(case=case).aggregate(
        total=Count("id"),
        still_open=Count("id", filter=~Q(status__in=sorted(CLOSED_STATUSES))),
        last_in_at=Max(Coalesce("first_submitted_at", "not_involved_at")),
    )
    return RequestsSummary(totals["total"], totals["still_open"], totals["last_in_at"])


def own_case_requests(*, case: Case, scope: Scope) -> list[InformationRequest]:
    organisations = scope.organisation_ids_in(case.partnership_id, roles=RETURN_CONTRIBUTORS)
    return list(
        InformationRequest.objects.filter(case=case, organisation_id__in=organisations).select_related("organisation")
    )


def latest_versions(*, case: Case, request_ids: Iterable[int] | None = None) -> dict[int, AgencyReturn]:
    """The latest return version per request of the case (of these requests only, when given): only the
    columns saying which version it is and where it stands, never the sealed narrative."""
    versions = AgencyReturn.objects.filter(request__case=case)
    if request_ids is not None:
        versions = versions.filter(request_id__in=list(request_ids))
    latest: dict[int, AgencyReturn] = {}
    for agency_return in versions.only("id", "request_id", "version", "status").order_by("request_id", "version"):
        latest[agency_return.request_id] = agency_return
    return latest


def return_versions(*, info_request: InformationRequest) -> list[AgencyReturn]:
    return list(
        AgencyReturn.objects.filter(request=info_request)
        .select_related("started_by", "submitted_by", "signed_off_by")
        .prefetch_related("entries", "attachments__stored_file")
        .order_by("-version")
    )


def latest_submitted(*, info_request: InformationRequest) -> AgencyReturn | None:
    return (
        AgencyReturn.objects.filter(request=info_request, status=ReturnStatus.SUBMITTED)
        .prefetch_related("entries", "attachments__stored_file")
        .select_related("submitted_by")
        .order_by("-version")
        .first()
    )


def chronology_entry_on_request(*, info_request: InformationRequest, entry_id: int) -> bool:
    """Whether this chronology entry belongs to any version of this request's return (an id from elsewhere is not)."""
    return ChronologyEntry.objects.filter(agency_return__request=info_request, pk=entry_id).exists()


def chronology_entry_for_change(*, info_request: InformationRequest, entry_id: int) -> dict[str, Any] | None:
    """An entry of the return being written, as the change page shows it (``None`` when there is no such entry
    in it: another return's, a submitted version's)."""
    draft = AgencyReturn.objects.filter(request=info_request).order_by("-version").first()
    if draft is None or draft.locked:
        return None
    entry = ChronologyEntry.objects.filter(agency_return=draft, pk=entry_id).first()
    if entry is None:
        return None
    return {"happened_on": entry.happened_on, "event": entry.unseal("event"), "source": entry.unseal("source")}


def attachment_on_request(*, info_request: InformationRequest, attachment_uuid: Any) -> bool:
    """Whether this attachment belongs to any version of this request's return."""
    return ReturnAttachment.objects.filter(agency_return__request=info_request, uuid=attachment_uuid).exists()


def attachment_get(*, agency_return_ids: list[int], attachment_uuid: Any) -> ReturnAttachment | None:
    return (
        ReturnAttachment.objects.filter(agency_return_id__in=agency_return_ids, uuid=attachment_uuid)
        .select_related("agency_return", "agency_return__request", "agency_return__request__case", "stored_file")
        .first()
    )


def contributor_memberships(*, info_request: InformationRequest) -> QuerySet[Membership]:
    """The active memberships through which active people answer for the request's organisation in its
    partnership (with their users)."""
    return Membership.objects.filter(
        partnership_id=info_request.partnership_id,
        organisation_id=info_request.organisation_id,
        role__in=[role.value for role in RETURN_CONTRIBUTORS],
        is_active=True,
        user__is_active=True,
    ).select_related("user")


def colleagues(*, info_request: InformationRequest) -> list[Any]:
    """People who answer for the request's organisation in its partnership (for assigning and designating leads)."""
    memberships = contributor_memberships(info_request=info_request).order_by("user__full_name", "user__email")
    people = {membership.user_id: membership.user for membership in memberships}
    return list(people.values())


def suggested_organisation_ids(*, case: Case) -> set[int]:
    """Pre-ticked: the agencies named in the notification plus the partnership's statutory agencies."""
    named = set(case.involved_organisations.values_list("id", flat=True))
    statutory = set(
        PartnershipOrganisation.objects.filter(
            partnership_id=case.partnership_id, is_statutory_agency=True
        ).values_list("organisation_id", flat=True)
    )
    return named | statutory


def partnership_organisations(*, partnership_id: int) -> list[PartnershipOrganisation]:
    return list(
        PartnershipOrganisation.objects.filter(partnership_id=partnership_id)
        .select_related("organisation")
        .order_by("organisation__name")
    )


@dataclass(frozen=True)
class LeadRow:
    organisation_id: int
    organisation_name: str
    lead_id: int | None
    lead_name: str
    candidates: list[tuple[int, str]]


def organisation_leads(*, partnership_id: int) -> list[LeadRow]:
    leads = {
        lead.organisation_id: lead
        for lead in OrganisationLead.objects.filter(partnership_id=partnership_id).select_related("user")
    }
    candidates: dict[int, dict[int, str]] = {}
    for membership in Membership.objects.filter(
        partnership_id=partnership_id,
        role__in=[role.value for role in RETURN_CONTRIBUTORS],
        is_active=True,
        user__is_active=True,
    ).select_related("user"):
        assert membership.organisation_id is not None  # noqa: S101 - the constraint requires it for these roles
        name = membership.user.full_name or membership.user.email
        candidates.setdefault(membership.organisation_id, {})[membership.user_id] = name
    rows = []
    for link in partnership_organisations(partnership_id=partnership_id):
        lead = leads.get(link.organisation_id)
        rows.append(
            LeadRow(
                organisation_id=link.organisation_id,
                organisation_name=link.organisation.name,
                lead_id=lead.user_id if lead else None,
                lead_name=(lead.user.full_name or lead.user.email) if lead else "",
                candidates=sorted(candidates.get(link.organisation_id, {}).items(), key=lambda item: item[1]),
            )
        )
    return rows


@dataclass(frozen=True)
class ChronologyRow:
    happened_on: date
    organisation: str
    event: str
    source: str
    version: int


def may_read_all_returns(*, scope: Scope, case: Case) -> bool:
    return scope.has_any_role(case.partnership_id, RETURN_READERS) and bool(
        rules.test_rule("returns.read_returns", scope, case)
    )


def merged_chronology(
    *,
    case: Case,
    scope: Scope,
    organisation_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ChronologyRow]:
    """Every submitted return's chronology (latest submitted version of each) on one timeline.

    Readers of returns see every organisation's; a contributor only their own organisation's.
    """
    submitted = AgencyReturn.objects.filter(request__case=case, status=ReturnStatus.SUBMITTED)
    if not may_read_all_returns(scope=scope, case=case):
        own = scope.organisation_ids_in(case.partnership_id, roles=RETURN_CONTRIBUTORS)
        submitted = submitted.filter(request__organisation_id__in=own)
    if organisation_id is not None:
        submitted = submitted.filter(request__organisation_id=organisation_id)
    latest: dict[int, int] = {}
    for request_id, _version, return_id in submitted.order_by("request_id", "version").values_list(
        "request_id", "version", "id"
    ):
        latest[request_id] = return_id
    entries: QuerySet[ChronologyEntry] = ChronologyEntry.objects.filter(
        agency_return_id__in=list(latest.values())
    ).select_related("agency_return__request__organisation")
    if date_from:
        entries = entries.filter(happened_on__gte=date_from)
    if date_to:
        entries = entries.filter(happened_on__lte=date_to)
    return [
        ChronologyRow(
            happened_on=entry.happened_on,
            organisation=entry.agency_return.request.organisation.name,
            event=entry.unseal("event"),
            source=entry.unseal("source"),
            version=entry.agency_return.version,
        )
        for entry in entries.order_by("happened_on", "agency_return__request__organisation__name", "position", "id")
    ]


def chronology_organisations(*, case: Case, scope: Scope) -> list[tuple[int, str]]:
    requests = InformationRequest.objects.filter(case=case, status=RequestStatus.SUBMITTED)
    if not may_read_all_returns(scope=scope, case=case):
        requests = requests.filter(
            organisation_id__in=scope.organisation_ids_in(case.partnership_id, roles=RETURN_CONTRIBUTORS)
        )
    return sorted(
        requests.values_list("organisation_id", "organisation__name"),
        key=lambda item: item[1],
    )


# The case page reads the counts below with the case itself, one subquery per status (registered with the panel).
_PAGE_COUNT = "_cspr_requests_{}"


def case_page_request_counts() -> dict[str, Any]:
    """Annotations for the case page's query of its case: how many of its requests stand at each status."""
    return {
        _PAGE_COUNT.format(status.value): Coalesce(
            Subquery(
                InformationRequest.objects.filter(case=OuterRef("pk"), status=status)
                .order_by()
                .values("case")
                .annotate(number=Count("id"))
                .values("number")
            ),
            0,
        )
        for status in RequestStatus
    }


def case_request_counts(*, case: Case) -> dict[str, int]:
    """How many of the case's requests stand at each status, and in all (``total``): as read with the case on the
    case page (:func:`case_page_request_counts`), else counted now."""
    if case_is_for_page(case) and all(hasattr(case, _PAGE_COUNT.format(status.value)) for status in RequestStatus):
        counts = {status.value: getattr(case, _PAGE_COUNT.format(status.value)) for status in RequestStatus}
        counts["total"] = sum(counts.values())
        return counts
    counts = {status.value: 0 for status in RequestStatus}
    for status, number in (
        InformationRequest.objects.filter(case=case).values_list("status").annotate(number=Count("id")).order_by()
    ):
        counts[status] = number
    counts["total"] = sum(counts.values())
    return counts


def organisations_that_can_answer(*, partnership_id: int, organisation_ids: Iterable[int]) -> set[int]:
    """Which of these organisations have somebody who can receive information requests in this partnership (an
    active contributor or notifier with an active account), in one query."""
    return organisations_reachable(
        partnership_id=partnership_id, organisation_ids=organisation_ids, roles=RETURN_CONTRIBUTORS
    )


# The one place the returns pages reveal sealed values (ADR 0009): views and presenters receive plain text from
# these functions and never call ``unseal`` themselves. Every read is still recorded by the sealed-read audit.


def return_texts_revealed(*, agency_return: AgencyReturn) -> dict[str, str]:
    """The return's sealed text sections by field name, as the edit form starts from them."""
    return {name: agency_return.unseal(name) for name in RETURN_TEXT_FIELDS}


def return_revealed(*, agency_return: AgencyReturn) -> dict[str, Any]:
    """The sealed parts of one return version in plain text: its sections, the reason for a revision, its
    chronology entries and its attachments' titles (entries and attachments read from the prefetch)."""
    return {
        "texts": return_texts_revealed(agency_return=agency_return),
        "revision_reason": agency_return.unseal("revision_reason"),
        "entries": [
            {
                "id": entry.pk,
                "happened_on": entry.happened_on,
                "event": entry.unseal("event"),
                "source": entry.unseal("source"),
            }
            for entry in agency_return.entries.all()
        ],
        "attachments": [
            {
                "uuid": attachment.uuid,
                "title": attachment.stored_file.unseal("title"),
                "size": attachment.stored_file.size,
            }
            for attachment in agency_return.attachments.all()
        ],
    }


def request_revealed(*, info_request: InformationRequest) -> dict[str, str]:
    """The request's sealed questions and, when the organisation said so, why it was not involved."""
    return {
        "questions": info_request.unseal("questions"),
        "not_involved_reason": info_request.unseal("not_involved_reason"),
    }
