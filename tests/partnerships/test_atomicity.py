"""A partnership write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

from unittest import mock

from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.kernel.kit import tell
from cspr.partnerships import services
from cspr.partnerships.models import Partnership
from tests.support import fails_after_call, leaves_nothing_written


def test_atomicity_inviting_someone_with_an_account_that_fails_at_the_email_leaves_no_membership_or_event(
    demo: dict[str, Partnership],
) -> None:
    """The membership is granted (with its own audit event) before the e-mail is queued: when queueing fails, the
    membership, its event and the message all go."""
    with leaves_nothing_written(mock.patch.object(services, "tell", side_effect=fails_after_call(tell))):
        services.invitation_send(
            acting=system_acting(), partnership=demo["northvale"], email="auditor@example.org", role=Role.PRG_MEMBER
        )
