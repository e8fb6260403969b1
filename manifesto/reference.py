"""The reference numbering of the text store: written onto the paragraphs when a chapter's
reference is set, read by every page, export and e-mail that cites text.

The rules are the text core's (textcore.reference); this module reads the reference text (the
chapter as of its reference milestone) and stores what the text core says of each paragraph.
Writing changes no paragraph's text, so it makes no history rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from manifesto.exports import paragraphs_at
from manifesto.models import Chapter, Manifesto, Paragraph
from textcore.reference import (
    Citation,
    ReferenceBlock,
    ReferenceNumber,
    cite,
    line_labels,
    next_line,
    number_reference,
    paragraph_labels,
)

REFERENCE_FIELDS = ("ref_number", "ref_first_line", "ref_line_count", "ref_text", "in_reference")


def reference_renumber(manifesto: Manifesto, only: Chapter | None = None) -> None:
    """Number every chapter of ``manifesto`` against its reference, in chapter order (lines
    run on from chapter to chapter when the Manifesto numbers continuously), and store the
    numbers: of every chapter (the caller holds the Manifesto's lock, inside its transaction)
    or of ``only`` that one (a chapter just imported, whose rows nobody else has yet)."""
    chapters = list(
        manifesto.chapters.select_related("reference_milestone").order_by("order", "id")
    )
    moments = {c.pk: c.reference_milestone.moment for c in chapters if c.reference_milestone}
    at_moment = paragraphs_at([c for c in chapters if c.pk in moments], moments) if moments else {}
    current: dict[int, list[Paragraph]] = defaultdict(list)
    for paragraph in Paragraph.objects.filter(chapter__in=chapters).order_by("position"):
        current[paragraph.chapter_id].append(paragraph)
    first = 1
    for chapter in chapters:
        paragraphs = current[chapter.pk]
        if chapter.pk in moments:
            reference: Sequence = at_moment.get(chapter.pk, [])
        else:
            reference = [p for p in paragraphs if not p.is_deleted]
        start = first if manifesto.continuous_line_numbers else 1
        numbers = number_reference(
            (ReferenceBlock(p.key, p.kind, p.text) for p in reference), manifesto.line_width, start
        )
        texts = {p.key: p.text for p in reference}
        if only is None or only.pk == chapter.pk:
            _store(paragraphs, numbers, texts)
        first = next_line(numbers.values(), start)


def _store(
    paragraphs: list[Paragraph], numbers: dict[int, ReferenceNumber], texts: dict[int, str]
) -> None:
    for paragraph in paragraphs:
        number = numbers.get(paragraph.key)
        paragraph.in_reference = number is not None
        paragraph.ref_number = number.number if number else None
        paragraph.ref_first_line = number.first_line if number else None
        paragraph.ref_line_count = number.line_count if number else 0
        paragraph.ref_text = texts.get(paragraph.key, "")
    Paragraph.objects.bulk_update(paragraphs, REFERENCE_FIELDS, batch_size=500)


def labels_of(paragraphs: Iterable[Paragraph]) -> dict[int, str]:
    """The ¶ label of each body paragraph among ``paragraphs`` (one chapter, in reading order,
    deleted ones included so an insertion after a deleted paragraph is named after it), by id."""
    rows = list(paragraphs)
    by_key = paragraph_labels((p.key, p.kind, p.ref_number) for p in rows)
    return {p.pk: by_key[p.key] for p in rows if p.key in by_key}


def reference_lines(paragraph: Paragraph) -> tuple[int | None, int | None]:
    """The first and last of the paragraph's reference lines (None, None: it has none)."""
    first = paragraph.ref_first_line
    if first is None:
        return None, None
    return first, first + paragraph.ref_line_count - 1


@dataclass(frozen=True)
class ParagraphLines:
    """A paragraph's lines as shown: each line's label (its reference line number)."""

    labels: tuple[str, ...]

    @property
    def span(self) -> str:
        numbered = [label for label in self.labels if label]
        if not numbered:
            return ""
        if len(numbered) == 1:
            return f"line {numbered[0]}"
        return f"lines {numbered[0]}–{numbered[-1]}"


def paragraph_lines(paragraph: Paragraph, width: int, text: str | None = None) -> ParagraphLines:
    """The line labels of ``text`` (the paragraph's own by default) against its reference."""
    text = paragraph.text if text is None else text
    return ParagraphLines(line_labels(text, paragraph.ref_text, paragraph.ref_first_line, width))


def place_of(paragraph: Paragraph, label: str | None) -> str:
    """How a paragraph is named in a citation: "¶ 9", "the heading", "note 3"."""
    if paragraph.kind == Paragraph.Kind.FOOTNOTE:
        return f"note {paragraph.footnote_number}"
    if paragraph.kind == Paragraph.Kind.HEADING:
        return "the heading"
    return f"¶ {label}" if label else "the paragraph"


def citation_of(
    paragraph: Paragraph,
    label: str | None,
    width: int,
    text: str,
    start: int,
    end: int,
    after: bool = False,
) -> Citation:
    """Where characters ``start``..``end`` of ``text`` (the paragraph's text, or the version an
    amendment is written against) are in the reference: "¶ 9, lines 123–125"."""
    lines = cite(text, paragraph.ref_text, paragraph.ref_first_line, start, end, width)
    place = place_of(paragraph, label)
    if lines is None:
        return Citation(place, None, None, after)
    return Citation(place, lines[0], lines[1], after)


def paragraph_citation(paragraph: Paragraph, label: str | None) -> Citation:
    """A whole paragraph in the reference: "¶ 9, lines 123–125" (its reference lines)."""
    return Citation(place_of(paragraph, label), *reference_lines(paragraph))
