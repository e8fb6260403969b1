from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from accounts.limits import login_failure_record, login_failures_clear, login_lock_remaining
from accounts.models import User
from accounts.services import (
    EMAIL_REQUIRED,
    display_name_clean,
    name_is_taken,
    name_taken_message,
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

    def clean(self) -> dict:  # type: ignore[type-arg]
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

    cleaned_data: dict  # type: ignore[type-arg]
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

    email = forms.EmailField(
        label="E-mail address",
        help_text="We send a link to it to finish creating your account. It is used for "
        "password resets and news of your amendments.",
    )
    invitation_code = forms.CharField(
        max_length=40,
        required=False,
        help_text="The code an admin of the organisation gave you.",
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["invitation_code"].required = settings.SIGNUP_REQUIRES_INVITATION


class SignupFinishForm(NameFieldsMixin, UserCreationForm):
    """The second step, reached from the link in the e-mail: the names and the password."""

    display_name = forms.CharField(
        max_length=80,
        required=False,
        help_text="Shown beside your amendments and comments. Leave empty to use your username.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")


class ProfileForm(NameFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "wants_daily_digest")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].error_messages["required"] = EMAIL_REQUIRED
