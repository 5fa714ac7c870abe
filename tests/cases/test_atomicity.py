"""A case write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

from unittest import mock

from cspr.messaging.services import message_queue
from cspr.partnerships.models import Partnership
from tests.cases.factories import notification_by_notifier
from tests.support import fails_after_call, leaves_nothing_written


def test_atomicity_a_notification_that_fails_at_its_first_message_leaves_no_case_clock_number_or_audit_event(
    demo: dict[str, Partnership],
) -> None:
    """The outbox is the submission's last step: by then the case, its children, clocks, reference number and audit
    event are written, and one message queued. All of it goes."""
    with leaves_nothing_written(
        mock.patch("cspr.kernel.kit.message_queue", side_effect=fails_after_call(message_queue))
    ):
        notification_by_notifier(demo["northvale"])
