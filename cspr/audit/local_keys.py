"""Local development's generated audit chain key: ``var/audit-keys.json``, never committed."""

from __future__ import annotations

from pathlib import Path

from cspr.kernel.crypto import new_key_entry
from cspr.kernel.keys import local_key_file


def local_audit_keys(var_dir: Path) -> list[str]:
    """The local key file's audit chain keys ("id:base64" entries, newest first), created on first use."""
    data = local_key_file(var_dir / "audit-keys.json", lambda: {"audit_chain_keys": [new_key_entry("local1")]})
    return [str(entry) for entry in data["audit_chain_keys"]]
