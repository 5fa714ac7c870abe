"""The rapid review keeps an outline of its record (cspr.rapid_reviews.outline), so that saying how complete it is
no longer unseals its texts. Existing records are measured once here: each text is decrypted in memory, measured and
forgotten; the outline holds lengths, codes, ids and dates only."""

from django.db import migrations, models

from cspr.kernel.crypto import decrypt
from cspr.kernel.sealing import seal_context
from cspr.rapid_reviews.outline import (
    TEXT_FIELDS,
    outline_actions,
    outline_agencies,
    outline_arrangements,
    outline_judgements,
    outline_texts,
)


def _plain(row, field):
    token = getattr(row, f"{field}_sealed")
    if not token:
        return ""
    meta = row._meta
    return decrypt(token, context=seal_context(meta.app_label, meta.model_name, field, row.uuid))


def outline_fill(apps, schema_editor):
    RapidReview = apps.get_model("rapid_reviews", "RapidReview")
    ChildSafeguarding = apps.get_model("rapid_reviews", "ChildSafeguarding")
    CriterionJudgement = apps.get_model("rapid_reviews", "CriterionJudgement")
    LearningAction = apps.get_model("rapid_reviews", "LearningAction")
    AgencyOmission = apps.get_model("rapid_reviews", "AgencyOmission")
    for review in RapidReview.objects.order_by("pk").iterator(chunk_size=200):
        outline = outline_texts({}, {name: _plain(review, name) for name in TEXT_FIELDS})
        outline = outline_arrangements(
            outline, {row.child_id: _plain(row, "arrangements") for row in ChildSafeguarding.objects.filter(review=review)}
        )
        outline = outline_judgements(
            outline,
            {row.code: (row.judgement, _plain(row, "reason")) for row in CriterionJudgement.objects.filter(review=review)},
        )
        outline = outline_actions(
            outline,
            [
                (_plain(row, "what"), row.owner_organisation_id is not None, row.due_on)
                for row in LearningAction.objects.filter(review=review).order_by("position", "pk")
            ],
        )
        outline = outline_agencies(
            outline,
            review.agencies_involved.values_list("pk", flat=True),
            {row.organisation_id: _plain(row, "reason") for row in AgencyOmission.objects.filter(review=review)},
        )
        RapidReview.objects.filter(pk=review.pk).update(outline=outline)


class Migration(migrations.Migration):
    dependencies = [
        ("rapid_reviews", "0006_meetingpaper_file_columns_go"),
    ]

    operations = [
        migrations.AddField(
            model_name="rapidreview",
            name="outline",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What the completeness check needs of the record, never its words: each text's length, the "
                "judgements, the agencies involved and the actions (cspr.rapid_reviews.outline).",
            ),
        ),
        # Reversed, the column goes with its values: nothing to undo.
        migrations.RunPython(outline_fill, migrations.RunPython.noop),
    ]
