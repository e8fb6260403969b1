"""The Manifesto index and the chapter page, as any visitor sees them."""

from __future__ import annotations

import html5lib
import pytest
from django.urls import reverse

from manifesto.models import Paragraph
from manifesto.services import chapter_import
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.django_db


def _parse(response) -> object:
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def test_index_lists_the_chapter_with_its_words_and_status(client, seed_chapter) -> None:
    response = client.get(reverse("manifesto:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Socialism and the Soviet Union" in page
    assert "5193 of 5452 words" in page
    assert "Open for amendments" in page


def test_chapter_page_shows_every_paragraph_heading_and_note(client, seed_chapter) -> None:
    response = client.get(seed_chapter.get_absolute_url())
    assert response.status_code == 200
    assert "<span>5193 words</span>" in response.content.decode()
    doc = _parse(response)
    assert len(doc.findall(".//h1")) == 1
    body = [div for div in doc.iter("div") if div.get("class", "").split() == ["block"]]
    assert len(body) == 73
    # The ¶ label links to the paragraph; its reference lines are said to screen readers.
    numbers = ["".join(div.find("p/a").itertext()) for div in body]
    assert numbers[0] == "Paragraph ¶\u00a01, lines 1–3"
    assert numbers[-1].startswith("Paragraph ¶\u00a073, lines ")
    headings = [h for h in doc.iter("h2") if "section-heading" in h.get("class", "")]
    assert len(headings) == 13
    notes = doc.findall(".//li[@class='footnote']")
    assert [n.get("id") for n in notes] == [f"fn-{i}" for i in range(1, 9)]


def test_footnote_references_link_to_their_notes_and_back(client, seed_chapter) -> None:
    doc = _parse(client.get(seed_chapter.get_absolute_url()))
    refs = [a for a in doc.iter("a") if (a.get("id") or "").startswith("fnref-")]
    assert len(refs) == 9
    ids = {a.get("id") for a in refs}
    assert len(ids) == 9  # note 2 is referenced twice; both references get their own id
    back = [a for a in doc.iter("a") if "footnote__back" in (a.get("class") or "")]
    assert {a.get("href")[1:] for a in back} == ids
    assert {a.get("href") for a in refs} == {f"#fn-{i}" for i in range(1, 9)}


def test_paragraph_anchors_are_stable_keys(client, seed_chapter) -> None:
    page = client.get(seed_chapter.get_absolute_url()).content.decode()
    # ¶ 1 is the chapter's first block (key 1); keys, not visible numbers, make the anchors.
    assert 'id="p1"' in page and 'id="p94"' not in page  # key 94 is the last footnote


def test_text_is_escaped(client, seed_chapter) -> None:
    paragraph = seed_chapter.paragraphs.get(key=1)
    paragraph.text = "<script>alert('x')</script> & more"
    paragraph.save()
    page = client.get(seed_chapter.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page


def test_unknown_chapter_is_404(client, db) -> None:
    assert client.get(reverse("manifesto:chapter", args=["nope"])).status_code == 404


def test_chapter_page_queries_do_not_grow_with_the_chapter(
    client, db, django_assert_num_queries
) -> None:
    short = chapter_import(data=b"Short\n\nOne paragraph.\n\nAnother.", slug="short")
    long = chapter_import(data=SEED_TEXT.read_bytes(), slug="long")
    # chapter, text stamp with the milestones for the export form, paragraphs, open
    # amendments per paragraph, words now, pending projection
    with django_assert_num_queries(6):
        client.get(short.get_absolute_url())
    with django_assert_num_queries(6):
        client.get(long.get_absolute_url())
    # Again: the text and ledger come from the cached fragment: chapter, stamp (milestones).
    with django_assert_num_queries(2):
        client.get(long.get_absolute_url())
    assert Paragraph.objects.filter(chapter=long).count() == 94


def test_index_queries_do_not_grow_with_chapters(client, db, django_assert_num_queries) -> None:
    for index in range(5):
        chapter_import(data=SEED_TEXT.read_bytes(), slug=f"copy-{index}")
    # manifesto, chapters with counts, words per chapter, pending per chapter, milestones
    with django_assert_num_queries(5):
        assert client.get(reverse("manifesto:index")).status_code == 200
