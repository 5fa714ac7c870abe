"""Sections other apps add to the case page (the rapid review, agency returns, …) without cases importing them.

An app registers a ``CasePanel`` in its ``AppConfig.ready()``. For each case page the panel's ``build`` is
called with the case, the person's scope and today's date; it returns ``None`` when the panel has nothing
for this person, or a ``PanelView``: actions for "What you can do now", a template with its context,
rendered under the panel's heading, and any dated targets of its own to show among the case's deadlines (a local
review's milestones). Panels must do their own object-level checks and use selectors that keep their query count
flat (the case page's query budget is asserted in tests).

A panel may also name rows the case page reads in the same query as the case itself (:func:`case_page_reads`):
one-to-one rows of the case (``related``, for ``select_related``) and single values computed by subqueries
(``annotations``). The page reads them for everyone who opens it, whether or not the panel is then shown, so they
are for rows that cost a column or two, never for lists; and they are read only on the read-only case page, so the
panel's selectors must read afresh when the case does not carry them (every other page, every service).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
class PanelDeadline:
    """A dated target an app keeps on the case (a local review's milestone), shown in the case's deadlines beside
    its clocks: what, the rule in words, when due, where it stands (a GOV.UK tag's words and colour, and the working
    days left in words as a clock's), when done."""

    title: str
    sentence: str
    due: date
    status_label: str
    colour: str
    done_on: date | None = None
    days_left_words: str = ""


@dataclass(frozen=True)
class PanelView:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    actions: tuple[PanelAction, ...] = ()
    deadlines: tuple[PanelDeadline, ...] = ()


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    order: int
    build: Callable[[Case, Scope, date], PanelView | None]
    related: tuple[str, ...] = ()
    annotations: Callable[[], Mapping[str, Any]] | None = None


_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    """Add (or replace, by key) a section of the case page."""
    _PANELS[panel.key] = panel


def _registered() -> list[CasePanel]:
    """The registered panels in page order."""
    return sorted(_PANELS.values(), key=lambda item: (item.order, item.key))


def case_page_reads() -> tuple[tuple[str, ...], dict[str, Any]]:
    """What the registered panels read with the case on the case page: relations to ``select_related`` and
    annotations (:func:`cspr.cases.selectors.case_get`)."""
    related: list[str] = []
    annotations: dict[str, Any] = {}
    for panel in _registered():
        related.extend(panel.related)
        if panel.annotations is not None:
            annotations.update(panel.annotations())
    return tuple(related), annotations


@dataclass(frozen=True)
class ShownPanel:
    """A registered section as one person sees it on one case."""

    key: str
    title: str
    view: PanelView


def case_panels(*, case: Case, scope: Scope, today: date) -> list[ShownPanel]:
    """The registered sections this person sees on this case, in order."""
    views = ((panel, panel.build(case, scope, today)) for panel in _registered())
    return [ShownPanel(key=panel.key, title=panel.title, view=view) for panel, view in views if view is not None]
