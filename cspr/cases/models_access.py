"""Access to one case granted to one person beyond what their role gives (ADR 0020): today, the commissioned
reviewer of a local review (§6.2), whose role alone reaches no case.

A grant names the case, the person (or, until they have an account, the invitation that will become it), why it was
granted and, optionally, the day it ends. It is ended, never deleted: by the business unit at once, by its end date,
or when the case leaves the stages the grant is for (sign-off and after, or any branch off the local review).
:func:`cspr.cases.selectors.cases_visible`, the one scoping function, reads the open grants of a reviewer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cspr.kernel.records import account

__all__ = ["CaseAccess"]


class CaseAccess(models.Model):
    class GrantedFor(models.TextChoices):
        REVIEWER = "reviewer", "Commissioned reviewer"

    class Ending(models.TextChoices):
        BUSINESS_UNIT = "business_unit", "Ended by the business unit"
        STAGE = "stage", "Ended as the case moved on"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_access"
    )
    invitation = models.ForeignKey(
        "partnerships.Invitation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a person without an account yet: the grant is theirs once the invitation is accepted.",
    )
    granted_for = models.CharField(max_length=20, choices=GrantedFor.choices)
    granted_by = account()
    granted_at = models.DateTimeField()
    ends_on = models.DateField(null=True, blank=True, help_text="Access ends at the start of this day (Europe/London).")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = account(optional=True)
    ending = models.CharField(max_length=20, choices=Ending.choices, blank=True)

    class Meta:
        ordering = ["case", "granted_at", "id"]
        verbose_name = "case access grant"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(invitation__isnull=False), name="case_access_names_someone"
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="case_access_user_idx")]

    def __str__(self) -> str:
        return f"Access to case {self.case_id} for {self.granted_for}"
