"""A transition row names the role that authorised it (ADR 0008).

Rows written before recorded the first of the person's roles in alphabetical order among three, which could name a
role that does not allow the transition, and recorded nothing for a reviewer. Each row is corrected where the role
can be known: the person held, in the case's partnership and by the time of the transition, exactly one role that
the lifecycle table lets take that transition. Any other row (no such role, or several) is left as it was: which of
several roles was meant cannot be known after the fact. Membership history is not kept, so a membership removed
since cannot be seen; a membership disabled since still counts.
"""

from django.db import migrations

from cspr.domain.lifecycle import TRANSITIONS


def authorising_roles_fill(apps, schema_editor):
    transition_model = apps.get_model("cases", "CaseTransition")
    membership_model = apps.get_model("partnerships", "Membership")
    rows = transition_model.objects.select_related("case").order_by("id")
    for row in rows.iterator(chunk_size=500):
        rule = TRANSITIONS.get(row.transition)
        if rule is None:
            continue
        held = set(
            membership_model.objects.filter(
                user_id=row.actor_id, partnership_id=row.case.partnership_id, created_at__lte=row.at
            ).values_list("role", flat=True)
        )
        allowing = {role.value for role in rule.roles} & held
        if len(allowing) == 1:
            (role,) = allowing
            if row.actor_role != role:
                # The model refuses save() on an existing row (it is immutable); a queryset update is the one fix.
                transition_model.objects.filter(pk=row.pk).update(actor_role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_seal_free_text"),
        ("partnerships", "0001_initial"),
    ]

    operations = [migrations.RunPython(authorising_roles_fill, migrations.RunPython.noop)]
