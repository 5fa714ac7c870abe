"""The return attachment's file is its stored file's (ADR 0016): the foreign key becomes required and the columns the store
now keeps go (title, name, kind, size, checksum, who uploaded it and when). Unapplying is refused once any file has
moved (``cspr.files.moving.refuse_going_back``, run first when going back)."""

import django.db.models.deletion
from django.db import migrations, models

from cspr.files import moving


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0005_returnattachment_stored_file"),
        ("files", "0002_move_kept_files"),
    ]

    operations = [
        migrations.AlterField(
            model_name="returnattachment",
            name="stored_file",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="files.storedfile"
            ),
        ),
        migrations.AlterModelOptions(name="returnattachment", options={"ordering": ["stored_file__uploaded_at", "id"]}),
        migrations.RemoveField(model_name="returnattachment", name="title_sealed"),
        migrations.RemoveField(model_name="returnattachment", name="stored_name"),
        migrations.RemoveField(model_name="returnattachment", name="original_name_sealed"),
        migrations.RemoveField(model_name="returnattachment", name="content_type"),
        migrations.RemoveField(model_name="returnattachment", name="size"),
        migrations.RemoveField(model_name="returnattachment", name="sha256"),
        migrations.RemoveField(model_name="returnattachment", name="uploaded_by"),
        migrations.RemoveField(model_name="returnattachment", name="uploaded_at"),
        migrations.RunPython(migrations.RunPython.noop, moving.refuse_going_back),
    ]
