"""Case references: no gaps and no duplicates, even when submissions interleave."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection

from cspr.cases.models import Case, CaseReferenceCounter
from cspr.cases.services import notification as notification_services
from cspr.partnerships.models import Partnership
from tests.cases.conftest import LONDON
from tests.cases.factories import notification_by_notifier
from tests.demo_copy import demo_loaded

AT = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON)


def submit_as_notifier(partnership: Partnership) -> Case:
    return notification_by_notifier(partnership, at=AT)


@pytest.mark.django_db
def test_a_submission_that_fails_gives_back_its_number(demo: dict[str, Partnership]) -> None:
    northvale = demo["northvale"]
    first = submit_as_notifier(northvale)
    with (
        mock.patch.object(notification_services, "tell_case", side_effect=RuntimeError("outbox down")),
        pytest.raises(RuntimeError),
    ):
        submit_as_notifier(northvale)
    second = submit_as_notifier(northvale)
    assert second.sequence == first.sequence + 1
    assert CaseReferenceCounter.objects.get(partnership=northvale, year=2026).last == second.sequence


def _wait_when_locked(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """What SQLite's busy timeout does for a database file: wait for the write lock instead of failing.

    The shared-cache in-memory test database answers "table is locked" at once where a file would wait, so the
    second writer retries here, as it would wait there; PostgreSQL needs none of this (its row lock waits).
    """
    deadline = time.monotonic() + 20
    while True:
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@pytest.fixture
def seeded(transactional_db: None) -> Partnership:
    demo_loaded()
    return Partnership.objects.get(code="NVALE")


def test_two_interleaved_submissions_get_consecutive_references_without_duplicates(seeded: Partnership) -> None:
    """A takes its number and pauses inside its transaction; B submits meanwhile and must wait for A."""
    start = CaseReferenceCounter.objects.get(partnership=seeded, year=2026).last
    a_has_number = threading.Event()
    b_started = threading.Event()
    results: dict[str, Case] = {}
    errors: list[BaseException] = []

    def pause_after_taking_the_number(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """A's own statements: once its counter UPDATE has run, A holds its number (and the lock) and waits."""
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("UPDATE") and "casereferencecounter" in sql.lower():
            a_has_number.set()
            b_started.wait(timeout=10)
            time.sleep(0.5)  # B is now blocked on the counter (or on the write lock) until A commits
        return result

    def work(name: str) -> None:
        try:
            with contextlib.ExitStack() as wrappers:
                if connection.vendor == "sqlite":
                    wrappers.enter_context(connection.execute_wrapper(_wait_when_locked))
                if name == "A":
                    wrappers.enter_context(connection.execute_wrapper(pause_after_taking_the_number))
                if name == "B":
                    a_has_number.wait(timeout=10)
                    b_started.set()
                results[name] = submit_as_notifier(Partnership.objects.get(pk=seeded.pk))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,), name=name, daemon=True) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert a_has_number.is_set(), "A never paused after taking its number: the interleaving was not tested"
    assert results["A"].sequence == start + 1, "A took its number first"
    assert results["B"].sequence == start + 2, "B waited for A and took the next"
    assert CaseReferenceCounter.objects.get(partnership=seeded, year=2026).last == start + 2
    references = list(Case.objects.filter(partnership=seeded, year=2026).values_list("reference", flat=True))
    assert len(references) == len(set(references))


def test_many_concurrent_submissions_leave_no_gap_and_no_duplicate(seeded: Partnership) -> None:
    start = CaseReferenceCounter.objects.get(partnership=seeded, year=2026).last
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with connection.execute_wrapper(_wait_when_locked):
                barrier.wait(timeout=10)
                submit_as_notifier(Partnership.objects.get(pk=seeded.pk))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = sorted(Case.objects.filter(partnership=seeded, year=2026).values_list("sequence", flat=True))
    assert sequences[-4:] == [start + 1, start + 2, start + 3, start + 4]
    assert sequences == list(range(1, start + 5))
