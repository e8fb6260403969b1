"""Reads for the reading pages: paragraphs ready to show, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from manifesto.models import Chapter, Manifesto, Paragraph
from textcore.footnotes import UNREFERENCED, FootnoteRef, split_refs
from textcore.numbering import paragraph_numbers


@dataclass
class RefLink:
    """A footnote reference in the text, linked to its note (``occurrence`` makes ids unique)."""

    number: int
    marker: str
    occurrence: int

    @property
    def ref_id(self) -> str:
        return f"fnref-{self.number}-{self.occurrence}"


@dataclass
class ShownParagraph:
    """A paragraph as the reading page shows it: number, pieces of text and footnote links."""

    paragraph: Paragraph
    number: int | None
    pieces: list[str | RefLink]
    back_refs: list[RefLink] = field(default_factory=list)
    open_amendments: int = 0

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


@dataclass
class ChapterReading:
    chapter: Chapter
    text: list[ShownParagraph]
    footnotes: list[ShownParagraph]


def manifesto_current() -> Manifesto | None:
    """The Manifesto this installation edits, or None before anything was imported (one query).

    Pages read it; only the importer and the services create it."""
    return Manifesto.objects.order_by("id").first()


def live_paragraphs(chapter: Chapter) -> list[Paragraph]:
    """The chapter's paragraphs in reading order, without deleted ones (one query)."""
    return list(chapter.paragraphs.filter(is_deleted=False).order_by("position"))


def chapter_reading(chapter: Chapter, paragraphs: list[Paragraph] | None = None) -> ChapterReading:
    """Number the body paragraphs and link footnote references both ways."""
    paragraphs = live_paragraphs(chapter) if paragraphs is None else paragraphs
    notes = [p for p in paragraphs if p.kind == Paragraph.Kind.FOOTNOTE]
    known = {p.footnote_number for p in notes if p.footnote_number is not None}
    occurrences: dict[int, list[RefLink]] = defaultdict(list)
    text: list[ShownParagraph] = []
    numbers = paragraph_numbers((p.pk, p.kind, p.is_deleted) for p in paragraphs)
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.FOOTNOTE:
            continue
        pieces: list[str | RefLink] = []
        for piece in split_refs(paragraph.text.strip(), known):
            if isinstance(piece, FootnoteRef):
                link = RefLink(piece.number, piece.marker, len(occurrences[piece.number]) + 1)
                occurrences[piece.number].append(link)
                pieces.append(link)
            else:
                pieces.append(piece)
        text.append(ShownParagraph(paragraph, numbers.get(paragraph.pk), pieces))
    footnotes = [
        ShownParagraph(
            note,
            note.footnote_number,
            [note.text.strip()],
            occurrences[note.footnote_number or 0],
        )
        for note in notes
    ]
    return ChapterReading(chapter=chapter, text=text, footnotes=footnotes)


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


def body_numbers(chapters: Iterable[Chapter] | None = None) -> dict[int, int]:
    """The visible ¶ numbers of live body paragraphs, by paragraph id, counted per chapter
    (one query; all chapters when none are given)."""
    # Only the rows that get a number are read; paragraph_numbers numbers them.
    paragraphs = Paragraph.objects.filter(is_deleted=False, kind=Paragraph.Kind.BODY)
    if chapters is not None:
        paragraphs = paragraphs.filter(chapter__in=list(chapters))
    by_chapter: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for pk, chapter_id, kind, is_deleted in paragraphs.order_by(
        "chapter_id", "position"
    ).values_list("id", "chapter_id", "kind", "is_deleted"):
        by_chapter[chapter_id].append((pk, kind, is_deleted))
    numbers: dict[int, int] = {}
    for rows in by_chapter.values():
        numbers.update(paragraph_numbers(rows))
    return numbers
