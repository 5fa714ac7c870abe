"""A returns write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from cspr.audit.services import audit_record
from cspr.cases.models import Case
from cspr.kernel import kit
from cspr.returns import services
from tests.returns.factories import acting_as, organisations_to_ask
from tests.returns.support import DEMO_CASE
from tests.support import fails_after_call, leaves_nothing_written


def test_atomicity_asking_three_organisations_that_fails_at_the_second_leaves_no_request_message_or_event(
    demo: Any,
) -> None:
    """The first organisation's request, its e-mails, the case's involved organisations and its audit event are
    written, and the second's request, when the second audit event fails: none of it stays."""
    case = Case.objects.get(reference=DEMO_CASE)
    ids = organisations_to_ask(demo["northvale"], 3)
    with leaves_nothing_written(
        mock.patch.object(kit, "audit_record", side_effect=fails_after_call(audit_record, call=2))
    ):
        services.information_requests_send(
            acting=acting_as("business.unit@example.org"),
            case=case,
            organisation_ids=ids,
            due_on=date(2026, 12, 4),
            at=datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/London")),
        )
