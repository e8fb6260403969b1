from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from accounts.limits import login_failure_record, login_failures_clear, login_lock_remaining
from accounts.models import User
from accounts.services import display_name_clean


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


class SignupForm(UserCreationForm):
    """Sign-up for members; the invitation code is required when the organisation says so."""

    display_name = forms.CharField(
        max_length=80,
        required=False,
        help_text="Shown beside your amendments and comments. Leave empty to use your username.",
    )
    email = forms.EmailField(help_text="Used for password resets and news of your amendments.")
    invitation_code = forms.CharField(
        max_length=40,
        required=False,
        help_text="The code an admin of the organisation gave you.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["invitation_code"].required = settings.SIGNUP_REQUIRES_INVITATION

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address exists already.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "wants_daily_digest")

    def clean_display_name(self) -> str:
        return display_name_clean(self.cleaned_data["display_name"])
