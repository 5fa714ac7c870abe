"""Re-seal identifying details under the newest field encryption key, after a key rotation.

Files (documents sent with a notification among them) are under the file store's own keys: after rotating
``FILE_KEYS`` run ``reencrypt_stored_files`` instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cspr.cases.services import identifying_details_reseal


class Command(BaseCommand):
    help = (
        "Re-encrypt every sealed value of the cases app that still uses an older key, with the newest key "
        "(FIELD_ENCRYPTION_KEYS lists it first). Run after adding a new key; remove the old key afterwards."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = identifying_details_reseal(batch_size=options["batch_size"])
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} value(s) re-sealed")
        self.stdout.write(f"Done: {sum(counts.values())} value(s) re-sealed with the newest key.")
