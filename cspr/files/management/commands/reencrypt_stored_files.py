"""Re-encrypt stored files under the newest file store key, after a key rotation (ADR 0016)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cspr.files.services import stored_files_reencrypt
from cspr.kernel.acting import system_acting


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored file still under an older key with the newest key (FILE_KEYS lists it first). "
        "Run after adding a new key; remove the old key only once this reports nothing left."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = stored_files_reencrypt(acting=system_acting())
        self.stdout.write(f"{counts.reencrypted} file(s) re-encrypted with the newest key.")
        if counts.refused:
            for file_uuid in counts.refused:
                self.stderr.write(f"Left as it was (missing, changed or under a key not configured): {file_uuid}")
            raise CommandError(f"{len(counts.refused)} file(s) could not be re-encrypted: keep their keys.")
