"""What else waits in an organisation's inbox besides information requests: other apps' requests to an organisation
(the local review's requests for comments on a draft report) join the inbox page through a source each app registers
in its ``AppConfig.ready()``, so this app never imports them.

A source takes the person's scope and returns a few :class:`InboxItem` values (the open ones only, each app reading
through the one scoping function); the inbox shows them above its own requests, in a table of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cspr.partnerships.scoping import Scope


@dataclass(frozen=True)
class InboxItem:
    """One thing asked of an organisation the person answers for: on which case, of which partnership, what, by when
    and where it stands, and the page that answers it (in the partnership the item belongs to)."""

    reference: str
    partnership_id: int
    partnership: str
    organisation: str
    what: str
    due_on: date
    status: str
    url: str


@dataclass(frozen=True)
class InboxSource:
    key: str
    title: str
    """The heading of the items' table on the inbox page."""
    read: Callable[[Scope], list[InboxItem]]


_SOURCES: dict[str, InboxSource] = {}


def register_inbox_source(source: InboxSource) -> None:
    """Add (or replace, by key) another app's requests to the inbox."""
    _SOURCES[source.key] = source


def inbox_sections(*, scope: Scope) -> list[tuple[str, list[InboxItem]]]:
    """Each registered source's title and items for this person, in the order of their keys; sources with no item
    for them are left out."""
    sections = [(_SOURCES[key].title, _SOURCES[key].read(scope)) for key in sorted(_SOURCES)]
    return [(title, items) for title, items in sections if items]
