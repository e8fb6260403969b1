"""Deleting the paragraph that cites a note orphans the note: the editors are warned before, and
afterwards every output treats the note the same way and the history says what happened.

¶ 18 of the seed chapter is the only one citing note 1 ("…would be fatal.” 1"). Before, the
decision panel and the queue said nothing, the page listed the note with no back link, DOCX
put it under "Notes without a reference", Markdown printed a bare "1\\." after the notes, the
plain text kept "1." and the history did not mention it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from lxml import etree

from amendments.ledger import chapter_ledger
from amendments.services.deciding import amendment_accept
from amendments.services.limits import manifesto_set_limit
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WARNING = "Note 1 will lose its only reference in the text."
MARK = "(not referenced in the text)"
NOTE_1 = "Full quote: “Of course, in our Soviet Republic"


@pytest.fixture
def p18(seed_chapter):  # type: ignore[no-untyped-def]
    paragraph = body_paragraph(seed_chapter, 18)
    assert paragraph.text.rstrip().endswith("would be fatal.”\u00a01")
    return paragraph


@pytest.fixture
def deleted_p18(p18, member, editor):  # type: ignore[no-untyped-def]
    amendment = propose(member, p18, "", kind="delete", title="Cut the quote")
    amendment_accept(amendment=amendment, editor=editor)
    return amendment


def _page(user, url: str, **query: str) -> str:  # type: ignore[no-untyped-def]
    response = client_for(user).get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def _export(**query: str) -> bytes:
    response = client_for(None).get(reverse("manifesto:export"), query)
    assert response.status_code == 200, response
    return response.content


def test_the_decision_panel_did_not_warn_that_a_note_loses_its_only_reference(
    p18, member, editor
) -> None:
    deletion = propose(member, p18, "", kind="delete", title="Cut the quote")
    cut = p18.text.strip().replace("would be fatal.”\u00a01", "would be fatal.”")
    replacement = propose(member, p18, cut, title="No note")
    harmless = propose(member, p18, p18.text.strip().replace("In addition", "Also"))
    for amendment in (deletion, replacement):
        assert WARNING in _page(editor, amendment.get_absolute_url())
    assert WARNING not in _page(editor, harmless.get_absolute_url())
    # Note 2 is cited by ¶ 19 and ¶ 35: deleting one of them orphans nothing.
    p19 = body_paragraph(p18.chapter, 19)
    other = propose(member, p19, "", kind="delete")
    assert "will lose" not in _page(editor, other.get_absolute_url())
    from amendments.selectors import notes_losing_references

    assert notes_losing_references([deletion, replacement, harmless, other]).keys() == {
        deletion.pk,
        replacement.pk,
    }


def test_the_review_queue_did_not_warn_that_a_note_loses_its_only_reference(
    p18, member, editor
) -> None:
    deletion = propose(member, p18, "", kind="delete", title="Cut the quote")
    propose(member, body_paragraph(p18.chapter, 5), title="Elsewhere")
    page = _page(editor, reverse("amendments:queue"))
    assert page.count(WARNING) == 1
    row = page[page.index(f'id="pick-{deletion.pk}"') :]
    assert row.index(WARNING) < row.index("</li>")


def test_the_queue_reads_other_paragraphs_only_for_a_change_that_removes_a_marker(
    p18, member, editor, django_assert_num_queries
) -> None:
    for number in range(1, 8):
        paragraph = body_paragraph(p18.chapter, number)
        propose(member, paragraph, paragraph.text.strip() + " More.")
    client = client_for(editor)
    # session, user, the page's stamp, manifesto, paragraphs in order, their amendments'
    # outline, the page's rows, chapters, ¶ numbers, words, pending, and the header's unread
    # notices
    with django_assert_num_queries(12):
        client.get(reverse("amendments:queue"))
    for number in range(3):
        propose(make_user(f"cutter{number}"), p18, "", kind="delete")
    # ... and the chapter's notes and the paragraphs that mention their numbers, once
    with django_assert_num_queries(13):
        assert client.get(reverse("amendments:queue")).content.decode().count(WARNING) == 3


def test_the_chapter_page_listed_the_orphaned_note_as_any_other(deleted_p18, seed_chapter) -> None:
    page = _page(None, seed_chapter.get_absolute_url())
    item = page[page.index('<li id="fn-1"') :]
    item = item[: item.index("</li>")]
    assert NOTE_1 in item and MARK in item
    assert "footnote__back" not in item
    assert 'href="#fn-1"' not in page  # no reference links to it any more


def test_every_export_shows_the_orphaned_note_the_same_way(deleted_p18, seed_chapter) -> None:
    slug = seed_chapter.slug
    page = _export(chapter=slug, format="html").decode()
    item = page[page.index(f'value="1" dir="auto">{NOTE_1}') :]
    assert item.index(MARK) < item.index("</li>") and 'href="#fnref-1"' not in page

    markdown = _export(chapter=slug, format="md").decode()
    assert "\n## Notes not referenced in the text\n" in markdown
    assert f"\n1\\. {NOTE_1}" in markdown and markdown.rstrip().endswith(MARK)
    assert "[^1]" not in markdown

    text = _export(chapter=slug, format="txt").decode()
    line = next(line for line in text.split("\n") if line.startswith("1. "))
    assert line.startswith(f"1. {NOTE_1}") and line.endswith(MARK)

    data = _export(chapter=slug, format="docx")
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[-2] == "Notes not referenced in the text"
    assert paragraphs[-1].startswith(f"1. {NOTE_1}") and paragraphs[-1].endswith(MARK)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    texts = ["".join(n.itertext()) for n in notes.iter(f"{W}footnote")]
    assert len(texts) == 2 + 7 and not any(NOTE_1 in t for t in texts)


def test_the_tracked_docx_shows_the_reference_deleted_and_the_listing_inserted(
    deleted_p18, seed_chapter
) -> None:
    data = _export(chapter=seed_chapter.slug, format="tracked-docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    deleted = [
        r for r in body.iter(f"{W}footnoteReference") if r.getparent().getparent().tag == f"{W}del"
    ]
    assert len(deleted) == 1
    assert deleted[0].getparent().getparent().get(f"{W}author") == "Alice Member"
    listing = next(p for p in body.iter(f"{W}p") if "".join(p.itertext()).startswith("1. Full"))
    inserted = listing.find(f"{W}pPr/{W}rPr/{W}ins")
    assert inserted is not None and inserted.get(f"{W}author") == "Alice Member"
    assert "".join(listing.itertext()).endswith(MARK)


def test_the_history_did_not_record_that_the_note_lost_its_reference(
    deleted_p18, p18, seed_chapter
) -> None:
    history = _page(None, reverse("manifesto:history", args=[seed_chapter.slug, p18.key]))
    assert history.count("Note 1 lost its last reference in the text.") == 1
    compare = _page(None, reverse("manifesto:compare", args=[seed_chapter.slug]))
    assert 'data-testid="notes-lost">Note 1 lost its last reference in the text.' in compare
    note = seed_chapter.paragraphs.get(kind="footnote", footnote_number=1)
    block = compare[compare.index(f'id="p{note.key}"') :]
    assert block.index("not referenced in the text") < block.index("</div>")


def test_the_guard_and_the_ledger_still_count_the_orphaned_note_as_a_note(
    p18, member, editor, seed_chapter
) -> None:
    note = seed_chapter.paragraphs.get(kind="footnote", footnote_number=1)
    before = chapter_ledger(seed_chapter).words
    amendment_accept(amendment=propose(member, p18, "", kind="delete"), editor=editor)
    # Footnotes do not count unless the Manifesto says so: only ¶ 18's words go.
    assert chapter_ledger(seed_chapter).words == before - p18.word_count
    manifesto_set_limit(
        manifesto=seed_chapter.manifesto,
        editor=editor,
        word_limit=None,
        count_footnotes=True,
        reason="Count the notes.",
    )
    seed_chapter.manifesto.refresh_from_db()
    counted = chapter_ledger(seed_chapter).words
    # An orphaned note is still a note: counted with the others when notes count.
    assert counted == before - p18.word_count + sum(
        n.word_count for n in seed_chapter.paragraphs.filter(kind="footnote", is_deleted=False)
    )
    assert note.word_count > 0
    compare = _page(None, reverse("manifesto:compare", args=[seed_chapter.slug]))
    assert f"→ {counted} words" in compare
