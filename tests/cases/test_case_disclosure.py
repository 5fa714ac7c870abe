"""What the case page and the messages reveal, and to whom: duplicates, links, household, documents, referrals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import CaseLink
from cspr.kernel.errors import CaseActionRefused
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import LONDON, SubmitFunc
from tests.cases.test_decisions_and_duties import decide

pytestmark = pytest.mark.django_db


def page(client: Client, reference: str, part: str = "") -> str:
    """The case's overview, or another of its pages (``part``: "documents/", "notification-and-decisions/", …)."""
    response = client.get(f"/cases/{reference}/{part}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_referrer_is_not_told_that_another_case_holds_the_same_child(
    submit: SubmitFunc, client_as: Callable[[str], Client]
) -> None:
    first = submit()
    # The health contributor refers the same child: they must not learn that case exists, nor its reference.
    referral = submit(
        email="contributor.health@example.org", as_referral=True, at=datetime(2026, 12, 21, 9, 0, tzinfo=LONDON)
    )
    assert CaseLink.objects.filter(case=referral, kind=CaseLink.Kind.POSSIBLE_DUPLICATE).exists()
    contributor_view = page(client_as("contributor.health@example.org"), referral.reference)
    assert first.reference not in contributor_view
    assert "same name and date of birth" not in contributor_view
    business_unit_view = page(client_as("business.unit@example.org"), referral.reference)
    assert first.reference in business_unit_view


def test_links_to_cases_the_viewer_cannot_see_are_not_listed(
    submit: SubmitFunc, client_as: Callable[[str], Client], user: Callable[[str], Any]
) -> None:
    hidden = submit(agencies_involved=())  # health is not involved: its contributor cannot see this case
    referral = submit(email="contributor.health@example.org", as_referral=True)
    business_unit = acting_for(user("business.unit@example.org"))
    services.case_link(acting=business_unit, case=referral, other_reference=hidden.reference, note="Same family")
    assert hidden.reference in page(client_as("business.unit@example.org"), referral.reference, "documents/")
    for part in ("", "documents/", "history/", "notification-and-decisions/"):
        assert hidden.reference not in page(client_as("contributor.health@example.org"), referral.reference, part)


def test_the_household_is_listed_by_relationship_only(submit: SubmitFunc, client_as: Callable[[str], Client]) -> None:
    case = submit()
    text = page(client_as("business.unit@example.org"), case.reference, "notification-and-decisions/")
    assert "Parents, carers and household" in text
    assert "Mother" in text
    assert "Testfieldworth" not in text


def test_a_documents_title_stays_out_of_the_audit_trail(submit: SubmitFunc, user: Callable[[str], Any]) -> None:
    case = submit()
    upload = SimpleUploadedFile("notes.txt", b"Plain notes.", content_type="text/plain")
    services.document_attach(
        acting=acting_for(user("business.unit@example.org")), case=case, title="Notes about Juniper", upload=upload
    )
    details = [str(event.details) for event in AuditEvent.objects.filter(verb__startswith="case.document")]
    assert details
    assert not any("Juniper" in text for text in details)


def test_a_referral_turned_notification_tells_the_chairs(submit: SubmitFunc, user: Callable[[str], Any]) -> None:
    case = submit(email="contributor.health@example.org", as_referral=True)
    OutboundMessage.objects.all().delete()
    decide(user, case)
    told = set(OutboundMessage.objects.filter(kind="case.la_decision").values_list("to", flat=True))
    assert {"business.unit@example.org", "prg.chair@example.org", "independent.chair@example.org"} <= told


def test_the_panel_notification_cannot_be_recorded_before_the_las_decision(
    submit: SubmitFunc, user: Callable[[str], Any]
) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused, match="decision to notify the Panel first"):
        services.duty_record(
            acting=acting_for(user("business.unit@example.org")),
            case=case,
            kind="panel_notified",
            done_on=date(2026, 12, 21),
            panel_reference="P-1",
            recorded_at=datetime(2026, 12, 21, 12, 0, tzinfo=LONDON),
        )
