"""Line numbers and the reference numbering on the reading pages: the chapter page's lines,
gaps and new paragraphs, "Go to line", the paragraph and history pages' citations, the compare
page's labels, and a cached page that renumbers when the reference moves."""

from __future__ import annotations

import re

import html5lib
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from amendments.selectors import chapter_page_stamp
from amendments.services.deciding import amendment_accept
from amendments.services.milestones import milestone_mark
from amendments.services.texts import chapter_update, line_numbering_update, reference_set
from manifesto.models import Chapter, Paragraph
from manifesto.services import chapter_import
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import SEED_TEXT, client_for

pytestmark = pytest.mark.django_db

SEED_LINES = 450  # the seed chapter at 80 characters a line
NEW_BODY = "A paragraph the congress added, in words of its own."
OTHER_BODY = "Another paragraph the congress added after it."


def _parse(response):  # type: ignore[no-untyped-def]
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def _text(element) -> str:  # type: ignore[no-untyped-def]
    return "".join(element.itertext())


def _line_ids(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        span.get("id")
        for span in doc.iter("span")
        if "line" in (span.get("class") or "").split() and span.get("id")
    ]


def _blocks(doc) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Body paragraphs on the page by their ¶ label."""
    found = {}
    for div in doc.iter("div"):
        if (div.get("class") or "").split() == ["block"]:
            label = _text(div.find("p/a"))
            found[re.search(r"¶\u00a0(\w+)", label).group(1)] = div  # type: ignore[union-attr]
    return found


def _lines_of(div) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.get("id") or "" for s in div.iter("span") if "line" in (s.get("class") or "").split()]


def test_the_seed_chapter_has_lines_1_to_450_in_order(client, seed_chapter) -> None:
    doc = _parse(client.get(seed_chapter.get_absolute_url()))
    assert _line_ids(doc) == [f"L{n}" for n in range(1, SEED_LINES + 1)]
    numbers = [s for s in doc.iter("span") if s.get("class") == "line__no"]
    assert len(numbers) == SEED_LINES
    assert all(n.get("aria-hidden") == "true" for n in numbers)
    marked = [
        s.get("id") for s in doc.iter("span") if "line--marked" in (s.get("class") or "").split()
    ]
    assert marked == [f"L{n}" for n in range(5, SEED_LINES + 1, 5)]


def test_each_paragraph_tells_screen_readers_its_lines(client, seed_chapter) -> None:
    doc = _parse(client.get(seed_chapter.get_absolute_url()))
    blocks = _blocks(doc)
    assert len(blocks) == 73
    for label, div in blocks.items():
        lines = _lines_of(div)
        hidden = div.find("p/a/span[2]")
        first, last = lines[0][1:], lines[-1][1:]
        span = f"line {first}" if first == last else f"lines {first}–{last}"
        assert hidden.get("class") == "vh" and _text(hidden) == f", {span}", label
    # A heading says its line after it, outside the heading's own name.
    heading = next(d for d in doc.iter("div") if "block--heading" in (d.get("class") or ""))
    assert _text(heading.find("span")) == "(line 21)"
    assert "line" not in _text(heading.find("h2")).replace("Problems", "")


def test_the_lines_read_as_the_text_and_footnote_links_survive(client, seed_chapter) -> None:
    doc = _parse(client.get(seed_chapter.get_absolute_url()))
    by_key = {d.get("id"): d for d in doc.iter("div") if d.get("id")}
    for paragraph in seed_chapter.paragraphs.filter(kind="body"):
        text = by_key[paragraph.anchor].find("p[2]")
        shown = "".join(
            "".join(part.itertext())
            for line in text
            for part in line
            if part.get("class") == "line__text"
        )
        # Every character once, in order (a footnote marker shows as its number alone).
        assert "".join(shown.split()) == "".join(paragraph.text.split()), paragraph.key
        # Each line but the last ends in the space before the next: the text reads on.
        texts = [t for t in text.iter("span") if t.get("class") == "line__text"]
        assert all(_text(t).endswith(" ") for t in texts[:-1])
        assert not _text(texts[-1]).endswith(" ")
    refs = [a for a in doc.iter("a") if (a.get("id") or "").startswith("fnref-")]
    assert len(refs) == 9 and len({a.get("id") for a in refs}) == 9


def test_go_to_a_line_redirects_to_its_anchor(client, seed_chapter) -> None:
    url = seed_chapter.get_absolute_url()
    for typed, anchor in (("123", "L123"), (" 7 ", "L7"), ("١٢", "L12"), ("450", "L450")):
        response = client.get(url, {"line": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"{url}#{anchor}"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12x", "Type a line number"),
        ("-5", "Type a line number"),
        ("", "Type a line number"),
        ("1e3", "Type a line number"),
        ("9" * 40, "Type a line number"),
        ("0", "There is no line 0 in this chapter: its lines are numbered 1 to 450."),
        ("451", "There is no line 451"),
        ("99999999999999999999", "There is no line 99999999999999999999"),
    ],
)
def test_go_to_a_line_that_is_not_there_says_why(client, seed_chapter, typed, says) -> None:
    url = seed_chapter.get_absolute_url()
    response = client.get(url, {"line": typed})
    assert response.status_code == 302
    assert response["Location"] == url  # the page itself: no ?line=, so no loop
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1 and said[0].startswith(says)
    page = client.get(url)
    assert page.status_code == 200


def test_go_to_a_line_with_a_nul_is_refused_not_an_error(client, seed_chapter) -> None:
    response = client.get(seed_chapter.get_absolute_url(), {"line": "12\x00"})
    assert response.status_code == 400  # the desk refuses NUL in any request


def test_a_chapter_without_lines_says_so(client, db) -> None:
    chapter = chapter_import(data=b"Short\n\nOne paragraph.", slug="short")
    Paragraph.objects.filter(chapter=chapter).update(in_reference=False, ref_first_line=None)
    response = client.get(chapter.get_absolute_url(), {"line": "1"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This chapter has no numbered lines yet."
    ]


@pytest.fixture
def reshaped(seed_chapter, member, editor) -> Chapter:
    """The seed chapter after the deletion of ¶ 2 and two insertions after ¶ 4, accepted."""
    p2, p4 = body_paragraph(seed_chapter, 2), body_paragraph(seed_chapter, 4)
    second = propose(member, p4, OTHER_BODY, kind="insert", title="Add another")
    for amendment in (
        propose(member, p2, "", kind="delete", title="Cut ¶ 2"),
        propose(member, p4, NEW_BODY, kind="insert", title="Add a paragraph"),
    ):
        amendment_accept(amendment=amendment, editor=editor)
    amendment_accept(amendment=second, editor=editor)
    return seed_chapter


def _reference_lines(chapter: Chapter) -> dict[int, list[str]]:
    return {
        p.pk: [f"L{n}" for n in range(p.ref_first_line, p.ref_first_line + p.ref_line_count)]
        for p in chapter.paragraphs.filter(is_deleted=False, in_reference=True)
        if p.ref_first_line is not None
    }


def test_a_deleted_paragraph_leaves_a_gap_and_the_others_keep_their_numbers(
    client, reshaped, member
) -> None:
    doc = _parse(client.get(reshaped.get_absolute_url()))
    gaps = [p for p in doc.iter("p") if p.get("class") == "gap"]
    assert [(g.get("id"), _text(g)) for g in gaps] == [
        ("L4", "¶\u00a02 (lines 4–10) deleted since As published")
    ]
    blocks = _blocks(doc)
    assert "2" not in blocks
    assert list(blocks)[:6] == ["1", "3", "4", "4a", "4b", "5"]
    for label in ("3", "5", "11"):
        paragraph = reshaped.paragraphs.get(key=int(blocks[label].get("id")[1:]))
        assert _lines_of(blocks[label]) == _reference_lines(reshaped)[paragraph.pk]
    # The gap sits in the text where ¶ 2 was.
    flow = [
        e.get("id") or e.get("class")
        for e in doc.find(".//div[@class='chapter__text']")
        if e.tag in ("div", "p")
    ]
    assert flow.index("L4") == flow.index("p1") + 1
    # Lines run on unchanged after it: every reference line but the deleted ones has its id.
    assert _line_ids(doc) == [f"L{n}" for n in range(1, SEED_LINES + 1) if not 4 <= n <= 10]


def test_inserted_paragraphs_are_new_after_their_neighbour(client, reshaped) -> None:
    doc = _parse(client.get(reshaped.get_absolute_url()))
    blocks = _blocks(doc)
    # The insertion accepted last is nearest to ¶ 4.
    for label, text in (("4a", OTHER_BODY), ("4b", NEW_BODY)):
        div = blocks[label]
        assert _text(div.find("p/a")) == f"Paragraph ¶\u00a0{label}"  # no lines to cite
        assert _text(div.find("p/span")) == "new since As published"
        assert _lines_of(div) == [""]  # a line with no number and no id
        assert text in _text(div)


def test_go_to_a_deleted_line_leads_to_the_gap(client, reshaped) -> None:
    url = reshaped.get_absolute_url()
    response = client.get(url, {"line": "6"})
    assert response["Location"] == f"{url}#L4"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Line 6 was in ¶ 2, deleted since As published."
    ]


def test_go_to_a_line_of_a_changed_paragraph(client, seed_chapter, member, editor) -> None:
    p9 = body_paragraph(seed_chapter, 9)
    first, last = p9.ref_first_line, p9.ref_first_line + p9.ref_line_count - 1
    # Twelve words fewer: the paragraph is a line shorter, and no line begins in its last
    # reference line any more.
    amendment_accept(amendment=propose(member, p9, p9.text.split(" ", 12)[-1]), editor=editor)
    url = seed_chapter.get_absolute_url()
    shown = _lines_of(_blocks(_parse(client.get(url)))["9"])
    assert shown == [f"L{n}" for n in range(first, last)]
    # The last line that begins before it holds its text now.
    assert client.get(url, {"line": str(last)})["Location"] == f"{url}#L{last - 1}"
    assert client.get(url, {"line": str(first)})["Location"] == f"{url}#L{first}"


def test_the_paragraph_and_history_pages_cite_the_paragraph(client, seed_chapter) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    span = f"lines {p5.ref_first_line}–{p5.ref_first_line + p5.ref_line_count - 1}"
    for name in ("manifesto:paragraph", "manifesto:history"):
        response = client.get(reverse(name, args=[seed_chapter.slug, p5.key]))
        page = response.content.decode()
        doc = _parse(response)
        assert f"¶ 5, {span}" in _text(doc.find(".//h1"))
        assert f"p{p5.key}" not in _text(doc.find(".//h1"))
        assert "id p" not in page
        assert f"¶ 5, {span}" in _text(doc.find(".//title"))
        note = next(p for p in doc.iter("p") if "reference-note" in (p.get("class") or ""))
        assert _text(note) == "¶ and line numbers as in As published."
    doc = _parse(client.get(p5.get_absolute_url()))
    quoted = doc.find(".//blockquote")
    assert _lines_of(quoted) == [
        f"L{n}" for n in range(p5.ref_first_line, p5.ref_first_line + p5.ref_line_count)
    ]


def test_a_heading_and_a_new_paragraph_on_their_pages(client, reshaped) -> None:
    heading = reshaped.paragraphs.filter(kind="heading").order_by("position").first()
    assert heading is not None
    doc = _parse(client.get(heading.get_absolute_url()))
    assert _text(doc.find(".//h1")).startswith("The heading, line 21 ")
    new = reshaped.paragraphs.get(text=NEW_BODY)
    response = client.get(reverse("manifesto:history", args=[reshaped.slug, new.key]))
    doc = _parse(response)
    assert _text(doc.find(".//h1")).startswith("History of ¶ 4b ")
    assert "new since As published" in _text(doc.find(".//main"))


def test_compare_uses_the_labels_of_the_chapter_page(client, reshaped) -> None:
    page = client.get(reverse("manifesto:compare", args=[reshaped.slug])).content.decode()
    linked = re.findall(r'/p/\d+/history/">¶ (\w+)</a>', page)
    assert linked[:6] == ["1", "2", "3", "4", "4a", "4b"]  # ¶ 2 shown deleted, with its number
    assert linked[-1] == "73"
    # Each paragraph with reference lines cites them, the deleted one too.
    cited = re.findall(r'/p/\d+/history/">¶ (\w+)</a>(, lines \d+–\d+)?', page)
    assert cited[1] == ("2", ", lines 4–10")
    assert cited[4] == ("4a", "")  # new: no reference lines
    assert "The heading</a>" not in page and "Heading</a>, line 21" in page


def test_the_cached_page_renumbers_when_the_reference_moves(
    client, reshaped, editor, django_assert_num_queries
) -> None:
    url = reshaped.get_absolute_url()
    p11 = _blocks(_parse(client.get(url)))["11"].get("id")
    with django_assert_num_queries(2):  # the cached fragment: chapter, stamp with milestones
        client.get(url)
    draft = milestone_mark(chapter=reshaped, editor=editor, name="Congress draft")
    reference_set(chapter=reshaped, editor=editor, milestone=draft, reason="")
    doc = _parse(client.get(url))
    blocks = _blocks(doc)
    assert blocks["12"].get("id") == p11  # ¶ 11 became ¶ 12 (one out, two in)
    assert not [p for p in doc.iter("p") if p.get("class") == "gap"]
    assert "new since" not in client.get(url).content.decode()
    assert _line_ids(doc)[0] == "L1"
    assert sorted(int(i[1:]) for i in _line_ids(doc)) == list(range(1, len(_line_ids(doc)) + 1))


def test_the_stamp_follows_another_chapters_reference_and_the_line_width(
    seed_chapter, editor
) -> None:
    other = chapter_import(data=SEED_TEXT.read_bytes(), slug="other")
    stamp = chapter_page_stamp(seed_chapter)
    draft = milestone_mark(chapter=other, editor=editor, name="Congress draft")
    # Each chapter numbers its own lines: another chapter's reference changes nothing here.
    reference_set(chapter=other, editor=editor, milestone=draft, reason="")
    assert chapter_page_stamp(seed_chapter) == stamp
    # Lines that run on through the Manifesto: the width, the choice (the Manifesto's history)
    # and then another chapter's reference or order renumber this one.
    line_numbering_update(
        manifesto=seed_chapter.manifesto, editor=editor, line_width=80, continuous=True, reason=""
    )
    seed_chapter.refresh_from_db()
    assert chapter_page_stamp(seed_chapter) != stamp
    stamp = chapter_page_stamp(seed_chapter)
    chapter_update(chapter=other, editor=editor, changes={"order": 0}, reason="first")
    assert chapter_page_stamp(seed_chapter) != stamp
    stamp = chapter_page_stamp(seed_chapter)
    line_numbering_update(
        manifesto=seed_chapter.manifesto, editor=editor, line_width=60, continuous=False, reason=""
    )
    seed_chapter.refresh_from_db()
    assert chapter_page_stamp(seed_chapter) != stamp
    doc = _parse(client_for(None).get(seed_chapter.get_absolute_url()))
    assert len(_line_ids(doc)) > SEED_LINES  # shorter lines, more of them
