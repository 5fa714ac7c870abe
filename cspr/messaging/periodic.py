"""Periodic jobs the worker runs between deliveries (the clock sweep: reminders, escalations).

An app registers its job once, from its ``AppConfig.ready()``::

    register_periodic_job("clocks.sweep", clocks_sweep, every_seconds=300)

The worker calls ``job(now=<aware datetime>)`` on its first pass and then whenever
``every_seconds`` have passed since the last run. Each worker process keeps its own
timetable, so with several workers a job may run more often than ``every_seconds``:
jobs must be idempotent (e.g. "send the reminder unless one was already recorded").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)

INTERVAL_NOT_POSITIVE = "A periodic job must run every so many seconds, more than zero."
NAME_TAKEN = "A different periodic job is already registered as {name!r}."

PeriodicCallable = Callable[..., object]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: PeriodicCallable
    every: timedelta


_REGISTRY: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, func: PeriodicCallable, every_seconds: float) -> PeriodicJob:
    """Register ``func`` to be called as ``func(now=...)`` every ``every_seconds``. Registering again is harmless."""
    if every_seconds <= 0:
        raise ValueError(INTERVAL_NOT_POSITIVE)
    job = PeriodicJob(name=name, func=func, every=timedelta(seconds=every_seconds))
    existing = _REGISTRY.get(name)
    if existing is not None and existing.func is not func:
        raise ValueError(NAME_TAKEN.format(name=name))
    _REGISTRY[name] = job
    return job


def unregister_periodic_job(name: str) -> None:
    _REGISTRY.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_REGISTRY.values())


class PeriodicSchedule:
    """One worker's memory of when it last ran each job."""

    def __init__(self) -> None:
        self.last_run: dict[str, datetime] = {}

    def run_due(self, *, now: datetime) -> list[str]:
        """Run every job that is due; a failing job is logged and does not stop the others or the worker."""
        ran = []
        for job in periodic_jobs():
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self.last_run[job.name] = now
            try:
                job.func(now=now)
            except Exception:
                logger.exception("Periodic job %s failed", job.name)
            ran.append(job.name)
        return ran
