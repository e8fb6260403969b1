"""Test data and format readers shared by the export tests.

Each export is read back with a reader of its own format: markdown-it (CommonMark plus the
footnote plugin) for Markdown, html5lib for HTML, python-docx and lxml for DOCX.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

import docx
import html5lib
from docx.document import Document as DocxDocument
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from textcore.chapter_text import ParsedChapter, parse_chapter
from textcore.export._common import clean_text
from textcore.export.document import (
    ExportBlock,
    ExportChapter,
    ExportDocument,
    document_from_parsed,
)
from textcore.footnotes import strip_refs

SEED_PATH = Path(__file__).resolve().parents[3] / "fixtures" / "socialism-and-the-soviet-union.txt"
GENERATED_AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


@cache
def seed_parsed() -> ParsedChapter:
    """The seed chapter as the importer reads it."""
    return parse_chapter(SEED_PATH.read_text(encoding="utf-8"))


def seed_document(**kwargs: object) -> ExportDocument:
    """The unamended seed chapter as a one-chapter export document."""
    options: dict[str, object] = {"generated_at": GENERATED_AT, "version": "1"}
    options.update(kwargs)
    return document_from_parsed(seed_parsed(), **options)  # type: ignore[arg-type]


LONG_PARAGRAPH = (
    "A very long paragraph & <still> escaped, with *stars* and _underscores_ all along. " * 300
)[:20_000]

# Body paragraphs that break formats if anything is left unescaped. Those with references
# come last: the plain-text reader only knows footnotes once it has seen them.
HOSTILE_BODY = (
    "Ampersands & angle <brackets> and \"quotes\" and 'apostrophes'; &amp; and &#169; stay "
    'as typed; <script>alert("x")</script> is text.',
    "Stars *not emphasis*, _not emphasis_, **bold**, __bold__, # no heading, [no link]"
    "(https://example.org), ![no image](x.png), `no code`, back\\slash \\*, {braces}, "
    "| pipes |, ~~no strike~~, <https://example.org> and <b>no tag</b>.",
    "1. at line start is not a list.",
    "- at line start is not a list either.",
    "# hash at line start is not a heading.",
    "> at line start is not a quote.",
    "+ plus and 2) paren at line start.",
    "    four spaces at line start are not code.",
    "***",
    "---",
    "[^1]: a fake footnote definition and a fake reference [^9].",
    LONG_PARAGRAPH,
    "Социализм и Советский Союз — «вся власть Советам».",
    "社会主义与苏联：改革开放以来的经济政策。",
    "الاشتراكية والاتحاد السوفيتي، نص عربي من اليمين إلى اليسار.",
    "Emoji ✊ 🌹 👩🏽‍🔬 family 👨‍👩‍👧‍👦 flag 🇬🇧 keycap 1️⃣ done.",
    "Control characters: bell\x07, NUL\x00, escape\x1b and U+FFFF\uffff are dropped.",
    "A reference after odd text & <b>.1",
    "A second reference to the same note “quoted”\u00a01 and one to the next.2",
)
HOSTILE_HEADINGS = ("Headings & <Things> *too* #1", "Раздел «Спецсимволы» & 中文 & عربي")
HOSTILE_NOTES = (
    "Note with <tags> & *stars* and [brackets] and a back\\slash \\",
    "1. Looks like a list & ends with an emoji 🌹",
)


def hostile_chapter(slug: str = "hostile") -> ExportChapter:
    """A chapter whose every line contains something that breaks a naive renderer."""
    blocks: list[ExportBlock] = [ExportBlock("heading", HOSTILE_HEADINGS[0], None, "s1")]
    for number, text in enumerate(HOSTILE_BODY, start=1):
        if number == 13:
            blocks.append(ExportBlock("heading", HOSTILE_HEADINGS[1], None, "s2"))
        blocks.append(ExportBlock("body", text, number, f"p{number}"))
    for number, text in enumerate(HOSTILE_NOTES, start=1):
        blocks.append(ExportBlock("footnote", text, number, f"fn-{number}"))
    return ExportChapter(
        title='The <Manifesto> & "Friends" *draft*',
        slug=slug,
        subtitle="Subtitle with _underscores_ & <b>tags</b>",
        publication_line="Published: <today> & *then*",
        editorial_note="Editorial note:\nSee <https://example.org> & *discuss* [here].",
        blocks=tuple(blocks),
    )


def hostile_document() -> ExportDocument:
    """A one-chapter document of ``hostile_chapter`` with a hostile document title."""
    return ExportDocument(
        title="Transformation & <Co> — *Manifesto* #1",
        chapters=(hostile_chapter(),),
        moment_label="as accepted on 26 November 2026 & <later>",
        version="7",
        generated_at=GENERATED_AT,
    )


def expected_text(text: str, known: frozenset[int]) -> str:
    """What a reader should see of a block: no XML-illegal characters, no spaces at its ends
    (the seed's non-breaking spaces), no reference markers."""
    return strip_refs(clean_text(text).strip(), known)


# --- Markdown -----------------------------------------------------------------------------


@dataclass
class MarkdownBlock:
    """A block of rendered Markdown: kind ("h1".."h6", "p", "quote", "footnote"), text, refs."""

    kind: str
    text: str
    refs: list[str] = field(default_factory=list)
    label: str = ""
    token_types: set[str] = field(default_factory=set)


def markdown_parser() -> MarkdownIt:
    """CommonMark with the footnote extension, as most Markdown tools read it."""
    return MarkdownIt("commonmark").use(footnote_plugin)


def markdown_blocks(source: str) -> list[MarkdownBlock]:
    """The blocks of ``source`` as markdown-it reads them, with their plain text."""
    blocks: list[MarkdownBlock] = []
    quote_depth = 0
    footnote_label = ""
    container = "p"
    for token in markdown_parser().parse(source):
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type == "footnote_open":
            footnote_label = token.meta["label"]
        elif token.type == "footnote_close":
            footnote_label = ""
        elif token.type in ("heading_open", "paragraph_open"):
            container = token.tag if token.type == "heading_open" else "p"
        elif token.type == "inline":
            kind = "footnote" if footnote_label else "quote" if quote_depth else container
            block = MarkdownBlock(kind=kind, text="", label=footnote_label)
            for child in token.children or []:
                block.token_types.add(child.type)
                if child.type == "footnote_ref":
                    block.refs.append(child.meta["label"])
                elif child.type in ("softbreak", "hardbreak"):
                    block.text += "\n"
                else:
                    block.text += child.content
            blocks.append(block)
        elif token.type not in ("heading_close", "paragraph_close") and not token.type.startswith(
            "footnote"
        ):
            blocks.append(MarkdownBlock(kind=token.type, text=token.content))
    return blocks


# --- HTML ---------------------------------------------------------------------------------


def parse_html(source: str) -> Element:
    """The page parsed by html5lib, as a browser would, without HTML namespaces on tags."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    return parser.parse(source)


def html_text(element: Element, *, skip_classes: tuple[str, ...] = ("fnref",)) -> str:
    """The text content of ``element``, leaving out children with one of ``skip_classes``."""
    parts = [element.text or ""]
    for child in element:
        if not set((child.get("class") or "").split()) & set(skip_classes):
            parts.append(html_text(child, skip_classes=skip_classes))
        parts.append(child.tail or "")
    return "".join(parts)


# --- DOCX ---------------------------------------------------------------------------------


def open_docx(data: bytes) -> DocxDocument:
    """The package opened by python-docx, as the tests' DOCX reader."""
    return docx.Document(io.BytesIO(data))


def docx_xml(data: bytes, name: str) -> etree._Element:
    """One XML part of the package (e.g. "word/footnotes.xml"), parsed with lxml."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def docx_footnotes(data: bytes) -> dict[int, str]:
    """The real footnotes of the package: id -> text (separator notes -1 and 0 left out)."""
    root = docx_xml(data, "word/footnotes.xml")
    notes: dict[int, str] = {}
    for note in root.findall("w:footnote", NS):
        note_id = int(note.get(f"{{{W}}}id"))
        if note_id > 0:
            # Word puts a space run between the note's number and its text.
            notes[note_id] = "".join(note.itertext()).removeprefix(" ")
    return notes
