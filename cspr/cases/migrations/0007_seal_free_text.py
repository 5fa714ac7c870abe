"""Free text that may name people is sealed like identifying details (ADR 0009).

Rows without a uuid get one (the
encryption context names the row); each clear value is sealed into its ``*_sealed`` column with the row's context;
the clear column is dropped."""

import uuid

from django.db import migrations, models

from cspr.kernel import sealing

FIELDS = {
    "cases.Case": (
        "agencies_involved",
        "parallel_processes",
    ),
    "cases.LocalAuthorityDecision": ("reason",),
    "cases.CaseTransition": ("reason",),
    "cases.CaseClock": (
        "late_reason",
        "extension_reason",
        "extension_agreed_by",
    ),
    "cases.DutyRecord": (
        "other_area",
        "late_reason",
    ),
    "cases.CaseDocument": ("title",),
    "cases.CaseLink": ("note",),
}
JSON_LISTS = {"cases.Case"}
NEW_UUIDS = (
    "cases.LocalAuthorityDecision",
    "cases.CaseTransition",
    "cases.CaseClock",
    "cases.DutyRecord",
    "cases.CaseLink",
)


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
        ("cases", "0006_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="agencies_involved_sealed",
            field=models.TextField(blank=True, help_text="Agencies as the notifier named them: a JSON list, sealed."),
        ),
        migrations.AddField(
            model_name="case",
            name="parallel_processes_sealed",
            field=models.TextField(
                blank=True, help_text="Parallel processes as the notifier named them: a JSON list, sealed."
            ),
        ),
        migrations.AddField(
            model_name="localauthoritydecision", name="uuid", field=models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="localauthoritydecision",
            name="reason_sealed",
            field=models.TextField(default="", help_text="Why the local authority decided so (sealed)."),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="casetransition", name="uuid", field=models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="casetransition",
            name="reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(model_name="caseclock", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="caseclock",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="caseclock",
            name="extension_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="caseclock",
            name="extension_agreed_by_sealed",
            field=models.TextField(blank=True, help_text="Who agreed the extension, as typed (sealed)."),
        ),
        migrations.AddField(model_name="dutyrecord", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="dutyrecord",
            name="other_area_sealed",
            field=models.TextField(blank=True, help_text="The other area informed, as typed (sealed)."),
        ),
        migrations.AddField(
            model_name="dutyrecord",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="casedocument",
            name="title_sealed",
            field=models.TextField(
                default="", help_text="What the document is (sealed: it may name people all the same)."
            ),
            preserve_default=False,
        ),
        migrations.AddField(model_name="caselink", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="caselink",
            name="note_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="localauthoritydecision",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="casetransition",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="caseclock", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AlterField(
            model_name="dutyrecord",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="caselink", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.RunPython(seal, unseal),
        # Unapplying re-adds the clear columns: with a default first, so rows that exist can take them.
        migrations.AlterField(model_name='localauthoritydecision', name='reason', field=models.TextField(blank=True, default='')),
        migrations.AlterField(model_name='casedocument', name='title', field=models.CharField(blank=True, default='', max_length=200)),
        migrations.RemoveField(model_name="case", name="agencies_involved"),
        migrations.RemoveField(model_name="case", name="parallel_processes"),
        migrations.RemoveField(model_name="localauthoritydecision", name="reason"),
        migrations.RemoveField(model_name="casetransition", name="reason"),
        migrations.RemoveField(model_name="caseclock", name="late_reason"),
        migrations.RemoveField(model_name="caseclock", name="extension_reason"),
        migrations.RemoveField(model_name="caseclock", name="extension_agreed_by"),
        migrations.RemoveField(model_name="dutyrecord", name="other_area"),
        migrations.RemoveField(model_name="dutyrecord", name="late_reason"),
        migrations.RemoveField(model_name="casedocument", name="title"),
        migrations.RemoveField(model_name="caselink", name="note"),
    ]
