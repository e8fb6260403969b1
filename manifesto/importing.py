"""What an import will do, read before anything is written: the preview of a new chapter
(¶ and line numbers, notes, words against the limit) and the plan of a revised draft (each
current paragraph unchanged, changed with its diff, deleted, and each new one inserted).

Reads only: the services (``manifesto.services.chapter_import`` and the desk's
``chapter_revise``) build the same plan again inside their transaction and write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max

from manifesto.counting import counts_against_limit
from manifesto.models import Chapter, Manifesto, Paragraph
from textcore.align import align_paragraphs, comparable_text, keep_old_form
from textcore.chapter_text import Block, ChapterFormatError, ParsedChapter
from textcore.diff import diff_html
from textcore.importing import FORMAT_NAMES, ImportedChapter, ImportRefused, read_chapter
from textcore.lines import DEFAULT_WIDTH, break_lines, line_texts
from textcore.words import count_words

# The tolerance a new chapter's default limit adds to its imported words (Chapter's default).
DEFAULT_TOLERANCE_PERCENT = 5


def read_upload(data: bytes, *, max_bytes: int) -> ImportedChapter:
    """The chapter in an uploaded file, or ValidationError naming what is wrong with it."""
    try:
        return read_chapter(data, max_bytes=max_bytes)
    except ImportRefused as error:
        raise ValidationError(str(error), code="file_refused") from error
    except ChapterFormatError as error:
        raise ValidationError(str(error), code="chapter_format") from error


@dataclass(frozen=True)
class PreviewLine:
    number: int
    text: str


@dataclass(frozen=True)
class PreviewBlock:
    """A paragraph as it will read: its ¶ number (body), its numbered lines, or its note number."""

    kind: str
    text: str
    number: int | None = None
    lines: tuple[PreviewLine, ...] = ()
    footnote_number: int | None = None


@dataclass
class ChapterPreview:
    """A new chapter as it will read once imported."""

    imported: ImportedChapter
    blocks: list[PreviewBlock]
    words: int
    limit: int

    @property
    def parsed(self) -> ParsedChapter:
        return self.imported.parsed

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.imported.kind]

    @property
    def over_by(self) -> int:
        return max(self.words - self.limit, 0)


def counted_words(parsed: ParsedChapter, count_footnotes: bool) -> int:
    """The words of the parsed chapter that count against its limit."""
    return sum(
        count_words(b.text) for b in parsed.blocks if counts_against_limit(b.kind, count_footnotes)
    )


def chapter_preview(
    imported: ImportedChapter, *, manifesto: Manifesto | None, word_limit: int | None
) -> ChapterPreview:
    """The preview of a new chapter: numbered as the reference text will number it."""
    width = manifesto.line_width if manifesto else DEFAULT_WIDTH
    words = counted_words(imported.parsed, manifesto.count_footnotes if manifesto else False)
    limit = (
        word_limit if word_limit is not None else words + words * DEFAULT_TOLERANCE_PERCENT // 100
    )
    return ChapterPreview(imported, preview_blocks(imported.parsed.blocks, width), words, limit)


def preview_blocks(blocks: list[Block], width: int) -> list[PreviewBlock]:
    """¶ numbers for body paragraphs and line numbers for headings and body, continuous."""
    shown: list[PreviewBlock] = []
    body = 0
    line = 1
    for block in blocks:
        if block.kind == "footnote":
            shown.append(
                PreviewBlock("footnote", block.text, footnote_number=block.footnote_number)
            )
            continue
        body += block.kind == "body"
        texts = line_texts(block.text, break_lines(block.text, width))
        lines = tuple(PreviewLine(line + index, text) for index, text in enumerate(texts))
        line += len(lines)
        shown.append(
            PreviewBlock(block.kind, block.text, body if block.kind == "body" else None, lines)
        )
    return shown


@dataclass(frozen=True)
class PlanRow:
    """One paragraph of a revised draft: ``op`` is unchanged, changed, inserted or deleted;
    ``paragraph`` the current one (None if inserted), ``block`` the new one (None if deleted)."""

    op: str
    paragraph: Paragraph | None
    block: Block | None
    diff: str = ""
    text: str = ""


@dataclass
class RevisionPlan:
    """What a revised draft changes in a chapter, paragraph by paragraph."""

    chapter: Chapter
    imported: ImportedChapter
    rows: list[PlanRow]
    words_before: int
    words_after: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.imported.kind]

    @property
    def warnings(self) -> list[str]:
        """The file's warnings, and what of the chapter's header the draft would change: a
        revised draft changes paragraphs only (editors change the header in the admin)."""
        parsed = self.imported.parsed
        notices = list(self.imported.warnings)
        for what, now, draft in (
            ("title", self.chapter.title, parsed.title),
            ("subtitle", self.chapter.subtitle, parsed.subtitle),
            ("publication line", self.chapter.publication_line, parsed.publication_line),
            ("editorial note", self.chapter.editorial_note, parsed.editorial_note),
        ):
            if draft.strip() != now.strip():
                notices.append(
                    f"The draft's {what} (“{draft[:80]}”) differs from the chapter's; a revised "
                    "draft changes paragraphs only, so it is not changed."
                )
        return notices

    @property
    def changes(self) -> list[PlanRow]:
        return [row for row in self.rows if row.op != "unchanged"]


def chapter_stamp(chapter: Chapter) -> int:
    """The newest paragraph version of ``chapter``: a revised draft is confirmed against the
    text its preview showed, and any change since then gives another stamp."""
    newest = Paragraph.history.filter(chapter_id=chapter.pk).aggregate(newest=Max("history_id"))
    return int(newest["newest"] or 0)


def revision_plan(
    chapter: Chapter, imported: ImportedChapter, paragraphs: list[Paragraph] | None = None
) -> RevisionPlan:
    """Align the draft with the chapter's live paragraphs (``paragraphs``, in order, read if
    not given): unchanged ones keep their ids; see ``textcore.align``."""
    if paragraphs is None:
        paragraphs = list(chapter.paragraphs.filter(is_deleted=False).order_by("position"))
    blocks = imported.parsed.blocks
    old_notes = {p.footnote_number for p in paragraphs if p.footnote_number is not None}
    new_notes = {b.footnote_number for b in blocks if b.footnote_number is not None}
    steps = align_paragraphs(
        [(p.kind, comparable_text(p.text, old_notes)) for p in paragraphs],
        [(b.kind, comparable_text(b.text, new_notes)) for b in blocks],
    )
    rows: list[PlanRow] = []
    for step in steps:
        old = paragraphs[step.old] if step.old is not None else None
        new = blocks[step.new] if step.new is not None else None
        if step.op == "unchanged" and old and new and old.footnote_number != new.footnote_number:
            # The same words under another note number: a change of the note's number.
            rows.append(PlanRow("changed", old, new, diff_html(old.text, old.text), old.text))
        elif step.op == "changed" and old and new:
            text = keep_old_form(old.text, new.text, old_notes & new_notes)
            rows.append(PlanRow("changed", old, new, diff_html(old.text, text), text))
        else:
            rows.append(PlanRow(step.op, old, new, "", new.text if new else ""))
    count_footnotes = chapter.manifesto.count_footnotes
    before = sum(p.word_count for p in paragraphs if counts_against_limit(p.kind, count_footnotes))
    counts = {
        op: sum(1 for row in rows if row.op == op)
        for op in ("unchanged", "changed", "inserted", "deleted")
    }
    return RevisionPlan(
        chapter, imported, rows, before, counted_words(imported.parsed, count_footnotes), counts
    )
