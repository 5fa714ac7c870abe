"""Signed checkpoints of the audit chain's head, kept outside the database.

One append-only file, ``audit-checkpoints.jsonl`` in ``settings.AUDIT_CHECKPOINT_DIR``, one JSON line
per committed event: the chain's length and last MAC at that moment, the time, the key id and an
HMAC over all of it. Every web process on every host appends to the same file on shared storage,
holding an exclusive POSIX record lock (``lockf``, which NFS honours) for the one write, so lines never
interleave. A reader takes a shared lock.

Someone who can write the database but not this file cannot remove the newest events unseen: the
file still names a length and a MAC the trail no longer has. A ``restore`` line (written by
``manage.py audit_restored``, signed like the rest) acknowledges that the events after ``restored_to``
were lost with a restore from backup; lines before it that count further are no longer expected.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from cspr.audit.chain import canonical, checkpoint_mac, same
from cspr.audit.keyring import audit_keys, current_audit_key

logger = logging.getLogger(__name__)

FILE_NAME = "audit-checkpoints.jsonl"
KINDS = frozenset({"event", "restore", "seal"})


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def checkpoint_append(*, length: int, last_hash: str, kind: str = "event", restored_to: int | None = None) -> None:
    """Append one signed checkpoint. Raises OSError if the store cannot be written."""
    key_id, key = current_audit_key()
    record: dict[str, Any] = {
        "length": length,
        "last_hash": last_hash,
        "at": timezone.now().isoformat(),
        "key_id": key_id,
        "kind": kind,
    }
    if restored_to is not None:
        record["restored_to"] = restored_to
    record["mac"] = checkpoint_mac(key=key, record=record)
    line = canonical(record) + b"\n"
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX)
        try:
            written = 0
            while written < len(line):
                written += os.write(descriptor, line[written:])
        finally:
            fcntl.lockf(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def checkpoint_after_commit(
    *, length: int, last_hash: str, kind: str = "event", restored_to: int | None = None
) -> None:
    """What ``transaction.on_commit`` runs: a store that cannot be written is logged, never a failed request.

    The event itself is already committed; a missing checkpoint only narrows what the next one proves.
    """
    try:
        checkpoint_append(length=length, last_hash=last_hash, kind=kind, restored_to=restored_to)
    except OSError as error:
        logger.error("The audit checkpoint for event %d could not be written: %s", length, error.strerror or error)


@dataclass(frozen=True)
class Checkpoint:
    line: int
    length: int
    last_hash: str
    at: str
    kind: str
    restored_to: int | None


@dataclass(frozen=True)
class BadLine:
    line: int
    problem: str


def checkpoints_read() -> Iterator[Checkpoint | BadLine] | None:
    """Every line of the store in file order, each checked against its MAC; None if there is no store yet."""
    path = checkpoint_path()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    return _read(handle)


def _read(handle: Any) -> Iterator[Checkpoint | BadLine]:
    keys = audit_keys()
    with handle:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_SH)
        try:
            for number, raw in enumerate(handle, start=1):
                yield _parse(number, raw, keys)
        finally:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)


def _parse(number: int, raw: bytes, keys: dict[str, bytes]) -> Checkpoint | BadLine:
    try:
        record = json.loads(raw)
        length, last_hash, at = int(record["length"]), str(record["last_hash"]), str(record["at"])
        key_id, kind, mac = str(record["key_id"]), str(record["kind"]), str(record["mac"])
        restored_to = record.get("restored_to")
        restored_to = None if restored_to is None else int(restored_to)
    except (ValueError, TypeError, KeyError):
        return BadLine(number, "is damaged (not a checkpoint record)")
    key = keys.get(key_id)
    if key is None:
        return BadLine(number, f"is signed with key '{key_id}', which is not configured (AUDIT_CHAIN_KEYS)")
    if not isinstance(record, dict) or not same(checkpoint_mac(key=key, record=record), mac):
        return BadLine(number, "does not match its signature (the line was forged or changed)")
    if kind not in KINDS or length < 0 or (kind == "restore" and restored_to is None):
        return BadLine(number, "is signed but not a checkpoint this service writes")
    return Checkpoint(number, length, last_hash, at, kind, restored_to)
