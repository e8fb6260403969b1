"""Markdown export: rendered back with markdown-it, it shows exactly the source text.

The comparison is exact, not whitespace-normalised, but for the spaces at a paragraph's ends
(the seed's NBSPs): no format shows them, and Markdown has no character references for them.
"""

from __future__ import annotations

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    MarkdownBlock,
    expected_text,
    hostile_chapter,
    hostile_document,
    markdown_blocks,
    seed_document,
)
from textcore.export._common import clean_text, one_line, provenance_line
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.markdown import escape_markdown, render_markdown
from textcore.footnotes import ref_numbers

# What plain text may render as; anything else (a link, emphasis, HTML, code) means some
# user text was read as Markdown syntax.
_PLAIN = {"text", "footnote_ref", "softbreak"}


def _by_kind(blocks: list[MarkdownBlock], kind: str) -> list[MarkdownBlock]:
    return [b for b in blocks if b.kind == kind]


def _expected(doc: ExportDocument) -> list[tuple[str, str, list[str]]]:
    """Every block the Markdown must render to: (kind, exact text, footnote labels)."""
    expected = [("h1", clean_text(doc.title), []), ("p", provenance_line(doc), [])]
    section = "h2" if doc.title_is_chapter else "h3"
    for index, chapter in enumerate(doc.chapters, start=1):
        prefix = f"ch{index}-" if len(doc.chapters) > 1 else ""
        known = chapter.known_footnotes
        if not doc.title_is_chapter:
            expected.append(("h2", clean_text(chapter.title), []))
        expected.append(("p", clean_text(chapter.subtitle), []))
        expected.append(("p", clean_text(chapter.publication_line), []))
        for block in chapter.text_blocks:
            refs = [f"{prefix}{n}" for n in ref_numbers(clean_text(block.text), known)]
            kind = section if block.kind == "heading" else "p"
            expected.append((kind, expected_text(block.text, known), refs))
        expected.extend(("quote", line, []) for line in chapter.editorial_note.split("\n"))
    return expected


def _check(doc: ExportDocument) -> list[MarkdownBlock]:
    blocks = markdown_blocks(render_markdown(doc))
    rendered = [(b.kind, b.text, b.refs) for b in blocks if b.kind != "footnote"]
    assert rendered == _expected(doc)
    for block in blocks:
        if block.kind in ("h1", "h2", "h3", "quote", "footnote") or block.refs:
            assert block.token_types <= _PLAIN, (block.text[:40], block.token_types)
    return blocks


def test_seed_renders_back_to_its_text() -> None:
    doc = seed_document()
    chapter = doc.chapters[0]
    blocks = _check(doc)

    # One-chapter document titled after its chapter: the title once, sections one level up.
    assert [b.text for b in _by_kind(blocks, "h1")] == ["Socialism and the Soviet Union"]
    assert len(_by_kind(blocks, "h2")) == 13
    subtitle = _by_kind(blocks, "p")[1]
    assert subtitle.token_types == {"em_open", "text", "em_close"}
    # The NBSPs around a paragraph are not shown, and not written as references either.
    russia = next(b for b in blocks if "Russia’s October was" in b.text)
    assert russia.text.startswith("Russia’s October")
    assert russia.text.endswith("in history.")
    assert "&#" not in render_markdown(doc)

    refs = [label for b in blocks for label in b.refs]
    assert refs == ["1", "2", "2", "3", "4", "5", "6", "7", "8"]
    notes = _by_kind(blocks, "footnote")
    assert [(n.label, n.text) for n in notes] == [
        (str(b.number), b.text.strip()) for b in chapter.footnotes
    ]


def test_seed_markdown_source_is_readable() -> None:
    source = render_markdown(seed_document())
    assert source.startswith("# Socialism and the Soviet Union\n\n")
    assert "\n## Problems for the New Revolution\n" in source
    assert "would be fatal.”[^1]" in source
    assert "\n[^2]: Full quote: “The proletariat" in source
    # Ordinary punctuation is left alone: no escaped full stops or hyphens mid-text.
    assert "two-party coalition" in source and "p.481-86" in source


def test_hostile_text_renders_back_exactly() -> None:
    doc = hostile_document()
    chapter = doc.chapters[0]
    blocks = _check(doc)

    # Nothing but headings, paragraphs, the quote and footnotes: no list, code, HTML or rule.
    assert {b.kind for b in blocks} <= {"h1", "h2", "h3", "p", "quote", "footnote"}
    assert all(
        b.token_types <= _PLAIN for b in blocks if b.kind == "p" and b.text != chapter.subtitle
    )
    notes = _by_kind(blocks, "footnote")
    assert [n.text for n in notes] == [b.text for b in chapter.footnotes]
    long = [b for b in blocks if len(b.text) == 20_000]
    assert len(long) == 1 and long[0].token_types == {"text"}


def test_several_chapters_keep_footnote_labels_unique() -> None:
    doc = ExportDocument(
        title="Transformation",
        chapters=(hostile_chapter("one"), hostile_chapter("two")),
        moment_label="as accepted on 26 November 2026",
        version="",
        generated_at=GENERATED_AT,
    )
    blocks = _check(doc)
    refs = [label for b in blocks for label in b.refs]
    assert refs == ["ch1-1", "ch1-1", "ch1-2", "ch2-1", "ch2-1", "ch2-2"]
    notes = _by_kind(blocks, "footnote")
    assert [n.label for n in notes] == ["ch1-1", "ch1-2", "ch2-1", "ch2-2"]


def test_a_note_nobody_references_is_kept_as_a_paragraph_under_a_heading() -> None:
    chapter = ExportChapter(
        title="One",
        slug="one",
        subtitle="",
        publication_line="",
        editorial_note="",
        blocks=(
            ExportBlock("body", "No reference here.", 1, "p1"),
            ExportBlock("footnote", "An orphaned note.", 3, "fn-3"),
        ),
    )
    doc = ExportDocument("Transformation", (chapter,), "as published", "", GENERATED_AT)
    blocks = markdown_blocks(render_markdown(doc))
    assert (blocks[-2].kind, blocks[-2].text) == ("h3", "Notes not referenced in the text")
    assert blocks[-1].kind == "p"
    assert blocks[-1].text == "3. An orphaned note. (not referenced in the text)"


def test_escape_markdown_examples() -> None:
    assert escape_markdown("a * b _ c & d < e") == r"a \* b \_ c \& d \< e"
    assert escape_markdown("1. first") == r"1\. first"
    assert escape_markdown("- item") == r"\- item"
    assert escape_markdown(" \u00a0x ") == "x"
    assert escape_markdown("a\u00a0b", line_start=False) == "a\u00a0b"
    assert escape_markdown("line\nbreak") == one_line("line\nbreak")
