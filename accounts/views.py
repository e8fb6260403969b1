from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.auth import signed_in
from accounts.forms import (
    DeskPasswordResetForm,
    LoginForm,
    ProfileForm,
    SignupFinishForm,
    SignupForm,
)
from accounts.limits import rate_limit
from accounts.models import User
from accounts.services import (
    member_sign_up,
    signup_link_read,
    signup_request,
    user_unsubscribe,
    user_update_profile,
)
from accounts.unsubscribe import user_of_token
from textcore.oneline import end_sentence


@method_decorator(rate_limit("login", "10/m", key="ip"), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if self.request.POST.get(self.redirect_field_name) and not self.get_redirect_url():
            # Django will not send anyone to another site after logging in; say so.
            messages.warning(self.request, UNSAFE_NEXT)
        return response


UNSAFE_NEXT = (
    "The page to return to after logging in was not one of the desk's, so you are on the "
    "Manifesto's first page instead."
)


@method_decorator(rate_limit("password-reset", "5/h", key="ip"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = DeskPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # The link starts with SITE_URL, like every e-mail's, not with the request's Host.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
@rate_limit("signup", "5/h", key="ip")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("manifesto:index")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup_request(
                email=form.cleaned_data["email"],
                invitation_code=form.cleaned_data["invitation_code"],
            )
        except ValidationError as error:
            form.add_error("invitation_code", error)
        else:
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_finish(request: HttpRequest, token: str) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("manifesto:index")
    link = signup_link_read(token)
    if link is None:
        return render(request, "accounts/message.html", SIGNUP_LINK_BROKEN)
    email, invitation_code = link
    if User.objects.filter(email__iexact=email).exists():
        # Whoever holds the link holds the mailbox: telling them is no leak.
        return render(request, "accounts/message.html", SIGNUP_LINK_USED)
    form = SignupFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = member_sign_up(
                username=form.cleaned_data["username"],
                email=email,
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                invitation_code=invitation_code,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, welcome_message(user))
            return redirect("manifesto:index")
    return render(request, "accounts/signup_finish.html", {"form": form, "email": email})


SIGNUP_LINK_BROKEN = {
    "title": "This link does not work",
    "text": "The link to finish signing up is broken or more than three days old. Sign up "
    "again to get a new one.",
}


SIGNUP_LINK_USED = {
    "title": "This address has an account",
    "text": "This address has an account now, perhaps from this very link. Log in, or choose "
    "a new password if you forgot it.",
}


def welcome_message(user: User) -> str:
    """The greeting after sign-up, with the name isolated and one full stop after it."""
    name = user.public_name
    return format_html(
        "Welcome, <bdi>{}</bdi>{} You can now propose amendments.", name, end_sentence(name)
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # A copy: the form writes what was typed into its instance, and a refused name must not
    # show in the page's header as if it had been saved.
    user = signed_in(request)
    form = ProfileForm(request.POST or None, instance=copy.copy(user))
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(
                user=user,
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                wants_daily_digest=form.cleaned_data["wants_daily_digest"],
                notice_email=form.cleaned_data["notice_email"] or None,
                deadline_reminders=form.cleaned_data["deadline_reminders"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


BAD_UNSUBSCRIBE_LINK = (
    "This link is not one the desk made, or it was cut short. Copy the whole link from the "
    "e-mail, or log in and choose the e-mails you want in your profile."
)


# The link's token is what proves who asks, not a session: mail programs send the one-click
# POST of RFC 8058 without a CSRF token, and all it can do is stop the e-mails of the member
# the token was signed for.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    member = user_of_token(token)
    if member is None:
        context = {"title": "This link does not work", "text": BAD_UNSUBSCRIBE_LINK}
        return render(request, "accounts/message.html", context, status=404)
    if request.method == "POST":
        user_unsubscribe(user=member)
        return render(request, "accounts/unsubscribed.html", {"member": member})
    return render(request, "accounts/unsubscribe.html", {"member": member, "token": token})
