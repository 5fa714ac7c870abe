"""Operators' and integrations' view of the clocks: due dates for given event dates."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cspr.calendars.deadlines import DeadlineQueryError, deadlines_for
from cspr.domain.clocks import Event
from cspr.partnerships.selectors import partnership_by_code

EVENT_OPTIONS = {
    "aware": Event.AWARE,
    "notified": Event.NOTIFIED,
    "panel_notified": Event.PANEL_NOTIFIED,
    "decision": Event.DECISION,
    "planned_publication": Event.PLANNED_PUBLICATION,
    "published": Event.PUBLISHED,
}
FORMATS = ("json", "table")
NO_DATABASE = (
    "--partnership needs the service's database, which is not set up yet: run manage.py migrate, "
    "or leave out --partnership."
)


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_date(option: str, value: str) -> datetime.date:
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise usage_error(f"--{option.replace('_', '-')} must be a date written YYYY-MM-DD (got {value!r}).") from None


class Command(BaseCommand):
    help = "Print the due date of every clock whose starting event is given, as JSON (default) or a table."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", required=True, help="bnes-2020 or wt-2023")
        parser.add_argument("--partnership", help="A partnership's code: its closure days and own numbers apply.")
        for option in EVENT_OPTIONS:
            parser.add_argument(f"--{option.replace('_', '-')}", dest=option, metavar="DATE", help="YYYY-MM-DD")
        parser.add_argument("--format", default="json", help="json (default) or table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] not in FORMATS:
            raise usage_error(f"--format must be json or table (got {options['format']!r}).")
        events = {
            event: parse_date(option, options[option])
            for option, event in EVENT_OPTIONS.items()
            if options.get(option) is not None
        }
        partnership = None
        try:
            if options["partnership"]:
                partnership = partnership_by_code(code=options["partnership"])
                if partnership is None:
                    raise usage_error(f"No partnership has the code {options['partnership']!r}.")
            answer = deadlines_for(preset_name=options["preset"], events=events, partnership=partnership)
        except DeadlineQueryError as error:
            raise usage_error(str(error)) from error
        except DatabaseError as error:  # not migrated yet: partnerships live in the database
            raise usage_error(NO_DATABASE) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(answer.as_json(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(self.table(answer.as_json()))

    @staticmethod
    def table(data: dict[str, Any]) -> str:
        header = ("Clock", "Due", "Basis", "Starts at", "Start date", "Rule")
        rows = [
            (
                clock_id,
                clock["due"] + (" (provisional)" if clock["provisional"] else ""),
                clock["basis"],
                clock["starts_at"],
                clock["start_date"],
                clock["rule"] + ("" if clock["applies"] == "always" else f" ({clock['applies']})"),
            )
            for clock_id, clock in data["clocks"].items()
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        lines = [f"Preset: {data['preset']}", ""]
        for row in [header, *rows]:
            lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if not rows:
            lines.append("(no clock starts from the events given)")
        return "\n".join(lines)
