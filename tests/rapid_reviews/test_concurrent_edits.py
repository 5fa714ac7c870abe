"""No silent overwrite: two people with the same section of the rapid review open, both saving."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cspr.accounts.models import User
from cspr.kernel.edits import StaleEdit
from cspr.rapid_reviews import services
from cspr.rapid_reviews.models import RapidReview
from tests.rapid_reviews.support import CHAIR, MEMBER, REFERENCE, acting_as, at, save, the_case
from tests.support import ClientAs

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(at(26, 9), tick=False)]

FIRST = "The chair's summary of the facts, saved first."
SECOND = "The member's summary, typed at the same time."


def url(section: str) -> str:
    return reverse("rapid_reviews:section", kwargs={"reference": REFERENCE, "section": section})


def opened_at(page: str) -> str:
    match = re.search(r'name="opened_version" value="(\d+)"', page)
    assert match, "the form carries the version it was opened at"
    return match[1]


def test_the_second_save_of_a_section_is_refused_and_shows_both_texts(client_as: ClientAs) -> None:
    chair, member = client_as(CHAIR), client_as(MEMBER)
    chairs_version = opened_at(chair.get(url("facts")).content.decode())
    members_version = opened_at(member.get(url("facts")).content.decode())
    assert chair.post(url("facts"), {"facts_summary": FIRST, "opened_version": chairs_version}).status_code == 302

    response = member.post(url("facts"), {"facts_summary": SECOND, "opened_version": members_version})
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    chair_name = User.objects.get(email=CHAIR).full_name
    assert (
        f"'Facts, practice episodes and equality' was changed by {chair_name} at 9:00am on 26 November 2026 "
        "since you opened it" in page
    )
    assert 'href="#saved-now"' in page  # the error summary links to the comparison
    saved_now = page[page.index('id="saved-now"') :]
    assert FIRST in saved_now  # what is saved now ...
    assert SECOND in saved_now  # ... beside what they typed
    assert re.search(rf"<textarea[^>]*>\s*{re.escape(SECOND)}", page)  # and the box keeps what they typed
    assert RapidReview.objects.get(case=the_case()).unseal("facts_summary") == FIRST  # nothing was overwritten

    # Saving again from this page (it now carries the saved version) keeps the merged text.
    merged = f"{FIRST} {SECOND}"
    again = member.post(url("facts"), {"facts_summary": merged, "opened_version": opened_at(page)})
    assert again.status_code == 302
    assert RapidReview.objects.get(case=the_case()).unseal("facts_summary") == merged


def test_saving_different_sections_at_once_does_not_conflict(client_as: ClientAs) -> None:
    chair, member = client_as(CHAIR), client_as(MEMBER)
    facts_version = opened_at(chair.get(url("facts")).content.decode())
    decisions_version = opened_at(member.get(url("decisions")).content.decode())
    assert chair.post(url("facts"), {"facts_summary": FIRST, "opened_version": facts_version}).status_code == 302
    response = member.post(url("decisions"), {"local_grounds": "Grounds.", "opened_version": decisions_version})
    assert response.status_code == 302


def test_the_service_refuses_a_stale_save_and_writes_nothing(demo: dict) -> None:
    case = the_case()
    save(case, "facts", {"facts_summary": FIRST}, email=CHAIR)
    review = RapidReview.objects.get(case=case)
    stamp = services.section_stamp(review, "facts")
    assert stamp.version == 1
    assert stamp.by == User.objects.get(email=CHAIR).full_name

    def member_saves_the_second_text(opened_version: int) -> None:
        services.rapid_review_section_save(
            acting=acting_as(MEMBER),
            case=case,
            section="facts",
            values={"facts_summary": SECOND},
            opened_version=opened_version,
        )

    with pytest.raises(StaleEdit):
        member_saves_the_second_text(opened_version=0)
    review.refresh_from_db()
    assert review.unseal("facts_summary") == FIRST
    assert review.section_versions["facts"]["version"] == 1
    member_saves_the_second_text(opened_version=1)
    review.refresh_from_db()
    assert (review.unseal("facts_summary"), review.section_versions["facts"]["version"]) == (SECOND, 2)


def test_a_mangled_version_is_checked_not_trusted(client_as: ClientAs) -> None:
    client = client_as(CHAIR)
    client.post(url("facts"), {"facts_summary": FIRST, "opened_version": "0"})
    response = client.post(url("facts"), {"facts_summary": SECOND, "opened_version": "not-a-number"})
    assert response.status_code == 409
    assert RapidReview.objects.get(case=the_case()).unseal("facts_summary") == FIRST
