"""Reading a chapter from plain text, in the format the Manifesto's drafts are published in.

Line 1 is the title, then a publication line ("Published: …") and a subtitle; then the body,
one block a line, where a short line without closing punctuation is a section heading; then an
optional editorial note (a "… discussion page:" or "Editorial note:" line and what follows);
then the numbered footnotes ("1. …"). A closing "Leave a comment" is web-page debris and is
dropped. Text is kept verbatim: no whitespace or punctuation is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from textcore.footnotes import ref_numbers, strip_refs, unmark_unreferenced

BlockKind = Literal["heading", "body", "footnote"]

HEADING_MAX_CHARS = 80
_SENTENCE_END = tuple(".!?:;,”’\"'…")
# Shared with the plain-text exporter, so that the writer and the reader cannot drift apart.
NOTE_START = re.compile(r"^(?:[\w ]*discussion page|editorial note):\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^(\d{1,3})\.[ \u00a0]+(.*)$", re.DOTALL)
PUBLISHED_LINE = re.compile(r"^published\b", re.IGNORECASE)
_DEBRIS = {"leave a comment", "leave a reply"}


class ChapterFormatError(ValueError):
    """The text cannot be read as a chapter; the message says where and why."""


@dataclass(frozen=True)
class Block:
    """One heading, body paragraph or footnote, with its verbatim text."""

    kind: BlockKind
    text: str
    footnote_number: int | None = None


@dataclass
class ParsedChapter:
    """A chapter as read from plain text."""

    title: str
    publication_line: str = ""
    subtitle: str = ""
    editorial_note: str = ""
    blocks: list[Block] = field(default_factory=list)

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    @property
    def body(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "body"]

    @property
    def footnotes(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "footnote"]

    def footnote_refs(self) -> list[int]:
        """Every footnote reference in headings and body, in reading order (repeats kept)."""
        known = {b.footnote_number for b in self.footnotes if b.footnote_number is not None}
        return [
            number
            for block in self.blocks
            if block.kind != "footnote"
            for number in ref_numbers(block.text, known)
        ]


def decode_chapter(data: bytes) -> str:
    """Decode a chapter file's bytes as UTF-8, refusing empty, binary and non-UTF-8 files."""
    if not data.strip():
        raise ChapterFormatError("The file is empty.")
    if b"\x00" in data:
        raise ChapterFormatError("The file is binary, not a plain-text chapter.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ChapterFormatError(
            f"The file is not UTF-8 text (undecodable byte at line {line}). "
            "Save it as UTF-8 and try again."
        ) from error
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise ChapterFormatError("The file contains control characters; it is not plain text.")
    return text


def is_heading(line: str) -> bool:
    """A short line without closing punctuation (footnote markers aside) is a section heading."""
    stripped = strip_refs(line).strip()
    return 0 < len(stripped) <= HEADING_MAX_CHARS and not stripped.endswith(_SENTENCE_END)


def parse_chapter(text: str) -> ParsedChapter:
    """Parse a chapter's plain text (see the module docstring for the format)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise ChapterFormatError("The file is empty.")

    title = numbered[0][1].strip()
    chapter = ParsedChapter(title=title)
    # The header is the lines after the title up to the next blank line: a publication line
    # and a subtitle. A block that is long, or the only text after the title, is body instead.
    index = _skip_blank(lines, 1)
    end = index
    while end < len(lines) and lines[end].strip():
        end += 1
    header = [line.strip() for line in lines[index:end]]
    has_more = any(line.strip() for line in lines[end:])
    looks_like_header = any(PUBLISHED_LINE.match(line) for line in header) or (
        has_more and len(header) <= 2 and all(len(line) <= 200 for line in header)
    )
    if looks_like_header:
        if len(header) > 2:
            raise ChapterFormatError(
                f"Line {index + 3}: expected a blank line after the title, publication line "
                "and subtitle."
            )
        for line in header:
            if PUBLISHED_LINE.match(line) and not chapter.publication_line:
                chapter.publication_line = line
            elif not chapter.subtitle:
                chapter.subtitle = line
            else:
                raise ChapterFormatError(f"Line {index + 2}: the header has two subtitles.")
        index = end

    section = "body"
    note_lines: list[str] = []
    for number, line in ((n, ln) for n, ln in numbered if n > index):
        footnote = _FOOTNOTE.match(line)
        if section in ("body", "note") and NOTE_START.match(line.strip()):
            section = "note"
            note_lines.append(line.strip())
        elif (footnote and section != "body") or (footnote and _looks_like_notes_start(chapter)):
            section = "footnotes"
            # A note the plain-text export marked as not referenced reads back as it was.
            text = unmark_unreferenced(footnote.group(2))
            chapter.blocks.append(Block("footnote", text, footnote_number=int(footnote.group(1))))
        elif line.strip().lower() in _DEBRIS:
            section = "debris"
        elif section == "body":
            kind: BlockKind = "heading" if is_heading(line) else "body"
            chapter.blocks.append(Block(kind, line))
        elif section == "note":
            note_lines.append(line)
        else:
            raise ChapterFormatError(
                f"Line {number}: unexpected text after the footnotes: {line.strip()[:60]!r}"
            )
    chapter.editorial_note = "\n".join(note_lines)

    if not chapter.body:
        raise ChapterFormatError("The chapter has a title but no body paragraphs.")
    _check_footnotes(chapter)
    return chapter


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _looks_like_notes_start(chapter: ParsedChapter) -> bool:
    # Without an editorial note, a numbered line starts the footnotes only once the body has
    # referenced a note: "1. Full quote" is a footnote, a body list item "1. First" is not.
    return bool(chapter.footnotes) or any(
        ref_numbers(block.text) for block in chapter.blocks if block.kind != "footnote"
    )


def _check_footnotes(chapter: ParsedChapter) -> None:
    numbers = [b.footnote_number for b in chapter.footnotes if b.footnote_number is not None]
    if len(set(numbers)) != len(numbers):
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        raise ChapterFormatError(f"Footnote numbers appear twice: {duplicates}.")
