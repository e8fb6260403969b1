"""The signed link in every notice e-mail that stops them without logging in.

The token names the member and nothing else; it is signed with SECRET_KEY and its own salt, so
it cannot be made for another member or taken from another of the desk's signed values. It does
not expire: an old e-mail's link must still work (RFC 8058 asks for that of one-click links).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User

SALT = "accounts.unsubscribe.notices"


def unsubscribe_token(user: User) -> str:
    """The token that lets whoever holds ``user``'s e-mail stop its notices."""
    return signing.dumps({"u": user.pk}, salt=SALT, compress=True)


def unsubscribe_url(user: User) -> str:
    """The absolute link (from SITE_URL) to stop ``user``'s notice e-mails."""
    path = reverse("accounts:unsubscribe", args=[unsubscribe_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def user_of_token(token: str) -> User | None:
    """The active member a token was made for, or None for a tampered or unknown one."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()
