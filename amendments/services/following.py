"""Following chapters, paragraphs and amendments, by choice or by taking part."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from amendments.models import Amendment, Follow
from manifesto.models import Chapter, Paragraph

Followable = Chapter | Paragraph | Amendment


def _target(thing: Followable) -> dict[str, Followable]:
    if isinstance(thing, Chapter):
        return {"chapter": thing}
    if isinstance(thing, Paragraph):
        return {"paragraph": thing}
    return {"amendment": thing}


def follow_set(*, user: User, thing: Followable, active: bool) -> Follow:
    """Follow (``active``) or unfollow a chapter, paragraph or amendment. An unfollowing is kept,
    so that taking part later (a comment, a support) does not follow it again by itself."""
    target = _target(thing)
    try:
        with transaction.atomic():
            follow, created = Follow.objects.get_or_create(
                user=user, **target, defaults={"active": active}
            )
    except IntegrityError:
        # The same button pressed twice at once: the other request made the row.
        follow, created = Follow.objects.get(user=user, **target), False
    if not created and follow.active != active:
        follow.active = active
        follow.save(update_fields=["active"])
    return follow


def follow_on_taking_part(*, user: User, thing: Followable) -> None:
    """Follow what ``user`` proposed, supported or commented on, unless they unfollowed it
    before (one insert that leaves an existing row, followed or not, as it is). Called inside
    the service's transaction."""
    Follow.objects.bulk_create([Follow(user=user, **_target(thing))], ignore_conflicts=True)
