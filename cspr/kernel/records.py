"""The shapes the apps' records share, each given once as an abstract model.

An abstract model has no table of its own: a model that takes one gets its fields as if it had declared them, so the
database is the same either way. Each base here is one concept, and a model takes it only when its fields mean that
and are defined the same (a field named alike but defined otherwise stays on its model):

* :class:`Recorded` — who recorded the row in the service, and when.
* :class:`Updated` — who saved the last change to a record changed in place, and when.
* :class:`SavedVersion` — one numbered version of a text, saved whole as a new row: its number, who saved it, when.
* :class:`Reminder` — a reminder sent that something is nearly due or overdue: once per kind and due date.

The person is always an account kept while the row is (``PROTECT``), with no accessor back from the account
(``related_name="+"``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["Recorded", "Reminder", "SavedVersion", "Updated"]


class Recorded(models.Model):
    """Who recorded the row in the service, and when: the person who entered it, who is not always the person who did
    what it records (a decision taken at a meeting, an invoice that came by post)."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class Updated(models.Model):
    """Who saved the last change to a record changed in place (a parallel process, the rapid review's working
    record), and when: every save sets both."""

    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True


class SavedVersion(models.Model):
    """One version of a text, saved whole as a new row and never overwritten: its number in its series, who saved it
    and when. The model adds what the series is (the terms of reference of one review, one kind of a partnership's
    explainer) and a unique constraint over it and the number."""

    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        abstract = True


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
