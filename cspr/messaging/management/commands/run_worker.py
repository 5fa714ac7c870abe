"""``manage.py run_worker``: deliver the outbox and run the periodic jobs, until stopped."""

from __future__ import annotations

import contextlib
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.messaging.worker import DEFAULT_INTERVAL, Worker

INTERVAL_NOT_POSITIVE = "--interval must be a number of seconds greater than zero."


class Command(BaseCommand):
    help = "Deliver queued messages (with retries) and run the periodic jobs. Ctrl-C or SIGTERM stops it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            help=f"Seconds to wait between passes when there is nothing to do (default {DEFAULT_INTERVAL:g}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if not interval > 0:
            raise CommandError(INTERVAL_NOT_POSITIVE)
        worker = Worker()
        if options["once"]:
            result = worker.run_pass()
            self.stdout.write(
                f"{result.claimed} claimed, {result.sent} sent, {result.retried} to retry, "
                f"{result.failed} failed, {result.flagged} flagged undeliverable"
            )
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                raise KeyboardInterrupt  # a second Ctrl-C stops at once
            stop.set()

        # Finish the message in hand, then stop: a message is never left half-sent by Ctrl-C or SIGTERM.
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.stderr.write(f"Worker {worker.worker_id} started (backend: {type(worker.backend).__name__}).")
        with contextlib.suppress(KeyboardInterrupt):
            worker.run(interval=interval, stop=stop)
        self.stderr.write(f"Worker {worker.worker_id} stopped.")
