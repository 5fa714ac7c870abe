"""Every file kept before the one store moves onto it, encrypted at rest (ADR 0016, phase 2).

Case documents, meeting papers and return attachments (clear files under PRIVATE_MEDIA_ROOT) and the documents of
notification drafts (sealed files under PRIVATE_MEDIA_ROOT/drafts/) each become a stored file with the row's uuid;
the steps, and what happens to a file that cannot be read, are in ``cspr.files.moving``. The old files are removed
once this migration has committed. Unapplying is refused once any file has moved."""

from django.db import migrations

from cspr.files import moving


def move(apps, schema_editor):
    moving.move_kept_files(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_initial"),
        ("cases", "0009_casedocument_stored_file"),
        ("rapid_reviews", "0005_meetingpaper_stored_file"),
        ("returns", "0005_returnattachment_stored_file"),
    ]

    operations = [
        migrations.RunPython(move, moving.refuse_going_back),
    ]
