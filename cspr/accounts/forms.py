"""Sign-in, second-factor and password forms, rendered with GOV.UK components."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cspr.accounts.lockout import lockout_failure_record
from cspr.accounts.models import User
from cspr.accounts.services import current_password_failure_record, normalise_code
from cspr.kernel.acting import acting_from_request

SIGN_IN_FAILED = "Enter a correct e-mail address and password"
EMAIL_MISSING = "Enter your e-mail address"
PASSWORD_MISSING = "Enter your password"  # noqa: S105 - a message, not a password


def _password_field(label: str, *, missing: str, autocomplete: str, **kwargs: Any) -> forms.CharField:
    """A password box: taken as typed (spaces kept), ``missing`` when left empty, and ``autocomplete`` telling the
    browser's password manager which password it is (``current-password`` or ``new-password``)."""
    return forms.CharField(
        label=label,
        strip=False,
        error_messages={"required": missing},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


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
    password = _password_field("Password", missing=PASSWORD_MISSING, autocomplete="current-password")

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


# --- Second factor ------------------------------------------------------------------------

CODE_MISSING = "Enter the code from your authenticator app"
CODE_FORMAT = "The code must be 6 numbers"
CODE_WRONG = "The code is not correct, or it has already been used. Enter the latest code from your authenticator app"
CODE_WAIT = "Wait {wait}, then enter the latest code from your authenticator app"
SET_UP_CODE_WRONG = "The code is not correct. Check the key in your authenticator app and enter the latest code"
RECOVERY_CODE_MISSING = "Enter a recovery code"
RECOVERY_CODE_FORMAT = "A recovery code is 8 letters and numbers, like abcd 2345"
RECOVERY_CODE_WRONG = "The recovery code is not correct, or it has already been used"
RECOVERY_CODE_WAIT = "Wait {wait}, then enter a recovery code"

SIX_DIGITS = re.compile(r"^[0-9]{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


class _CodeForm(forms.Form):
    """One code (``code``), checked against ``shape`` once spaces and hyphens are gone (``normalise_code``).
    ``wrong`` and ``wait`` are what the sign-in step says when the code is not accepted, or not yet."""

    shape: ClassVar[re.Pattern[str]]
    badly_formed: ClassVar[str]
    wrong: ClassVar[str]
    wait: ClassVar[str]

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not self.shape.match(code):
            raise forms.ValidationError(self.badly_formed, code="format")
        return code


class SecurityCodeForm(_CodeForm):
    shape = SIX_DIGITS
    badly_formed = CODE_FORMAT
    wrong = CODE_WRONG
    wait = CODE_WAIT
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now",
        max_length=20,
        error_messages={"required": CODE_MISSING, "max_length": CODE_FORMAT},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5 govuk-input--extra-letter-spacing",
            }
        ),
    )


class RecoveryCodeForm(_CodeForm):
    shape = RECOVERY_CODE
    badly_formed = RECOVERY_CODE_FORMAT
    wrong = RECOVERY_CODE_WRONG
    wait = RECOVERY_CODE_WAIT
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up your authenticator app. Each works once.",
        max_length=30,
        error_messages={"required": RECOVERY_CODE_MISSING, "max_length": RECOVERY_CODE_FORMAT},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10 govuk-input--extra-letter-spacing",
            }
        ),
    )


# --- Passwords ------------------------------------------------------------------------------

NEW_PASSWORD_MISSING = "Enter a new password"  # noqa: S105 - messages, not passwords
NEW_PASSWORD_AGAIN_MISSING = "Enter the new password again"  # noqa: S105
NEW_PASSWORDS_DIFFER = "The passwords do not match. Enter the same password in both boxes"
CURRENT_PASSWORD_MISSING = "Enter your current password"  # noqa: S105
CURRENT_PASSWORD_WRONG = "Your current password is not correct"  # noqa: S105
NEW_PASSWORD_SAME = "Your new password must be different from your current password"  # noqa: S105
# Django's validators' messages in GOV.UK's voice, by error code.
PASSWORD_RULES = {
    "password_too_short": "Your password must be {min_length} characters or more",
    "password_too_common": "Your password is too easy to guess. Choose a longer, less common one",
    "password_entirely_numeric": "Your password must not be only numbers",
    "password_too_similar": "Your password must not be like your e-mail address or name",
}
RESET_EMAIL_MISSING = "Enter your e-mail address"
RESET_EMAIL_INVALID = "Enter an e-mail address in the correct format, like name@example.org"


def _govuk_password_errors(error: ValidationError) -> list[str]:
    messages = []
    for item in error.error_list:
        template = PASSWORD_RULES.get(item.code or "")
        messages.append(template.format(**(item.params or {})) if template else " ".join(item.messages))
    return messages


class NewPasswordForm(forms.Form):
    new_password1 = _password_field(
        "New password",
        missing=NEW_PASSWORD_MISSING,
        autocomplete="new-password",
        help_text="12 characters or more. A few unrelated words make a strong password that is easy to remember.",
    )
    new_password2 = _password_field(
        "New password again", missing=NEW_PASSWORD_AGAIN_MISSING, autocomplete="new-password"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password1(self) -> str:
        password: str = self.cleaned_data["new_password1"]
        try:
            validate_password(password, user=self.user)
        except ValidationError as error:
            raise forms.ValidationError(_govuk_password_errors(error)) from None
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", forms.ValidationError(NEW_PASSWORDS_DIFFER, code="mismatch"))
        return cleaned


class PasswordChangeForm(NewPasswordForm):
    old_password = _password_field(
        "Current password", missing=CURRENT_PASSWORD_MISSING, autocomplete="current-password"
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        password: str = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            # A wrong current password counts towards the lockout, like a wrong sign-in.
            current_password_failure_record(acting=acting_from_request(self.request))
            lockout_failure_record(request=self.request, user=self.user, step="current_password")
            raise forms.ValidationError(CURRENT_PASSWORD_WRONG, code="wrong")
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", forms.ValidationError(NEW_PASSWORD_SAME, code="same"))
        return cleaned


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="The address you sign in with",
        max_length=254,
        error_messages={"required": RESET_EMAIL_MISSING, "invalid": RESET_EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
