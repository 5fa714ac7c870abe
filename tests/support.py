"""Helpers for tests: a person signed in with both factors, a page's words (and that it shows some) and a date
input's fields, the invented identifying details, atomicity checks, and actions raced against each other."""

from __future__ import annotations

import base64
import html
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User

ClientAs = Callable[[str], Client]
"""The ``client_as`` fixture: a client signed in, both factors passed, as the demo person with this address."""
UserAs = Callable[[str], User]
"""The ``user`` fixture: the demo person with this address."""


def text(response: Any) -> str:
    """A page's HTML as a person reads its words: decoded, with its entities (``&#x27;``, ``&amp;``) unescaped."""
    return html.unescape(response.content.decode())


def assert_shows(shown: str, *phrases: str) -> None:
    """Every phrase is in ``shown`` (a page's words or its HTML); otherwise fails naming each one that is not, not
    only the first."""
    absent = [phrase for phrase in phrases if phrase not in shown]
    assert not absent, f"not shown: {absent}"


def date_fields(name: str, day: date) -> dict[str, str]:
    """The three fields a GOV.UK date input called ``name`` posts for ``day``."""
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def authenticator_app(user: User) -> TOTPDevice:
    """The person's confirmed authenticator app (made if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def mark_second_factor_verified(client: Client, user: User) -> TOTPDevice:
    """What passing the second factor leaves in the session (for clients signed in with ``force_login``)."""
    device = authenticator_app(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The 6-digit code the person's app shows now (or ``steps_ahead`` time steps of 30 seconds later)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=steps_ahead)
    generator.time = time.time()
    return f"{generator.token():0{device.digits}d}"


def code_from_key(key_text: str, *, steps_ahead: int = 0) -> str:
    """The code for a base32 key as shown on the set-up page (spaces allowed)."""
    key = base64.b32decode(key_text.replace(" ", "").upper())
    device = TOTPDevice(key=key.hex())
    return code_for(device, steps_ahead=steps_ahead)


# The pages of the accounts, partnerships and calendars apps that only accept POST (they change something and
# show nothing of their own).
ACCOUNT_AND_SETTINGS_POST_ONLY = frozenset(
    {
        "accounts:sign-out",
        "accounts:session-keep-alive",
        "partnerships:switch",
        "partnerships:membership-disable",
        "partnerships:membership-enable",
        "calendars:closure-day-add",
        "calendars:closure-day-remove",
    }
)

# The demo's invented identifying details (cspr/demo/data/cases.toml): they must never appear outside the sealed fields.
DEMO_IDENTIFYING = (
    "Bramble Fictionsworth",
    "Saffron Fictionsworth",
    "Poppy Examplefield",
    "Tansy Madeupton",
    "Tansy Placeholder",
    "Linden Madeupton",
    "Hazel Madeupton",
    "Ash Notarealname",
    "Wren Samplesby",
    "Clover Inventedale",
    "Sorrel Inventedale",
    "Nowhere Lane",
    "Hypothetical Hospice",
    "Pretend Street",
    "Fable Court",
    "Thistle Nonesuch",
    "Briar Nonesuch",
    "Makeshift Terrace",
    "Bryony Imagineer",
    "Corin Imagineer",
    "Fancy Parade",
    "Sage Hypothetica",
    "Alder Hypothetica",
    "Conjecture Lane",
    "Moss Fabulist",
    "Ivy Fabulist",
    "Reed Unrealton",
    "Whimsy Road",
    "Wren Inventwell",
    "Hazel Inventwell",
    "Figment Row",
    "2022-01-20",
    "9434765919",
)

# The invented identifying details the tests themselves submit (tests/cases, tests/api).
TEST_IDENTIFYING = (
    "Quillfeatherby",
    "Testfieldworth",
    "Apitestworth",
    "Imaginary Crescent",
    "Nowhere Mews",
)


def kinds_naming_a_child(messages: list[tuple[str, str]]) -> list[str]:
    """The kinds of the (kind, text) messages whose text holds any invented identifying detail."""
    needles = [value.casefold() for value in (*DEMO_IDENTIFYING, *TEST_IDENTIFYING)]
    return sorted({kind for kind, text in messages if any(needle in text.casefold() for needle in needles)})


# -- atomicity: a write that fails midway leaves every table as it was ---------------------------------------------


def database_rows() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text and sorted: compare before and after a write that must leave nothing."""
    from django.db import connection

    quote = connection.ops.quote_name
    rows: dict[str, list[tuple[str, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from introspection
            rows[table] = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    return rows


def tables_changed(before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """The tables whose rows differ, each with how many rows were added and removed."""
    changed = []
    for table in sorted(set(before) | set(after)):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if old != new:
            changed.append(f"{table} (+{len(new - old)} -{len(old - new)})")
    return changed


class WriteFailed(RuntimeError):
    """The failure a test injects into a service's write."""


@contextmanager
def leaves_nothing_written(failing: AbstractContextManager[Any]) -> Iterator[None]:
    """The block must fail with :class:`WriteFailed`, injected by ``failing`` (a ``mock.patch`` of one step of the
    write), and leave every table exactly as it was: the whole write was one transaction."""
    before = database_rows()
    with failing, pytest.raises(WriteFailed):
        yield
    assert tables_changed(before, database_rows()) == []


def fails_after_call(real: Any, *, call: int = 1) -> Any:
    """A stand-in for ``real`` that does its work, then raises on its ``call``-th call: the service has written
    everything up to that point (including what ``real`` wrote) when it fails."""
    calls = 0

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        result = real(*args, **kwargs)
        if calls >= call:
            raise WriteFailed(f"failed after call {calls} of {getattr(real, '__name__', real)}")
        return result

    return stand_in


# -- races: the same action from two connections at once ----------------------------------------------------------


def at_the_same_moment(action: Callable[[], None], *, times: int = 2) -> None:
    """Run ``action`` in ``times`` threads released together and wait for them all; each thread closes its
    database connections when it is done. What each run achieved is for ``action`` to note down."""
    from django.db import connections

    start = threading.Barrier(times)

    def run() -> None:
        try:
            start.wait()
            action()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def private_storage(settings: Any, root: Any) -> Any:
    """Point the file store's storage (``STORAGES["private_files"]``) at a folder of the test's own; its root."""
    from cspr.settings.base import private_files_storage

    settings.STORAGES = {**settings.STORAGES, "private_files": private_files_storage(root)}
    return root


def private_storage_with_the_demos_files(settings: Any, root: Any) -> Any:
    """:func:`private_storage`, with the blobs of every file kept so far (the demo's: its letterhead's logo, the drafts
    of its local review's report) copied into the new folder first, so a command that reads every kept file finds
    them there too; its root."""
    from cspr.files.models import StoredFile
    from cspr.files.services import private_files

    blobs = {}
    for name in StoredFile.objects.values_list("storage_name", flat=True):
        with private_files().open(name, "rb") as blob:
            blobs[name] = blob.read()
    private_storage(settings, root)
    for name, content in blobs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def stored_blobs(root: Any) -> list[Any]:
    """Every file under a storage folder (none when it was never made)."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def assert_word_file_is_the_services(data: bytes, *, author: str) -> None:
    """A Word file the service made, opened from its bytes: its properties are the service's, made now, with
    nothing left from python-docx's template (its author, description, 2013 dates, "Microsoft Macintosh Word")."""
    import io
    import zipfile
    from datetime import UTC, datetime, timedelta

    from django.conf import settings
    from docx import Document

    properties = Document(io.BytesIO(data)).core_properties
    assert (properties.author, properties.last_modified_by) == (author, author)
    assert properties.comments == properties.keywords == properties.category == ""
    now = datetime.now(UTC)
    for moment in (properties.created, properties.modified):
        assert moment is not None
        assert now - timedelta(minutes=5) <= moment <= now + timedelta(minutes=1)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        everything = b"".join(package.read(name) for name in package.namelist() if name.startswith("docProps/"))
        application = package.read("docProps/app.xml").decode()
    assert f"<Application>{settings.SERVICE_NAME}</Application>" in application
    for leftover in (b"python-docx", b"2013-12-23", b"Macintosh"):
        assert leftover not in everything
