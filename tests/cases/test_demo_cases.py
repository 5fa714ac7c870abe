"""The demo's living caseload: made through the services, at several stages, and telling nobody any name."""

from __future__ import annotations

import pytest

from cspr.cases.models import Case, CaseClock
from cspr.demo.partnerships import seed_demo
from cspr.partnerships.models import Partnership
from tests.cases.support import found_in, outbox_and_audit_text, raw_database_text
from tests.support import DEMO_IDENTIFYING

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_several_stages(demo: dict[str, Partnership]) -> None:
    cases = {case.reference: case for case in Case.objects.filter(partnership=demo["northvale"])}
    assert {reference: case.stage for reference, case in cases.items()} == {
        "NVALE-2026-001": "not_notifiable",
        "NVALE-2026-002": "not_notifiable",
        "NVALE-2026-003": "rapid_review",
        "NVALE-2026-004": "referral_received",
        "NVALE-2026-005": "notification_assessed",
    }
    sos = CaseClock.objects.get(case=cases["NVALE-2026-002"], clock_id="sos_ofsted_notification")
    assert sos.applicable
    assert sos.met_on is not None
    assert CaseClock.objects.get(case=cases["NVALE-2026-003"], clock_id="panel_notification").met_on is not None
    assert not Case.objects.filter(partnership=demo["southmoor"]).exists()


def test_seeding_again_changes_nothing(demo: dict[str, Partnership]) -> None:
    assert seed_demo() is False
    assert Case.objects.count() == 5


def test_no_demo_childs_name_is_in_any_message_audit_event_or_raw_table(demo: dict[str, Partnership]) -> None:
    assert found_in(outbox_and_audit_text(), DEMO_IDENTIFYING) == []
    assert found_in(raw_database_text(), DEMO_IDENTIFYING) == []
