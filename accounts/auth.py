"""Who is asking: the signed-in member behind a request, typed as the desk's User."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


def signed_in(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required or the admin (typed as our User)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
