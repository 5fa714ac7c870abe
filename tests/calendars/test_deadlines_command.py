"""The deadlines command: JSON for integrations, a table for people, exit status 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cspr.calendars.models import ClosureDay
from cspr.partnerships.models import Partnership

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def deadlines(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("deadlines", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_example_in_the_design_saturday_before_the_coronation() -> None:
    clocks = deadlines("--preset", "bnes-2020", "--aware", "2023-05-06")["clocks"]
    assert set(clocks) == {"panel_notification", "partners_notified", "sos_ofsted_notification"}
    assert clocks["panel_notification"] == {
        "due": "2023-05-15",
        "starts_at": "aware",
        "start_date": "2023-05-06",
        "rule": "within 5 working days of the local authority becoming aware of the incident",
        "statutory": True,
        "basis": "statutory",
        "section": "§3.6",
        "applies": "always",
        "provisional": False,
    }


def test_rapid_review_clocks_start_from_the_notification_under_bnes_2020() -> None:
    # Notified Thursday 15 December 2022: Christmas Day and Boxing Day 2022 fall on Sunday and Monday, with
    # substitute days on Monday 26 and Tuesday 27 December.
    clocks = deadlines("--preset", "bnes-2020", "--notified", "2022-12-15")["clocks"]
    assert clocks["information_returns"]["due"] == "2022-12-23"
    assert clocks["prg_meeting"]["due"] == "2023-01-03"
    assert clocks["rapid_review_to_panel"]["due"] == "2023-01-10"
    assert clocks["prg_meeting"]["statutory"] is False
    assert clocks["rapid_review_to_panel"]["statutory"] is True


def test_rapid_review_clocks_start_when_the_panel_was_notified_under_wt_2023() -> None:
    clocks = deadlines("--preset", "wt-2023", "--notified", "2022-12-15", "--panel-notified", "2022-12-16")["clocks"]
    assert clocks["rapid_review_to_panel"]["starts_at"] == "panel_notified"
    assert clocks["rapid_review_to_panel"]["due"] == "2023-01-11"
    assert clocks["information_returns"]["starts_at"] == "notified"


def test_publication_is_six_months_after_the_decision_clamped_and_rolled_back() -> None:
    # 31 August 2022 + 6 months = 28 February 2023 (a Tuesday).
    clocks = deadlines("--preset", "bnes-2020", "--decision", "2022-08-31")["clocks"]
    assert clocks == {"publication": clocks["publication"]}
    assert clocks["publication"]["due"] == "2023-02-28"


def test_published_until_moves_forward_to_a_working_day() -> None:
    # Published Saturday 29 February 2020: one year on is clamped to Sunday 28 February 2021, and the earliest
    # day the report may come down moves forward to Monday 1 March 2021.
    clocks = deadlines("--preset", "bnes-2020", "--decision", "2019-12-02", "--published", "2020-02-29")["clocks"]
    assert clocks["published_until"]["due"] == "2021-03-01"


def test_the_table_format_is_readable() -> None:
    out = io.StringIO()
    call_command("deadlines", "--preset", "bnes-2020", "--aware", "2023-05-06", "--format", "table", stdout=out)
    text = out.getvalue()
    assert "panel_notification" in text
    assert "2023-05-15" in text
    assert "within 5 working days" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--preset", "nope", "--aware", "2023-05-06"], "no procedure preset called 'nope'"),
        (["--preset", "bnes-2020", "--aware", "2023-5-6"], "--aware must be a date written YYYY-MM-DD"),
        (["--preset", "bnes-2020", "--aware", "2023-02-30"], "--aware must be a date"),
        (["--preset", "bnes-2020", "--decision", "2024-01-02", "--published", "2023-12-01"], "before 'decision'"),
        (["--preset", "bnes-2020", "--aware", "2024-01-10", "--notified", "2024-01-09"], "before 'aware'"),
        (
            ["--preset", "bnes-2020", "--aware", "1999-06-01"],
            "cannot be worked out: it falls before the calendar.s first known year",
        ),
        (["--preset", "bnes-2020", "--aware", "2023-05-06", "--format", "xml"], "--format must be json or table"),
    ],
)
def test_bad_input_is_refused_with_exit_status_2(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command("deadlines", *arguments, stdout=io.StringIO())
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_an_unknown_partnership_is_refused_with_exit_status_2() -> None:
    with pytest.raises(CommandError, match="No partnership has the code") as raised:
        call_command("deadlines", "--preset", "bnes-2020", "--partnership", "NONE", "--aware", "2023-05-06")
    assert raised.value.returncode == 2


def test_a_partnerships_closure_days_extend_local_targets_only(demo: dict[str, Partnership]) -> None:
    northvale = demo["northvale"]
    ClosureDay.objects.create(partnership=northvale, date="2023-05-10", description="Office move")
    national = deadlines("--preset", "bnes-2020", "--notified", "2023-05-09")["clocks"]
    local = deadlines("--preset", "bnes-2020", "--notified", "2023-05-09", "--partnership", "NVALE")["clocks"]
    assert national["information_returns"]["due"] == "2023-05-17"
    assert local["information_returns"]["due"] == "2023-05-18"
    assert local["prg_meeting"]["due"] == national["prg_meeting"]["due"]
    assert local["rapid_review_to_panel"]["due"] == national["rapid_review_to_panel"]["due"]


def manage_py(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` run as a separate program against an empty, unmigrated database in ``var_dir``."""
    return subprocess.run(  # noqa: S603 - our own manage.py with arguments from the tests
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CSPR_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_from_the_command_line_stdout_is_json_alone_and_errors_are_one_line(tmp_path: Path) -> None:
    good = manage_py(tmp_path, "deadlines", "--preset", "bnes-2020", "--aware", "2023-05-06")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["clocks"]["panel_notification"]["due"] == "2023-05-15"
    bad = manage_py(tmp_path, "deadlines", "--preset", "bnes-2020", "--aware", "yesterday")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_partnership_asked_of_a_database_without_tables_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    result = manage_py(
        tmp_path, "deadlines", "--preset", "bnes-2020", "--partnership", "NVALE", "--aware", "2023-05-06"
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: --partnership needs the service's database, which is not set up yet: run manage.py migrate, "
        "or leave out --partnership."
    ]


def test_a_start_date_the_calendar_cannot_count_from_is_one_line_and_exit_status_2() -> None:
    with pytest.raises(CommandError, match="after the calendar's last known year") as raised:
        deadlines("--preset", "bnes-2020", "--aware", "9999-12-31")
    assert raised.value.returncode == 2
