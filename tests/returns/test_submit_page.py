""" "Sign off and submit": what is missing is listed in the error summary, each linked to its box on the return."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from cspr.returns.models import OrganisationLead
from tests.returns.support import POLICE, POLICE_ORGANISATION, demo_request


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<a href="([^"]+)">(.*?)</a>', summary[0], re.S)
    return [(href, " ".join(text.split())) for href, text in links]


def test_each_missing_part_links_to_its_box_on_the_return(demo: Any, client_as: Callable[[str], Client]) -> None:
    police = demo_request(POLICE_ORGANISATION)  # the demo's draft lacks several parts
    client = client_as(POLICE)
    response = client.post(reverse("returns:submit", kwargs={"request_uuid": police.uuid}))
    assert response.status_code == 400
    links = summary_links(response.content.decode())
    assert links, "the missing parts are listed"
    edit_url = reverse("returns:edit", kwargs={"request_uuid": police.uuid})
    edit_page = client.get(edit_url).content.decode()
    for href, text in links:
        assert text.startswith("Complete the ")
        path, _, anchor = href.partition("#")
        assert path == edit_url
        assert f'id="{anchor}"' in edit_page, f"{anchor} is not a box on the return's page"
    assert "#submit" not in response.content.decode()


def test_a_refusal_without_a_box_links_to_the_paragraph_that_explains_it(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    police = demo_request(POLICE_ORGANISATION)
    OrganisationLead.objects.filter(organisation=police.organisation).delete()
    response = client_as(POLICE).post(reverse("returns:submit", kwargs={"request_uuid": police.uuid}))
    page = response.content.decode()
    links = summary_links(page)
    assert [href for href, _ in links] == ["#who-signs-off"]
    assert 'id="who-signs-off"' in page
