"""Each return attachment points at the one file store's row (ADR 0016). Nullable until ``files.0002_move_kept_files``
has made a stored file for every existing row; the next migration of this app makes it required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0004_return_edit_version"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnattachment",
            name="stored_file",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="files.storedfile"
            ),
        ),
    ]
