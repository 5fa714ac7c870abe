"""Seal the events written before the chain was keyed with one signed event (see cspr.audit.legacy).

The old chain is verified first; a broken one stops the migration with the event to investigate.
Reversing leaves the seal in place: it is part of the append-only trail.
"""

from django.db import migrations


def seal(apps, schema_editor):
    from cspr.audit.legacy import seal_unkeyed_chain

    seal_unkeyed_chain(
        event_model=apps.get_model("audit", "AuditEvent"),
        head_model=apps.get_model("audit", "AuditChainHead"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_events_name_their_signing_key")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
