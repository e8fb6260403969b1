"""The format-neutral side of importing: readers (DOCX, ODT, Markdown) hand the paragraphs they
find, in order, to a ``ChapterBuilder``, which turns them into the text core's
``ParsedChapter`` and collects every warning the preview shows.

How the formats map onto the text core's model (one kind per paragraph: heading, body or
footnote, one line each): the Title becomes the chapter's title, the Subtitle its subtitle, a
"Published …" paragraph before the text its publication line, quotations its editorial note;
every heading level becomes a heading; a list item becomes a body paragraph of its own, without
its bullet or number; a footnote becomes a note, numbered in the order of its first reference,
and each reference is written as the note's number right after the text it follows ("fatal.”1"),
which is how the text core marks references.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from textcore.chapter_text import (
    PUBLISHED_LINE,
    Block,
    ChapterFormatError,
    ParsedChapter,
    parse_chapter,
)
from textcore.footnotes import UNREFERENCED_NOTES_HEADING, iter_refs, unmark_unreferenced
from textcore.importing.safety import FileKind

# The line every export writes under its title ("Text as published · version 3 · exported
# 3 December 2026, 10:00 UTC"): it describes the file, it is not the chapter's text.
PROVENANCE_LINE = re.compile(r"^Text\b.*\bexported \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC$")
_NUMBERED_NOTE = re.compile(r"^(\d{1,3})\.[ \u00a0]+(.*)$", re.DOTALL)
_EDGE_SPACE = " \t\r\n"


@dataclass(frozen=True)
class NoteRef:
    """A footnote reference inside a paragraph, by the reader's own key for the note."""

    key: str


Piece = str | NoteRef


@dataclass
class ImportedChapter:
    """A parsed upload: the chapter as the text core reads it, what kind of file it was, and
    every warning about what was changed or left out."""

    parsed: ParsedChapter
    kind: FileKind
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Paragraph:
    kind: str
    pieces: list[Piece]


class ChapterBuilder:
    """Collects a document's paragraphs in reading order and builds the chapter from them."""

    def __init__(self, kind: FileKind) -> None:
        self.kind = kind
        self.title = ""
        self.subtitle = ""
        self.publication_line = ""
        self._paragraphs: list[_Paragraph] = []
        self._quotes: list[str] = []
        self._notes: dict[str, str] = {}
        self._numbered_unreferenced: list[Block] = []
        self._in_unreferenced = False
        self.left_out: Counter[str] = Counter()
        self.unknown_styles: set[str] = set()
        self.warnings: list[str] = []
        self.empty_dropped = 0
        self.styled = False
        self._lines: list[str] = []
        self.list_items = 0

    def add(self, kind: str, pieces: list[Piece]) -> None:
        """Add a paragraph: ``kind`` is "title", "subtitle", "heading", "body" or "quote"."""
        text = "".join(p for p in pieces if isinstance(p, str)).strip(_EDGE_SPACE)
        self._lines.append(text)
        self.styled = self.styled or kind in ("title", "subtitle", "heading")
        if not text and not any(isinstance(p, NoteRef) for p in pieces):
            self.empty_dropped += 1
            return
        if kind == "title" and not self.title:
            self.title = text
        elif kind == "subtitle" and not self.subtitle and not self._paragraphs:
            self.subtitle = text
        elif kind == "quote":
            self._quotes.append(text)
        elif PROVENANCE_LINE.match(text) and not self._paragraphs:
            self.warnings.append(f"The export's provenance line was left out: “{text}”.")
        elif PUBLISHED_LINE.match(text) and not self._paragraphs and not self.publication_line:
            self.publication_line = text
        elif kind == "heading" and text == UNREFERENCED_NOTES_HEADING:
            self._in_unreferenced = True
        elif self._in_unreferenced and (numbered := _NUMBERED_NOTE.match(text)):
            note = unmark_unreferenced(numbered.group(2))
            self._numbered_unreferenced.append(Block("footnote", note, int(numbered.group(1))))
        else:
            body_kind = "heading" if kind in ("heading", "title", "subtitle") else "body"
            self._paragraphs.append(_Paragraph(body_kind, pieces))

    def note(self, key: str, text: str) -> None:
        """Add a footnote's text under the reader's ``key`` (referenced by ``NoteRef(key)``)."""
        self._notes[key] = text.strip(_EDGE_SPACE)

    def leave_out(self, what: str, count: int = 1) -> None:
        """Count something the chapter cannot hold ("image", "table", "comment")."""
        self.left_out[what] += count

    def build(self) -> ImportedChapter:
        """The chapter and its warnings; refuses a document without a title or body text.

        A document without a title or heading style and without notes (a text file saved as
        DOCX or ODT) is read as the plain-text format: headings by their shape."""
        if not self.styled and not self._notes:
            warning = (
                "The document has no title or heading styles: it was read as the plain-text "
                "format, headings by their shape (short lines without closing punctuation)."
            )
            parsed = parse_chapter("\n".join(self._lines))
            return ImportedChapter(parsed, self.kind, [warning, *self.general_warnings()])
        if not self.title:
            self._title_from_first_heading()
        numbers = self._note_numbers()
        chapter = ParsedChapter(
            title=self.title,
            publication_line=self.publication_line,
            subtitle=self.subtitle,
            editorial_note="\n".join(self._quotes),
        )
        for paragraph in self._paragraphs:
            text = self._text_of(paragraph.pieces, numbers)
            if text:
                kind = "heading" if paragraph.kind == "heading" else "body"
                chapter.blocks.append(Block(kind, text))  # type: ignore[arg-type]
        for key, number in sorted(numbers.items(), key=lambda item: item[1]):
            chapter.blocks.append(Block("footnote", self._notes[key], footnote_number=number))
        chapter.blocks.extend(self._numbered_unreferenced)
        if not chapter.body:
            raise ChapterFormatError("The document has no body paragraphs.")
        return ImportedChapter(parsed=chapter, kind=self.kind, warnings=self._all_warnings())

    def _title_from_first_heading(self) -> None:
        for index, paragraph in enumerate(self._paragraphs):
            if paragraph.kind == "heading":
                self.title = "".join(p for p in paragraph.pieces if isinstance(p, str)).strip()
                del self._paragraphs[index]
                self.warnings.append(
                    f"No paragraph has the Title style; the first heading, “{self.title}”, "
                    "was taken as the chapter's title."
                )
                return
        raise ChapterFormatError("The document has no title (no Title style and no heading).")

    def _note_numbers(self) -> dict[str, int]:
        # Word, LibreOffice and Markdown renderers all number notes in the order of their
        # first reference; a note nobody references comes after them, with a warning.
        numbers: dict[str, int] = {}
        for paragraph in self._paragraphs:
            for piece in paragraph.pieces:
                if isinstance(piece, NoteRef) and piece.key in self._notes:
                    numbers.setdefault(piece.key, len(numbers) + 1)
                elif isinstance(piece, NoteRef):
                    self.warnings.append("A footnote reference points to no note; it was dropped.")
        taken = {b.footnote_number for b in self._numbered_unreferenced}
        for key in self._notes:
            if key not in numbers:
                number = len(numbers) + 1
                while number in taken:
                    number += 1
                numbers[key] = number
                self.warnings.append(f"Note {number} has no reference in the text.")
        for block in self._numbered_unreferenced:
            self.warnings.append(f"Note {block.footnote_number} has no reference in the text.")
        return numbers

    def _text_of(self, pieces: list[Piece], numbers: dict[str, int]) -> str:
        """The paragraph's text with each reference written as its note's number; a reference
        the text core would not recognise there is dropped, with a warning."""
        text, wanted = _join(pieces, numbers, keep=None)
        found = {m.start(2) for m in iter_refs(text, set(numbers.values()))}
        kept = {index for index, position, _ in wanted if position in found}
        for index, position, number in wanted:
            if index not in kept:
                before = text[max(0, position - 30) : position]
                self.warnings.append(
                    f"The reference to note {number} after “…{before}” does not follow closing "
                    "punctuation, so the text cannot mark it; it was left out (the note is kept)."
                )
        if len(kept) != len(wanted):
            text, _ = _join(pieces, numbers, keep=kept)
        return text

    @property
    def has_paragraphs(self) -> bool:
        return bool(self._paragraphs)

    @property
    def has_notes(self) -> bool:
        return bool(self._notes)

    def _all_warnings(self) -> list[str]:
        warnings = list(self.warnings)
        if self.empty_dropped:
            warnings.append(f"{self.empty_dropped} empty paragraph(s) were dropped.")
        return warnings + self.general_warnings()

    def general_warnings(self) -> list[str]:
        """The warnings about lists, unknown styles and what was left out."""
        warnings: list[str] = []
        if self.list_items:
            warnings.append(
                f"{self.list_items} list item(s) became paragraphs of their own, without their "
                "bullets or numbers."
            )
        if self.unknown_styles:
            names = ", ".join(f"“{name}”" for name in sorted(self.unknown_styles))
            warnings.append(
                f"Paragraphs in styles the importer does not know were read as body text: {names}."
            )
        for what, count in sorted(self.left_out.items()):
            warnings.append(f"{count} {what}(s) left out: the chapter's text cannot hold them.")
        return warnings


def _join(
    pieces: list[Piece], numbers: dict[str, int], keep: set[int] | None
) -> tuple[str, list[tuple[int, int, int]]]:
    """The text of ``pieces`` without edge spaces, and (index, position of its digits, note
    number) of each reference; with ``keep``, only the references of those indexes."""
    raw: list[str] = []
    wanted: list[tuple[int, int, int]] = []
    length = 0
    index = 0
    for piece in pieces:
        if isinstance(piece, NoteRef):
            number = numbers.get(piece.key)
            if number is None:
                continue
            index += 1
            if keep is not None and index not in keep:
                continue
            wanted.append((index, length, number))
            piece = str(number)
        raw.append(piece)
        length += len(piece)
    joined = "".join(raw)
    lead = len(joined) - len(joined.lstrip(_EDGE_SPACE))
    shifted = [(i, position - lead, number) for i, position, number in wanted]
    return joined.strip(_EDGE_SPACE), shifted
