"""A partnership write that fails midway leaves every table exactly as it was."""

from __future__ import annotations

from unittest import mock

import pytest

from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.kernel.kit import tell
from cspr.partnerships import services
from cspr.partnerships.models import Partnership
from tests.support import WriteFailed, database_rows, fails_after_call, tables_changed


def test_atomicity_inviting_someone_with_an_account_that_fails_at_the_email_leaves_no_membership_or_event(
    demo: dict[str, Partnership],
) -> None:
    """The membership is granted (with its own audit event) before the e-mail is queued: when queueing fails, the
    membership, its event and the message all go."""
    before = database_rows()
    with (
        mock.patch.object(services, "tell", side_effect=fails_after_call(tell)),
        pytest.raises(WriteFailed),
    ):
        services.invitation_send(
            acting=system_acting(), partnership=demo["northvale"], email="auditor@example.org", role=Role.PRG_MEMBER
        )
    assert tables_changed(before, database_rows()) == []
