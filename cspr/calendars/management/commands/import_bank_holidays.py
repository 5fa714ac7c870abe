"""Load a newer GOV.UK bank-holidays.json that an operator downloaded, without a release."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.calendars.holiday_sources import parse_govuk_bank_holidays
from cspr.calendars.services import bank_holidays_import
from cspr.kernel.acting import system_acting

MAX_FILE_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import the England and Wales list from a GOV.UK bank-holidays.json file. For every year the file "
        "covers, its dates are merged into the holidays already known; a file that would remove a known "
        "holiday is refused unless --replace is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to bank-holidays.json as published by GOV.UK")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="For every year the file covers, its list replaces what is known (to move or drop a holiday).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is too large to be a bank holidays list.", returncode=2)
            data = json.loads(path.read_text(encoding="utf-8"))
            events = parse_govuk_bank_holidays(data)
            years = bank_holidays_import(acting=system_acting(), events=events, replace=options["replace"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.", returncode=2) from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} is not a JSON file.", returncode=2) from error
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"Imported {len(events)} bank holidays for {years[0]} to {years[-1]} ({len(years)} years).")
