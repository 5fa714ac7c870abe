"""Reads of a case's national review (§8.5-8.7).

The case is the one its page found through the person's scope (:func:`cspr.cases.selectors.case_get`), or the one a
service was given after its rule; every read here is of that case's rows. The national review a case has now is the
one that follows the Panel's latest national-review response (:func:`panel_decision`); its row exists once the
business unit has recorded something about it. Sealed text is revealed only here (ADR 0009), and only with
``reveal``: the page's readers may read it, each read audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from cspr.cases import selectors as case_selectors
from cspr.cases.models import Case
from cspr.cases.selectors import person_name as _name
from cspr.cases.selectors import sealed_words as _text
from cspr.domain.lifecycle import Stage
from cspr.national_reviews.models import EngagementEntry, NationalReview, ProvisionItem
from cspr.partnerships.scoping import Scope
from cspr.partnerships.selectors import partnership_organisations
from cspr.rapid_reviews.models import PanelResponse

# What the case page reads with its case (cspr.cases.panels.CasePanel.annotations): the date of the Panel's latest
# decision to hold a national review, and the day that review finished (both empty when there is none).
_DECIDED_ON = "national_review_decided_on"
_FINISHED_ON = "national_review_finished_on"


def _national_responses(case: Any) -> QuerySet[PanelResponse]:
    """The Panel's national-review responses on the case, the latest first."""
    return PanelResponse.objects.filter(review__case=case, kind=PanelResponse.Kind.NATIONAL_REVIEW).order_by(
        "-recorded_at", "-id"
    )


def panel_decision(*, case: Case) -> PanelResponse | None:
    """The Panel's latest decision to hold a national review of the case (§8.5), or ``None``."""
    return _national_responses(case).first()


def national_review_get(*, response: PanelResponse | None) -> NationalReview | None:
    """The partnership's record of the national review that follows ``response``, or ``None`` before the first."""
    if response is None:
        return None
    return NationalReview.objects.filter(panel_response=response).select_related("finished_by").first()


def case_page_annotations() -> dict[str, Any]:
    """The values the case page reads with its case: the latest decision's date and when its review finished."""
    latest = _national_responses(OuterRef("pk"))
    return {
        _DECIDED_ON: Subquery(latest.values("received_on")[:1]),
        _FINISHED_ON: Subquery(latest.values("national_review__finished_on")[:1]),
    }


@dataclass(frozen=True)
class Outline:
    """Whether the case is Panel-led, since when, and whether its national review is finished; no words."""

    decided_on: date | None
    finished_on: date | None

    @property
    def panel_led(self) -> bool:
        return self.decided_on is not None


def national_review_outline(*, case: Case) -> Outline:
    """The outline, as read with the case on its page, else read now."""
    if case_selectors.case_is_for_page(case) and hasattr(case, _DECIDED_ON):
        return Outline(getattr(case, _DECIDED_ON), getattr(case, _FINISHED_ON))
    found = _national_responses(case).values("received_on", "national_review__finished_on").first()
    if found is None:
        return Outline(None, None)
    return Outline(found["received_on"], found["national_review__finished_on"])


def national_review_facts(case: Case) -> dict[str, bool]:
    """The lifecycle's answer for moving on to learning and actions: no national review is still running. Only a
    case at the national review stage has one running, until the outcome of the latest is recorded."""
    if case.stage != Stage.NATIONAL_REVIEW:
        return {"no_unfinished_national_review": True}
    return {"no_unfinished_national_review": national_review_outline(case=case).finished_on is not None}


# -- the page, the words revealed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    happened_on: date
    kind: str
    kind_label: str
    note: str
    recorded_by: str


@dataclass(frozen=True)
class ItemRow:
    id: int
    what: str
    requested_on: date
    due_on: date | None
    provided_on: date | None
    provided_by: str


@dataclass(frozen=True)
class NationalReviewView:
    """The national review as its page shows it: the Panel's decision and rationale, then the partnership's part."""

    decided_on: date
    rationale: str
    panel_contact: str
    scope_agreed_on: date | None
    entries: tuple[EntryRow, ...]
    items: tuple[ItemRow, ...]
    report_on: date | None
    published_on: date | None
    findings: str
    finished_on: date | None
    finished_by: str
    finished_at: datetime | None

    @property
    def outstanding(self) -> tuple[ItemRow, ...]:
        return tuple(item for item in self.items if item.provided_on is None)


def _item_row(item: ProvisionItem, *, reveal: bool) -> ItemRow:
    return ItemRow(
        id=item.pk,
        what=_text(item, "what", reveal=reveal),
        requested_on=item.requested_on,
        due_on=item.due_on,
        provided_on=item.provided_on,
        provided_by=item.provided_by.name if item.provided_by else "",
    )


def national_review_view(*, case: Case, reveal: bool) -> NationalReviewView | None:
    """The case's national review for its page (``None`` when the Panel has decided on none)."""
    response = panel_decision(case=case)
    if response is None:
        return None
    entries = Prefetch("engagement", queryset=EngagementEntry.objects.select_related("recorded_by"))
    items = Prefetch("items", queryset=ProvisionItem.objects.select_related("provided_by"))
    review = (
        NationalReview.objects.filter(panel_response=response)
        .select_related("finished_by")
        .prefetch_related(entries, items)
        .first()
    )
    return NationalReviewView(
        decided_on=response.received_on,
        rationale=_text(response, "details", reveal=reveal),
        panel_contact=_text(review, "panel_contact", reveal=reveal) if review else "",
        scope_agreed_on=review.scope_agreed_on if review else None,
        entries=tuple(
            EntryRow(
                happened_on=entry.happened_on,
                kind=entry.kind,
                kind_label=entry.get_kind_display(),
                note=_text(entry, "note", reveal=reveal),
                recorded_by=_name(entry.recorded_by),
            )
            for entry in (review.engagement.all() if review else ())
        ),
        items=tuple(_item_row(item, reveal=reveal) for item in (review.items.all() if review else ())),
        report_on=review.report_on if review else None,
        published_on=review.published_on if review else None,
        findings=_text(review, "findings", reveal=reveal) if review else "",
        finished_on=review.finished_on if review else None,
        finished_by=_name(review.finished_by) if review and review.finished_by else "",
        finished_at=review.finished_at if review else None,
    )


def item_revealed(*, case: Case, item_id: int) -> ItemRow | None:
    """One item the Panel asked for on the case's current national review, its words revealed (the business unit's
    form to mark it provided shows them), or ``None``."""
    item = (
        ProvisionItem.objects.filter(pk=item_id, review__panel_response=panel_decision(case=case))
        .select_related("provided_by")
        .first()
    )
    return _item_row(item, reveal=True) if item is not None else None


def national_review_running(*, case: Case) -> bool:
    """Whether the case is at the national review stage with its national review not finished."""
    return case.stage == Stage.NATIONAL_REVIEW and not national_review_facts(case)["no_unfinished_national_review"]


def panel_contact_revealed(*, case: Case) -> str:
    """The Panel's contact as saved on the current national review (its form starts from it)."""
    review = national_review_get(response=panel_decision(case=case))
    return review.unseal("panel_contact") if review is not None else ""


def organisation_choices(*, case: Case, scope: Scope) -> list[tuple[int, str]]:
    """The case's partnership's organisations, by name, as (id, name)."""
    links = partnership_organisations(scope=scope, partnership_id=case.partnership_id).order_by("organisation__name")
    return [(link.organisation_id, link.organisation.name) for link in links]
