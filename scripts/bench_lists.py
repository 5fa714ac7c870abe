#!/usr/bin/env python
"""Measure the case list and the inbox with many cases in one partnership (a benchmark, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<database> .venv/bin/python scripts/bench_lists.py --cases 1000

Migrates the database named by DATABASE_URL, loads the demo if it is empty, tops Northvale up to ``--cases`` copies
of its demo cases (tests/volume.py), then requests each page several times as the business unit (case list) and
the police's agency contributor (inbox), printing per page: SQL queries, response bytes, and the median server CPU
time (this process: rendering and Python; the database's own time is in the wall time). Use a database of its own:
the copies stay there, and a later run with a larger ``--cases`` only adds the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cspr.accounts.models import User  # noqa: E402
from cspr.cases.models import Case  # noqa: E402
from cspr.demo.partnerships import seed_demo  # noqa: E402
from cspr.partnerships.models import Partnership  # noqa: E402
from tests.support import mark_second_factor_verified  # noqa: E402
from tests.volume import FIRST_SEQUENCE, copy_demo_cases  # noqa: E402

BUSINESS_UNIT = "business.unit@example.org"
POLICE = "police.lead@example.org"


def signed_in(email: str, partnership: Partnership) -> Client:
    client = Client()
    person = User.objects.get(email=email)
    client.force_login(person)
    mark_second_factor_verified(client, person)
    client.post("/partnership/switch/", {"partnership": partnership.pk})
    return client


def measure(client: Client, path: str, repeats: int) -> dict[str, float]:
    client.get(path)  # warm: templates compiled, caches filled
    cpu, wall, queries, size = [], [], 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            response = client.get(path)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started_wall)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        queries, size = len(captured.captured_queries), len(response.content)
    return {
        "queries": queries,
        "bytes": size,
        "cpu_ms": statistics.median(cpu) * 1000,
        "wall_ms": statistics.median(wall) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="copies of the demo cases in Northvale")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed_demo()
    northvale = Partnership.objects.get(code="NVALE")
    have = Case.objects.filter(partnership=northvale, sequence__gte=FIRST_SEQUENCE).count()
    if have < options.cases:
        with transaction.atomic():
            copy_demo_cases(partnership=northvale, copies=options.cases - have, business_unit_email=BUSINESS_UNIT)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Case.objects.filter(partnership=northvale).count()
    business_unit, police = signed_in(BUSINESS_UNIT, northvale), signed_in(POLICE, northvale)
    pages = [
        ("Case list, first page", business_unit, "/cases/"),
        ("Case list, page 30", business_unit, "/cases/?page=30"),
        ("Case list, last page", business_unit, "/cases/?page=99999"),
        ("Case list, search 'Child A'", business_unit, "/cases/?q=Child+A"),
        ("Case list, year filter", business_unit, "/cases/?year=2026"),
        ("Inbox, first page", police, "/inbox/"),
    ]
    print(f"{connection.vendor}, {total} cases in Northvale, median of {options.repeats}")
    print("| Page | Queries | Bytes | Server CPU (ms) | Wall (ms) |")
    print("|---|---:|---:|---:|---:|")
    for label, client, path in pages:
        result = measure(client, path, options.repeats)
        figures = f"{result['queries']} | {result['bytes']:,} | {result['cpu_ms']:.0f} | {result['wall_ms']:.0f}"
        print(f"| {label} | {figures} |")


if __name__ == "__main__":
    main()
