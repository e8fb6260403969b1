"""The booklet's HTML and DOCX for a two-chapter Manifesto, without a database: every link of
the contents reaches an id, every id is unique, user text is escaped, and the DOCX holds both
chapters and the amendments in the order given."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from docx import Document
from pypdf import PdfReader

from textcore.export import ExportBlock, ExportChapter, ExportDocument, booklet_pdf
from textcore.export.booklet import (
    Booklet,
    BookletAmendment,
    VotingBlock,
    render_booklet_docx,
    render_booklet_html,
    shown_ops,
)
from textcore.export.booklet_pdf import render_booklet_pdf
from textcore.lines import break_lines


def _chapter(slug: str, title: str) -> ExportChapter:
    text = f"The first paragraph of {title}, long enough to need two lines at forty characters."
    lines = tuple(str(n) for n in range(1, len(break_lines(text, 40)) + 1))
    return ExportChapter(
        title=title,
        slug=slug,
        subtitle="",
        publication_line="",
        editorial_note="",
        blocks=(
            ExportBlock("heading", "A <section>", None, "p1", line_labels=("1",)),
            ExportBlock("body", text, None, "p2", label="1", line_labels=lines),
        ),
    )


def _amendment(number: int, chapter: str) -> BookletAmendment:
    return BookletAmendment(
        number=number,
        chapter_title=chapter,
        place="¶ 1, line 2",
        title=f"Title {number} <img src=x>",
        kind="Change the text",
        status="Pending",
        proposer="Alice <b>",
        supporters=("Bob", "Carol"),
        reason="Because.",
        old_text="the old words here",
        new_text="the new words here",
    )


BOOKLET = Booklet(
    document=ExportDocument(
        title="The Manifesto",
        chapters=(_chapter("one", "Chapter One"), _chapter("two", "Chapter Two")),
        moment_label="as published",
        version="1",
        generated_at=datetime(2026, 12, 3, tzinfo=UTC),
        line_width=40,
    ),
    amendments=(_amendment(7, "Chapter One"), _amendment(3, "Chapter Two")),
    selection="The open amendments.",
    voting_list=(VotingBlock("Block 1", ("#7",), "If #7 is carried, #3 falls."),),
)


def test_every_link_of_the_contents_reaches_a_unique_id() -> None:
    html = render_booklet_html(BOOKLET)
    ids = Counter(re.findall(r' id="([^"]+)"', html))
    assert not [name for name, count in ids.items() if count > 1]
    links = re.findall(r'href="#([^"]+)"', html)
    assert {"one", "two", "pack-the-text", "pack-amendments", "pack-voting-list"} <= set(links)
    assert not [link for link in links if link not in ids]


def test_user_text_is_escaped_and_the_amendments_keep_their_order() -> None:
    html = render_booklet_html(BOOKLET)
    assert "<img" not in html and "<section>" not in html and "Alice <b>" not in html
    assert "Title 7 &lt;img src=x&gt;" in html
    assert html.index("#7 · ¶ 1, line 2") < html.index("#3 · ¶ 1, line 2")
    assert "<del>" in html and "<ins>" in html
    assert "Supporters:</strong> 2: Bob, Carol" in html


def test_the_docx_holds_both_chapters_and_the_amendments() -> None:
    document = Document(io.BytesIO(render_booklet_docx(BOOKLET)))
    texts = [p.text for p in document.paragraphs]
    assert "Chapter One" in texts and "Chapter Two" in texts
    headings = [t for t in texts if t.startswith("#") and "·" in t]
    assert headings == [
        "#7 · ¶ 1, line 2: Title 7 <img src=x>",
        "#3 · ¶ 1, line 2: Title 3 <img src=x>",
    ]
    assert "If #7 is carried, #3 falls." in texts


def test_long_unchanged_passages_are_cut_around_the_changes() -> None:
    from textcore.export.booklet import CONTEXT_WORDS, shown_ops

    old = " ".join(f"w{n}" for n in range(60))
    new = old.replace("w30", "CHANGED")
    ops = shown_ops(old, new)
    assert [op for op, _ in ops] == [0, -1, 1, 0]
    before, after = ops[0][1], ops[3][1]
    assert before.startswith("… ") and len(before.split()) == CONTEXT_WORDS + 1
    assert after.endswith(" …") and len(after.split()) == CONTEXT_WORDS + 1
    # A short paragraph, a deletion and an insertion are shown whole.
    assert shown_ops("a b c", "a X c") == [(0, "a "), (-1, "b"), (1, "X"), (0, " c")]
    assert shown_ops(old, "") == [(-1, old)]
    assert shown_ops("", old) == [(1, old)]


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_prints_both_chapters_the_amendments_the_contents_and_the_bookmarks() -> None:
    pdf = render_booklet_pdf(BOOKLET)
    pages = _pdf_text(pdf)
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "Title 7 <img src=x>" in text and "Proposed by: Alice <b>" in text
    assert text.index("#7 · ¶ 1, line 2") < text.index("#3 · ¶ 1, line 2")
    assert "If #7 is carried, #3 falls." in text
    contents = dict(re.findall(r"^(.+?) +\.+ +(\d+)$", pages[1], re.M))
    for title in ("Chapter One", "Chapter Two", "The amendments", "The voting list"):
        assert title in pages[int(contents[title]) - 1], title
    assert int(contents["Chapter Two"]) > int(contents["Chapter One"])
    outline = PdfReader(io.BytesIO(pdf)).outline
    assert [item.title for item in outline if not isinstance(item, list)] == [
        "The text",
        "The amendments",
        "The voting list",
    ]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_diff_worker_gives_the_diffs_computed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        ("the old words here", "the new words here"),
        ("Ünïcödé — “quoted” ¶ text", "Ünïcödé — ‘quoted’ text, longer"),
        ("a paragraph to delete", ""),
        ("", "an inserted paragraph"),
    ]
    amendments = [
        replace(_amendment(number, "Chapter One"), old_text=old, new_text=new)
        for number, (old, new) in enumerate(texts, start=1)
    ]
    monkeypatch.setattr(booklet_pdf, "PARALLEL_FROM", 1)  # in the worker even for four
    assert list(booklet_pdf._changes(amendments)) == [shown_ops(old, new) for old, new in texts]
