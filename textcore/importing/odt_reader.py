"""Reading an OpenDocument text (ODT, LibreOffice's own format) into the builder: ``text:h``
and the Title, Subtitle, Heading and Quotations styles, ``text:note`` footnotes in place
(``text:note-ref`` for a later reference to the same note), lists, and what is left out."""

from __future__ import annotations

from lxml import etree

from textcore.importing.builder import ChapterBuilder, ImportedChapter, NoteRef, Piece
from textcore.importing.safety import open_zip, parse_xml, read_member

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_T, _O, _S = f"{{{TEXT}}}", f"{{{OFFICE}}}", f"{{{STYLE}}}"
_BODY_STYLES = {
    "standard",
    "text body",
    "text_20_body",
    "body text",
    "default",
    "first paragraph",
    "list paragraph",
    "list contents",
    "preformatted text",
}
_QUOTE_STYLES = {"quotations", "quote"}


def read_odt(data: bytes) -> ImportedChapter:
    """The chapter in an ODT file (already sniffed as one)."""
    archive = open_zip(data)
    content = parse_xml(read_member(archive, "content.xml"), "content")
    parents = {
        style.get(f"{_S}name", ""): style.get(f"{_S}parent-style-name", "")
        for style in content.iter(f"{_S}style")
    }
    builder = ChapterBuilder("odt")
    text = content.find(f"{_O}body/{_O}text")
    if text is not None:
        _Reader(builder, parents).read_blocks(text, in_list=False)
    return builder.build()


class _Reader:
    def __init__(self, builder: ChapterBuilder, parents: dict[str, str]) -> None:
        self.builder = builder
        self.parents = parents
        self.note_names: dict[str, str] = {}

    def read_blocks(self, parent: etree._Element, *, in_list: bool) -> None:
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            namespace = etree.QName(child).namespace
            if tag == "h" and namespace == TEXT:
                self.builder.add("heading", self._inline(child))
            elif tag == "p" and namespace == TEXT:
                kind = self._kind(child.get(f"{_T}style-name", ""))
                if in_list and kind == "body":
                    self.builder.list_items += 1
                self.builder.add(kind, self._inline(child))
            elif tag in ("list", "list-item", "list-header"):
                self.read_blocks(child, in_list=True)
            elif tag in ("section", "deletion"):
                self.read_blocks(child, in_list=in_list)
            elif tag == "table":
                self.builder.leave_out("table")
            elif tag == "frame":
                self.builder.leave_out("image")

    def _kind(self, style: str) -> str:
        name = style
        # Automatic styles ("P1") stand for a named style with direct formatting on top.
        for _ in range(5):
            if self.parents.get(name):
                name = self.parents[name]
            else:
                break
        lowered = name.replace("_20_", " ").lower()
        if lowered == "title":
            return "title"
        if lowered == "subtitle":
            return "subtitle"
        if lowered.startswith("heading"):
            return "heading"
        if lowered in _QUOTE_STYLES:
            return "quote"
        if name and lowered not in _BODY_STYLES and not name.startswith("P"):
            self.builder.unknown_styles.add(name.replace("_20_", " "))
        return "body"

    def _inline(self, element: etree._Element) -> list[Piece]:
        pieces: list[Piece] = []
        if element.text:
            pieces.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self._inline_child(child, pieces)
            if child.tail:
                pieces.append(child.tail)
        return pieces

    def _inline_child(self, child: etree._Element, pieces: list[Piece]) -> None:
        tag = etree.QName(child).localname
        if tag == "s":
            pieces.append(" " * int(child.get(f"{_T}c", "1") or 1))
        elif tag == "tab":
            pieces.append("\t")
        elif tag == "line-break":
            pieces.append(" ")
        elif tag == "note":
            self._note(child, pieces)
        elif tag == "note-ref":
            key = self.note_names.get(child.get(f"{_T}ref-name", ""))
            if key is not None:
                pieces.append(NoteRef(key))
        elif tag == "frame":
            self.builder.leave_out("image")
        elif tag == "annotation":
            self.builder.leave_out("comment")
        elif tag in ("span", "a", "meta", "ruby", "ruby-base"):
            pieces.extend(self._inline(child))

    def _note(self, note: etree._Element, pieces: list[Piece]) -> None:
        if note.get(f"{_T}note-class", "footnote") != "footnote":
            self.builder.leave_out("endnote")
            return
        key = f"odt-{len(self.note_names) + 1}"
        self.note_names[note.get(f"{_T}id", key)] = key
        body = note.find(f"{_T}note-body")
        paragraphs = [] if body is None else list(body.iter(f"{_T}p"))
        texts = ["".join(p for p in self._inline(par) if isinstance(p, str)) for par in paragraphs]
        self.builder.note(key, " ".join(t.strip() for t in texts if t.strip()))
        pieces.append(NoteRef(key))
