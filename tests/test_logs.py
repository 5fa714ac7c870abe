"""No log record carries a query string: search terms (which may be names) travel in them."""

from __future__ import annotations

import logging
import runpy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cspr.core.logs import without_query_strings

ROOT = Path(__file__).resolve().parent.parent
NAME = "Juniper+Testfieldworth"
SURNAME = "Testfieldworth"


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def every_record() -> Iterator[list[logging.LogRecord]]:
    """Every record logged meanwhile, whichever logger (the root, and those that do not pass records up to it)."""
    keep = _Keep()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.addHandler(keep)
        if logger.level > logging.INFO or logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
    try:
        yield keep.records
    finally:
        for logger in loggers:
            logger.removeHandler(keep)
            logger.setLevel(levels[logger])


def _text(record: logging.LogRecord) -> str:
    return record.getMessage() + " " + " ".join(str(value) for value in vars(record).values() if isinstance(value, str))


def test_query_strings_are_cut_from_urls_and_paths_and_nothing_else() -> None:
    assert without_query_strings('"GET /cases/?q=Juniper HTTP/1.1" 200 5') == '"GET /cases/ HTTP/1.1" 200 5'
    assert without_query_strings("from https://reviews.example.org/cases/?q=x&y=z.") == (
        "from https://reviews.example.org/cases/"
    )
    assert without_query_strings("https://reviews.example.org?q=x") == "https://reviews.example.org"
    assert without_query_strings("Why? Because. 50% done") == "Why? Because. 50% done"


def test_the_development_servers_request_log_has_no_query_string() -> None:
    from django.core.servers.basehttp import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None  # type: ignore[assignment]
    with every_record() as records:
        handler.log_message('"%s" %s %s', f"GET /cases/?q={NAME}&year=2026 HTTP/1.1", "200", "1234")
    logged = [record for record in records if record.name == "django.server"]
    assert logged, "the request was not logged at all"
    assert all(SURNAME not in _text(record) and "?q=" not in _text(record) for record in logged)
    assert '"GET /cases/ HTTP/1.1" 200 1234' in logged[0].getMessage()


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/?q={NAME}",  # a search
        f"/no-such-page/?q={NAME}",  # django.request's "Not Found"
        f"/accounts/sign-in/?next=/cases/%3Fq%3D{NAME}",  # a sign-in carrying the search on
    ],
)
def test_a_search_term_in_a_query_string_reaches_no_log_record(client_as: Callable[[str], Client], path: str) -> None:
    client = client_as("business.unit@example.org")
    with every_record() as records:
        client.get(path)
        Client().get(path)  # signed out, too
        Client(HTTP_HOST="attacker.example").get(path)  # django.security.DisallowedHost
    assert records, "nothing was logged, so the test proves nothing"
    assert [record.name for record in records if SURNAME in _text(record)] == []


def test_a_record_made_anywhere_loses_its_query_string_before_any_handler_sees_it() -> None:
    with every_record() as records:
        logging.getLogger("cspr.anything").warning("Opened %s for %s", f"/cases/?q={NAME}", "someone")
    assert records[-1].getMessage() == "Opened /cases/ for someone"


def test_gunicorns_access_log_names_the_path_without_the_query_string_or_the_referer() -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]
    from gunicorn.glogging import Logger  # type: ignore[import-untyped]

    config = Config()
    for key, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if key in config.settings:
            config.set(key, value)
    for atom in ("%(r)s", "%(q)s", "%(f)s"):
        assert atom not in config.access_log_format
    logger = Logger(config)

    class Response:
        status = "200 OK"
        sent = 512
        headers: list[tuple[str, str]] = []

    class Request:
        headers: list[tuple[str, str]] = []

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases/?q={NAME}",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": f"q={NAME}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://reviews.example.org/cases/?q={NAME}",
        "HTTP_USER_AGENT": "Browser",
    }
    with every_record() as records:
        logger.access(Response(), Request(), environ, timedelta(milliseconds=12))
    access = [record for record in records if record.name == "gunicorn.access"]
    assert len(access) == 1
    line = access[0].getMessage()
    assert '"GET /cases/ HTTP/1.1" 200 512 12ms' in line
    assert SURNAME not in line
