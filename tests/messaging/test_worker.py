"""The worker: delivery exactly once, leases, retries with back-off, the 24-hour flag and periodic jobs."""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.audit.models import AuditEvent
from cspr.messaging import services
from cspr.messaging.models import MessageStatus, OutboundMessage
from cspr.messaging.periodic import register_periodic_job
from cspr.messaging.services import message_claim_batch, message_start_attempt, retry_delay
from cspr.messaging.worker import Worker

from .conftest import T0, QueueFunc, RecordingBackend


def reload(message: OutboundMessage) -> OutboundMessage:
    return OutboundMessage.objects.get(pk=message.pk)


def test_the_worker_sends_each_pending_message_once_and_marks_it_sent(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        messages = [queue(to=f"person{n}@example.org") for n in range(3)]
    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        result = Worker(worker_id="w1").run_pass()
        again = Worker(worker_id="w1").run_pass()

    assert (result.claimed, result.sent) == (3, 3)
    assert (again.claimed, again.sent) == (0, 0)
    assert sorted(email.to[0] for email in mail.outbox) == [f"person{n}@example.org" for n in range(3)]
    for message in messages:
        message = reload(message)
        assert message.status == MessageStatus.SENT
        assert message.sent_at == T0 + timedelta(seconds=5)
        assert message.attempts == 1
        assert (message.claimed_until, message.claimed_by, message.last_error) == (None, "", "")


def test_a_one_time_link_is_delivered_and_then_blanked_in_the_outbox(queue: QueueFunc) -> None:
    link = "Open https://cspr.example.org/partnership/invitation/one-time-token-123/ to set up your account."
    secret = queue(body=link, html_body=f"<p>{link}</p>", holds_secret=True)
    ordinary = queue(body="Sign in to see case TVALE-2026-001.")
    Worker(worker_id="w1").run_pass()
    assert any("one-time-token-123" in email.body for email in mail.outbox)  # the person gets the link
    secret, ordinary = reload(secret), reload(ordinary)
    assert secret.status == MessageStatus.SENT
    assert "one-time-token-123" not in secret.body + secret.html_body  # the table no longer holds it
    assert secret.body == services.SECRET_REMOVED
    assert ordinary.body == "Sign in to see case TVALE-2026-001."  # other messages are kept as sent


def test_each_email_carries_its_message_id_and_the_plain_and_html_bodies(queue: QueueFunc) -> None:
    message = queue(html_body="<p>Please sign in.</p>")
    Worker(worker_id="w1").run_pass()
    [email] = mail.outbox
    assert isinstance(email, EmailMultiAlternatives)
    parsed = email.message()
    assert parsed["Message-ID"] == message.message_id
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert email.subject == message.subject
    assert email.body == message.body
    assert email.alternatives[0][0] == "<p>Please sign in.</p>"


def test_a_worker_killed_between_claim_and_send_loses_nothing(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
        [claimed] = message_claim_batch(worker_id="killed")  # ... and the worker dies here
    assert claimed.id == message.id

    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        early = Worker(worker_id="survivor").run_pass()
    assert early.claimed == 0, "the dead worker's lease still holds"
    assert mail.outbox == []

    with time_machine.travel(T0 + services.LEASE + timedelta(seconds=1), tick=False):
        late = Worker(worker_id="survivor").run_pass()
    assert late.sent == 1
    assert [email.message()["Message-ID"] for email in mail.outbox] == [message.message_id]
    assert reload(message).status == MessageStatus.SENT


def test_a_resend_after_a_crash_mid_send_carries_the_same_message_id(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
        crashed = Worker(worker_id="crashed")
        [claimed] = message_claim_batch(worker_id="crashed")
        assert message_start_attempt(message=claimed, worker_id="crashed")
        crashed.backend.send(claimed)  # the e-mail went, but the worker died before recording it
    assert reload(message).status == MessageStatus.SENDING

    with time_machine.travel(T0 + services.LEASE + timedelta(seconds=1), tick=False):
        Worker(worker_id="survivor").run_pass()

    ids = [email.message()["Message-ID"] for email in mail.outbox]
    assert ids == [message.message_id, message.message_id]
    assert reload(message).attempts == 2


def test_a_slow_worker_whose_lease_was_taken_over_does_not_send_again(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
        [slow_copy] = message_claim_batch(worker_id="slow")
    with time_machine.travel(T0 + services.LEASE + timedelta(seconds=1), tick=False):
        Worker(worker_id="fast").run_pass()
        # The slow worker wakes up and tries its stale claim.
        assert not message_start_attempt(message=slow_copy, worker_id="slow")
    assert len(mail.outbox) == 1
    assert reload(message).status == MessageStatus.SENT


def test_interleaved_claims_by_two_workers_never_share_a_message(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        messages = [queue(to=f"person{n}@example.org") for n in range(5)]
        first = message_claim_batch(worker_id="A", limit=2)
        second = message_claim_batch(worker_id="B", limit=10)
        third = message_claim_batch(worker_id="C", limit=10)
    assert len(first) == 2
    assert len(second) == 3
    assert third == []
    assert {m.id for m in first} | {m.id for m in second} == {m.id for m in messages}
    assert not {m.id for m in first} & {m.id for m in second}


def test_a_row_already_claimed_cannot_be_claimed_by_its_conditional_update(queue: QueueFunc) -> None:
    """The race itself, through ``message_claim_batch``: worker B has listed the row as free, and worker A claims
    it just before B's UPDATE runs. B's UPDATE must then match nothing, so B gets no message and A keeps it."""
    from django.db import connection

    with time_machine.travel(T0, tick=False):
        message = queue()
        won_by_a: list[OutboundMessage] = []
        a_has_run = False

        def a_claims_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal a_has_run
            if sql.lstrip().upper().startswith("UPDATE") and not a_has_run:
                a_has_run = True  # A runs once; its own statements pass straight through
                won_by_a.extend(message_claim_batch(worker_id="A"))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(a_claims_first):
            won_by_b = message_claim_batch(worker_id="B")

    assert [claimed.id for claimed in won_by_a] == [message.id]
    assert won_by_b == []
    assert reload(message).claimed_by == "A"


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_together_in_threads_never_send_the_same_message_twice(
    partnership: Any, recording: RecordingBackend
) -> None:
    from django.db import connection, transaction

    with transaction.atomic():
        messages = [
            services.message_queue(
                to=f"person{n}@example.org",
                subject=f"Message {n}",
                body="Sign in.",
                kind="test",
                partnership=partnership,
            )
            for n in range(40)
        ]
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    statement_lock = threading.Lock()

    def one_statement_at_a_time(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # A SQLite file waits for its write lock (the busy timeout, and WAL lets readers go on); the
        # shared-cache in-memory test database answers "table is locked" instead. So here readers do not
        # lock (read_uncommitted: each write is its own committed statement anyway) and statements queue
        # as the busy timeout would make them: the two workers still interleave statement by statement.
        with statement_lock:
            return execute(sql, params, many, context)

    def work(worker_id: str) -> None:
        try:
            wrapper = one_statement_at_a_time if connection.vendor == "sqlite" else None
            if wrapper:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA read_uncommitted = 1")
            with connection.execute_wrapper(wrapper) if wrapper else contextlib.nullcontext():
                worker = Worker(worker_id=worker_id, backend=recording, batch_size=3)
                start.wait(timeout=30)
                for _ in range(100):
                    if worker.run_pass().claimed == 0 and not OutboundMessage.objects.exclude(status="sent").exists():
                        break
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,), daemon=True) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    assert errors == []
    assert sorted(recording.sent) == sorted(m.message_id for m in messages), "every message sent exactly once"
    assert OutboundMessage.objects.filter(status=MessageStatus.SENT, attempts=1).count() == 40


def test_back_off_doubles_from_thirty_seconds_and_is_capped_at_an_hour() -> None:
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 11)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert retry_delay(10**9) == timedelta(hours=1)


def test_a_failing_message_is_retried_on_the_back_off_schedule_with_its_error_recorded(
    queue: QueueFunc, failing: RecordingBackend
) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
    worker = Worker(worker_id="w1", backend=failing)
    now = T0
    gaps = []
    for _ in range(9):
        with time_machine.travel(now, tick=False):
            assert worker.run_pass().retried == 1
            # Not due again before its time.
        message = reload(message)
        with time_machine.travel(message.next_attempt_at - timedelta(seconds=1), tick=False):
            assert worker.run_pass().claimed == 0
        gaps.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at
    assert gaps == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert message.attempts == 9
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "mail server unavailable"
    assert (message.claimed_until, message.claimed_by) == (None, "")


def test_the_error_recorded_never_holds_the_body(queue: QueueFunc) -> None:
    message = queue(body="The body stays private")
    boom = RecordingBackend(failing=RuntimeError("connection reset\nby peer"))
    Worker(worker_id="w1", backend=boom).run_pass()
    message = reload(message)
    assert message.last_error == "RuntimeError: connection reset by peer"
    assert "private" not in message.last_error


def test_a_message_undelivered_after_24_hours_is_flagged_once_and_audited(
    queue: QueueFunc, failing: RecordingBackend, partnership: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue(body="Body text that must stay out of the audit trail")
    worker = Worker(worker_id="w1", backend=failing)
    with time_machine.travel(T0 + timedelta(hours=23, minutes=59), tick=False):
        assert worker.run_pass().flagged == 0
    assert reload(message).flagged_undeliverable_at is None

    with time_machine.travel(T0 + timedelta(hours=24), tick=False):
        assert worker.run_pass().flagged == 1
    with time_machine.travel(T0 + timedelta(hours=30), tick=False):
        assert worker.run_pass().flagged == 0

    message = reload(message)
    assert message.flagged_undeliverable_at == T0 + timedelta(hours=24)
    assert message.status == MessageStatus.PENDING, "it is still retried"
    [event] = AuditEvent.objects.filter(verb="message.undeliverable")
    assert event.partnership_id == partnership.id
    assert (event.object_type, event.object_id) == ("messaging.outboundmessage", str(message.id))
    assert event.details["kind"] == "case.notified"
    assert event.details["message_id"] == message.message_id
    assert event.details["attempts"] == 1
    assert "Body text" not in json.dumps(event.details)


def test_a_message_delivered_within_a_day_is_never_flagged(queue: QueueFunc) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
        Worker(worker_id="w1").run_pass()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert Worker(worker_id="w1").run_pass().flagged == 0
    assert reload(message).flagged_undeliverable_at is None
    assert not AuditEvent.objects.filter(verb="message.undeliverable").exists()


def test_a_message_refused_permanently_stops_and_is_flagged_at_once(
    queue: QueueFunc, refusing: RecordingBackend
) -> None:
    with time_machine.travel(T0, tick=False):
        message = queue()
        result = Worker(worker_id="w1", backend=refusing).run_pass()
    assert result.failed == 1
    message = reload(message)
    assert message.status == MessageStatus.FAILED
    assert message.flagged_undeliverable_at == T0
    assert "550" in message.last_error
    assert AuditEvent.objects.filter(verb="message.undeliverable", object_id=str(message.id)).count() == 1
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        later = Worker(worker_id="w1", backend=refusing).run_pass()
    assert (later.claimed, later.flagged) == (0, 0)


def test_periodic_jobs_run_on_the_first_pass_and_then_when_due(db: None) -> None:
    runs: list[datetime] = []
    register_periodic_job("test.sweep", lambda *, now: runs.append(now), every_seconds=60)
    worker = Worker(worker_id="w1")
    for seconds in (0, 30, 59, 60, 90, 125):
        with time_machine.travel(T0 + timedelta(seconds=seconds), tick=False):
            worker.run_pass()
    assert runs == [T0, T0 + timedelta(seconds=60), T0 + timedelta(seconds=125)]


def test_a_failing_periodic_job_does_not_stop_the_worker_or_the_other_jobs(queue: QueueFunc) -> None:
    ran: list[str] = []

    def broken(*, now: datetime) -> None:
        raise RuntimeError("sweep failed")

    register_periodic_job("test.broken", broken, every_seconds=60)
    register_periodic_job("test.fine", lambda *, now: ran.append("fine"), every_seconds=60)
    queue()
    result = Worker(worker_id="w1").run_pass()
    assert result.sent == 1
    assert result.jobs_run == ["test.broken", "test.fine"]
    assert ran == ["fine"]


def test_registering_a_periodic_job_refuses_a_silly_interval_or_a_clashing_name(db: None) -> None:
    def job(*, now: datetime) -> None:
        pass

    with pytest.raises(ValueError, match="more than zero"):
        register_periodic_job("test.never", job, every_seconds=0)
    register_periodic_job("test.job", job, every_seconds=10)
    register_periodic_job("test.job", job, every_seconds=10)  # the same job again is harmless
    with pytest.raises(ValueError, match="already registered"):
        register_periodic_job("test.job", lambda *, now: None, every_seconds=10)


def test_the_worker_loop_stops_when_asked(db: None) -> None:
    stop = threading.Event()
    passes: list[datetime] = []

    def stop_after_two(*, now: datetime) -> None:
        passes.append(now)
        if len(passes) == 2:
            stop.set()

    register_periodic_job("test.stopper", stop_after_two, every_seconds=0.001)
    Worker(worker_id="w1").run(interval=0.01, stop=stop)
    assert len(passes) == 2


def test_run_worker_once_delivers_and_reports(queue: QueueFunc, capsys: pytest.CaptureFixture[str]) -> None:
    queue()
    call_command("run_worker", "--once")
    assert "1 claimed, 1 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_run_worker_refuses_an_interval_that_is_not_positive(db: None) -> None:
    with pytest.raises(CommandError, match="greater than zero"):
        call_command("run_worker", "--interval", "0")
