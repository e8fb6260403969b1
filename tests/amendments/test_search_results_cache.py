"""The search's results part, cached under the Manifesto-wide stamp (selectors.manifesto_stamp,
with the comments' history) and the search itself (words, kind, chapter, page), is never
stale: after each change made through the real services, the page read again shows it and is
the page a cold cache renders."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.services import user_set_role, user_update_profile
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.proposing import amendment_withdraw
from amendments.services.texts import chapter_update
from amendments.views import search as search_view
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("amendments:search")


def _results(params: dict[str, str]) -> str:
    response = client_for(None).get(SEARCH, params)
    assert response.status_code == 200
    page = response.content.decode()
    found = page[page.index("<h1>Search</h1>") :]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", found)


def _after(params: dict[str, str], change: Callable[[], object]) -> str:
    before = _results(params)
    change()
    after = _results(params)
    cache.clear()
    assert after == _results(params), "the cached results differ from fresh ones"
    assert after != before, "the results did not change"
    return after


@pytest.fixture
def on_three(seed_chapter, member):  # type: ignore[no-untyped-def]
    p3 = body_paragraph(seed_chapter, 3)
    return propose(member, p3, p3.text + " Zeppelins.", title="Zeppelins", reason="Zeppelins.")


def test_a_second_search_comes_from_the_cache(on_three, monkeypatch) -> None:
    first = _results({"q": "zeppelins"})
    assert f"#{on_three.pk}" in first

    def unsearched(**kwargs: object) -> None:
        raise AssertionError("searched again")

    monkeypatch.setattr(search_view, "search_run", unsearched)
    assert _results({"q": "zeppelins"}) == first
    with pytest.raises(AssertionError, match="searched again"):
        _results({"q": "zeppelins", "kind": "amendments"})  # another search: another key


def test_a_comment_posted_then_hidden_shows_then_goes(on_three, other_member, editor) -> None:
    params = {"q": "zeppelins", "kind": "comments"}
    comment = None

    def post() -> None:
        nonlocal comment
        comment = comment_post(author=other_member, body="Zeppelins again.", amendment=on_three)

    assert "Comment by" in _after(params, post)
    assert comment is not None
    hidden = _after(params, lambda: comment_hide(comment=comment, editor=editor, reason="No."))
    assert "Comment by" not in hidden


def test_a_withdrawn_amendment_leaves_the_results(on_three, member) -> None:
    part = _after({"q": "zeppelins"}, lambda: amendment_withdraw(amendment=on_three, user=member))
    assert f"#{on_three.pk}" not in part


def test_a_new_chapter_title_shows(seed_chapter, on_three, editor) -> None:
    def rename() -> None:
        chapter_update(
            chapter=seed_chapter, editor=editor, changes={"title": "Renamed chapter"}, reason="."
        )

    assert "Renamed chapter" in _after({"q": "zeppelins"}, rename)


def test_a_commenters_new_name_and_role_show(on_three, other_member) -> None:
    comment_post(author=other_member, body="Zeppelins again.", amendment=on_three)
    params = {"q": "zeppelins", "kind": "comments"}

    def rename() -> None:
        user_update_profile(
            user=other_member,
            display_name="Bob Renamed",
            email=other_member.email,
            wants_daily_digest=False,
        )

    assert "Bob Renamed" in _after(params, rename)
    assert "(editor)" in _after(params, lambda: user_set_role(user=other_member, role="editor"))
