"""No log carries a query string: search terms (names, among them) travel in query strings.

Every log record made in a process that loaded our settings (the web server, gunicorn's workers, the worker, commands)
has any query string cut from the URLs in its message when it is made, before any handler, filter or formatter sees
it: the development server's request log (``django.server``), gunicorn's access and error logs, Django's
``django.request`` and ``django.security`` loggers and our own. Django installs it through ``LOGGING_CONFIG``;
``gunicorn.conf.py`` installs it in gunicorn's master too. Standard library only, so the gunicorn configuration can
import it before Django is set up.
"""

from __future__ import annotations

import logging
import logging.config
import re
from collections.abc import Callable
from typing import Any

# A URL (scheme://host, optionally a path) or a bare path, followed by a query string.
_QUERY = re.compile(
    r"(?P<url>[a-z][a-z0-9+.-]*://[^\s/?#\"'<>]+(?:/[^\s?#\"'<>]*)?|/[^\s?#\"'<>]*)\?[^\s#\"'<>]*",
    re.IGNORECASE,
)


def without_query_strings(text: str) -> str:
    """``text`` with the query string of every URL or path in it removed (``/cases/?q=Smith`` → ``/cases/``)."""
    return _QUERY.sub(r"\g<url>", text)


def strip_record(record: logging.LogRecord) -> logging.LogRecord:
    """Cut query strings from the record's message, formatting it now if it must change."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed call is the logging module's to report when the record is handled
        return record
    cleaned = without_query_strings(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    return record


def _stripping(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return strip_record(factory(*args, **kwargs))

    make.strips_query_strings = True  # type: ignore[attr-defined]
    return make


def strip_query_strings_from_every_record() -> None:
    """Make every later log record in this process without query strings (once, however often it is called)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "strips_query_strings", False):
        logging.setLogRecordFactory(_stripping(factory))


def configure(logging_settings: dict[str, Any]) -> None:
    """Django's ``LOGGING_CONFIG``: the ``LOGGING`` dictionary, and records without query strings."""
    logging.config.dictConfig(logging_settings)
    strip_query_strings_from_every_record()
