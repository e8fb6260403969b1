"""Helpers for the tests of following and notices: many followers made in two inserts."""

from __future__ import annotations

from accounts.models import User
from amendments.models import Follow
from manifesto.models import Chapter, Paragraph


def many_followers(
    count: int, *, prefix: str = "f", **thing: Chapter | Paragraph | object
) -> list[User]:
    """``count`` members who follow ``thing`` (chapter=…, paragraph= or amendment=)."""
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org", password="!")
            for i in range(count)
        ]
    )
    Follow.objects.bulk_create([Follow(user=user, **thing) for user in users])  # type: ignore[misc]
    return users
