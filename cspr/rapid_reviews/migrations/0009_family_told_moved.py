"""What the family was told now belongs to the case (``cases.0015_family_told_moved`` carried the rows over and
re-sealed them): the rapid review's table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rapid_reviews", "0008_learning_action_resolved"),
        ("cases", "0015_family_told_moved"),
    ]

    operations = [migrations.DeleteModel(name="FamilyTold")]
