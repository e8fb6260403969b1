"""The search's cached snippets (amendments/search.py ``_snippets``) are never stale: after
each change to a text a result is cut from, made through the services, the page read again
shows the new text marked, and is the very page an empty cache gives."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse

from amendments.services.deciding import amendment_accept
from amendments.services.discussion import comment_edit, comment_post
from amendments.services.proposing import amendment_edit
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("amendments:search")


def _snippets(query: str, kind: str) -> list[str]:
    response = client_for(None).get(SEARCH, {"q": query, "kind": kind})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'class="search-hit__snippet" dir="auto">(.*?)</p>', html, re.DOTALL)


def _after(query: str, kind: str, change: Callable[[], object]) -> str:
    """The snippets read (and so cached) before ``change``, then after it; checked to be
    what an empty cache gives."""
    before = _snippets(query, kind)
    change()
    after = _snippets(query, kind)
    cache.clear()
    assert after == _snippets(query, kind), "the cached snippets differ from fresh ones"
    assert after != before, "the snippets did not change"
    return "\n".join(after)


def test_an_edited_comment_shows_its_new_words(member, p5) -> None:
    comment = comment_post(author=member, body="Bread for the peasants first.", paragraph=p5)
    shown = _after(
        "peasants",
        "comments",
        lambda: comment_edit(comment=comment, user=member, body="Bread and land for all peasants."),
    )
    assert "land for all <mark>peasants</mark>" in shown


def test_an_edited_reason_shows(seed_chapter, member) -> None:
    p3 = body_paragraph(seed_chapter, 3)
    amendment = propose(member, p3, p3.text + " More.", title="Three", reason="For the peasants.")

    def edit() -> None:
        amendment_edit(
            amendment=amendment,
            user=member,
            title="Three",
            text=p3.text + " More.",
            reason="For the peasants & workers.",
        )

    shown = _after("peasants", "amendments", edit)
    assert "<mark>peasants</mark> &amp; workers." in shown


def test_a_paragraph_changed_by_an_accepted_amendment_shows_its_new_text(
    seed_chapter, member, editor
) -> None:
    # The changes keep the texts' beginnings: a snippet is keyed on the whole text.
    p4 = body_paragraph(seed_chapter, 4)
    accepted = propose(member, p4, "Zanzibarians once. " + p4.text, title="Once")
    amendment_accept(amendment=accepted, editor=editor)
    p4.refresh_from_db()
    again = propose(member, p4, p4.text + " Zanzibarians twice.", title="Twice")
    shown = _after("zanzibarians", "text", lambda: amendment_accept(amendment=again, editor=editor))
    assert shown.count("<mark>Zanzibarians</mark>") == 2


def _form(params: dict[str, str]) -> str:
    html = client_for(None).get(SEARCH, params).content.decode()
    found = re.search(
        r'<form method="get" action="[^"]*" class="search-form".*?</form>', html, re.S
    )
    assert found
    return found.group(0)


def test_the_cached_search_form_shows_what_was_asked_and_the_chapters_as_they_are(
    seed_chapter,
) -> None:
    # The form is kept in the cache (amendments/views/search.py _form_stamp): each thing it
    # shows is in its key.
    plain = _form({"q": "soviets"})
    assert 'value="soviets"' in plain and '<option value="" selected>Every chapter' in plain
    chosen = _form({"q": "bread", "chapter": seed_chapter.slug, "kind": "comments"})
    assert 'value="bread"' in chosen
    assert f'<option value="{seed_chapter.slug}" selected>' in chosen
    assert '<option value="comments" selected>' in chosen
    seed_chapter.title = "A <renamed> chapter"
    seed_chapter.save()  # as the Django admin renames it
    renamed = _form({"q": "soviets"})
    assert "A &lt;renamed&gt; chapter" in renamed
    cache.clear()
    assert renamed == _form({"q": "soviets"}), "the cached form differs from a fresh one"
    refused = _form({"q": "soviets", "chapter": "no-such-chapter"})
    assert 'aria-invalid="true"' in refused and 'value="soviets"' in refused
