"""Calendar data kept in the database: imported bank holidays, closure days, clock overrides."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class ImportedBankHoliday(models.Model):
    """An England and Wales bank holiday from a GOV.UK list an operator imported.

    For every year an import covers, its dates replace the list shipped with the
    service, so a newly announced or moved bank holiday needs no release.
    """

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class ImportedHolidayYear(models.Model):
    """A year an import covered; it may have no bank holidays at all in a malformed file, so kept apart."""

    year = models.PositiveSmallIntegerField(unique=True)

    def __str__(self) -> str:
        return str(self.year)


class AddedBy(models.Model):
    """The base of a partnership's own calendar entry: who added it and when (the entry stays if their account goes)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ClosureDay(AddedBy):
    """A day a partnership's office is closed. Extends local targets only, never a statutory clock."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["partnership", "date"], name="one_closure_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"


class ClockOverride(AddedBy):
    """A partnership's own number for one clock of its preset (for example an 8-day PRG target)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="clock_overrides"
    )
    clock_id = models.CharField(max_length=60)
    amount = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reason = models.TextField()

    class Meta:
        ordering = ["clock_id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "clock_id"], name="one_override_per_clock")]

    def __str__(self) -> str:
        return f"{self.clock_id} = {self.amount}"
