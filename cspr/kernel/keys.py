"""Where local development keeps its generated secrets: ``var/field-keys.json``, never committed."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from cspr.kernel.crypto import new_key_entry


def local_keys(var_dir: Path) -> tuple[list[str], str]:
    """The local key file's field keys and lookup key, created (readable by the owner only) on first use."""
    path = var_dir / "field-keys.json"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        data = {
            "field_encryption_keys": [new_key_entry("local1")],
            "lookup_hash_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle)
    data = json.loads(path.read_text())
    return list(data["field_encryption_keys"]), str(data["lookup_hash_key"])
