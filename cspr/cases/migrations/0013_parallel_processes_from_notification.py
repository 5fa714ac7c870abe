"""The parallel processes a notification named (a sealed free-text list on the case) become the register's first
entries: "police investigation" a criminal investigation, "coroner" a coroner's inquest, anything else "other" with
the words as its note, sealed again under the new row's own context (ADR 0009). The case's list is kept as the
notifier gave it."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import migrations

from cspr.kernel.crypto import decrypt, encrypt
from cspr.kernel.sealing import seal_context

# The two answers the notification form offers, as they were when the register began.
NAMED_KINDS = {"police investigation": "criminal_investigation", "coroner": "coroners_inquest"}


def kind_and_note(named: str) -> tuple[str, str]:
    """The register's kind for one process as the notifier named it, and the note to keep ("" for a known kind)."""
    kind = NAMED_KINDS.get(" ".join(named.split()).casefold())
    return (kind, "") if kind else ("other", named)


def register_from_notifications(apps: Any, schema_editor: Any) -> int:
    """Make the register's rows from every case's sealed list; returns how many were made. A case that already has
    rows in the register is left alone, so the step may run twice."""
    case_model = apps.get_model("cases", "Case")
    process_model = apps.get_model("cases", "ParallelProcess")
    made = 0
    cases = case_model.objects.exclude(parallel_processes_sealed="").order_by("pk")
    for case in cases.iterator(chunk_size=200):
        if process_model.objects.filter(case_id=case.pk).exists():
            continue
        text = decrypt(
            case.parallel_processes_sealed, context=seal_context("cases", "case", "parallel_processes", case.uuid)
        )
        named = json.loads(text) if text else []
        for item in named if isinstance(named, list) else []:
            kind, note = kind_and_note(str(item))
            row_uuid = uuid.uuid4()
            notes = encrypt(note, context=seal_context("cases", "parallelprocess", "notes", row_uuid)) if note else ""
            process_model.objects.create(
                uuid=row_uuid,
                case_id=case.pk,
                kind=kind,
                status="active",
                notes_sealed=notes,
                created_by_id=case.created_by_id,
                created_at=case.submitted_at,
                updated_by_id=case.created_by_id,
                updated_at=case.submitted_at,
            )
            made += 1
    return made


def register_emptied(apps: Any, schema_editor: Any) -> None:
    """Unapplying removes the register's rows (the case's own list was never changed)."""
    apps.get_model("cases", "LiaisonEntry").objects.all().delete()
    apps.get_model("cases", "ParallelProcess").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_parallel_processes")]

    operations = [migrations.RunPython(register_from_notifications, register_emptied)]
