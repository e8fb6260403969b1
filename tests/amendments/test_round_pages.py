"""The round on the pages: the editors' round page, the deadline where members act, and a
proposal sent through the page after the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from amendments.models import Amendment, Decision
from amendments.services.discussion import comment_post
from amendments.services.proposing import support_add
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from manifesto.models import Chapter, Phase
from manifesto.services import chapter_import
from tests.amendments.conftest import propose
from tests.conftest import client_for, make_user

DEADLINE = datetime(2027, 1, 15, 18, 0, tzinfo=UTC)  # Friday, 18:00 in London


def _round(manifesto, editor, **changes) -> None:  # type: ignore[no-untyped-def]
    values = {
        "phase": Phase.OPEN,
        "closes_at": DEADLINE,
        "time_zone": "Europe/London",
        "minimum_supporters": 0,
        "supports_open_in_review": True,
        "comments_open_in_review": True,
        "reason": "",
    }
    values.update(changes)
    manifesto_round_set(manifesto=manifesto, editor=editor, **values)


def _more_chapters(count: int) -> None:
    for number in range(count):
        text = f"Chapter {number}\n\nPublished: May 2021\n\nA paragraph of chapter {number}."
        chapter_import(data=text.encode(), slug=f"chapter-{number}")


def test_the_round_page_is_for_editors(client, seed_chapter, member) -> None:
    url = reverse("amendments:rounds")
    assert client.get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(member).post(url, {"phase": "review"}).status_code == 403
    chapter_url = reverse("amendments:chapter_round", args=[seed_chapter.slug])
    assert client_for(member).post(chapter_url, {"c1-phase": "review"}).status_code == 403
    assert Chapter.objects.get(pk=seed_chapter.pk).phase == ""


def test_the_round_page_reads_a_fixed_number_of_queries(
    seed_chapter, editor, django_assert_num_queries
) -> None:
    _more_chapters(6)
    chapter_round_set(
        chapter=Chapter.objects.get(slug="chapter-1"),
        editor=editor,
        phase=Phase.REVIEW,
        closes_at=None,
        reason="",
    )
    client = client_for(editor)
    # Session and user, the unread notices in the header, the Manifesto, its chapters.
    with django_assert_num_queries(5):
        response = client.get(reverse("amendments:rounds"))
    page = response.content.decode()
    assert page.count('class="round-chapter"') == 7
    assert "(follows the Manifesto)" in page and "Review" in page


def test_an_editor_sets_the_manifestos_deadline_in_its_time_zone(seed_chapter, editor) -> None:
    response = client_for(editor).post(
        reverse("amendments:rounds"),
        {
            "phase": "open",
            "closes_at": "2027-06-30T18:00",
            "time_zone": "Europe/London",
            "minimum_supporters": "0",
            "supports_open_in_review": "on",
            "reason": "Six weeks before congress.",
        },
    )
    assert response.status_code == 302
    seed_chapter.manifesto.refresh_from_db()
    assert seed_chapter.manifesto.closes_at == datetime(2027, 6, 30, 17, 0, tzinfo=UTC)  # BST
    assert seed_chapter.manifesto.comments_open_in_review is False
    decision = Decision.objects.get(action=Decision.Action.MANIFESTO_ROUND_CHANGED)
    assert decision.reason.endswith("Six weeks before congress.")
    assert "Wednesday 30 June 2027, 18:00 (Europe/London)" in decision.reason


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("next Friday", "Type the deadline as a date and time"),
        ("2027-02-30 18:00", "Type the deadline as a date and time"),
        ("2027-01-15 18:00" + "0" * 30, "at most 19 characters"),
        ("9999-12-31T23:59", "between the years 2000 and 2999"),
        ("0001-01-01 00:00", "between the years 2000 and 2999"),
    ],
)
def test_a_refused_chapter_deadline_comes_back_filled(typed, says, seed_chapter, editor) -> None:
    prefix = f"c{seed_chapter.pk}"
    response = client_for(editor).post(
        reverse("amendments:chapter_round", args=[seed_chapter.slug]),
        {f"{prefix}-phase": "open", f"{prefix}-closes_at": typed, f"{prefix}-reason": "Mine."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert f'value="{typed}"' in page and "Mine.</textarea>" in page
    assert not Decision.objects.exists()


def test_a_refused_time_zone_comes_back_filled(seed_chapter, editor) -> None:
    response = client_for(editor).post(
        reverse("amendments:rounds"),
        {"phase": "open", "time_zone": "Mars/Olympus", "minimum_supporters": "2"},
    )
    assert response.status_code == 200
    assert "is not a time zone name such as Europe/London" in response.content.decode()
    assert 'value="Mars/Olympus"' in response.content.decode()
    assert not Decision.objects.exists()


def test_an_editor_gives_a_chapter_its_own_phase(seed_chapter, editor) -> None:
    prefix = f"c{seed_chapter.pk}"
    response = client_for(editor).post(
        reverse("amendments:chapter_round", args=[seed_chapter.slug]),
        {f"{prefix}-phase": "review", f"{prefix}-reason": "Closed early."},
    )
    assert response.status_code == 302
    assert Chapter.objects.get(pk=seed_chapter.pk).phase == "review"
    assert Decision.objects.get(action=Decision.Action.ROUND_CHANGED).reason == (
        "Has its own phase and deadline. Phase: Open for amendments → Review. Closed early."
    )


def test_the_deadline_is_shown_where_members_act(client, seed_chapter, editor, p5) -> None:
    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        _round(seed_chapter.manifesto, editor)
        note = "Amendments close on Friday 15 January 2027, 18:00 (in 3 days)."
        propose_url = reverse("amendments:propose", args=[seed_chapter.slug, p5.key])
        assert note in client.get(reverse("manifesto:index")).content.decode()
        chapter_page = client.get(seed_chapter.get_absolute_url()).content.decode()
        assert note in chapter_page and propose_url in chapter_page
        assert note in client_for(editor).get(propose_url).content.decode()
    with time_machine.travel(DEADLINE - timedelta(hours=5), tick=False):
        assert "(in 5 hours)" in client.get(seed_chapter.get_absolute_url()).content.decode()
    with time_machine.travel(DEADLINE + timedelta(days=2), tick=False):
        chapter_page = client.get(seed_chapter.get_absolute_url()).content.decode()
        assert "Amendments closed on Friday 15 January 2027, 18:00 (2 days ago)." in chapter_page
        # The cached text no longer offers "Propose a change".
        assert propose_url not in chapter_page
        assert "Amendments closed" in client.get(p5.get_absolute_url()).content.decode()


def test_the_propose_page_says_why_it_is_closed_and_refuses_the_proposal(
    seed_chapter, editor, member, p5
) -> None:
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        _round(seed_chapter.manifesto, editor)
    url = reverse("amendments:propose", args=[seed_chapter.slug, p5.key])
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        client = client_for(member)  # logged in then: a session made today would be too old
        page = client.get(url).content.decode()
        assert "closed on Friday 15 January 2027, 18:00: the deadline has passed." in page
        response = client.post(
            url,
            {
                "kind": "replace",
                "title": "Too late",
                "text": p5.text + " More.",
                "reason": "Because.",
                "seen_version": p5.history.first().history_id,
            },
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "the deadline has passed" in page and 'value="Too late"' in page
    assert not Amendment.objects.exists()
    chapter_round_set(
        chapter=seed_chapter, editor=editor, phase=Phase.REVIEW, closes_at=None, reason=""
    )
    assert "is in its review phase" in client_for(member).get(url).content.decode()


def test_the_author_sees_how_many_more_supporters_it_needs(
    seed_chapter, editor, member, other_member, p5
) -> None:
    _round(seed_chapter.manifesto, editor, closes_at=None, minimum_supporters=3)
    amendment = propose(member, p5)
    support_add(amendment=amendment, user=other_member)
    page = client_for(member).get(amendment.get_absolute_url()).content.decode()
    assert "It needs 2 more supporters before it enters the editors' review queue." in page
    mine = client_for(member).get(reverse("amendments:mine")).content.decode()
    assert "needs 2 more supporters" in mine and "Collecting support" in mine
    queue = client_for(editor).get(reverse("amendments:queue")).content.decode()
    assert f'id="pick-{amendment.pk}"' not in queue
    support_add(amendment=amendment, user=make_user("third"))
    support_add(amendment=amendment, user=make_user("fourth"))
    queue = client_for(editor).get(reverse("amendments:queue")).content.decode()
    assert f'id="pick-{amendment.pk}"' in queue


def test_closed_supports_and_discussion_are_said_not_offered(
    seed_chapter, editor, member, other_member, p5
) -> None:
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        _round(seed_chapter.manifesto, editor)
        amendment = propose(member, p5)
        client = client_for(other_member)
        page = client.get(amendment.get_absolute_url()).content.decode()
        support_url = reverse("amendments:support", args=[amendment.pk])
        assert support_url in page and "Add a comment" in page
    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        _round(
            seed_chapter.manifesto,
            editor,
            supports_open_in_review=False,
            comments_open_in_review=False,
        )
        client = client_for(other_member)
        page = client.get(amendment.get_absolute_url()).content.decode()
        assert support_url not in page and "Add a comment" not in page
        assert "Supports are closed: the deadline passed on Friday 15 January 2027, 18:00." in page
        assert "The discussion is closed: the deadline passed on" in page
        paragraph_page = client.get(p5.get_absolute_url()).content.decode()
        assert "The discussion is closed" in paragraph_page
        refused = client.post(support_url, follow=True).content.decode()
        assert "can no longer be supported" in refused


def test_a_closed_discussion_offers_no_reply_but_leaves_authors_and_editors_their_links(
    seed_chapter, editor, member, other_member, p5
) -> None:
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        _round(seed_chapter.manifesto, editor)
        amendment = propose(member, p5)
        comment = comment_post(author=other_member, body="A first thought.", amendment=amendment)
        page = client_for(member).get(amendment.get_absolute_url()).content.decode()
        assert f'id="reply-{comment.pk}"' in page
    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        _round(seed_chapter.manifesto, editor, phase=Phase.REVIEW, comments_open_in_review=False)
        url = amendment.get_absolute_url()
        for reader in (member, other_member, editor):
            assert f'id="reply-{comment.pk}"' not in client_for(reader).get(url).content.decode()
        assert "Post reply" not in client_for(member).get(url).content.decode()
        change_url = reverse("amendments:comment_change", args=[comment.pk])
        assert change_url in client_for(other_member).get(url).content.decode()
        hide_url = reverse("amendments:comment_hide", args=[comment.pk])
        assert hide_url in client_for(editor).get(url).content.decode()
        assert "comment__actions" not in client_for(member).get(url).content.decode()


def test_the_edit_page_says_a_pending_amendment_cannot_be_edited_after_the_deadline(
    seed_chapter, editor, member, p5
) -> None:
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        _round(seed_chapter.manifesto, editor)
        amendment = propose(member, p5)
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        client = client_for(member)
        url = reverse("amendments:edit", args=[amendment.pk])
        assert "can be edited after that only when it is in conflict" in (
            client.get(url).content.decode()
        )
        response = client.post(
            url,
            {
                "title": "Changed after",
                "text": p5.text + " Later words.",
                "reason": "Too late.",
                "seen_version": amendment.base_version_id,
            },
        )
    assert response.status_code == 200
    assert 'value="Changed after"' in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).title == "A change"
