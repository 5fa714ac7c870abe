"""Where local development keeps its generated secrets: key files under ``var/``, never committed.

:func:`local_key_file` writes one (readable by the owner only) the first time it is asked for and reads it after;
:func:`local_keys` is the field keys' file, and the audit chain's and the file store's keys have their own
(``cspr.audit.local_keys``, ``cspr.files.keys``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cspr.kernel.crypto import new_key_entry


def local_key_file(path: Path, first: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The key file at ``path``, written with what ``first`` makes (mode 0600, never over an existing file) when
    there is none yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(first(), handle)
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def local_keys(var_dir: Path) -> tuple[list[str], str]:
    """The local key file's field keys and lookup key, created (readable by the owner only) on first use."""
    data = local_key_file(
        var_dir / "field-keys.json",
        lambda: {
            "field_encryption_keys": [new_key_entry("local1")],
            "lookup_hash_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        },
    )
    return list(data["field_encryption_keys"]), str(data["lookup_hash_key"])
