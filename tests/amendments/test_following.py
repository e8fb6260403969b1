"""Following: automatic when taking part, by choice from the pages, and an unfollowing that
taking part does not undo."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from amendments.models import Follow
from amendments.services.discussion import comment_post
from amendments.services.following import follow_set
from amendments.services.proposing import support_add
from tests.amendments.conftest import propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _follows(user, **thing) -> list[bool]:  # type: ignore[no-untyped-def]
    return list(Follow.objects.filter(user=user, **thing).values_list("active", flat=True))


def test_proposing_supporting_and_commenting_follow_what_one_took_part_in(
    member, other_member, editor, p5
) -> None:
    amendment = propose(member, p5)
    support_add(amendment=amendment, user=other_member)
    comment_post(author=editor, body="Why?", amendment=amendment)
    comment_post(author=editor, body="On the paragraph.", paragraph=p5)
    assert _follows(member, amendment=amendment) == [True]
    assert _follows(other_member, amendment=amendment) == [True]
    assert _follows(editor, amendment=amendment) == [True]
    assert _follows(editor, paragraph=p5) == [True]
    assert _follows(member, paragraph=p5) == []


def test_an_unfollowing_stays_when_one_takes_part_again(member, other_member, p5) -> None:
    amendment = propose(member, p5)
    support_add(amendment=amendment, user=other_member)
    follow_set(user=other_member, thing=amendment, active=False)
    comment_post(author=other_member, body="Still here.", amendment=amendment)
    assert _follows(other_member, amendment=amendment) == [False]
    follow_set(user=other_member, thing=amendment, active=True)
    assert _follows(other_member, amendment=amendment) == [True]


def test_one_row_per_member_and_thing_and_exactly_one_thing(member, p5) -> None:
    follow_set(user=member, thing=p5.chapter, active=True)
    follow_set(user=member, thing=p5.chapter, active=True)
    assert Follow.objects.filter(user=member).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member, chapter=p5.chapter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member, chapter=p5.chapter, paragraph=p5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member)


@pytest.mark.parametrize("what", ["chapter", "paragraph", "amendment"])
def test_the_buttons_follow_and_unfollow_and_come_back_to_the_page(
    what, member, other_member, p5
) -> None:
    amendment = propose(other_member, p5)
    things = {
        "chapter": (p5.chapter, reverse("amendments:follow_chapter", args=[p5.chapter.slug])),
        "paragraph": (
            p5,
            reverse("amendments:follow_paragraph", args=[p5.chapter.slug, p5.key]),
        ),
        "amendment": (amendment, reverse("amendments:follow_amendment", args=[amendment.pk])),
    }
    thing, url = things[what]
    client = client_for(member)
    page = client.get(thing.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page and f"Follow this {what}</button>" in page
    response = client.post(url, {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == thing.get_absolute_url()
    assert _follows(member, **{what: thing}) == [True]
    page = client.get(thing.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and f"Following this {what}" in page
    client.post(url, {"follow": "0"})
    assert _follows(member, **{what: thing}) == [False]


def test_following_needs_a_member_a_post_and_the_csrf_token(member, p5) -> None:
    url = reverse("amendments:follow_chapter", args=[p5.chapter.slug])
    anonymous = Client().post(url, {"follow": "1"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(member).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(url, {"follow": "1"}).status_code == 403
    assert not Follow.objects.exists()
    missing = reverse("amendments:follow_amendment", args=[999999])
    assert client_for(member).post(missing, {"follow": "1"}).status_code == 404
    page = Client().get(p5.chapter.get_absolute_url()).content.decode()
    assert "Follow this chapter" not in page
