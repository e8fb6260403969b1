from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from accounts.forms import DeskPasswordResetForm, LoginForm, ProfileForm, SignupForm
from accounts.limits import rate_limit
from accounts.services import member_sign_up


@method_decorator(rate_limit("login", "10/m", key="ip"), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
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

    def form_valid(self, form):  # type: ignore[no-untyped-def]
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
            user = member_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                invitation_code=form.cleaned_data.get("invitation_code", ""),
            )
        except ValidationError as error:
            form.add_error("invitation_code" if error.code == "invitation_invalid" else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome, {user.public_name}. You can now propose amendments."
            )
            return redirect("manifesto:index")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
