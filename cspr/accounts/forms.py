"""Sign-in form: e-mail and password, rendered with GOV.UK components."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from cspr.accounts.models import User

SIGN_IN_FAILED = "Enter a correct e-mail address and password"
EMAIL_MISSING = "Enter your e-mail address"
PASSWORD_MISSING = "Enter your password"  # noqa: S105 - a message, not a password


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": EMAIL_MISSING,
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": PASSWORD_MISSING},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            # django-axes needs the request to count failures per username and address.
            user = authenticate(self.request, email=email, password=password)
            if not isinstance(user, User) or not user.is_active:
                raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
            self.user = user
        return cleaned
