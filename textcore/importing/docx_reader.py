"""Reading a Word document (DOCX) into the builder: paragraphs by style or outline level,
real footnotes with their references in place (a later reference to the same note is Word's
NOTEREF cross-reference, as our DOCX export writes it), lists, and what is left out.

The XML is read with lxml directly (see ``safety.parse_xml``): python-docx's own loader knows
neither footnotes nor fields, and would parse the parts before our checks could.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from textcore.importing.builder import ChapterBuilder, ImportedChapter, NoteRef, Piece
from textcore.importing.safety import open_zip, parse_xml, read_member

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_HEADING_STYLE = re.compile(r"^heading\s*\d$", re.IGNORECASE)
_NOTEREF = re.compile(r"^\s*NOTEREF\s+(\S+)")
_BODY_STYLES = {
    "normal",
    "body text",
    "text body",
    "default paragraph style",
    "first paragraph",
    "list paragraph",
    "plain text",
    "no spacing",
    "standard",
    "preformatted text",
}
_QUOTE_STYLES = {"quote", "quotations", "intense quote", "block text"}
_IMAGES = {"drawing", "pict", "object"}


def read_docx(data: bytes) -> ImportedChapter:
    """The chapter in a DOCX file (already sniffed as one)."""
    archive = open_zip(data)
    names = set(archive.namelist())
    styles = _styles(archive) if "word/styles.xml" in names else {}
    builder = ChapterBuilder("docx")
    reader = _Reader(builder, styles)
    if "word/footnotes.xml" in names:
        reader.read_notes(parse_xml(read_member(archive, "word/footnotes.xml"), "footnotes"))
    if "word/comments.xml" in names:
        comments = parse_xml(read_member(archive, "word/comments.xml"), "comments")
        builder.leave_out("comment", len(comments.findall(f"{_W}comment")))
    document = parse_xml(read_member(archive, "word/document.xml"), "text")
    body = document.find(f"{_W}body")
    if body is not None:
        reader.read_blocks(body)
    return reader.finish()


def _styles(archive: zipfile.ZipFile) -> dict[str, tuple[str, int | None]]:
    """Style id → (name, outline level or None)."""
    root = parse_xml(read_member(archive, "word/styles.xml"), "styles")
    styles: dict[str, tuple[str, int | None]] = {}
    for style in root.findall(f"{_W}style"):
        name_element = style.find(f"{_W}name")
        name = name_element.get(f"{_W}val", "") if name_element is not None else ""
        level = style.find(f"{_W}pPr/{_W}outlineLvl")
        styles[style.get(f"{_W}styleId", "")] = (
            name or style.get(f"{_W}styleId", ""),
            _int(level.get(f"{_W}val")) if level is not None else None,
        )
    return styles


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class _Reader:
    def __init__(self, builder: ChapterBuilder, styles: dict[str, tuple[str, int | None]]):
        self.builder = builder
        self.styles = styles
        self.bookmark_note: dict[str, str] = {}
        self.open_bookmarks: list[str] = []
        self.tracked = False

    def read_notes(self, root: etree._Element) -> None:
        for note in root.findall(f"{_W}footnote"):
            if note.get(f"{_W}type") in (
                "separator",
                "continuationSeparator",
                "continuationNotice",
            ):
                continue
            texts = [_plain(p) for p in note.iter(f"{_W}p")]
            self.builder.note(note.get(f"{_W}id", ""), " ".join(t for t in texts if t.strip()))

    def read_blocks(self, parent: etree._Element) -> None:
        for child in parent:
            tag = etree.QName(child).localname
            if tag == "p":
                self._paragraph(child)
            elif tag == "tbl":
                self.builder.leave_out("table")
            elif tag == "sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self.read_blocks(content)

    def _paragraph(self, p: etree._Element) -> None:
        style_id = p.find(f"{_W}pPr/{_W}pStyle")
        name, level = self.styles.get(
            style_id.get(f"{_W}val", "") if style_id is not None else "", ("Normal", None)
        )
        own_level = p.find(f"{_W}pPr/{_W}outlineLvl")
        if own_level is not None:
            level = _int(own_level.get(f"{_W}val"))
        pieces: list[Piece] = []
        self._inline(p, pieces, field=[])
        kind = self._kind(name, level)
        numbered = p.find(f"{_W}pPr/{_W}numPr") is not None
        if kind == "body" and (numbered or name.lower().startswith("list ")):
            self.builder.list_items += 1
        self.builder.add(kind, pieces)

    def _kind(self, name: str, level: int | None) -> str:
        lowered = name.lower()
        if lowered == "title":
            return "title"
        if lowered == "subtitle":
            return "subtitle"
        if _HEADING_STYLE.match(lowered) or (level is not None and level < 9):
            return "heading"
        if lowered in _QUOTE_STYLES:
            return "quote"
        if lowered not in _BODY_STYLES and not lowered.startswith(("list", "footnote")):
            self.builder.unknown_styles.add(name)
        return "body"

    def _inline(self, element: etree._Element, pieces: list[Piece], field: list[str]) -> None:
        """Collect the text and references under ``element`` in document order. ``field``
        holds the state of a complex field: its instruction while it is read, then "NOTEREF"
        (its shown number is skipped: the reference stands for it) until its end."""
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "t" and not (field and field[0] == "skip"):
                pieces.append(child.text or "")
            elif tag == "tab":
                pieces.append("\t")
            elif tag in ("br", "cr"):
                pieces.append(" ")
            elif tag == "footnoteReference":
                key = child.get(f"{_W}id", "")
                for bookmark in self.open_bookmarks:
                    self.bookmark_note.setdefault(bookmark, key)
                pieces.append(NoteRef(key))
            elif tag == "endnoteReference":
                self.builder.leave_out("endnote")
            elif tag == "bookmarkStart":
                self.open_bookmarks.append(child.get(f"{_W}name", ""))
            elif tag == "bookmarkEnd":
                self.open_bookmarks[-1:] = []
            elif tag in _IMAGES:
                self.builder.leave_out("image")
            elif tag == "commentReference":
                continue
            elif tag in ("del", "moveFrom"):
                self.tracked = True
            elif tag == "fldSimple":
                self._simple_field(child, pieces, field)
            elif tag == "fldChar":
                self._field_char(child, pieces, field)
            elif tag == "instrText":
                if field and field[0] == "instr":
                    field.append(child.text or "")
            elif tag in ("pPr", "rPr"):
                continue
            else:
                if tag in ("ins", "moveTo"):
                    self.tracked = True
                self._inline(child, pieces, field)

    def _simple_field(self, child: etree._Element, pieces: list[Piece], field: list[str]) -> None:
        reference = _NOTEREF.match(child.get(f"{_W}instr", ""))
        if reference and reference.group(1) in self.bookmark_note:
            pieces.append(NoteRef(self.bookmark_note[reference.group(1)]))
        else:
            self._inline(child, pieces, field)

    def _field_char(self, child: etree._Element, pieces: list[Piece], field: list[str]) -> None:
        kind = child.get(f"{_W}fldCharType")
        if kind == "begin":
            field[:] = ["instr"]
        elif kind == "separate" and field:
            reference = _NOTEREF.match("".join(field[1:]))
            if reference and reference.group(1) in self.bookmark_note:
                pieces.append(NoteRef(self.bookmark_note[reference.group(1)]))
                field[:] = ["skip"]
            else:
                field[:] = ["result"]
        elif kind == "end":
            field[:] = []

    def finish(self) -> ImportedChapter:
        if self.tracked:
            self.builder.warnings.append(
                "The document has tracked changes; they were read as if accepted."
            )
        return self.builder.build()


def _plain(p: etree._Element) -> str:
    """A note paragraph's text, without Word's note-number mark."""
    pieces: list[str] = []
    for element in p.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        if tag == "t":
            pieces.append(element.text or "")
        elif tag == "tab":
            pieces.append("\t")
        elif tag in ("br", "cr"):
            pieces.append(" ")
    return "".join(pieces)
