"""Reading DOCX, ODT and Markdown into the text core's parsed chapter: round trips of the seed
through our own exports and through LibreOffice, and what the readers report."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from textcore.chapter_text import ChapterFormatError, ParsedChapter, parse_chapter
from textcore.export import document_from_parsed, render_docx, render_markdown
from textcore.footnotes import ref_numbers, strip_refs
from textcore.importing import read_chapter
from textcore.words import trim_edges

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED = parse_chapter((FIXTURES / "socialism-and-the-soviet-union.txt").read_text("utf-8"))


def comparable(parsed: ParsedChapter) -> tuple[object, ...]:
    """Headings, paragraphs and notes as every format can carry them: a reference's marker
    ("fatal.” 1" or "fatal.”1") is a reference to a note in DOCX and Markdown, which do not
    keep the space the seed sometimes has before it; edge spaces are not shown by any format."""
    known = {b.footnote_number for b in parsed.footnotes if b.footnote_number is not None}
    blocks = [
        (b.kind, trim_edges(strip_refs(b.text, known)), tuple(ref_numbers(b.text, known)))
        for b in parsed.blocks
    ]
    notes = [(b.footnote_number, trim_edges(b.text)) for b in parsed.footnotes]
    return parsed.title, parsed.subtitle, parsed.publication_line, blocks, notes


def _export() -> object:
    return document_from_parsed(SEED, generated_at=datetime(2026, 12, 3, tzinfo=UTC))


def test_the_seed_exported_as_docx_reads_back_the_same() -> None:
    imported = read_chapter(render_docx(_export()))  # type: ignore[arg-type]
    assert imported.kind == "docx"
    assert comparable(imported.parsed) == comparable(SEED)
    assert imported.parsed.editorial_note == SEED.editorial_note
    assert imported.warnings == [
        "The export's provenance line was left out: “Text as published · exported "
        "3 December 2026, 00:00 UTC”."
    ]


def test_the_seed_exported_as_markdown_reads_back_the_same() -> None:
    data = render_markdown(_export()).encode()  # type: ignore[arg-type]
    imported = read_chapter(data)
    assert imported.kind == "markdown"
    assert comparable(imported.parsed) == comparable(SEED)
    assert imported.parsed.editorial_note == SEED.editorial_note


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("seed-libreoffice-from-text.docx", "docx"),
        ("seed-libreoffice-from-text.odt", "odt"),
        ("seed-export-libreoffice.docx", "docx"),
        ("seed-export-libreoffice.odt", "odt"),
    ],
)
def test_files_written_by_libreoffice_read_as_the_seed(name: str, kind: str) -> None:
    imported = read_chapter((FIXTURES / "import" / name).read_bytes())
    assert imported.kind == kind
    assert comparable(imported.parsed) == comparable(SEED)
    assert imported.parsed.editorial_note == SEED.editorial_note


def test_a_text_saved_as_docx_is_read_as_the_plain_text_format() -> None:
    imported = read_chapter((FIXTURES / "import" / "seed-libreoffice-from-text.docx").read_bytes())
    assert imported.parsed.blocks == SEED.blocks
    assert "read as the plain-text format" in imported.warnings[0]


def _docx_with_everything() -> bytes:
    document = docx.Document()
    document.add_paragraph("A New Chapter", style="Title")
    document.add_paragraph("A subtitle", style="Subtitle")
    document.add_paragraph("Published: January 2027")
    document.add_paragraph("First section", style="Heading 1")
    document.add_paragraph("A paragraph of text.")
    document.add_paragraph("")
    document.add_paragraph("First item of a list", style="List Bullet")
    document.add_paragraph("Second item of a list", style="List Number")
    document.add_paragraph("Odd styled text.", style="Intense Quote").style = "Caption"
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "in a table"
    with_image = document.add_paragraph("A paragraph with a picture.")
    with_image.runs[0]._r.append(parse_xml(f"<w:drawing {nsdecls('w')}/>"))
    commented = document.add_paragraph("A paragraph with a comment.")
    document.add_comment(commented.runs, text="A reviewer's remark", author="R")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_styles_lists_and_what_is_left_out() -> None:
    imported = read_chapter(_docx_with_everything())
    parsed = imported.parsed
    assert (parsed.title, parsed.subtitle) == ("A New Chapter", "A subtitle")
    assert parsed.publication_line == "Published: January 2027"
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("heading", "First section"),
        ("body", "A paragraph of text."),
        ("body", "First item of a list"),
        ("body", "Second item of a list"),
        ("body", "Odd styled text."),
        ("body", "A paragraph with a picture."),
        ("body", "A paragraph with a comment."),
    ]
    warnings = " ".join(imported.warnings)
    assert "1 empty paragraph(s) were dropped" in warnings
    assert "2 list item(s) became paragraphs of their own" in warnings
    assert "“caption”" in warnings.lower()
    assert "1 table(s) left out" in warnings
    assert "1 image(s) left out" in warnings
    assert "1 comment(s) left out" in warnings


MARKDOWN = """# A Markdown Chapter

*Its subtitle*

## A section

A sentence with a note.[^a] And another.[^b]

- an item
- another item

| a | b |
|---|---|
| 1 | 2 |

![a picture](x.png) Text beside a picture.

> Editorial note: read this.

[^a]: The first note.
[^b]: The second note.
[^c]: A note nobody references.
"""


def test_markdown_headings_notes_lists_and_what_is_left_out() -> None:
    imported = read_chapter(MARKDOWN.encode())
    parsed = imported.parsed
    assert (parsed.title, parsed.subtitle) == ("A Markdown Chapter", "Its subtitle")
    assert [(b.kind, b.text, b.footnote_number) for b in parsed.blocks] == [
        ("heading", "A section", None),
        ("body", "A sentence with a note.1 And another.2", None),
        ("body", "an item", None),
        ("body", "another item", None),
        ("body", "Text beside a picture.", None),
        ("footnote", "The first note.", 1),
        ("footnote", "The second note.", 2),
        ("footnote", "A note nobody references.", 3),
    ]
    assert parsed.editorial_note == "Editorial note: read this."
    warnings = " ".join(imported.warnings)
    assert "Note 3 has no reference in the text." in warnings
    assert "2 list item(s)" in warnings
    assert "1 table(s) left out" in warnings
    assert "1 image(s) left out" in warnings


def test_a_reference_that_the_text_cannot_mark_is_reported_and_left_out() -> None:
    imported = read_chapter(b"# Title\n\nA word[^1] in the middle.\n\n[^1]: The note.\n")
    assert imported.parsed.body[0].text == "A word in the middle."
    assert imported.parsed.footnotes[0].text == "The note."
    assert any("does not follow closing punctuation" in w for w in imported.warnings)


def _odt(content_body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            "<office:document-content "
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0">'
            f"<office:body><office:text>{content_body}</office:text></office:body>"
            "</office:document-content>",
        )
    return buffer.getvalue()


def test_odt_notes_lists_tables_and_comments() -> None:
    imported = read_chapter(
        _odt(
            '<text:p text:style-name="Title">An ODT Chapter</text:p>'
            '<text:h text:outline-level="1">Part one</text:h>'
            '<text:p>It ended.<text:note text:id="n1" text:note-class="footnote">'
            "<text:note-citation>1</text:note-citation><text:note-body><text:p>The note."
            '</text:p></text:note-body></text:note> Then<text:s text:c="2"/>more.'
            "<office:annotation><text:p>a comment</text:p></office:annotation></text:p>"
            "<text:list><text:list-item><text:p>An item.</text:p></text:list-item></text:list>"
            "<table:table/>"
        )
    )
    parsed = imported.parsed
    assert parsed.title == "An ODT Chapter"
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("heading", "Part one"),
        ("body", "It ended.1 Then  more."),
        ("body", "An item."),
        ("footnote", "The note."),
    ]
    warnings = " ".join(imported.warnings)
    assert "1 comment(s) left out" in warnings
    assert "1 table(s) left out" in warnings
    assert "1 list item(s)" in warnings


def test_a_document_without_body_text_is_refused() -> None:
    with pytest.raises(ChapterFormatError, match="no body paragraphs"):
        read_chapter(b"# Only a title\n\n## And a heading\n")
