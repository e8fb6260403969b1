"""¶ labels have one definition, the reference numbering (textcore.reference, stored by
manifesto.reference): after accepted insertions and deletions, the chapter page, the exports,
the history, the compare page, the changes report and the tracked changes give every paragraph
the same label: a new one after ¶ 2 is ¶ 2a, a deleted ¶ 5 leaves a gap."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from amendments.history import chapter_compare
from amendments.reports import changes_report, tracked_chapters
from amendments.services.deciding import amendment_accept
from manifesto.exports import NOW, PUBLISHED, TEXT_FORMATS, export_document, render
from manifesto.models import Paragraph
from manifesto.selectors import body_numbers
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

NEW_BODY = "A paragraph the congress added, in words of its own."


@pytest.fixture
def reshaped_chapter(seed_chapter, member, editor):
    """The seed chapter after an insertion after ¶ 2, the deletion of ¶ 5, a new heading after
    ¶ 7 and a change to ¶ 9, all accepted."""
    p2, p5, p7, p9 = (body_paragraph(seed_chapter, n) for n in (2, 5, 7, 9))
    amendments = [
        propose(member, p2, NEW_BODY, kind="insert", title="Add a paragraph"),
        propose(member, p5, "", kind="delete", title="Cut ¶ 5"),
        propose(member, p7, "A new section", kind="insert", insert_kind="heading"),
        propose(member, p9, title="Change ¶ 9"),
    ]
    for amendment in amendments:
        amendment_accept(amendment=amendment, editor=editor)
    seed_chapter.refresh_from_db()
    return seed_chapter, amendments


def _expected(chapter) -> dict[int, str]:
    """¶ labels of the live body paragraphs by paragraph key, from the database selector."""
    by_pk = body_numbers([chapter])
    rows = chapter.paragraphs.filter(is_deleted=False).values_list("pk", "key")
    return {key: by_pk[pk] for pk, key in rows if pk in by_pk}


def test_every_output_gives_each_paragraph_the_same_label(reshaped_chapter):
    chapter, amendments = reshaped_chapter
    expected = _expected(chapter)
    inserted = chapter.paragraphs.get(text=NEW_BODY)
    deleted = amendments[1].paragraph
    assert expected[inserted.key] == "2a"  # new after ¶ 2
    assert deleted.key not in expected
    assert body_numbers([chapter])[deleted.pk] == "5"  # a gap: no other paragraph takes it
    assert expected[amendments[3].paragraph.key] == "9"
    assert len(expected) == chapter.paragraphs.filter(kind="body", is_deleted=False).count()

    # The chapter page.
    page = client_for(None).get(chapter.get_absolute_url()).content.decode()
    shown = {
        int(key): label
        for key, label in re.findall(
            r'<div class="block" id="p(\d+)">\s*<p class="block__label"><a class="block__number"'
            r'[^>]*><span class="vh">Paragraph </span>¶&nbsp;(\w+)',
            page,
        )
    }
    assert shown == expected

    # The exports: the document every renderer draws from, and the HTML's order.
    document = export_document(chapter.manifesto, [chapter], NOW)
    exported = {
        int(block.anchor[1:]): block.label
        for block in document.chapters[0].blocks
        if block.kind == "body"
    }
    assert exported == expected
    html = render(document, TEXT_FORMATS["html"]).decode()
    in_html = [int(key) for key in re.findall(r'id="p(\d+)"', html)]
    reading_order = list(
        chapter.paragraphs.filter(is_deleted=False, kind="body")
        .order_by("position")
        .values_list("key", flat=True)
    )
    assert [key for key in in_html if key in expected] == reading_order

    # The history and the compare page.
    comparison = chapter_compare(chapter, since=PUBLISHED, until=NOW)
    assert {k: v for k, v in comparison.numbers.items() if k in expected} == expected
    compare_page = client_for(None).get(reverse("manifesto:compare", args=[chapter.slug]))
    linked = {
        int(key): label
        for key, label in re.findall(
            r'/p/(\d+)/history/">¶ (\w+)</a>', compare_page.content.decode()
        )
    }
    assert {k: v for k, v in linked.items() if k in expected} == expected
    for key in (inserted.key, amendments[3].paragraph.key, max(expected)):
        history = client_for(None).get(reverse("manifesto:history", args=[chapter.slug, key]))
        assert f"History of ¶ {expected[key]}" in history.content.decode()

    # The changes report and the tracked changes.
    report = changes_report(chapter.manifesto, [chapter], PUBLISHED, NOW)
    labels = {entry.amendment_number: entry.paragraph_label for entry in report.entries}
    assert labels[amendments[3].pk].startswith("¶ 9, line")
    assert labels[amendments[0].pk].startswith("after ¶ 2, line")
    assert labels[amendments[1].pk].startswith("¶ 5, lines")
    (tracked,) = tracked_chapters([chapter], PUBLISHED, NOW)
    live = [block for block in tracked.blocks if block.kind == "body" and block.status != "deleted"]
    texts = {p.key: p.text for p in chapter.paragraphs.filter(kind=Paragraph.Kind.BODY)}
    assert [block.after_text for block in live] == [texts[key] for key in reading_order]
