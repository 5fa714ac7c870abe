"""No silent overwrite: an edit form carries the version of the text it was opened at.

Two people editing the same rapid review section or the same agency return used to lose the first save to the
second. Each editable record now keeps a version number that every save moves on, with who saved it and when. The
page puts the number it showed into the form (a hidden ``opened_version``); the service compares it, inside its
transaction and under the record's lock, with the number it finds, and refuses a stale save with :class:`StaleEdit`
instead of writing. The page then shows what is saved now beside what the person typed, and keeps what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

OPENED_VERSION = "opened_version"
"""The hidden form field that carries the version a page was opened at."""

STALE_EDIT = (
    "{what} was changed by {name} at {when} since you opened it. What is saved now is shown beside what you typed: "
    "nothing of yours was saved. Copy what you need into your text and save again."
)


@dataclass(frozen=True)
class EditStamp:
    """A record's current version: its number, and who moved it there and when."""

    version: int
    by: str = ""
    at: datetime | None = None


class StaleEdit(Exception):
    """The record was saved by somebody else after this form was opened; nothing was written."""

    def __init__(self, *, what: str, current: EditStamp) -> None:
        self.current = current
        when = _when(current.at) if current.at else "an unknown time"
        self.message = STALE_EDIT.format(what=what, name=current.by or "someone else", when=when)
        super().__init__(self.message)


def opened_version(posted: object) -> int | None:
    """The version a posted form was opened at; ``None`` when it carries none (a form from before versions, or a
    caller that does not check): such a save is not refused."""
    if posted is None or str(posted).strip() == "":
        return None
    try:
        return max(int(str(posted).strip()), 0)
    except ValueError:
        return 0  # a mangled value never matches a real version, so the save is checked, not let through


def check_not_stale(*, what: str, opened: int | None, current: EditStamp) -> None:
    """Refuse the save when the form was opened at an earlier version than the record now has."""
    if opened is not None and opened != current.version:
        raise StaleEdit(what=what, current=current)


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'} on {local.day} {local:%B %Y}"


@dataclass(frozen=True)
class SavedBeside:
    """One answer that differs: its label, the text saved now, and what the person typed (kept in the form)."""

    field: str
    label: str
    saved: str
    typed: str


def saved_beside_typed(*, labels: dict[str, str], saved: dict[str, str], typed: dict[str, str]) -> list[SavedBeside]:
    """The answers where the saved text and the typed text differ, in the order of ``labels``."""
    return [
        SavedBeside(field=name, label=label, saved=saved.get(name, ""), typed=typed.get(name, ""))
        for name, label in labels.items()
        if (saved.get(name, "") or "").strip() != (typed.get(name, "") or "").strip()
    ]
