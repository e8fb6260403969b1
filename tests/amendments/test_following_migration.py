"""The migration that adds following: members already follow what they took part in."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from amendments.models import Follow
from amendments.services.discussion import comment_post
from amendments.services.following import follow_set
from amendments.services.proposing import support_add
from tests.amendments.conftest import propose

pytestmark = pytest.mark.django_db
MIGRATION = import_module("amendments.migrations.0017_following")


def test_authors_supporters_and_commenters_follow_after_the_migration(
    member, other_member, editor, admin_user, p5
) -> None:
    amendment = propose(member, p5)
    support_add(amendment=amendment, user=other_member)
    comment_post(author=editor, body="Hm.", amendment=amendment)
    comment_post(author=admin_user, body="On the text.", paragraph=p5)
    comment_post(author=admin_user, body="Again.", paragraph=p5)
    Follow.objects.all().delete()  # as before the migration, when nobody followed anything
    follow_set(user=member, thing=p5.chapter, active=True)  # one row that must stay

    MIGRATION._follow_what_members_took_part_in(apps, None)
    MIGRATION._follow_what_members_took_part_in(apps, None)  # run twice: nothing doubles

    rows = set(Follow.objects.values_list("user__username", "amendment_id", "paragraph_id"))
    assert rows == {
        ("alice", amendment.pk, None),
        ("bob", amendment.pk, None),
        ("erin", amendment.pk, None),
        ("ada", None, p5.pk),
        ("alice", None, None),  # the chapter
    }
