"""PostgreSQL's search ranks only the newest matches of each kind (amendments.search.RANKED,
more on deeper pages): a common word matches thousands of rows, and ranking reads each one's
vector. What is left out of the ranking is the oldest matches, never visible rows crowded out
by ones nobody may see."""

from __future__ import annotations

import pytest
from django.db import connection

from amendments import search
from amendments.search import PER_KIND, search_run
from amendments.services.discussion import comment_hide, comment_post

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the bound is PostgreSQL's full-text search's"
    ),
]


def _bodies(kind_results: search.SearchResults) -> list[str]:
    return [hit.comment.body for hit in kind_results.kinds[0].hits]


def test_only_the_newest_matches_are_ranked_on_the_first_page(member, p5, monkeypatch) -> None:
    monkeypatch.setattr(search, "RANKED", 1)
    comment_post(author=member, body="Soviets, soviets, soviets: all soviets.", paragraph=p5)
    for i in range(PER_KIND + 1):
        comment_post(author=member, body=f"Soviets number {i}.", paragraph=p5)
    first = search_run(query="soviets", kind="")
    comments = next(k for k in first.kinds if k.kind == search.COMMENTS)
    # The best match is the oldest: outside the newest PER_KIND + 1 ranked for this page.
    assert len(comments.hits) == PER_KIND and comments.more
    assert all("number" in hit.comment.body for hit in comments.hits)
    # A kind's own page ranks at least as many as it shows and one more: the best comes first.
    own = search_run(query="soviets", kind=search.COMMENTS)
    assert _bodies(own)[0].startswith("Soviets, soviets")


def test_hidden_comments_do_not_crowd_out_visible_ones(member, editor, p5, monkeypatch) -> None:
    monkeypatch.setattr(search, "RANKED", 1)
    comment_post(author=member, body="Soviets, the visible one.", paragraph=p5)
    for i in range(PER_KIND + 2):
        hidden = comment_post(author=member, body=f"Soviets hidden {i}.", paragraph=p5)
        comment_hide(comment=hidden, editor=editor, reason="Off topic.")
    results = search_run(query="soviets", kind="")
    comments = next(k for k in results.kinds if k.kind == search.COMMENTS)
    assert [hit.comment.body for hit in comments.hits] == ["Soviets, the visible one."]


def test_the_bound_keeps_every_match_when_there_are_few(member, other_member, p5) -> None:
    for i in range(3):
        comment_post(author=other_member, body=f"Soviets again {i}.", paragraph=p5)
    results = search_run(query="soviets", kind=search.COMMENTS)
    assert len(results.kinds[0].hits) == 3 and not results.kinds[0].more
