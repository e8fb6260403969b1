"""The chapter page's table of contents (jump links to its sections) and, beside each
paragraph, its open amendments and comments, shown at once after every change although the
text is a cached fragment."""

from __future__ import annotations

import re

import pytest

from amendments.services.discussion import comment_delete, comment_hide, comment_post
from manifesto.models import Paragraph
from manifesto.services import chapter_import
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.django_db


def _page(client, chapter) -> str:  # type: ignore[no-untyped-def]
    return client.get(chapter.get_absolute_url()).content.decode()


def test_contents_link_every_section_heading_in_order(client, seed_chapter) -> None:
    page = _page(client, seed_chapter)
    headings = list(
        seed_chapter.paragraphs.filter(kind=Paragraph.Kind.HEADING, is_deleted=False).order_by(
            "position"
        )
    )
    assert len(headings) > 3
    fold = page[page.index('class="contents__fold"') : page.index('class="contents__side"')]
    links = re.findall(r'<a href="#(p\d+)">', fold)
    assert links == [heading.anchor for heading in headings]
    for heading in headings:
        assert f'id="{heading.anchor}"' in page  # every link has its target
    assert "War Communism" in fold
    # The same list for wide screens; the fold is a <details>, usable without JavaScript.
    side = page[page.index('class="contents__side"') :]
    assert re.findall(r'<a href="#(p\d+)">', side)[: len(links)] == links
    assert '<details class="contents__fold">' in page and "<summary>Contents" in fold


def test_a_chapter_without_headings_has_no_contents(client, db) -> None:
    chapter = chapter_import(data=b"Short\n\nOne paragraph.\n\nAnother.", slug="short")
    assert "contents__fold" not in _page(client, chapter)


def test_counts_beside_each_paragraph_show_at_once(client, member, editor, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    talk = f'href="{p5.get_absolute_url()}#discussion">'
    assert talk not in _page(client, seed_chapter)
    first = comment_post(author=member, body="Well put.", paragraph=p5)
    assert f"{talk}1 comment<" in _page(client, seed_chapter)
    second = comment_post(author=editor, body="Agreed.", paragraph=p5, parent=first)
    propose(member, p5, p5.text.replace("myriad", "multitude"))
    page = _page(client, seed_chapter)
    assert f"{talk}2 comments<" in page
    assert f'href="{p5.get_absolute_url()}#amendments">1 amendment<' in page
    # Hidden and deleted comments are not counted.
    comment_hide(comment=second, editor=editor, reason="Off topic.")
    assert f"{talk}1 comment<" in _page(client, seed_chapter)
    comment_delete(comment=first, user=member)
    assert talk not in _page(client, seed_chapter)


def test_counts_cost_no_more_queries_with_more_comments(
    client, member, db, django_assert_num_queries
) -> None:
    chapter = chapter_import(data=SEED_TEXT.read_bytes(), slug="long")
    for number in range(1, 30):
        comment_post(author=member, body=f"On {number}.", paragraph=body_paragraph(chapter, number))
    # chapter, text stamp with the milestones for the export form, paragraphs, open amendments
    # and comments per paragraph, words now, pending projection
    with django_assert_num_queries(6):
        page = _page(client, chapter)
    assert page.count("1 comment<") == 29
    with django_assert_num_queries(2):
        _page(client, chapter)
