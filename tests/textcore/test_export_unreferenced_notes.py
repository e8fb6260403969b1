"""A note that nothing references any more (the paragraph citing it was deleted) is shown the same
way by every format: with its number and its text, followed by "(not referenced in the text)";
formats whose footnotes need a reference (Word, Markdown) list it under "Notes not referenced
in the text". Before, the formats disagreed: DOCX listed it under another heading, Markdown
wrote a bare "3\\." paragraph after the notes, HTML and plain text showed it as any other note.
"""

from __future__ import annotations

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    docx_footnotes,
    markdown_blocks,
    open_docx,
    parse_html,
)
from textcore.chapter_text import parse_chapter
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.docx import render_docx
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown
from textcore.export.text import render_text

SHOWN = "3. An orphaned note. (not referenced in the text)"
HEADING = "Notes not referenced in the text"


def _document() -> ExportDocument:
    chapter = ExportChapter(
        title="One",
        slug="one",
        subtitle="",
        publication_line="Published: 2026",
        editorial_note="",
        blocks=(
            ExportBlock("body", "A paragraph with a note.1", 1, "p1"),
            ExportBlock("footnote", "The note.", 1, "fn-1"),
            ExportBlock("footnote", "An orphaned note.\u00a0", 3, "fn-3"),
        ),
    )
    return ExportDocument("One", (chapter,), "as published", "", GENERATED_AT)


def test_html_showed_an_unreferenced_note_as_any_other() -> None:
    root = parse_html(render_html(_document()))
    items = root.findall(".//section[@class='footnotes']/ol/li")
    assert [(li.get("value"), "".join(li.itertext()).strip()) for li in items] == [
        ("1", "The note. ↩"),
        ("3", "An orphaned note. (not referenced in the text)"),
    ]
    assert not [a for a in items[1].iter("a")]  # no back link to a reference that is gone


def test_markdown_wrote_a_bare_numbered_paragraph() -> None:
    blocks = markdown_blocks(render_markdown(_document()))
    text = [(b.kind, b.text) for b in blocks if b.kind != "footnote"]
    assert text[-2:] == [("h2", HEADING), ("p", SHOWN)]
    assert [(b.kind, b.label) for b in blocks if b.kind == "footnote"] == [("footnote", "1")]


def test_docx_listed_it_under_another_heading_without_saying_so() -> None:
    data = render_docx(_document())
    paragraphs = [(p.style.name, p.text) for p in open_docx(data).paragraphs]  # type: ignore[union-attr]
    assert paragraphs[-2:] == [("Heading 1", HEADING), ("Normal", SHOWN)]
    assert docx_footnotes(data) == {1: "The note."}


def test_plain_text_kept_it_as_any_other_note_and_reads_it_back_unmarked() -> None:
    text = render_text(_document())
    assert text.endswith(f"1. The note.\n\n{SHOWN}\n")
    again = parse_chapter(text)
    assert [(b.footnote_number, b.text) for b in again.footnotes] == [
        (1, "The note."),
        (3, "An orphaned note."),
    ]
