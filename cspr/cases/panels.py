"""Sections other apps add to the case page (the rapid review, agency returns, …) without cases importing them.

An app registers a ``CasePanel`` in its ``AppConfig.ready()``. For each case page the panel's ``build`` is
called with the case, the person's scope and today's date; it returns ``None`` when the panel has nothing
for this person, or a ``PanelView``: actions for "What you can do now" and a template with its context,
rendered under the panel's heading. Panels must do their own object-level checks and use selectors that
keep their query count flat (the case page's query budget is asserted in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.cases.models import Case
from cspr.partnerships.scoping import Scope


@dataclass(frozen=True)
class PanelAction:
    label: str
    href: str
    section: str = ""


@dataclass(frozen=True)
class PanelView:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    actions: tuple[PanelAction, ...] = ()


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    order: int
    build: Callable[[Case, Scope, date], PanelView | None]


@dataclass(frozen=True)
class ShownPanel:
    key: str
    title: str
    view: PanelView


_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    """Add (or replace, by key) a section of the case page."""
    _PANELS[panel.key] = panel


def case_panels(*, case: Case, scope: Scope, today: date) -> list[ShownPanel]:
    """The registered sections this person sees on this case, in order."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda item: (item.order, item.key)):
        view = panel.build(case, scope, today)
        if view is not None:
            shown.append(ShownPanel(key=panel.key, title=panel.title, view=view))
    return shown
