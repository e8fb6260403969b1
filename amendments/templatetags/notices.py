"""The site header's count of unread notices."""

from __future__ import annotations

from typing import Any

from django import template

from amendments.selectors import unread_notices

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    """Unread notices of the signed-in member, counted once per request (one query)."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notices"):
        request._unread_notices = unread_notices(user)
    return int(request._unread_notices)
