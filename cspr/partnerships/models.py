"""Partnerships, the organisations that serve them, and people's memberships."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from cspr.domain.roles import Role
from cspr.kernel.records import account, choices_of

PRESET_CHOICES = [
    ("bnes-2020", "Local procedure (2020): rapid review clocks from the notification"),
    ("wt-2023", "Working Together 2023: rapid review clocks from the notification to the Panel"),
]


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=10,
        unique=True,
        help_text="Short code used in case references, for example BNES.",
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", "Use 2 to 10 capital letters or digits.")],
    )
    local_authority_areas = models.TextField(help_text="One local authority area a line.")
    preset = models.CharField(max_length=40, choices=PRESET_CHOICES, default="bnes-2020")
    organisations: models.ManyToManyField[Organisation, PartnershipOrganisation] = models.ManyToManyField(
        "Organisation", through="PartnershipOrganisation", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def area_list(self) -> list[str]:
        return [line.strip() for line in self.local_authority_areas.splitlines() if line.strip()]


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    HEALTH = "health", "Health / integrated care board"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """An agency. One police force or health board may serve several partnerships."""

    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=30, choices=OrganisationType.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipOrganisation(models.Model):
    """An organisation's place in one partnership, with the two flags the procedure relies on."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnership_links")
    is_safeguarding_partner = models.BooleanField(
        default=False, help_text="One of the three statutory safeguarding partners (local authority, health, police)."
    )
    is_statutory_agency = models.BooleanField(
        default=False, help_text="One of the statutory agencies expected at the PRG (procedure §3.4)."
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="unique_organisation_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class ContactKind(models.TextChoices):
    PANEL = "panel", "Child Safeguarding Practice Review Panel"
    SECRETARY_OF_STATE = "secretary_of_state", "Secretary of State (DfE)"
    OFSTED = "ofsted", "Ofsted"
    DFE = "dfe", "Department for Education"


class Contact(models.Model):
    """An external recipient: not a user of the service, but someone it prepares things for."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=30, choices=ContactKind.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["partnership", "kind"], name="one_contact_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


ROLES_NEEDING_ORGANISATION = frozenset({Role.NOTIFIER, Role.AGENCY_CONTRIBUTOR})


class Membership(models.Model):
    """One person's role in one partnership, for one organisation where the role needs it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=choices_of(Role))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "role", "organisation"], name="unique_membership_with_organisation"
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=Q(organisation__isnull=True),
                name="unique_membership_without_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(role.value for role in ROLES_NEEDING_ORGANISATION))
                | Q(organisation__isnull=False),
                name="agency_roles_have_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.organisation})" if self.organisation_id else ""
        return f"{self.get_role_display()}{suffix} in {self.partnership}"


class Invitation(models.Model):
    """An invitation for someone without an account to join a partnership in a role.

    Only a hash of the token is stored; the token itself exists in the e-mailed link alone.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=choices_of(Role))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = account(
        optional=True,
        help_text="The account the invitation became: what was granted with it (a reviewer's case) follows it.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.partnership} as {self.get_role_display()}"
