"""The demo, brought back after a transactional test emptied the tables: copied back on SQLite, seeded again elsewhere.

Seeding drives every demo case through the services and takes seconds; SQLite's backup API copies a whole database,
row ids and sequences included, in milliseconds. The run keeps a copy of each worker's database as first seeded and
puts it back whenever a test finds the tables empty. PostgreSQL has no such copy, so there the demo is seeded again:
both give the same rows, and the suite passes on both.
"""

from __future__ import annotations

import sqlite3

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cspr.demo.partnerships import seed_demo
from cspr.partnerships.models import Partnership

_seeded: list[sqlite3.Connection] = []


def keep_seeded_copy() -> None:
    """Copy the database as it is now (just seeded) into memory, on SQLite."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    _seeded[:] = [copy]


def demo_loaded() -> None:
    """Make sure the demo is in the database: nothing to do unless a transactional test emptied the tables."""
    if Partnership.objects.exists():
        return
    if _seeded and not connection.in_atomic_block:  # a copy cannot be put back under an open transaction
        _seeded[0].backup(connection.connection)
        ContentType.objects.clear_cache()  # emptying the tables made the content types again, with other ids
        return
    seed_demo()
