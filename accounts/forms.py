from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User


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

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address exists already.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email", "wants_daily_digest")
