"""Plain-text export: the importer reads back exactly what was exported (each paragraph, as
every format shows it, without the spaces at its ends)."""

from __future__ import annotations

import pytest

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    hostile_chapter,
    hostile_document,
    seed_document,
    seed_parsed,
)
from textcore.chapter_text import decode_chapter, parse_chapter
from textcore.export._common import clean_text
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.text import render_text, split_chapters
from textcore.words import count_words


def _words(parsed) -> int:  # type: ignore[no-untyped-def]
    known = {b.footnote_number for b in parsed.footnotes}
    return sum(count_words(b.text, known) for b in parsed.blocks if b.kind != "footnote")


def test_seed_round_trip_gives_the_same_chapter() -> None:
    seed = seed_parsed()
    again = parse_chapter(render_text(seed_document()))

    assert again.title == seed.title
    assert again.publication_line == seed.publication_line
    assert again.subtitle == seed.subtitle
    assert again.editorial_note == seed.editorial_note
    assert [b.text for b in again.headings] == [b.text for b in seed.headings]
    # Verbatim but for the NBSPs that open and close some paragraphs: no output shows those.
    assert [b.text for b in again.body] == [b.text.strip() for b in seed.body]
    assert [(b.footnote_number, b.text) for b in again.footnotes] == [
        (b.footnote_number, b.text.strip()) for b in seed.footnotes
    ]
    assert again.footnote_refs() == seed.footnote_refs() == [1, 2, 2, 3, 4, 5, 6, 7, 8]
    assert _words(again) == _words(seed) > 5000


def test_seed_export_is_the_draft_layout() -> None:
    text = render_text(seed_document())
    assert text.startswith(
        "Socialism and the Soviet Union\n\nPublished: September 2020\n"
        "Draft Topic for our ‘Transformation, a Manifesto for Democratic Socialism’\n\n"
    )
    # A section heading sits directly above its first paragraph, as in the draft.
    assert "\n\nProblems for the New Revolution\nFrom the outset," in text
    assert "\n\nFacebook discussion page:\nWe have set up" in text
    assert "\n\n1. Full quote: “Of course" in text
    assert "Leave a comment" not in text
    assert text.endswith("Pierre Broué,\n")
    assert "\nRussia’s October" in text and "\n\u00a0" not in text
    assert decode_chapter(text.encode("utf-8")) == text


def test_hostile_text_is_kept_verbatim_and_readable() -> None:
    text = render_text(hostile_document())
    chapter = hostile_chapter()
    # Importable: no control characters survive.
    assert decode_chapter(text.encode("utf-8")) == text
    parsed = parse_chapter(text)
    assert [b.text for b in parsed.blocks if b.kind != "footnote"] == [
        clean_text(b.text).strip() for b in chapter.text_blocks
    ]
    assert [(b.footnote_number, b.text) for b in parsed.footnotes] == [
        (b.number, b.text) for b in chapter.footnotes
    ]
    assert parsed.editorial_note == chapter.editorial_note
    assert "\x07" not in text and "\x00" not in text and "\uffff" not in text


def _chapter(title: str, **overrides: object) -> ExportChapter:
    values: dict[str, object] = {
        "title": title,
        "slug": title.lower(),
        "subtitle": "",
        "publication_line": "Published: today",
        "editorial_note": "Editorial note:\nSend amendments.",
        "blocks": (
            ExportBlock("heading", "A Section", None, "s1"),
            ExportBlock("body", "First paragraph, with a note.1", 1, "p1"),
            ExportBlock("body", "Second paragraph.", 2, "p2"),
            ExportBlock("footnote", "The note.", 1, "fn-1"),
        ),
    }
    values.update(overrides)
    return ExportChapter(**values)  # type: ignore[arg-type]


def test_several_chapters_split_back_into_importable_chapters() -> None:
    doc = ExportDocument(
        title="Transformation",
        chapters=(_chapter("One"), _chapter("Two")),
        moment_label="as accepted on 26 November 2026",
        version="4",
        generated_at=GENERATED_AT,
    )
    text = render_text(doc)
    assert text.startswith("Transformation\n\nText as accepted on 26 November 2026 · version 4")
    parts = split_chapters(text)
    assert [parse_chapter(part).title for part in parts] == ["One", "Two"]
    for part in parts:
        parsed = parse_chapter(part)
        assert [b.text for b in parsed.body] == [
            "First paragraph, with a note.1",
            "Second paragraph.",
        ]
        assert [b.text for b in parsed.footnotes] == ["The note."]


def test_one_chapter_splits_to_itself() -> None:
    text = render_text(seed_document())
    assert split_chapters(text) == [text]


@pytest.mark.parametrize(
    ("publication_line", "subtitle", "expected"),
    [
        ("", "", ("Published:", "")),
        ("September 2020", "", ("Published: September 2020", "")),
        ("", "Only a subtitle", ("", "Only a subtitle")),
    ],
)
def test_header_is_always_readable(
    publication_line: str, subtitle: str, expected: tuple[str, str]
) -> None:
    # Without a header line the reader would take the first paragraph for the subtitle.
    chapter = _chapter("One", publication_line=publication_line, subtitle=subtitle)
    doc = ExportDocument("One", (chapter,), "as published", "", GENERATED_AT)
    parsed = parse_chapter(render_text(doc))
    assert (parsed.publication_line, parsed.subtitle) == expected
    assert parsed.body[0].text == "First paragraph, with a note.1"


def test_editorial_note_without_its_opening_line_gets_one() -> None:
    chapter = _chapter("One", editorial_note="Comments to the editors, please.")
    doc = ExportDocument("One", (chapter,), "as published", "", GENERATED_AT)
    parsed = parse_chapter(render_text(doc))
    assert parsed.editorial_note == "Editorial note:\nComments to the editors, please."
    assert [b.text for b in parsed.footnotes] == ["The note."]


def test_footnotes_without_an_editorial_note_come_back_as_footnotes() -> None:
    # The reader knows the notes start at "1. …" because the body referenced a note.
    doc = ExportDocument("One", (_chapter("One", editorial_note=""),), "", "", GENERATED_AT)
    parsed = parse_chapter(render_text(doc))
    assert [b.text for b in parsed.footnotes] == ["The note."]


def test_line_breaks_inside_a_paragraph_become_spaces() -> None:
    blocks = (ExportBlock("body", "One line\nand another\r\nand a third.", 1, "p1"),)
    doc = ExportDocument("One", (_chapter("One", blocks=blocks),), "", "", GENERATED_AT)
    assert [b.text for b in parse_chapter(render_text(doc)).body] == [
        "One line and another and a third."
    ]
