"""Each meeting paper points at the one file store's row (ADR 0016). Nullable until ``files.0002_move_kept_files``
has made a stored file for every existing row; the next migration of this app makes it required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rapid_reviews", "0004_section_versions"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingpaper",
            name="stored_file",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="files.storedfile"
            ),
        ),
    ]
