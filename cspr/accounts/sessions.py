"""Session limits: idle expiry and absolute expiry, kept as two timestamps in the session itself.

The sign-in time never changes; the last-activity time is rewritten only when it is more than
``SESSION_ACTIVITY_WRITE_SECONDS`` old, so an active person's session row is written about once
a minute rather than on every request (``SESSION_SAVE_EVERY_REQUEST`` stays off).
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from django.conf import settings

SIGNED_IN_AT_KEY = "cspr_signed_in_at"
LAST_SEEN_KEY = "cspr_last_seen"
# Left in a session that was ended because the person's access to the partnership it worked in was removed: the
# next request is sent to the "Your access was removed" page, which reads it once. Holds the partnership's id and
# name and the person's id (for the audit trail), nothing else.
ACCESS_REMOVED_KEY = "cspr_access_removed"


class SessionEnd(StrEnum):
    IDLE = "idle"
    ABSOLUTE = "absolute"


def now_seconds() -> int:
    """Whole seconds since the epoch (time-machine moves this in tests)."""
    return int(time.time())


def session_limits_start(session: Any, now: int) -> None:
    session[SIGNED_IN_AT_KEY] = now
    session[LAST_SEEN_KEY] = now


def session_end_due(session: Any, now: int) -> SessionEnd | None:
    """Which limit, if any, this session has passed. A session without timestamps starts its clocks now."""
    signed_in_at, last_seen = session.get(SIGNED_IN_AT_KEY), session.get(LAST_SEEN_KEY)
    if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
        session_limits_start(session, now)
        return None
    if now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return SessionEnd.ABSOLUTE
    if now - last_seen >= settings.SESSION_IDLE_SECONDS:
        return SessionEnd.IDLE
    return None


def session_touch(session: Any, now: int, *, force: bool = False) -> bool:
    """Record activity, but write the session only if the last record is old enough (or ``force``)."""
    last_seen = session.get(LAST_SEEN_KEY)
    if force or not isinstance(last_seen, int) or now - last_seen > settings.SESSION_ACTIVITY_WRITE_SECONDS:
        session[LAST_SEEN_KEY] = now
        return True
    return False


def session_seconds_left(session: Any, now: int) -> dict[str, Any]:
    """Seconds until the session ends, and whether activity can still put that off (idle) or not (absolute)."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY, now)
    last_seen = session.get(LAST_SEEN_KEY, now)
    idle_left = settings.SESSION_IDLE_SECONDS - (now - last_seen)
    absolute_left = settings.SESSION_ABSOLUTE_SECONDS - (now - signed_in_at)
    return {
        "seconds": max(0, min(idle_left, absolute_left)),
        "extendable": idle_left <= absolute_left,
        "warning": settings.SESSION_WARNING_SECONDS,
    }
