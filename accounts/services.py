"""Accounts: creating members, changing roles, redeeming invitations."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Invitation, User
from textcore.limits import too_long_message
from textcore.words import has_visible_text

# The limits of what a person types about themselves: their columns' sizes, and a password
# length no person types but a password manager may; the forms use these same numbers.
MAX_USERNAME_CHARS: int = User._meta.get_field("username").max_length  # type: ignore[assignment]
MAX_DISPLAY_NAME_CHARS: int = User._meta.get_field("display_name").max_length  # type: ignore[assignment]
MAX_EMAIL_CHARS: int = User._meta.get_field("email").max_length  # type: ignore[assignment]
MAX_INVITATION_CODE_CHARS: int = Invitation._meta.get_field("code").max_length  # type: ignore[assignment]
MAX_PASSWORD_CHARS = 4096


def display_name_clean(value: str) -> str:
    """One line, single spaces; a name of only spaces or invisible characters (zero-width
    spaces, direction marks) is no name, so the username shows instead."""
    value = " ".join(value.split())
    return value if has_visible_text(value) else ""


def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    role: str = User.Role.MEMBER,
    validate: bool = True,
) -> User:
    """Create an active user with ``role`` (admins also get Django admin rights)."""
    if role not in User.Role.values:
        raise ValidationError(f"Unknown role “{role}”.", code="role")
    display_name = display_name_clean(display_name)
    for what, value, limit in (
        ("The username", username, MAX_USERNAME_CHARS),
        ("The e-mail address", email, MAX_EMAIL_CHARS),
        ("The display name", display_name, MAX_DISPLAY_NAME_CHARS),
    ):
        if len(value) > limit:
            raise ValidationError(too_long_message(what, len(value), limit), code="too_long")
    taken = ValidationError(f"The username “{username}” is taken.", code="username_taken")
    if User.objects.filter(username__iexact=username).exists():
        raise taken
    user = User(username=username, email=email, display_name=display_name)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    _apply_role(user, role)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # The same sign-up sent twice at once (a double click): the other one took the name
        # between the check above and this write.
        if User.objects.filter(username__iexact=username).exists():
            raise taken from error
        raise
    return user


def user_set_role(*, user: User, role: str) -> User:
    """Give ``user`` a role; admins get staff and superuser rights, others lose them."""
    if role not in User.Role.values:
        raise ValidationError(f"Unknown role “{role}”.", code="role")
    _apply_role(user, role)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


def _apply_role(user: User, role: str) -> None:
    user.role = role
    user.is_staff = role == User.Role.ADMIN
    user.is_superuser = role == User.Role.ADMIN


def invitation_redeem(*, code: str) -> Invitation:
    """Use one of an invitation's uses, refusing unknown, used-up or expired codes.

    One conditional UPDATE checks and counts the use, so two sign-ups racing for the last use
    cannot both have it: the second waits for the first's row and then finds it used up.
    """
    usable = Invitation.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        code=code.strip(),
        uses__lt=F("max_uses"),
    )
    with transaction.atomic():
        if not usable.update(uses=F("uses") + 1):
            raise ValidationError(
                "This invitation code is not valid (unknown, used up or expired). "
                "Ask an admin of the organisation for a new one.",
                code="invitation_invalid",
            )
        return Invitation.objects.get(code=code.strip())


def demo_password() -> str:
    """A password for demo accounts that a person can type."""
    return "-".join(secrets.token_hex(3) for _ in range(3))


def member_sign_up(
    *, username: str, email: str, password: str, display_name: str, invitation_code: str = ""
) -> User:
    """Create a member account, using up one use of an invitation when sign-up requires one."""
    from django.conf import settings

    with transaction.atomic():
        if settings.SIGNUP_REQUIRES_INVITATION or invitation_code.strip():
            invitation_redeem(code=invitation_code)
        return user_create(
            username=username,
            password=password,
            email=email,
            display_name=display_name,
            role=User.Role.MEMBER,
        )
