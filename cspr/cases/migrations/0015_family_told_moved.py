"""What the family was told moves from the rapid review to the case (§5.3, §8.6), so that it can be recorded on every
path. Each row keeps its uuid and gets the decision it followed (the latest stage the case had reached that the
family is told about, when it was recorded); its sealed values are re-sealed for their new place (ADR 0009). The old
table goes in ``rapid_reviews.0009_family_told_moved``, once the rows are here."""

from django.db import migrations

from cspr.kernel.sealing import reseal_moved

FIELDS = ["method_other", "what_was_said"]
# The stages the family is told about, and the decision each is (as cspr.cases.models.FAMILY_MOMENTS on this day).
MOMENTS = {
    "not_notifiable": "not_notifiable",
    "closed_criteria_not_met": "criteria_not_met",
    "prg_decided": "prg_decision",
    "no_further_review": "no_further_review",
    "local_review": "local_review",
    "national_review": "national_review",
    "closed": "closure",
    "closed_not_notifiable": "closure",
}
COPIED = ["uuid", "told_on", "method", "method_other_sealed", "told_by", "what_was_said_sealed", "recorded_by_id", "recorded_at"]


def _decision(apps, case_id, recorded_at):
    transitions = apps.get_model("cases", "CaseTransition")._default_manager
    stage = (
        transitions.filter(case_id=case_id, to_stage__in=list(MOMENTS), at__lte=recorded_at)
        .order_by("-at", "-id")
        .values_list("to_stage", flat=True)
        .first()
    )
    return MOMENTS.get(stage, "other")


def family_told_moved(apps, schema_editor):
    old = apps.get_model("rapid_reviews", "FamilyTold")._default_manager
    new = apps.get_model("cases", "FamilyTold")._default_manager
    for row in old.select_related("review").order_by("id"):
        if new.filter(uuid=row.uuid).exists():
            continue
        case_id = row.review.case_id
        new.create(
            case_id=case_id,
            decision=_decision(apps, case_id, row.recorded_at),
            **{name: getattr(row, name) for name in COPIED},
        )
    reseal_moved(apps, schema_editor, old="rapid_reviews.familytold", new="cases.familytold", fields=FIELDS)


def family_told_moved_back(apps, schema_editor):
    """Back to the rapid review's table. Refused once the family was told on a case with no rapid review (that
    table cannot hold it), and whenever a case's reasons for not telling them yet would be lost."""
    reviews = apps.get_model("rapid_reviews", "RapidReview")._default_manager
    old = apps.get_model("rapid_reviews", "FamilyTold")._default_manager
    new = apps.get_model("cases", "FamilyTold")._default_manager
    if new.exclude(case_id__in=reviews.values("case_id")).exists():
        raise RuntimeError("The family was told on a case without a rapid review: the rows cannot go back.")
    if apps.get_model("cases", "FamilyNotYetTold")._default_manager.exists():
        raise RuntimeError("Reasons the family was not told yet are recorded: they cannot go back.")
    for row in new.order_by("id"):
        review = reviews.filter(case_id=row.case_id).first()
        if old.filter(uuid=row.uuid).exists():
            continue
        old.create(review=review, **{name: getattr(row, name) for name in COPIED})
    reseal_moved(apps, schema_editor, old="cases.familytold", new="rapid_reviews.familytold", fields=FIELDS)
    new.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_family_told"),
        ("rapid_reviews", "0008_learning_action_resolved"),
    ]

    operations = [migrations.RunPython(family_told_moved, family_told_moved_back)]
