"""The demo's living caseload: made through the services, at several stages, and telling nobody any name."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cspr.cases.models import Case, CaseClock, CaseTransition, DutyKind
from cspr.demo.cases import CASES_FILE, DemoDataError, Duty, demo_cases
from cspr.demo.partnerships import seed_demo
from cspr.partnerships.models import Partnership
from tests.cases.support import found_in, outbox_and_audit_text, raw_database_text
from tests.support import DEMO_IDENTIFYING

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_several_stages_and_every_way_of_ending(demo: dict[str, Partnership]) -> None:
    cases = {case.reference: case for case in Case.objects.filter(partnership=demo["northvale"])}
    assert {reference: case.stage for reference, case in cases.items()} == {
        "NVALE-2026-001": "not_notifiable",
        "NVALE-2026-002": "closed_not_notifiable",
        "NVALE-2026-003": "rapid_review",
        "NVALE-2026-004": "referral_received",
        "NVALE-2026-005": "notification_assessed",
        "NVALE-2026-006": "withdrawn",
        "NVALE-2026-007": "not_notifiable",  # closed, then reopened
        "NVALE-2026-008": "closed_criteria_not_met",
        "NVALE-2026-009": "no_further_review",
        "NVALE-2026-010": "closed",
        "NVALE-2026-011": "national_review",
        "NVALE-2026-012": "closed",  # after a national review
        # The local review's stages up to the draft report (tests/local_reviews/test_demo.py looks inside them).
        "NVALE-2026-013": "local_review",
        "NVALE-2026-014": "reviewer_commissioned",
        "NVALE-2026-015": "review_in_progress",
        "NVALE-2026-016": "draft_report",
        "NVALE-2026-017": "awaiting_panel",  # a local review recommended
    }
    reopened = CaseTransition.objects.filter(case=cases["NVALE-2026-007"]).order_by("at")
    assert [row.transition for row in reopened][-2:] == ["close", "reopen"]
    sos = CaseClock.objects.get(case=cases["NVALE-2026-002"], clock_id="sos_ofsted_notification")
    assert sos.applicable
    assert sos.met_on is not None
    assert CaseClock.objects.get(case=cases["NVALE-2026-003"], clock_id="panel_notification").met_on is not None
    assert not Case.objects.filter(partnership=demo["southmoor"]).exists()


def test_seeding_again_changes_nothing(demo: dict[str, Partnership]) -> None:
    assert seed_demo() is False
    assert Case.objects.count() == 17


def test_no_demo_childs_name_is_in_any_message_audit_event_or_raw_table(demo: dict[str, Partnership]) -> None:
    assert found_in(outbox_and_audit_text(), DEMO_IDENTIFYING) == []
    assert found_in(raw_database_text(), DEMO_IDENTIFYING) == []


def test_the_data_file_holds_the_demo_cases_in_order() -> None:
    cases = demo_cases()
    assert [(case.by, case.notification.nature, case.referral) for case in cases][:5] == [
        ("notifier@example.org", "death", False),
        ("notifier@example.org", "looked_after_child_death", False),
        ("notifier@example.org", "serious_harm", False),
        ("contributor.health@example.org", "serious_harm", True),
        ("notifier@example.org", "death", False),
    ]
    assert cases[0].submitted_at == datetime(2026, 10, 5, 10, tzinfo=ZoneInfo("Europe/London"))
    assert cases[3].notification.notifier_phone == "01632 960 001"  # from the file's notification defaults
    assert [type(step).__name__ for step in cases[2].steps] == [
        "LaDecision",
        "Duty",
        "Duty",
        "Route",
        "Process",
        "PrgMeeting",
    ]
    assert cases[2].steps[1] == Duty(
        "notifier@example.org", DutyKind.PANEL_NOTIFIED, date(2026, 11, 16), panel_reference="CSPRP-DEMO-0412"
    )


@pytest.mark.parametrize(
    ("written", "changed_to", "message"),
    [
        ('nature = "death"', "nature = 3", "cases[0].notification.nature: expected str, found 3"),
        ('sex = "male"', 'gender = "male"', "cases[0].notification.children[0]: unknown key gender (a ChildData has"),
        ("la_aware_on = 2026-10-02", "", "cases[0].notification: missing la_aware_on"),
        ("submitted_at = 2026-10-05T10:00:00", "submitted_at = 2026-10-05", "cases[0].submitted_at: expected datetime"),
        ('step = "route"', 'step = "walk"', "cases[0].steps[1]: step must be one of la_decision, duty, route"),
        (
            'kind = "panel_notified"',
            'kind = "panel"',
            "cases[2].steps[1] (duty).kind: 'panel' is not one of panel_notified, partners_informed",
        ),
        ("[notification_defaults]", "[defaults]", "unknown key defaults (the file has notification_defaults, cases)"),
        ("la_aware_on = 2026-10-02", "la_aware_on = ", "Invalid value (at line"),
    ],
)
def test_a_mistake_in_the_data_file_is_refused_saying_where(
    tmp_path: Path, written: str, changed_to: str, message: str
) -> None:
    data = tmp_path / "cases.toml"
    data.write_text(CASES_FILE.read_text(encoding="utf-8").replace(written, changed_to, 1), encoding="utf-8")
    with pytest.raises(DemoDataError) as refused:
        demo_cases(data)
    assert str(refused.value).startswith(str(data))
    assert message in str(refused.value)
