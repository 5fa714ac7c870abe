"""Other apps' sections of the case page: shown to whom their builder says, with their actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client

from cspr.cases import panels
from cspr.cases.models import Case
from cspr.cases.panels import CasePanel, PanelAction, PanelView, register_case_panel
from cspr.domain.roles import Role
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import Scope

CASE = "/cases/NVALE-2026-003/"


@pytest.fixture
def test_panel() -> Iterator[None]:
    def build(case: Case, scope: Scope, today: date) -> PanelView | None:
        if Role.BUSINESS_UNIT not in scope.roles_in(case.partnership_id):
            return None
        return PanelView(
            template="tests/panel.html",
            context={"words": f"Panel for {case.reference}"},
            actions=(PanelAction("Do the panel's thing", "/somewhere/", "§4.1"),),
        )

    saved = dict(panels._PANELS)
    register_case_panel(CasePanel(key="test-panel", title="A test section", order=1, build=build))
    yield
    panels._PANELS.clear()
    panels._PANELS.update(saved)


def test_a_panel_shows_its_section_and_actions_to_those_it_chooses(
    test_panel: None, client_as: Callable[[str], Client], demo: dict[str, Partnership], settings: object
) -> None:
    page = client_as("business.unit@example.org").get(CASE).content.decode()
    assert 'id="test-panel">A test section</h2>' in page
    assert "Panel for NVALE-2026-003" in page
    assert '<a class="govuk-link" href="/somewhere/">Do the panel&#39;s thing</a>' in page
    other = client_as("prg.chair@example.org").get(CASE).content.decode()
    assert "A test section" not in other
    assert "Do the panel" not in other
