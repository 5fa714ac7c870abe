"""The shapes the apps' records share, each given once as an abstract model.

An abstract model has no table of its own: a model that takes one gets its fields as if it had declared them, so the
database is the same either way. Each base here is one concept, and a model takes it only when its fields mean that
and are defined the same (a field named alike but defined otherwise stays on its model):

* :class:`ImmutableModel` — a row never changed nor deleted once made (:class:`ImmutableRowError` if tried).
* :class:`Recorded` — who recorded the row in the service, and when.
* :class:`Updated` — who saved the last change to a record changed in place, and when.
* :class:`SavedVersion` — one numbered version of a text, saved whole as a new row: its number, who saved it, when.
* :class:`Reminder` — a reminder sent that something is nearly due or overdue: once per kind and due date.
* :class:`NamedById` — a row named by its kind and id ("Reviewer 12"), never by what it says.

The person is always an account kept while the row is (``PROTECT``), with no accessor back from the account
(``related_name="+"``): :func:`account` declares one, here and in the models, optional for a step not yet taken.
A column that holds a member of one of :mod:`cspr.domain`'s enums takes its choices from :func:`choices_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.db import models
from django.utils.text import capfirst

if TYPE_CHECKING:
    from cspr.accounts.models import User

__all__ = [
    "ImmutableModel",
    "ImmutableRowError",
    "NamedById",
    "Recorded",
    "Reminder",
    "SavedVersion",
    "Updated",
    "account",
    "choices_of",
]


def choices_of(kind: Iterable[StrEnum]) -> list[tuple[str, str]]:
    """A :mod:`cspr.domain` enum (plain Python, not Django's choices) as a column's choices: each member's value and
    its label, or its value again for an enum whose members have no label."""
    return [(item.value, getattr(item, "label", item.value)) for item in kind]


@overload
def account(*, optional: Literal[False] = False, help_text: str = "") -> models.ForeignKey[User, User]: ...


@overload
def account(*, optional: Literal[True], help_text: str = "") -> models.ForeignKey[User | None, User | None]: ...


def account(*, optional: bool = False, help_text: str = "") -> models.ForeignKey[Any, Any]:
    """The account of a person who did something to the row: kept while the row is, with no accessor back. An
    ``optional`` one is empty until the step it records is taken (finished, provided, paid...)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=optional,
        blank=optional,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=help_text,
    )


class NamedById(models.Model):
    """A row named by its kind and id ("Reviewer 12", "Family told 3"), the same way for every model that takes it:
    never by what it says, so a row printed in a shell, a log or an error never shows words that may name a child or
    a family (a sealed row's columns are ciphertext in any case)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} {self.pk}"


class ImmutableRowError(Exception):
    """A decision, transition or duty record cannot be changed or deleted; record a new one instead."""


class ImmutableModel(models.Model):
    """An immutable row (a decision, a transition, a duty record, a sign-off): ``save`` refuses an update and
    ``delete`` refuses outright, so a correction is a new row."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableRowError(f"{self._meta.verbose_name} cannot be changed: record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError(f"{self._meta.verbose_name} cannot be deleted.")


class Recorded(models.Model):
    """Who recorded the row in the service, and when: the person who entered it, who is not always the person who did
    what it records (a decision taken at a meeting, an invoice that came by post)."""

    recorded_by = account()
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class Updated(models.Model):
    """Who saved the last change to a record changed in place (a parallel process, the rapid review's working
    record), and when: every save sets both."""

    updated_by = account()
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True


class SavedVersion(models.Model):
    """One version of a text, saved whole as a new row and never overwritten: its number in its series, who saved it
    and when. The model adds what the series is (the terms of reference of one review, one kind of a partnership's
    explainer) and a unique constraint over it and the number."""

    number = models.PositiveIntegerField()
    saved_by = account()
    saved_at = models.DateTimeField()

    class Meta:
        abstract = True


class Reminder(NamedById):
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
