"""Forms for inviting people and changing their memberships."""

from __future__ import annotations

from typing import Any

from django import forms

from cspr.core.forms import FreeTextField
from cspr.domain.roles import Role
from cspr.kernel.text import ONE_LINE
from cspr.partnerships.models import ROLES_NEEDING_ORGANISATION, Organisation, Partnership

ROLE_REQUIRED = "Select a role"
ORGANISATION_NEEDED = "Select the organisation this person works for"
PASSWORDS_DIFFER = "Passwords must match"


class _RoleAndOrganisationForm(forms.Form):
    role = forms.TypedChoiceField(
        label="Role",
        choices=[(role.value, role.label) for role in Role],
        coerce=Role,
        widget=forms.RadioSelect,
        error_messages={"required": ROLE_REQUIRED, "invalid_choice": ROLE_REQUIRED},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation",
        help_text="Needed for notifiers and agency contributors: they act for their organisation.",
        error_messages={"invalid_choice": ORGANISATION_NEEDED},
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = Organisation.objects.filter(partnership_links__partnership=partnership).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role in ROLES_NEEDING_ORGANISATION and not cleaned.get("organisation"):
            self.add_error("organisation", ORGANISATION_NEEDED)
        return cleaned


class InvitationForm(_RoleAndOrganisationForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="Their work e-mail address. They will be sent a link.",
        error_messages={
            "required": "Enter an e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = ["email", "role", "organisation"]


class MembershipChangeForm(_RoleAndOrganisationForm):
    pass


class AcceptInvitationForm(forms.Form):
    full_name = FreeTextField(label="Full name", limit=ONE_LINE, error_messages={"required": "Enter your full name"})
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. A few unrelated words make a strong password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Confirm the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", PASSWORDS_DIFFER)
        return cleaned
