"""The shapes the apps' records share, each given once as an abstract model.

An abstract model has no table of its own: a model that takes one gets its fields as if it had declared them, so the
database is the same either way. Each base here is one concept, and a model takes it only when its fields mean that
and are defined the same (a field named alike but defined otherwise stays on its model):

* :class:`Reminder` — a reminder sent that something is nearly due or overdue: once per kind and due date.
"""

from __future__ import annotations

from django.db import models

__all__ = ["Reminder"]


class Reminder(models.Model):
    """A reminder sent that something is nearly due (``DUE_SOON``) or overdue (``OVERDUE``), once per kind and due
    date: a due date moved on is reminded of again. The model adds the foreign key to what it reminds of, and its
    unique constraint with :meth:`once_per_due_date`; the case clocks' sweep writes the rows."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        abstract = True

    @staticmethod
    def once_per_due_date(subject: str, *, name: str) -> models.UniqueConstraint:
        """The constraint that keeps one reminder of each kind for ``subject`` (the foreign key) and due date."""
        return models.UniqueConstraint(fields=[subject, "kind", "due_on"], name=name)
