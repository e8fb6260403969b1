"""The account forms: Django's, with every text limited and counted as the desk's forms count
it (common/fields.py), so a refusal names the limit and the form comes back filled in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
    UsernameField,
)
from django.core.exceptions import ValidationError

from accounts.limits import login_failure_record, login_failures_clear, login_lock_remaining
from accounts.models import User
from accounts.services import (
    EMAIL_REQUIRED,
    MAX_DISPLAY_NAME_CHARS,
    MAX_EMAIL_CHARS,
    MAX_INVITATION_CODE_CHARS,
    MAX_PASSWORD_CHARS,
    MAX_USERNAME_CHARS,
    display_name_clean,
    name_is_taken,
    name_taken_message,
)
from common.fields import DeskCharField, DeskEmailField


class DeskUsernameField(DeskCharField, UsernameField):
    """A username, counted and refused like every other text (and NFKC-normalised)."""


def _password(label: str, autocomplete: str, help_text: str = "") -> DeskCharField:
    return DeskCharField(
        label=label,
        what="The password",
        max_length=MAX_PASSWORD_CHARS,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def new_password_fields(label: str) -> tuple[DeskCharField, DeskCharField]:
    """A new password and its confirmation: Django's labels and help, with a limit."""
    return (
        _password(label, "new-password", password_validation.password_validators_help_text_html()),
        _password(
            f"{label} confirmation",
            "new-password",
            "Enter the same password as before, for verification.",
        ),
    )


def _email(help_text: str = "", *, required: bool = True) -> DeskEmailField:
    return DeskEmailField(
        label="Email",
        what="The e-mail address",
        max_length=MAX_EMAIL_CHARS,
        required=required,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _display_name() -> DeskCharField:
    return DeskCharField(
        label="Display name",
        what="The display name",
        max_length=MAX_DISPLAY_NAME_CHARS,
        required=False,
        help_text="Shown beside your amendments and comments. Leave empty to use your username.",
    )


def _locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return (
        "Too many wrong passwords were tried for this account, so it is locked for "
        f"{minutes} minute{'s' if minutes != 1 else ''}. Try again then, or reset your password "
        "with the link below."
    )


class LoginForm(AuthenticationForm):
    """Log-in that locks an account for a while after repeated wrong passwords."""

    username = DeskUsernameField(
        label="Username",
        what="The username",
        max_length=MAX_USERNAME_CHARS,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    password = _password("Password", "current-password")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and (locked := login_lock_remaining(username)):
            raise ValidationError(_locked_message(locked), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            failed = username and error.code == "invalid_login"
            if failed and (locked := login_failure_record(username)):
                raise ValidationError(_locked_message(locked), code="locked") from error
            raise
        login_failures_clear(username)
        return cleaned


class NameFieldsMixin:
    """Display names and usernames: cleaned and refused as the services do, and refused when
    they look like another person's name, with a message beside the field."""

    cleaned_data: dict[str, Any]
    instance: User

    def _someone_else(self) -> User | None:
        return self.instance if self.instance.pk else None

    def clean_display_name(self) -> str:
        name = display_name_clean(self.cleaned_data.get("display_name") or "")
        if name and name_is_taken(name, user=self._someone_else()):
            raise ValidationError(name_taken_message(name), code="name_taken")
        return name

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if name_is_taken(username, user=self._someone_else()):
            raise ValidationError(name_taken_message(username), code="name_taken")
        return username


class SignupForm(forms.Form):
    """The first step of sign-up: the address to send the link to (and the invitation code
    when the organisation asks for one). It says nothing about whether the address is known."""

    email = _email(
        "We send a link to it to finish creating your account. It is used for password "
        "resets and news of your amendments."
    )
    email.label = "E-mail address"
    invitation_code = DeskCharField(
        label="Invitation code",
        what="The invitation code",
        max_length=MAX_INVITATION_CODE_CHARS,
        required=False,
        help_text="The code an admin of the organisation gave you.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitation_code"].required = settings.SIGNUP_REQUIRES_INVITATION


class SignupFinishForm(NameFieldsMixin, UserCreationForm):
    """The second step, reached from the link in the e-mail: the names and the password."""

    display_name = _display_name()
    password1, password2 = new_password_fields("Password")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")
        field_classes = {"username": DeskUsernameField}


class ProfileForm(NameFieldsMixin, forms.ModelForm):
    display_name = _display_name()
    email = _email()

    class Meta:
        model = User
        fields = (
            "display_name",
            "email",
            "notice_email",
            "wants_daily_digest",
            "deadline_reminders",
        )
        widgets = {"notice_email": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = EMAIL_REQUIRED
        # A form sent without it (an old page, a script) keeps the member's setting.
        self.fields["notice_email"].required = False


class DeskPasswordChangeForm(PasswordChangeForm):
    old_password = _password("Old password", "current-password")
    new_password1, new_password2 = new_password_fields("New password")


class DeskSetPasswordForm(SetPasswordForm):
    new_password1, new_password2 = new_password_fields("New password")


class DeskPasswordResetForm(PasswordResetForm):
    email = _email()
