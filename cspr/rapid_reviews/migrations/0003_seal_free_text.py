"""Free text that may name people is sealed like identifying details (ADR 0009).

Rows without a uuid get one (the
encryption context names the row); each clear value is sealed into its ``*_sealed`` column with the row's context;
the clear column is dropped."""

import uuid

from django.db import migrations, models

from cspr.kernel import sealing

FIELDS = {
    "rapid_reviews.PrgMeeting": ("late_reason",),
    "rapid_reviews.MeetingAttendance": ("explanation",),
    "rapid_reviews.MeetingPaper": ("title",),
    "rapid_reviews.AgencyOmission": ("reason",),
    "rapid_reviews.LearningAction": ("what",),
    "rapid_reviews.PrgDecision": ("late_reason",),
    "rapid_reviews.Ratification": ("late_reason",),
    "rapid_reviews.RationaleSent": ("late_reason",),
    "rapid_reviews.PanelSubmission": ("late_reason",),
    "rapid_reviews.FamilyTold": ("method_other",),
}
JSON_LISTS = {}
NEW_UUIDS = (
    "rapid_reviews.MeetingAttendance",
    "rapid_reviews.AgencyOmission",
    "rapid_reviews.PrgDecision",
    "rapid_reviews.Ratification",
    "rapid_reviews.RationaleSent",
    "rapid_reviews.PanelSubmission",
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
        ("rapid_reviews", "0002_criteria_not_met_closure"),
        ("cases", "0007_seal_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="prgmeeting",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Why it is after the PRG meeting's due date (sealed)."),
        ),
        migrations.AddField(
            model_name="meetingattendance", name="uuid", field=models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="meetingattendance",
            name="explanation_sealed",
            field=models.TextField(blank=True, help_text="Why absent or not involved (sealed)."),
        ),
        migrations.AddField(
            model_name="meetingpaper",
            name="title_sealed",
            field=models.TextField(
                default="", help_text="What the paper is (sealed: it may name people all the same)."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencyomission", name="uuid", field=models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="agencyomission",
            name="reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="learningaction",
            name="what_sealed",
            field=models.TextField(default="", help_text="The action (sealed)."),
            preserve_default=False,
        ),
        migrations.AddField(model_name="prgdecision", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="prgdecision",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(model_name="ratification", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="ratification",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(model_name="rationalesent", name="uuid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(
            model_name="rationalesent",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="panelsubmission", name="uuid", field=models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            model_name="panelsubmission",
            name="late_reason_sealed",
            field=models.TextField(blank=True, help_text="Encrypted (ADR 0009)."),
        ),
        migrations.AddField(
            model_name="familytold",
            name="method_other_sealed",
            field=models.TextField(blank=True, help_text="How, when the method is 'other' (sealed)."),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meetingattendance",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="agencyomission",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="prgdecision",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="ratification",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="rationalesent",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="panelsubmission",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.RunPython(seal, unseal),
        # Unapplying re-adds the clear columns: with a default first, so rows that exist can take them.
        migrations.AlterField(model_name='meetingpaper', name='title', field=models.CharField(blank=True, default='', max_length=200)),
        migrations.AlterField(model_name='learningaction', name='what', field=models.TextField(blank=True, default='')),
        migrations.RemoveField(model_name="prgmeeting", name="late_reason"),
        migrations.RemoveField(model_name="meetingattendance", name="explanation"),
        migrations.RemoveField(model_name="meetingpaper", name="title"),
        migrations.RemoveField(model_name="agencyomission", name="reason"),
        migrations.RemoveField(model_name="learningaction", name="what"),
        migrations.RemoveField(model_name="prgdecision", name="late_reason"),
        migrations.RemoveField(model_name="ratification", name="late_reason"),
        migrations.RemoveField(model_name="rationalesent", name="late_reason"),
        migrations.RemoveField(model_name="panelsubmission", name="late_reason"),
        migrations.RemoveField(model_name="familytold", name="method_other"),
    ]
