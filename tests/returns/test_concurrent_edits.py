"""No silent overwrite: two contributors of one organisation editing the same return at once."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.kernel.edits import StaleEdit
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import AgencyReturn
from tests.returns.factories import colleague_at
from tests.returns.support import POLICE, POLICE_ORGANISATION, demo_request

pytestmark = pytest.mark.django_db

FIRST = "Seen by the lead on three occasions."
SECOND = "The colleague's account of the same involvement."


def _colleague(demo: Any) -> str:
    return colleague_at(demo_request(POLICE_ORGANISATION).organisation, demo["northvale"]).email


def opened_at(page: str) -> str:
    match = re.search(r'name="opened_version" value="(\d+)"', page)
    assert match
    return match[1]


def test_the_second_save_is_refused_shows_both_texts_and_keeps_what_was_typed(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    url = reverse("returns:edit", kwargs={"request_uuid": police.uuid})
    lead, colleague = client_as(POLICE), client_as(_colleague(demo))
    leads_version = opened_at(lead.get(url).content.decode())
    colleagues_version = opened_at(colleague.get(url).content.decode())
    assert lead.post(url, {"involvement": FIRST, "opened_version": leads_version}).status_code == 302

    response = colleague.post(url, {"involvement": SECOND, "opened_version": colleagues_version})
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    lead_name = User.objects.get(email=POLICE).full_name
    assert f"The return was changed by {lead_name} at" in page
    saved_now = page[page.index('id="saved-now"') :]
    assert FIRST in saved_now
    assert SECOND in saved_now
    assert re.search(rf"<textarea[^>]*>\s*{re.escape(SECOND)}", page)
    draft = AgencyReturn.objects.filter(request=police).order_by("-version").first()
    assert draft is not None
    assert draft.unseal("involvement") == FIRST

    again = colleague.post(url, {"involvement": SECOND, "opened_version": opened_at(page)})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.unseal("involvement") == SECOND


def save_involvement(person: User, info_request: Any, text: str, *, opened_version: int) -> None:
    """The person saves the return's involvement text, having opened it at this version."""
    services.return_save(
        acting=acting_for(person),
        info_request=info_request,
        values={"involvement": text},
        opened_version=opened_version,
    )


def test_the_service_refuses_a_stale_save_and_writes_nothing(demo: Any) -> None:
    police = demo_request(POLICE_ORGANISATION)
    lead = User.objects.get(email=POLICE)
    current = services.return_stamp(services.latest_return(police))
    save_involvement(lead, police, FIRST, opened_version=current.version)
    after = services.return_stamp(services.latest_return(police))
    assert after.version == current.version + 1
    assert after.by == lead.full_name
    with pytest.raises(StaleEdit):
        save_involvement(lead, police, SECOND, opened_version=current.version)
    draft = services.latest_return(police)
    assert draft is not None
    assert draft.unseal("involvement") == FIRST
    assert draft.edit_version == after.version


def test_a_new_version_of_a_submitted_return_moves_the_version_on(demo: Any) -> None:
    health = demo_request()  # submitted in the demo
    contributor = User.objects.get(email="contributor.health@example.org")
    before = services.return_stamp(services.latest_return(health))
    services.return_revise(acting=acting_for(contributor), info_request=health, reason="Correction")
    assert services.return_stamp(services.latest_return(health)).version == before.version + 1
    with pytest.raises(StaleEdit):
        save_involvement(contributor, health, SECOND, opened_version=before.version)
