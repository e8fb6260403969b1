"""The review queue shows each amendment's change in place, from the word diff stored with it
by every writer (proposing, the author's edit, carrying forward, conflicts, an editor's edit,
a revised draft), in a query count that does not grow with the page."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from amendments.models import Amendment
from amendments.services.deciding import amendment_accept
from amendments.services.paragraphs import paragraph_edit
from amendments.services.proposing import amendment_edit
from amendments.services.revising import chapter_revise
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_revised_draft import _docx, _draft, _live
from tests.conftest import client_for, make_user
from textcore import diff
from textcore.chapter_text import Block
from textcore.diff import diff_html

pytestmark = pytest.mark.django_db


def _queue(user) -> str:  # type: ignore[no-untyped-def]
    return client_for(user).get(reverse("amendments:queue") + "?status=all").content.decode()


def _row(page: str, amendment: Amendment) -> str:
    match = re.search(rf'<li class="queue-item[^"]*" id="queue-{amendment.pk}".*?</li>', page, re.S)
    assert match, f"#{amendment.pk} is not in the queue"
    return match.group(0)


def _shows_its_change(page: str, amendment: Amendment) -> bool:
    """The queue row shows the diff of the amendment's current base and proposed texts."""
    amendment.refresh_from_db()
    expected = diff_html(amendment.base_text, amendment.proposed_text)
    return expected in _row(page, amendment)


def test_the_queue_shows_each_change_from_its_stored_diff(member, editor, p5) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    row = _row(_queue(editor), amendment)
    assert '<del><span class="vh">[deleted: </span>myriad' in row
    assert '<ins><span class="vh">[inserted: </span>multitude' in row
    # Shown from what is stored, not diffed again: change the stored ops and the page follows.
    # Saved with its history row, as every writer does (the queue's page stamp reads it).
    amendment.diff_ops = [[0, "Stored "], [1, "only"]]
    amendment.save()
    row = _row(_queue(editor), amendment)
    assert 'Stored <ins><span class="vh">[inserted: </span>only' in row
    assert "multitude" not in row.split('data-testid="queue-diff"')[1]


def test_the_stored_diff_is_escaped(member, editor, p5) -> None:
    amendment = propose(member, p5, p5.text + " <script>alert(1)</script> & more.")
    row = _row(_queue(editor), amendment)
    assert "<script>alert(1)" not in row
    assert html.escape("<script>alert(1)</script>") in row


def test_proposing_stores_the_diff_of_each_kind(member, editor, p5) -> None:
    changed = propose(member, p5, p5.text.replace("myriad", "multitude"), title="Changed")
    deleted = propose(member, p5, "", kind="delete", title="Deleted")
    added = propose(member, p5, "A paragraph of its own.", kind="insert", title="Added")
    page = _queue(editor)
    for amendment in (changed, deleted, added):
        assert amendment.diff_ops == diff.stored_ops(amendment.base_text, amendment.proposed_text)
        assert _shows_its_change(page, amendment)
    assert "[inserted: </span>A paragraph of its own." in _row(page, added)
    assert "[deleted: </span>" in _row(page, deleted)


def test_the_authors_edit_stores_the_new_diff(member, editor, p5) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    edited = amendment_edit(
        amendment=amendment,
        user=member,
        title="Edited",
        text=p5.text.replace("myriad", "host"),
        reason="Better.",
    )
    row = _row(_queue(editor), edited)
    assert _shows_its_change(_queue(editor), edited)
    assert "host" in row and "multitude" not in row


def test_carrying_forward_stores_the_diff_against_the_new_text(
    member, other_member, editor, p5
) -> None:
    first = propose(member, p5, p5.text.replace("myriad", "multitude"))
    second = propose(other_member, p5, "In 1917, " + p5.text)
    amendment_accept(amendment=first, editor=editor)
    second.refresh_from_db()
    assert second.was_carried_forward and "multitude" in second.base_text
    page = _queue(editor)
    assert _shows_its_change(page, second)
    # Against today's text: "multitude" is now part of the unchanged words, not a change.
    assert "[inserted: </span>multitude" not in _row(page, second)


def test_a_conflict_keeps_the_diff_of_the_change_as_it_stood(
    member, other_member, editor, p5
) -> None:
    first = propose(member, p5, p5.text.replace("myriad", "multitude"))
    clash = propose(other_member, p5, p5.text.replace("myriad", "host"))
    amendment_accept(amendment=first, editor=editor)
    clash.refresh_from_db()
    assert clash.status == Amendment.Status.CONFLICT
    page = _queue(editor)
    row = _row(page, clash)
    assert _shows_its_change(page, clash) and "In conflict" in row


def test_an_editors_edit_of_the_paragraph_carries_the_diff(member, editor, p5) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text)
    paragraph_edit(
        paragraph=p5, editor=editor, text=p5.text.replace("myriad", "multitude"), reason="Typo."
    )
    amendment.refresh_from_db()
    assert amendment.was_carried_forward
    assert _shows_its_change(_queue(editor), amendment)


def test_a_revised_draft_carries_the_diff(seed_chapter, member, editor) -> None:
    paragraph = body_paragraph(seed_chapter, 5)
    amendment = propose(member, paragraph, paragraph.text.rstrip() + " The member's sentence.")
    blocks = [
        Block(
            p.kind,  # type: ignore[arg-type]
            p.text.replace("myriad", "multitude") if p.pk == paragraph.pk else p.text,
            p.footnote_number,
        )
        for p in _live(seed_chapter)
    ]
    chapter_revise(chapter=seed_chapter, editor=editor, data=_docx(_draft(seed_chapter, blocks)))
    amendment.refresh_from_db()
    assert amendment.was_carried_forward and "multitude" in amendment.base_text
    page = _queue(editor)
    assert _shows_its_change(page, amendment)
    assert "[inserted: </span>multitude" not in _row(page, amendment)


def _many(seed_chapter, count: int) -> list[Amendment]:  # type: ignore[no-untyped-def]
    authors = [make_user(f"many{i}") for i in range(4)]
    amendments = []
    for i in range(count):
        paragraph = body_paragraph(seed_chapter, 2 + i % 12)
        text = paragraph.text.rstrip() + f" Added sentence {i}."
        amendments.append(propose(authors[i % 4], paragraph, text, title=f"No {i}"))
    return amendments


@pytest.mark.parametrize("count", [5, 40])
def test_the_queue_with_diffs_costs_the_same_for_5_or_40(
    editor, seed_chapter, count, django_assert_num_queries
) -> None:
    _many(seed_chapter, count)
    client = client_for(editor)
    # session, user, the page's stamp, manifesto, paragraphs in order, their amendments'
    # outline, the page's rows (with their stored diffs), chapters, ¶ numbers, words, pending,
    # unread notices
    with django_assert_num_queries(12):
        page = client.get(reverse("amendments:queue")).content.decode()
    # From the cache: session, user, the page's stamp, unread notices.
    with django_assert_num_queries(4):
        again = client.get(reverse("amendments:queue")).content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", again) == token.sub("", page)
    assert page.count('data-testid="queue-diff"') == count
    assert page.count("[inserted: </span>") == count
