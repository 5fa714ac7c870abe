"""The service navigation lists only what the person may use."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client


def nav_items(client: Client) -> list[str]:
    page = client.get("/").content.decode()
    nav = re.search(r'<ul class="govuk-service-navigation__list"[^>]*>(.*?)</ul>', page, re.S)
    assert nav, "no service navigation on the home page"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)]


@pytest.mark.parametrize(
    ("email", "shown", "hidden"),
    [
        ("contributor.health@example.org", {"Cases", "Requests to your organisation"}, {"People", "Audit trail"}),
        ("notifier@example.org", {"Requests to your organisation", "Report an incident"}, {"People"}),
        ("business.unit@example.org", {"Cases", "People", "Messages not delivered"}, {"Requests to your organisation"}),
        ("auditor@example.org", {"Audit trail"}, {"People", "Requests to your organisation", "Report an incident"}),
    ],
)
def test_each_person_sees_the_pages_they_may_use(
    client_as: Callable[[str], Client], email: str, shown: set[str], hidden: set[str]
) -> None:
    items = set(nav_items(client_as(email)))
    assert shown <= items
    assert not hidden & items
