"""The suite-wide scan of queued messages (tests/conftest.py) finds what it looks for."""

from __future__ import annotations

from tests.conftest import _messages_seen
from tests.support import DEMO_IDENTIFYING, kinds_naming_a_child


def test_the_scan_finds_a_name_in_any_case_and_names_the_kind_of_message() -> None:
    messages = [
        ("cases.new_case", "New case NVALE-2026-006: Child A"),
        ("cases.referral", f"About {DEMO_IDENTIFYING[0].upper()} at home"),
    ]
    assert kinds_naming_a_child(messages) == ["cases.referral"]


def test_the_scan_sees_the_messages_the_suite_produces(demo: object) -> None:
    # Seeding the demo queues messages (new cases tell the business unit and chairs): they were recorded.
    assert _messages_seen
