"""Reads for the reading pages: paragraphs ready to show, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.reference import ParagraphLines, labels_of, paragraph_lines, reference_lines
from textcore.footnotes import UNREFERENCED, FootnoteRef, split_refs
from textcore.lines import break_lines
from textcore.lines import line_texts as texts_of_lines
from textcore.reference import find_line, label_line, line_range, paragraph_labels


@dataclass
class RefLink:
    """A footnote reference in the text, linked to its note (``occurrence`` makes ids unique)."""

    number: int
    marker: str
    occurrence: int

    @property
    def ref_id(self) -> str:
        return f"fnref-{self.number}-{self.occurrence}"


@dataclass(frozen=True)
class ShownLine:
    """One numbered line as the page shows it: its label ("123", "124a"; "" for a line of a
    paragraph inserted since the reference) and its pieces of text and footnote links."""

    label: str
    pieces: list[str | RefLink]

    @property
    def marked(self) -> bool:
        """Every fifth line's number is always shown."""
        number = label_line(self.label)
        return number is not None and number % 5 == 0


@dataclass
class ShownParagraph:
    """A paragraph as the reading page shows it: number, pieces of text and footnote links,
    and the same text cut into its numbered lines."""

    paragraph: Paragraph
    number: str | int | None
    pieces: list[str | RefLink]
    back_refs: list[RefLink] = field(default_factory=list)
    open_amendments: int = 0
    comments: int = 0  # readable comments in the paragraph's discussion
    lines: list[ShownLine] = field(default_factory=list)
    span: str = ""  # "lines 123–127", or "" for a paragraph inserted since the reference

    @property
    def kind(self) -> str:
        return self.paragraph.kind

    @property
    def unreferenced_label(self) -> str:
        """For a note nothing in the text references, the words every output shows after it."""
        if self.paragraph.kind == Paragraph.Kind.FOOTNOTE and not self.back_refs:
            return UNREFERENCED
        return ""

    @property
    def anchor(self) -> str:
        if self.paragraph.kind == Paragraph.Kind.FOOTNOTE:
            return f"fn-{self.paragraph.footnote_number}"
        return self.paragraph.anchor


@dataclass(frozen=True)
class Gap:
    """Where a paragraph deleted since the reference stood: its number stays, as a gap."""

    paragraph: Paragraph
    number: str | None  # its ¶ label (None for a heading)
    first_line: int
    span: str  # "lines 10–14"

    is_gap = True

    @property
    def anchor(self) -> str:
        return f"L{self.first_line}"


@dataclass
class ChapterReading:
    chapter: Chapter
    text: list[ShownParagraph]
    footnotes: list[ShownParagraph]
    deleted: list[Paragraph] = field(default_factory=list)
    reference_name: str = ""
    numbers: dict[int, str | int] = field(default_factory=dict)

    @property
    def headings(self) -> list[ShownParagraph]:
        """The section headings, in reading order: the chapter's table of contents."""
        return [shown for shown in self.text if shown.kind == Paragraph.Kind.HEADING]

    @property
    def flow(self) -> list[ShownParagraph | Gap]:
        """The text in reading order with the gaps deleted paragraphs left in the numbering."""
        gaps = [
            Gap(
                p,
                str(self.numbers[p.pk]) if p.pk in self.numbers else None,
                p.ref_first_line,
                line_range(*reference_lines(p)),
            )
            for p in self.deleted
            if p.ref_first_line is not None
        ]
        items: list[ShownParagraph | Gap] = [*self.text, *gaps]
        return sorted(items, key=lambda item: item.paragraph.position)


def manifesto_current() -> Manifesto | None:
    """The Manifesto this installation edits, or None before anything was imported (one query).

    Pages read it; only the importer and the services create it."""
    return Manifesto.objects.order_by("id").first()


def chapter_reading(chapter: Chapter) -> ChapterReading:
    """Label the body paragraphs (the reference numbering) and link footnote references both
    ways; deleted paragraphs are read too (one query), for their gaps in the numbering."""
    every = list(chapter.paragraphs.order_by("position"))
    numbers: dict[int, str | int] = dict(labels_of(every))
    width = chapter.manifesto.line_width
    paragraphs = [p for p in every if not p.is_deleted]
    notes = [p for p in paragraphs if p.kind == Paragraph.Kind.FOOTNOTE]
    known = {p.footnote_number for p in notes if p.footnote_number is not None}
    occurrences: dict[int, list[RefLink]] = defaultdict(list)
    text: list[ShownParagraph] = []
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.FOOTNOTE:
            continue
        lines = []
        for label, line_text in line_texts(paragraph, width):
            pieces: list[str | RefLink] = []
            for piece in split_refs(line_text, known):
                if isinstance(piece, FootnoteRef):
                    link = RefLink(piece.number, piece.marker, len(occurrences[piece.number]) + 1)
                    occurrences[piece.number].append(link)
                    pieces.append(link)
                else:
                    pieces.append(piece)
            lines.append(ShownLine(label, pieces))
        text.append(_shown(paragraph, numbers.get(paragraph.pk), lines))
    footnotes = [
        ShownParagraph(
            note,
            note.footnote_number,
            [note.text.strip()],
            occurrences[note.footnote_number or 0],
        )
        for note in notes
    ]
    deleted = [p for p in every if p.is_deleted and p.ref_line_count]
    return ChapterReading(
        chapter=chapter,
        text=text,
        footnotes=footnotes,
        deleted=deleted,
        reference_name=chapter.reference_name,
        numbers=numbers,
    )


def line_texts(paragraph: Paragraph, width: int) -> list[tuple[str, str]]:
    """The paragraph's numbered lines as (label, text), each line but the last ending in the
    space that separates it from the next, so that the lines joined read as the text."""
    texts = texts_of_lines(paragraph.text, break_lines(paragraph.text, width))
    labels = paragraph_lines(paragraph, width).labels
    return [
        (label, text if index == len(texts) - 1 else f"{text} ")
        for index, (label, text) in enumerate(zip(labels, texts, strict=True))
    ]


def shown_paragraph(paragraph: Paragraph, number: str | None, width: int) -> ShownParagraph:
    """One paragraph shown alone with its numbered lines (its footnote markers as text: the
    notes are on the chapter page)."""
    lines = [ShownLine(label, [text]) for label, text in line_texts(paragraph, width)]
    return _shown(paragraph, number, lines)


def _shown(
    paragraph: Paragraph, number: str | int | None, lines: list[ShownLine]
) -> ShownParagraph:
    """A paragraph with its numbered lines, its pieces those of the lines in order."""
    return ShownParagraph(
        paragraph,
        number,
        [piece for line in lines for piece in line.pieces],
        lines=lines,
        span=ParagraphLines(tuple(line.label for line in lines)).span,
    )


def manifesto_chapters(manifesto: Manifesto) -> list[Chapter]:
    """The Manifesto's chapters with their numbers of paragraphs (one query); their words
    come from the word-count guard's ledgers."""
    return list(
        manifesto.chapters.annotate(
            paragraph_count=Count(
                "paragraphs", filter=Q(paragraphs__is_deleted=False, paragraphs__kind="body")
            ),
        ).order_by("order", "id")
    )


def manifesto_chapter_list(manifesto: Manifesto | None) -> list[Chapter]:
    """The Manifesto's chapters in their order (none before anything was imported)."""
    if manifesto is None:
        return []
    return list(manifesto.chapters.order_by("order", "id"))


def paragraph_versions(paragraph: Paragraph) -> list:
    """Every version of ``paragraph``, newest first, with who changed it and why (one query)."""
    return list(
        paragraph.history.select_related("history_user").order_by("-history_date", "-history_id")
    )


def latest_version(paragraph: Paragraph) -> Any:
    """The paragraph's newest history row: the version amendments are written against."""
    return paragraph.history.order_by("-history_date", "-history_id").first()


def body_numbers(chapters: Iterable[Chapter] | None = None) -> dict[int, str]:
    """The ¶ labels of body paragraphs (the reference numbering: "9", "10a"), by paragraph id,
    per chapter (one query; all chapters when none are given). Deleted paragraphs keep theirs."""
    paragraphs = Paragraph.objects.filter(kind=Paragraph.Kind.BODY)
    if chapters is not None:
        paragraphs = paragraphs.filter(chapter__in=list(chapters))
    # Plain rows, not model instances: the queue and the amendment page ask on every request.
    by_chapter: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
    for pk, chapter_id, kind, number in paragraphs.order_by("chapter_id", "position").values_list(
        "id", "chapter_id", "kind", "ref_number"
    ):
        by_chapter[chapter_id].append((pk, kind, number))
    labels: dict[int, str] = {}
    for rows in by_chapter.values():
        labels.update(paragraph_labels(rows))
    return labels


@dataclass(frozen=True)
class LinePlace:
    """Where a reference line is now: in ``paragraph`` (None: not in the chapter), at the line
    labelled ``label`` ("" when the paragraph was deleted since, or has no lines now);
    ``number`` is its ¶ label; ``first``..``last`` are the chapter's lines (None when it has
    none)."""

    paragraph: Paragraph | None
    label: str = ""
    number: str | None = None
    first: int | None = None
    last: int | None = None


def line_place(chapter: Chapter, line: int) -> LinePlace:
    """Find reference line ``line`` in the chapter (one query): the line of today's text that
    begins in it, or the nearest one before it when the text around it changed."""
    every = list(chapter.paragraphs.order_by("position"))
    numbered = [p for p in every if p.ref_first_line is not None]
    starts = [(p.ref_first_line, p.ref_line_count) for p in numbered if p.ref_first_line]
    first = min((start for start, _ in starts), default=None)
    last = max((start + count - 1 for start, count in starts), default=None)
    pk = find_line(((p.pk, p.ref_first_line, p.ref_line_count) for p in numbered), line)
    if pk is None:
        return LinePlace(None, first=first, last=last)
    paragraph = next(p for p in numbered if p.pk == pk)
    number = labels_of(every).get(pk)
    if paragraph.is_deleted:
        return LinePlace(paragraph, "", number, first, last)
    labels = paragraph_lines(paragraph, chapter.manifesto.line_width).labels
    if not labels:  # its text is only spaces now: no line to go to, only the paragraph
        return LinePlace(paragraph, "", number, first, last)
    if str(line) in labels:
        return LinePlace(paragraph, str(line), number, first, last)
    # No line begins in it now: the last one that begins before it holds its text.
    label = labels[0]
    for candidate in labels:
        if (label_line(candidate) or 0) <= line:
            label = candidate
    return LinePlace(paragraph, label, number, first, last)
