"""Importing a chapter from a file: DOCX, ODT, Markdown or the plain-text format.

``read_chapter`` checks the file first (``safety``: size, real type by content, zip bombs, XML
without entities), then hands it to the reader of its kind, which builds the text core's
``ParsedChapter`` (``builder``) and says what it changed or left out. Pure: no Django.
"""

from __future__ import annotations

from textcore.chapter_text import decode_chapter, parse_chapter
from textcore.importing.builder import ImportedChapter
from textcore.importing.docx_reader import read_docx
from textcore.importing.markdown_reader import read_markdown
from textcore.importing.odt_reader import read_odt
from textcore.importing.safety import MAX_UPLOAD_BYTES, FileKind, ImportRefused, sniff

FORMAT_NAMES: dict[FileKind, str] = {
    "docx": "Word document (DOCX)",
    "odt": "OpenDocument text (ODT)",
    "markdown": "Markdown",
    "text": "plain text",
}

__all__ = ["FORMAT_NAMES", "MAX_UPLOAD_BYTES", "ImportRefused", "ImportedChapter", "read_chapter"]


def read_chapter(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> ImportedChapter:
    """The chapter in ``data``, whatever its format (found from its content). Raises
    ChapterFormatError (ImportRefused for a refused file) with a message naming the problem."""
    kind = sniff(data, max_bytes=max_bytes)
    if kind == "docx":
        return read_docx(data)
    if kind == "odt":
        return read_odt(data)
    if kind == "markdown":
        return read_markdown(data)
    return ImportedChapter(parsed=parse_chapter(decode_chapter(data)), kind="text")
