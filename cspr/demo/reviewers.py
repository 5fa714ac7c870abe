"""The demo's register of reviewers: the demo reviewer's own entry and a second invented reviewer. The data file's
local review cases commission from it (``cspr.demo.local_reviews``), so it is seeded before them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cspr.demo.common import BUSINESS_UNIT, LONDON, REVIEWER, acting, answers
from cspr.partnerships.models import Partnership
from cspr.reviewers.models import Reviewer
from cspr.reviewers.services import reviewer_save

ADDED_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


@dataclass(frozen=True)
class DemoReviewer:
    """A reviewer on the demo register: each field is one of ``reviewer_save``'s, passed as it is."""

    name: str
    organisation: str
    email: str
    phone: str
    experience: str


DEMO_REVIEWERS = (
    DemoReviewer(
        "Rowan Achterberg",
        "",
        REVIEWER,
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
    business_unit = acting(BUSINESS_UNIT)
    return [
        reviewer_save(acting=business_unit, partnership_id=partnership.pk, at=ADDED_AT, **answers(demo))
        for demo in DEMO_REVIEWERS
    ]
