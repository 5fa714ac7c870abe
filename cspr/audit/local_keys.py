"""Local development's generated audit chain key: ``var/audit-keys.json``, never committed."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cspr.kernel.crypto import new_key_entry


def local_audit_keys(var_dir: Path) -> list[str]:
    """The local key file's audit chain keys ("id:base64" entries, newest first), created on first use."""
    path = var_dir / "audit-keys.json"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"audit_chain_keys": [new_key_entry("local1")]}, handle)
    return [str(entry) for entry in json.loads(path.read_text())["audit_chain_keys"]]
