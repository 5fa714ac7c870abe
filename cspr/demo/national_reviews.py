"""The demo's national review steps: what the data file (``data/cases.toml``) may do on a Panel-led case once the
Panel has decided to hold a national review (its rapid review steps take the case there). The business unit acts
each time, through the services, at fixed invented dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cspr.cases.models import Case
from cspr.demo.common import BUSINESS_UNIT, acting, answers, on
from cspr.national_reviews.services import (
    national_review_contact_set,
    national_review_engagement_log,
    national_review_finish,
    national_review_item_add,
    national_review_item_provided,
)
from cspr.partnerships.selectors import organisation_by_name


@dataclass(frozen=True)
class PanelContact:
    """Who at the Panel the partnership deals with for the review."""

    panel_contact: str
    at: datetime

    def take(self, case: Case) -> None:
        national_review_contact_set(acting=acting(BUSINESS_UNIT), case=case, at=self.at, **answers(self))


@dataclass(frozen=True)
class Engagement:
    """A step of the partnership's part in the review (an ``EngagementEntry.Kind`` value), logged that afternoon."""

    kind: str
    happened_on: date
    note: str
    scope_agreed: bool = False

    def take(self, case: Case) -> None:
        national_review_engagement_log(
            acting=acting(BUSINESS_UNIT), case=case, at=on(self.happened_on, 15), **answers(self)
        )


@dataclass(frozen=True)
class PanelRequest:
    """Something the Panel asked the partnership for, and, when ``provided_on`` is given, that the organisation
    named ``provided_by`` provided it."""

    what: str
    requested_on: date
    due_on: date | None = None
    provided_on: date | None = None
    provided_by: str = ""

    def take(self, case: Case) -> None:
        business_unit = acting(BUSINESS_UNIT)
        item = national_review_item_add(
            acting=business_unit,
            case=case,
            what=self.what,
            requested_on=self.requested_on,
            due_on=self.due_on,
            at=on(self.requested_on, 16),
        )
        if self.provided_on is not None:
            organisation = organisation_by_name(name=self.provided_by) if self.provided_by else None
            national_review_item_provided(
                acting=business_unit,
                case=case,
                item_id=item.pk,
                provided_on=self.provided_on,
                provided_by=organisation.pk if organisation else None,
                at=on(self.provided_on, 16),
            )


@dataclass(frozen=True)
class Outcome:
    """The national review's outcome: its report, when the Panel published it, the findings for the partnership,
    and the day the partnership's part finished (recorded that afternoon)."""

    report_on: date
    findings: str
    finished_on: date
    published_on: date | None = None

    def take(self, case: Case) -> None:
        national_review_finish(acting=acting(BUSINESS_UNIT), case=case, at=on(self.finished_on, 15), **answers(self))


NationalReviewStep = PanelContact | Engagement | PanelRequest | Outcome

NATIONAL_REVIEW_STEPS: dict[str, type[NationalReviewStep]] = {
    "panel_contact": PanelContact,
    "national_engagement": Engagement,
    "panel_request": PanelRequest,
    "national_outcome": Outcome,
}
"""The national review's steps by the names the data file gives them."""
