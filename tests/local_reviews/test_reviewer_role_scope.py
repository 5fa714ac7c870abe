"""The reviewer's role counts on the case they are commissioned for alone: a person who is also an agency's
contributor sees that organisation's cases, but never as their reviewer (the family log, the thread with the business
unit, the drafts and every organisation's comments stay the commissioned reviewer's)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.cases.selectors import case_is_visible
from cspr.domain.roles import Role
from cspr.local_reviews.models_people import ReviewerMessage
from cspr.partnerships.models import Membership, Partnership
from cspr.partnerships.scoping import scope_for
from tests.support import ClientAs

pytestmark = pytest.mark.django_db

CASE = "NVALE-2026-016"  # a local review with drafts, comments, a family log and a thread; the police are involved
POLICE_LEAD = "police.lead@example.org"


def test_a_contributor_who_is_also_a_reviewer_is_not_the_reviewer_of_the_cases_their_organisation_sees(
    demo: dict[str, Partnership], client_as: ClientAs
) -> None:
    lead = User.objects.get(email=POLICE_LEAD)
    Membership.objects.create(user=lead, partnership=demo["northvale"], role=Role.REVIEWER)
    case = Case.objects.get(reference=CASE)
    assert case_is_visible(scope=scope_for(lead), case=case)  # through the police's contributor role
    client = client_as(POLICE_LEAD)

    def page(name: str, **kwargs: object) -> str:
        return reverse(f"local_reviews:{name}", kwargs={"reference": CASE, **kwargs})

    for url in (
        page("family"),
        page("thread"),
        page("events"),
        page("draft", number=1),
        page("draft-download", number=1),
    ):
        assert client.get(url).status_code in (403, 404), url
    before = ReviewerMessage.objects.count()
    assert client.post(page("thread"), {"body": "Writing as if I were the reviewer."}).status_code in (403, 404)
    assert ReviewerMessage.objects.count() == before
