"""Accounts: creating members, changing roles, redeeming invitations."""

from __future__ import annotations

import logging
import re
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Invitation, NameClaim, NoticeEmail, User
from common import clock
from common.columns import column_length
from textcore.limits import too_long_message
from textcore.oneline import describe_characters, format_characters_in, name_key, name_skeleton
from textcore.words import has_visible_text

logger = logging.getLogger(__name__)

# The limits of what a person types about themselves: their columns' sizes, and a password
# length no person types but a password manager may; the forms use these same numbers.
MAX_USERNAME_CHARS = column_length(User, "username")
MAX_DISPLAY_NAME_CHARS = column_length(User, "display_name")
MAX_EMAIL_CHARS = column_length(User, "email")
MAX_INVITATION_CODE_CHARS = column_length(Invitation, "code")
MAX_PASSWORD_CHARS = 4096
# What the desk writes after an editor's or admin's name; nobody may write it into their own.
# Matched on the name's skeleton, so "( Editor )" and fullwidth brackets are the same.
_CLAIMED_ROLE = re.compile(r"[(\[](editor|admin|administrator)s?[)\]]")


def name_taken_message(name: str) -> str:
    """The refusal for a name that looks like someone else's."""
    return (
        f"The name “{name}” is taken: another person's name or username looks the same "
        "(capitals, spaces, invisible characters and character widths do not count). "
        "Choose another."
    )


def display_name_clean(value: str) -> str:
    """One line, single spaces; a name of only spaces or invisible characters (zero-width
    spaces, direction marks) is no name, so the username shows instead. A name that shows
    something but holds direction controls or invisible characters is refused: they would let
    it pass for another name or turn its surroundings around, and a person should know that
    what they typed is not what others would see."""
    value = " ".join(value.split())
    if not has_visible_text(value):
        return ""
    if hidden := format_characters_in(value):
        raise ValidationError(
            "A name cannot hold direction controls or invisible characters, and this one has "
            f"{describe_characters(hidden)}. Type it again without them (a paste can bring "
            "them in).",
            code="name_hidden_characters",
        )
    if _CLAIMED_ROLE.search(name_skeleton(value)):
        raise ValidationError(
            "A name cannot carry a role such as “(editor)”: the desk shows the role of editors "
            "and admins beside their names itself.",
            code="name_role",
        )
    if len(value) > MAX_DISPLAY_NAME_CHARS:
        raise ValidationError(
            too_long_message("The display name", len(value), MAX_DISPLAY_NAME_CHARS),
            code="name_long",
        )
    return value


def name_is_taken(name: str, *, user: User | None = None) -> bool:
    """True if a user other than ``user`` goes by a name that looks like ``name``."""
    claims = NameClaim.objects.filter(key=name_key(name))
    return claims.exclude(user_id=user.pk).exists() if user is not None else claims.exists()


def _names_claim(user: User) -> None:
    """Make ``user``'s claims their username and display name (and nothing else); refuses a
    name someone else holds. Runs inside the caller's transaction, which a refusal undoes."""
    wanted = {name_key(user.username): "username"}
    if user.display_name:
        wanted.setdefault(name_key(user.display_name), "display_name")
    NameClaim.objects.filter(user=user).exclude(key__in=wanted).delete()
    held = set(NameClaim.objects.filter(user=user).values_list("key", flat=True))
    for key, field in wanted.items():
        if key in held:
            continue
        try:
            with transaction.atomic():
                NameClaim.objects.create(key=key, user=user)
        except IntegrityError:
            name = user.username if field == "username" else user.display_name
            raise ValidationError(
                {field: [ValidationError(name_taken_message(name), code="name_taken")]}
            ) from None


def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    role: str = User.Role.MEMBER,
    validate: bool = True,
) -> User:
    """Create an active user with ``role`` (admins also get Django admin rights); the username
    and display name must not look like anybody else's."""
    if role not in User.Role.values:
        raise ValidationError(f"Unknown role “{role}”.", code="role")
    username = User.normalize_username(username)
    display_name = display_name_clean(display_name)
    for what, value, limit in (
        ("The username", username, MAX_USERNAME_CHARS),
        ("The e-mail address", email, MAX_EMAIL_CHARS),
        ("The display name", display_name, MAX_DISPLAY_NAME_CHARS),
    ):
        if len(value) > limit:
            raise ValidationError(too_long_message(what, len(value), limit), code="too_long")
    User.username_validator(username)
    taken = ValidationError(
        {"username": [ValidationError(name_taken_message(username), code="username_taken")]}
    )
    try:
        with transaction.atomic():
            if User.objects.filter(username__iexact=username).exists() or name_is_taken(username):
                raise taken
            user = User(username=username, email=email.strip(), display_name=display_name)
            if validate:
                validate_password(password, user)
            user.set_password(password)
            _apply_role(user, role)
            user.save()
            _names_claim(user)
    except IntegrityError as error:
        # The same sign-up sent twice at once (a double click): the other one took the name
        # between the check above and this write.
        if User.objects.filter(username__iexact=username).exists():
            raise taken from error
        raise
    return user


def user_update_profile(
    *,
    user: User,
    display_name: str,
    email: str,
    wants_daily_digest: bool,
    notice_email: str | None = None,
    deadline_reminders: bool | None = None,
) -> User:
    """A user changes their display name, e-mail address, digest choice, how they hear of what
    they follow, and whether they are reminded of deadlines (None: unchanged). The address may
    not be cleared (a password reset needs it), and the name must not look like another's."""
    if notice_email is not None and notice_email not in NoticeEmail.values:
        raise ValidationError("Choose one of the e-mail settings offered.", code="notice_email")
    display_name = display_name_clean(display_name)
    email = email.strip()
    if not email:
        raise ValidationError({"email": [ValidationError(EMAIL_REQUIRED, code="email_required")]})
    for field, what, value, limit in (
        ("display_name", "The display name", display_name, MAX_DISPLAY_NAME_CHARS),
        ("email", "The e-mail address", email, MAX_EMAIL_CHARS),
    ):
        if len(value) > limit:
            message = too_long_message(what, len(value), limit)
            raise ValidationError({field: [ValidationError(message, code="too_long")]})
    with transaction.atomic():
        # No row lock: the name claims' unique key settles two changes at once.
        locked = User.objects.get(pk=user.pk)
        locked.display_name = display_name
        locked.email = email
        locked.wants_daily_digest = wants_daily_digest
        locked.notice_email = notice_email or locked.notice_email
        if deadline_reminders is not None:
            locked.deadline_reminders = deadline_reminders
        locked.save(
            update_fields=[
                "display_name",
                "email",
                "wants_daily_digest",
                "notice_email",
                "deadline_reminders",
            ]
        )
        _names_claim(locked)
    return locked


def user_unsubscribe(*, user: User) -> User:
    """Stop every e-mail ``user`` chose to have (the unsubscribe link): notices of what they
    follow, deadline reminders and the editors' daily digest. The notices stay on their
    notifications page, and mail about their account (password resets) is not affected."""
    with transaction.atomic():
        locked = User.objects.get(pk=user.pk)
        locked.notice_email = NoticeEmail.NEVER
        locked.wants_daily_digest = False
        locked.deadline_reminders = False
        locked.save(update_fields=["notice_email", "wants_daily_digest", "deadline_reminders"])
    return locked


def user_names_claim(*, user: User) -> User:
    """Bring ``user``'s name claims in line with their username and display name after another
    path (the Django admin) changed them; refuses a name someone else holds."""
    with transaction.atomic():
        _names_claim(user)
    return user


INVITATION_INVALID = (
    "This invitation code is not valid (unknown, used up or expired). "
    "Ask an admin of the organisation for a new one."
)
EMAIL_REQUIRED = (
    "Give an e-mail address: without one, you could not reset your password if you forget it."
)


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


def invitation_check(*, code: str) -> Invitation:
    """The invitation with ``code``, refusing unknown, used-up or expired codes."""
    invitation = Invitation.objects.filter(code=code.strip()).first()
    if invitation is None or not invitation.is_usable:
        raise ValidationError(INVITATION_INVALID, code="invitation_invalid")
    return invitation


def invitation_redeem(*, code: str) -> Invitation:
    """Use one of an invitation's uses, refusing unknown, used-up or expired codes.

    One conditional UPDATE checks and counts the use, so two sign-ups racing for the last use
    cannot both have it: the second waits for the first's row and then finds it used up.
    """
    usable = Invitation.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=clock.now()),
        code=code.strip(),
        uses__lt=F("max_uses"),
    )
    with transaction.atomic():
        if not usable.update(uses=F("uses") + 1):
            raise ValidationError(INVITATION_INVALID, code="invitation_invalid")
        return Invitation.objects.get(code=code.strip())


def demo_password() -> str:
    """A password for demo accounts that a person can type."""
    return "-".join(secrets.token_hex(3) for _ in range(3))


_SIGNUP_SALT = "accounts.signup"


def signup_request(*, email: str, invitation_code: str = "") -> None:
    """Start a sign-up: mail the address a link to finish it or, if an account uses the address
    already, tell that account's owner someone tried (no second account is made). The caller
    gets the same answer whatever the address, so sign-up cannot tell anyone who has an
    account. The invitation code is checked here and used up when the account is made."""
    email = email.strip()
    code = invitation_code.strip()
    if settings.SIGNUP_REQUIRES_INVITATION or code:
        invitation_check(code=code)
    site = settings.SITE_URL.rstrip("/")
    owner = User.objects.filter(email__iexact=email).order_by("pk").first()
    if owner is None:
        token = signing.dumps({"email": email, "code": code}, salt=_SIGNUP_SALT)
        link = site + reverse("accounts:signup_finish", args=[token])
        _mail(email, "signup_link", {"link": link})
    else:
        reset = site + reverse("accounts:password_reset")
        _mail(owner.email, "signup_taken", {"user": owner, "reset": reset})


def signup_link_read(token: str) -> tuple[str, str] | None:
    """The address and invitation code a sign-up link was sent with, or None if the link is
    not one of ours or is older than a password reset link may be."""
    try:
        payload = signing.loads(token, salt=_SIGNUP_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        return None
    return str(payload["email"]), str(payload["code"])


def _mail(to: str, template: str, context: dict[str, object]) -> None:
    # A mail server failure is logged, not shown: the page must read the same either way.
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("Could not send the %s e-mail", template)


def member_sign_up(
    *, username: str, email: str, password: str, display_name: str, invitation_code: str = ""
) -> User:
    """Create a member account for an address whose sign-up link was followed, using up one
    use of an invitation when sign-up requires one; refuses an address with an account."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=email.strip()).exists():
            raise ValidationError(
                "This address has an account now, perhaps from this very link. Log in, or "
                "choose a new password if you forgot it.",
                code="email_taken",
            )
        if settings.SIGNUP_REQUIRES_INVITATION or invitation_code.strip():
            invitation_redeem(code=invitation_code)
        return user_create(
            username=username,
            password=password,
            email=email,
            display_name=display_name,
            role=User.Role.MEMBER,
        )
