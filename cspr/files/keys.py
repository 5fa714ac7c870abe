"""Local development's generated file store key: ``var/file-keys.json``, never committed."""

from __future__ import annotations

from pathlib import Path

from cspr.kernel.crypto import new_key_entry
from cspr.kernel.keys import local_key_file


def local_file_keys(var_dir: Path) -> list[str]:
    """The local key file's file store keys ("id:base64" entries, newest first), created on first use (mode 0600)."""
    data = local_key_file(var_dir / "file-keys.json", lambda: {"file_keys": [new_key_entry("local1")]})
    return [str(entry) for entry in data["file_keys"]]
