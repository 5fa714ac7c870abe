"""Free text that may name people is sealed like identifying details (ADR 0009).

Rows without a uuid get one (the
encryption context names the row); each clear value is sealed into its ``*_sealed`` column with the row's context;
the clear column is dropped."""

import uuid

from django.db import migrations, models

from cspr.kernel import sealing

FIELDS = {
    "returns.ReturnAttachment": ("title",),
}
JSON_LISTS = {}
NEW_UUIDS = ()


def fill_uuids(apps, schema_editor):
    for model in NEW_UUIDS:
        sealing.uuids_fill(apps, schema_editor, model=model)


def seal(apps, schema_editor):
    for model, fields in FIELDS.items():
        sealing.seal_clear_columns(apps, schema_editor, model=model, fields=fields, json_lists=model in JSON_LISTS)


def unseal(apps, schema_editor):
    for model, fields in FIELDS.items():
        sealing.unseal_to_clear_columns(apps, schema_editor, model=model, fields=fields, json_lists=model in JSON_LISTS)


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0002_inbox_index"),
        ("cases", "0007_seal_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnattachment",
            name="title_sealed",
            field=models.TextField(default="", help_text="What the file is (sealed: it may name people all the same)."),
            preserve_default=False,
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.RunPython(seal, unseal),
        # Unapplying re-adds the clear columns: with a default first, so rows that exist can take them.
        migrations.AlterField(model_name='returnattachment', name='title', field=models.CharField(blank=True, default='', max_length=200)),
        migrations.RemoveField(model_name="returnattachment", name="title"),
    ]
