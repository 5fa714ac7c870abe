"""The demo's register of reviewers: the demo reviewer's own entry and a second invented reviewer, nothing
commissioned yet (a local review case joins the data file once the local review is built)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cspr.accounts.models import User
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from cspr.reviewers.models import Reviewer
from cspr.reviewers.services import reviewer_save

BUSINESS_UNIT = "business.unit@example.org"
ADDED_AT = datetime.datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@dataclass(frozen=True)
class DemoReviewer:
    name: str
    organisation: str
    email: str
    phone: str
    experience: str


DEMO_REVIEWERS = (
    DemoReviewer(
        "Rowan Achterberg",
        "",
        "reviewer@example.org",
        "01632 960101",
        "A former head of children's services; has led local reviews using a systems approach for three "
        "partnerships (demo).",
    ),
    DemoReviewer(
        "Idris Quillfeather",
        "Quillfeather Review Associates (demo)",
        "idris.quillfeather@example.org",
        "01632 960202",
        "A social work academic who writes on practitioners' decisions under uncertainty; two local reviews (demo).",
    ),
)


def seed_demo_reviewers(*, partnership: Partnership) -> list[Reviewer]:
    """Put the demo reviewers on the partnership's register (once)."""
    if Reviewer.objects.filter(partnership=partnership).exists():
        return []
    business_unit = acting_for(User.objects.get(email=BUSINESS_UNIT))
    return [
        reviewer_save(
            acting=business_unit,
            partnership_id=partnership.pk,
            name=demo.name,
            organisation=demo.organisation,
            email=demo.email,
            phone=demo.phone,
            experience=demo.experience,
            at=ADDED_AT,
        )
        for demo in DEMO_REVIEWERS
    ]
