"""What an export is made of: plain, frozen dataclasses that the renderers turn into files.

The services build these from the database (the text at a moment, the decisions between two
moments); the renderers never see a model. ``document_from_parsed`` builds a document from a
chapter read by ``textcore.chapter_text`` (the importer's round trip and the tests use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from textcore.chapter_text import ParsedChapter
from textcore.lines import DEFAULT_WIDTH
from textcore.reference import ReferenceBlock, number_reference

BlockKind = Literal["heading", "body", "footnote"]
TrackedStatus = Literal["unchanged", "changed", "inserted", "deleted"]
ChangeKind = Literal["replace", "delete", "insert"]
ChangeStatus = Literal["accepted", "accepted with changes"]
DiffOp = Literal[-1, 0, 1]


@dataclass(frozen=True)
class ExportBlock:
    """One heading, body paragraph or footnote as it stands at the exported moment.

    ``number`` is the number of a footnote (callers may leave a body paragraph's old ¶ number
    there; renderers read ``label``); ``anchor`` is a stable id ("p12", "fn-3") used for
    links in the HTML. ``label`` is a body paragraph's ¶ label in the reference numbering
    ("9", "10a"); ``line_labels`` the label of each line of a heading or body paragraph as
    ``textcore.lines.break_lines`` cuts ``text`` at the document's ``line_width`` ("" for a
    line without a number; empty when the block is not numbered).
    """

    kind: BlockKind
    text: str
    number: int | None
    anchor: str
    label: str = ""
    line_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportChapter:
    """A chapter's title lines, its blocks in reading order (footnotes last) and its note."""

    title: str
    slug: str
    subtitle: str
    publication_line: str
    editorial_note: str
    blocks: tuple[ExportBlock, ...]

    @property
    def text_blocks(self) -> tuple[ExportBlock, ...]:
        """Headings and body paragraphs, in reading order (everything but the footnotes)."""
        return tuple(b for b in self.blocks if b.kind != "footnote")

    @property
    def headings(self) -> tuple[ExportBlock, ...]:
        """The section headings, in reading order."""
        return tuple(b for b in self.blocks if b.kind == "heading")

    @property
    def body(self) -> tuple[ExportBlock, ...]:
        """The body paragraphs, in reading order."""
        return tuple(b for b in self.blocks if b.kind == "body")

    @property
    def footnotes(self) -> tuple[ExportBlock, ...]:
        """The footnotes, in their stored order."""
        return tuple(b for b in self.blocks if b.kind == "footnote")

    @property
    def known_footnotes(self) -> frozenset[int]:
        """Numbers of the notes this chapter has: only these digits in the text are references."""
        return frozenset(b.number for b in self.footnotes if b.number is not None)

    def footnote(self, number: int) -> ExportBlock | None:
        """The footnote with this number, if the chapter has it."""
        return next((b for b in self.footnotes if b.number == number), None)


@dataclass(frozen=True)
class ExportDocument:
    """The text to export (the whole Manifesto or one chapter) and where it comes from."""

    title: str
    chapters: tuple[ExportChapter, ...]
    moment_label: str
    version: str
    generated_at: datetime
    line_width: int = DEFAULT_WIDTH

    @property
    def title_is_chapter(self) -> bool:
        """True for a one-chapter export titled after its chapter.

        The chapter's title is then the document's title and is not repeated as a second
        heading; its sections move up one level so that no heading level is skipped.
        """
        return len(self.chapters) == 1 and self.chapters[0].title.strip() == self.title.strip()


@dataclass(frozen=True)
class TrackedSegment:
    """A run of text in a tracked paragraph: -1 deleted, 0 kept, 1 inserted, and by whom."""

    op: DiffOp
    text: str
    author: str | None = None
    date: datetime | None = None


@dataclass(frozen=True)
class TrackedBlock:
    """A paragraph with its changes between two moments.

    A whole inserted or deleted paragraph has status "inserted" or "deleted" and its author
    and date on the block; a changed paragraph has them on each inserted or deleted segment.
    """

    kind: BlockKind
    number: int | None  # a note's own number; None for other paragraphs
    segments: tuple[TrackedSegment, ...]
    status: TrackedStatus
    author: str | None = None
    date: datetime | None = None

    @property
    def before_text(self) -> str:
        """The paragraph's text at the earlier moment ("" if it was inserted since)."""
        if self.status == "inserted":
            return ""
        return "".join(s.text for s in self.segments if s.op != 1)

    @property
    def after_text(self) -> str:
        """The paragraph's text at the later moment ("" if it was deleted since)."""
        if self.status == "deleted":
            return ""
        return "".join(s.text for s in self.segments if s.op != -1)


@dataclass(frozen=True)
class TrackedChapter:
    """A chapter's paragraphs with their tracked changes, in reading order (footnotes last)."""

    title: str
    slug: str
    blocks: tuple[TrackedBlock, ...]


@dataclass(frozen=True)
class ChangeEntry:
    """One accepted amendment in a changes report, with its word-level diff."""

    amendment_number: int
    title: str
    author: str
    editor: str
    decided_at: datetime
    reason: str
    kind: ChangeKind
    paragraph_label: str
    diff_ops: tuple[tuple[int, str], ...]
    status: ChangeStatus = "accepted"


@dataclass(frozen=True)
class LedgerFigures:
    """The word count at a moment and the limit then in force (None: no limit)."""

    words: int
    limit: int | None

    @property
    def words_left(self) -> int | None:
        """Words still available under the limit (negative when over), or None without one."""
        return None if self.limit is None else self.limit - self.words


@dataclass(frozen=True)
class ChangesReport:
    """Every amendment accepted between two moments, in text order, and the ledger around it."""

    title: str
    since_label: str
    until_label: str
    entries: tuple[ChangeEntry, ...]
    ledger_before: LedgerFigures
    ledger_after: LedgerFigures
    generated_at: datetime


def chapter_from_parsed(
    parsed: ParsedChapter, *, slug: str = "", width: int = DEFAULT_WIDTH
) -> ExportChapter:
    """An ``ExportChapter`` with the parsed chapter's text, numbering body paragraphs from 1
    and lines of ``width`` characters from 1 (a chapter file is its own reference)."""
    blocks: list[ExportBlock] = []
    lines = number_reference(
        (ReferenceBlock(index, b.kind, b.text) for index, b in enumerate(parsed.blocks)), width
    )
    heading_number = 0
    for index, block in enumerate(parsed.blocks):
        first, count = lines[index].first_line, lines[index].line_count
        line_labels = tuple(str(first + n) for n in range(count)) if first is not None else ()
        if block.kind == "body":
            number = lines[index].number
            assert number is not None  # every body paragraph of a reference has its number
            blocks.append(
                ExportBlock("body", block.text, number, f"p{number}", str(number), line_labels)
            )
        elif block.kind == "heading":
            heading_number += 1
            blocks.append(
                ExportBlock(
                    "heading", block.text, None, f"s{heading_number}", line_labels=line_labels
                )
            )
    # Footnotes go last whatever their place in the source, as the document's order promises.
    for block in parsed.footnotes:
        blocks.append(
            ExportBlock(
                "footnote", block.text, block.footnote_number, f"fn-{block.footnote_number}"
            )
        )
    return ExportChapter(
        title=parsed.title,
        slug=slug or _slugify(parsed.title),
        subtitle=parsed.subtitle,
        publication_line=parsed.publication_line,
        editorial_note=parsed.editorial_note,
        blocks=tuple(blocks),
    )


def document_from_parsed(
    parsed: ParsedChapter,
    *,
    title: str | None = None,
    moment_label: str = "as published",
    version: str = "",
    generated_at: datetime,
    width: int = DEFAULT_WIDTH,
) -> ExportDocument:
    """A one-chapter ``ExportDocument`` of a parsed chapter, titled after it unless told, its
    lines numbered at ``width`` characters."""
    return ExportDocument(
        title=parsed.title if title is None else title,
        chapters=(chapter_from_parsed(parsed, width=width),),
        moment_label=moment_label,
        version=version,
        generated_at=generated_at,
        line_width=width,
    )


def _slugify(title: str) -> str:
    # Only for documents built without a database slug; the app's own slugs win.
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in title).split()
    return "-".join(words) or "chapter"
