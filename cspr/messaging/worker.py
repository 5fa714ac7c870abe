"""The worker: delivers the outbox and runs the periodic jobs. ``manage.py run_worker`` drives it.

One pass: flag messages undelivered for a day, claim a batch with a lease, send each
claimed message (marking it sent, or scheduling a retry with back-off), then run the
periodic jobs that are due. A worker that dies mid-pass loses nothing: its leases run
out and another pass claims the messages again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from cspr.messaging import services
from cspr.messaging.backends import DeliveryError, MailBackend, PermanentDeliveryError, backend_from_settings
from cspr.messaging.models import OutboundMessage
from cspr.messaging.periodic import PeriodicSchedule

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 5.0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PassResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    flagged: int = 0
    jobs_run: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.claimed or self.flagged)


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        backend: MailBackend | None = None,
        batch_size: int = services.BATCH_SIZE,
        lease: timedelta = services.LEASE,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.backend = backend if backend is not None else backend_from_settings()
        self.batch_size = batch_size
        self.lease = lease
        self.clock = clock
        self.schedule = PeriodicSchedule()

    def run_pass(self) -> PassResult:
        if not connection.in_atomic_block:  # (a test's transaction; never so in the real worker)
            close_old_connections()  # a long-lived process: drop connections that are too old or broken
        result = PassResult()
        result.flagged = services.messages_flag_undeliverable(now=self.clock())
        claimed = services.message_claim_batch(
            worker_id=self.worker_id, now=self.clock(), limit=self.batch_size, lease=self.lease
        )
        result.claimed = len(claimed)
        if claimed:
            self.backend.open()
            try:
                for message in claimed:
                    self._deliver(message, result)
            finally:
                self.backend.close()
        result.jobs_run = self.schedule.run_due(now=self.clock())
        if result.busy:
            logger.info(
                "Worker %s: %d claimed, %d sent, %d to retry, %d failed, %d skipped, %d flagged undeliverable",
                self.worker_id,
                result.claimed,
                result.sent,
                result.retried,
                result.failed,
                result.skipped,
                result.flagged,
            )
        return result

    def _deliver(self, message: OutboundMessage, result: PassResult) -> None:
        if not services.message_start_attempt(
            message=message, worker_id=self.worker_id, now=self.clock(), lease=self.lease
        ):
            result.skipped += 1  # another worker took it over, or it was sent meanwhile
            return
        try:
            self.backend.send(message)
        except PermanentDeliveryError as error:
            services.message_fail_permanently(
                message=message, worker_id=self.worker_id, error=str(error), now=self.clock()
            )
            logger.warning("Message %s (%s) refused permanently: %s", message.message_id, message.kind, error)
            result.failed += 1
        except Exception as error:  # any other failure is worth retrying; the worker carries on
            summary = str(error) if isinstance(error, DeliveryError) else services.error_summary(error)
            services.message_schedule_retry(message=message, worker_id=self.worker_id, error=summary, now=self.clock())
            logger.info("Message %s (%s) not sent, will retry: %s", message.message_id, message.kind, summary)
            result.retried += 1
        else:
            services.message_mark_sent(message=message, now=self.clock())
            result.sent += 1

    def run(
        self, *, interval: float = DEFAULT_INTERVAL, once: bool = False, stop: threading.Event | None = None
    ) -> None:
        """Pass after pass until ``stop`` is set (or after one pass with ``once``)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            if once:
                self.run_pass()
                return
            try:
                result = self.run_pass()
            except Exception:  # e.g. the database restarting: log it, wait, try again
                logger.exception("Worker %s: the pass failed", self.worker_id)
                stop.wait(interval)
                continue
            if result.claimed >= self.batch_size:
                continue  # more may be waiting: go again at once
            stop.wait(interval)
