"""The public list's main part, cached under a Manifesto-wide stamp (selectors.manifesto_stamp)
with the viewer, the clock and the address in its key, is never stale: after each change made
through the real services, the page read again shows it and is the page a cold cache renders;
what depends on the viewer and the clock follows them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amendments import listing
from amendments.services.proposing import support_add
from amendments.services.recommending import recommendation_set, recommendations_publish
from amendments.services.texts import chapter_update
from amendments.views import listing as listing_view
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = reverse("amendments:list")
_MAIN = re.compile(r'<p class="list-summary">.*?(?=<p class="hint">)', re.S)


def _main(client: Client, query: str = "") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    found = _MAIN.search(response.content.decode())
    assert found
    return found.group(0)


def _after(client: Client, query: str, change: Callable[[], object]) -> str:
    """The part read (and so cached) before ``change``, then after it; checked to be what a
    cold cache renders and to differ from before."""
    before = _main(client, query)
    change()
    after = _main(client, query)
    cache.clear()
    assert after == _main(client, query), "the cached part differs from a fresh one"
    assert after != before, "the part did not change"
    return after


@pytest.fixture
def on_three(seed_chapter, member):  # type: ignore[no-untyped-def]
    p3 = body_paragraph(seed_chapter, 3)
    return propose(member, p3, p3.text + " More words here.", title="Longer three")


def test_a_second_read_comes_from_the_cache(on_three, monkeypatch) -> None:
    client = client_for(None)
    first = _main(client)

    def unread(*args: object) -> None:
        raise AssertionError("the list was read again")

    monkeypatch.setattr(listing_view, "amendment_list", unread)
    assert _main(client) == first
    with pytest.raises(AssertionError, match="read again"):
        _main(client, "?sort=support")  # another address: another key


def test_a_new_amendment_shows(seed_chapter, on_three, other_member) -> None:
    p1 = body_paragraph(seed_chapter, 1)
    part = _after(
        client_for(None),
        "",
        lambda: propose(other_member, p1, p1.text + " Newly.", title="Brand new one"),
    )
    assert "Brand new one" in part and "2 amendments" in part


def test_a_new_chapter_title_shows(seed_chapter, on_three, editor) -> None:
    def rename() -> None:
        chapter_update(
            chapter=seed_chapter, editor=editor, changes={"title": "Renamed chapter"}, reason="."
        )

    assert "Renamed chapter" in _after(client_for(None), "", rename)


def test_a_support_moves_the_sort_by_supporters(
    seed_chapter, on_three, member, other_member
) -> None:
    p1 = body_paragraph(seed_chapter, 1)
    second = propose(other_member, p1, p1.text + " Other.", title="Second one")
    client = client_for(None)
    before = _main(client, "?sort=support")
    assert before.index("Longer three") < before.index("Second one")  # oldest first on a tie
    part = _after(client, "?sort=support", lambda: support_add(amendment=second, user=member))
    assert part.index("Second one") < part.index("Longer three")


def test_mine_and_supported_are_each_members_own(
    seed_chapter, on_three, member, other_member
) -> None:
    alice, bob = client_for(member), client_for(other_member)
    assert "Longer three" in _main(alice, "?mine=1")
    assert "Longer three" not in _main(bob, "?mine=1")
    assert "0 amendments" in _main(bob, "?supported=1")
    part = _after(bob, "?supported=1", lambda: support_add(amendment=on_three, user=other_member))
    assert "Longer three" in part
    assert "0 amendments" in _main(alice, "?supported=1")


def test_a_draft_recommendation_shows_to_editors_only_then_to_all_once_published(
    seed_chapter, on_three, editor, other_editor
) -> None:
    visitor = client_for(None)
    shows = "Recommendation: <strong>Reject</strong>"

    def recommend() -> None:
        recommendation_set(amendment=on_three, editor=editor, kind="reject", reason="No.")

    assert shows in _after(client_for(other_editor), "", recommend)
    assert shows not in _main(visitor)
    published = _after(
        visitor, "", lambda: recommendations_publish(chapter=seed_chapter, editor=editor)
    )
    assert shows in published


def test_a_publication_set_for_later_shows_when_its_time_comes(
    seed_chapter, on_three, editor
) -> None:
    recommendation_set(amendment=on_three, editor=editor, kind="reject", reason="No.")
    later = datetime.now(UTC) + timedelta(hours=1)  # well within the cache's timeout
    recommendations_publish(chapter=seed_chapter, editor=editor, at=later)
    visitor = client_for(None)
    assert "Recommendation: <strong>Reject</strong>" not in _main(visitor)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert "Recommendation: <strong>Reject</strong>" in _main(visitor)


def test_pages_and_their_links_follow_the_address(
    seed_chapter, on_three, other_member, monkeypatch
) -> None:
    monkeypatch.setattr(listing, "LIST_PAGE_SIZE", 2)
    for n in (1, 2):
        p = body_paragraph(seed_chapter, n)
        propose(other_member, p, p.text + " Other.", title=f"On {n}")
    client = client_for(None)
    first, second = _main(client, "?status=all"), _main(client, "?status=all&page=2")
    assert "1–2 shown" in first and "3–3 shown" in second
    assert 'href="?status=all&amp;page=2"' in first
    assert 'href="?status=all&amp;page=1"' in second
    cache.clear()
    assert _main(client, "?status=all&page=2") == second
