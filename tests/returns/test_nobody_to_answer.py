"""An organisation with nobody who can receive information requests: the board says so, nothing pretends to
have been sent, and the business unit is told."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Organisation, OrganisationType, PartnershipOrganisation
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import InformationRequest, RequestReminder
from tests.returns.support import DEMO_CASE

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
BU = "business.unit@example.org"


def _nobody_asked(northvale: Any) -> InformationRequest:
    """A new organisation in the partnership, with no member at all, asked for information on the demo case."""
    organisation = Organisation.objects.create(name="Nobody Home Trust (demo)", type=OrganisationType.OTHER)
    PartnershipOrganisation.objects.create(partnership=northvale, organisation=organisation)
    officer = User.objects.get(email=BU)
    [info_request] = services.information_requests_send(
        acting=acting_for(officer),
        case=Case.objects.get(reference=DEMO_CASE),
        organisation_ids=[organisation.pk],
        due_on=date(2026, 11, 23),
        at=datetime(2026, 11, 20, 10, tzinfo=LONDON),
    )
    return info_request


def test_asking_an_organisation_nobody_can_answer_for_tells_the_business_unit(demo: Any) -> None:
    info_request = _nobody_asked(demo["northvale"])
    assert not OutboundMessage.objects.filter(kind="returns.request_sent", subject__contains="Nobody Home").exists()
    told = OutboundMessage.objects.filter(kind="returns.nobody_to_answer", subject__contains="Nobody Home")
    assert told.filter(to=BU).count() == 1
    assert "nobody at Nobody Home Trust (demo) can receive requests" in told.get(to=BU).subject
    assert (
        AuditEvent.objects.get(verb="returns.request_sent", object_id=str(info_request.pk)).details["recipients"] == 0
    )


def test_the_board_says_nobody_can_receive_requests_and_counts_no_reminder_as_sent(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    info_request = _nobody_asked(demo["northvale"])
    # The job's reminder (two working days before the due date) finds nobody: recorded, not counted as sent.
    services.returns_reminders_send(now=datetime(2026, 11, 19, 10, tzinfo=LONDON))
    assert RequestReminder.objects.get(request=info_request).recipients == 0
    told = OutboundMessage.objects.filter(kind="returns.nobody_to_answer", to=BU, subject__contains="Nobody Home")
    assert told.count() == 2  # when asked, and when the reminder was due
    page = html.unescape(client_as(BU).get(reverse("returns:board", kwargs={"reference": DEMO_CASE})).content.decode())
    row = page[page.index("Nobody Home Trust (demo)") :].split("</tr>")[0]
    assert "Nobody can receive requests" in row
    assert "Nobody at Nobody Home Trust (demo) can receive requests" in row
    assert '<td class="govuk-table__cell">0</td>' in row
    assert "Chase now" not in row


def test_chasing_an_organisation_nobody_can_answer_for_is_refused_and_records_nothing(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    info_request = _nobody_asked(demo["northvale"])
    officer = User.objects.get(email=BU)
    with pytest.raises(services.ReturnActionRefused, match="Nobody at Nobody Home Trust"):
        services.request_chase(acting=acting_for(officer), info_request=info_request)
    assert not RequestReminder.objects.filter(request=info_request).exists()
    url = reverse("returns:chase", kwargs={"reference": DEMO_CASE, "request_uuid": info_request.uuid})
    response = client_as(BU).post(url, follow=True)
    assert "Nobody at Nobody Home Trust (demo) can receive requests" in html.unescape(response.content.decode())
