"""A contributor gives an information request to a colleague of the same organisation and partnership: the colleague
is told by e-mail (the case's reference and pseudonyms, never a name), the change is audited, and nobody else can be
given it."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.domain.roles import Role
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Membership
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import InformationRequest
from cspr.returns.services import ReturnActionRefused
from tests.returns.support import demo_request
from tests.support import WriteFailed, kinds_naming_a_child, leaves_nothing_written

pytestmark = pytest.mark.django_db

CONTRIBUTOR = "contributor.health@example.org"


@pytest.fixture
def colleague(demo: Any) -> User:
    """A second contributor for the health organisation in Northvale."""
    info_request = demo_request()
    user = User.objects.create_user("second.health@example.org", full_name="Tamsin Orrell")
    Membership.objects.create(
        user=user,
        partnership_id=info_request.partnership_id,
        role=Role.AGENCY_CONTRIBUTOR,
        organisation=info_request.organisation,
    )
    return user


def assign(email: str, assignee: User, info_request: InformationRequest | None = None) -> InformationRequest:
    return services.request_assign(
        acting=acting_for(User.objects.get(email=email)),
        info_request=info_request or demo_request(),
        assignee_id=assignee.pk,
    )


def test_a_contributor_gives_the_request_to_a_colleague_who_is_told_without_names(colleague: User) -> None:
    OutboundMessage.objects.all().delete()
    assigned = assign(CONTRIBUTOR, colleague)
    assert assigned.assigned_to == colleague
    messages = list(OutboundMessage.objects.filter(kind="returns.request_assigned"))
    assert [message.to for message in messages] == [colleague.email]
    assert "NVALE-2026-003" in messages[0].body
    assert kinds_naming_a_child([(message.kind, message.body + message.subject) for message in messages]) == []
    event = AuditEvent.objects.filter(verb="returns.request_assigned").get()
    assert event.details["assignee_id"] == colleague.pk


def test_taking_the_request_oneself_sends_no_message(colleague: User) -> None:
    OutboundMessage.objects.all().delete()
    assign(colleague.email, colleague)
    assert demo_request().assigned_to == colleague
    assert not OutboundMessage.objects.filter(kind="returns.request_assigned").exists()


@pytest.mark.parametrize(
    ("email", "assignee_email"),
    [
        (CONTRIBUTOR, "police.lead@example.org"),  # a contributor of another organisation
        (CONTRIBUTOR, "business.unit@example.org"),  # not a contributor at all
        ("business.unit@example.org", "contributor.health@example.org"),  # only the organisation's contributors assign
        ("police.lead@example.org", "contributor.health@example.org"),  # another organisation's request
    ],
)
def test_nobody_else_gives_or_is_given_the_request(colleague: User, email: str, assignee_email: str) -> None:
    with pytest.raises(ReturnActionRefused):
        assign(email, User.objects.get(email=assignee_email))
    assert demo_request().assigned_to is None
    assert not AuditEvent.objects.filter(verb="returns.request_assigned").exists()


def test_giving_that_fails_at_its_audit_event_leaves_nothing_written(colleague: User) -> None:
    with leaves_nothing_written(
        mock.patch("cspr.returns.services.requests._audit_request", side_effect=WriteFailed("audit down"))
    ):
        assign(CONTRIBUTOR, colleague)
