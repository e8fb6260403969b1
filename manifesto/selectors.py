"""Reads for the reading pages: paragraphs ready to show, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.reference import labels_of
from textcore.footnotes import UNREFERENCED, FootnoteRef, split_refs


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
    number: str | int | None
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
    deleted: list[Paragraph] = field(default_factory=list)


def manifesto_current() -> Manifesto | None:
    """The Manifesto this installation edits, or None before anything was imported (one query).

    Pages read it; only the importer and the services create it."""
    return Manifesto.objects.order_by("id").first()


def chapter_reading(chapter: Chapter) -> ChapterReading:
    """Label the body paragraphs (the reference numbering) and link footnote references both
    ways; deleted paragraphs are read too (one query), for their gaps in the numbering."""
    every = list(chapter.paragraphs.order_by("position"))
    numbers: dict[int, str | int] = dict(labels_of(every))
    paragraphs = [p for p in every if not p.is_deleted]
    notes = [p for p in paragraphs if p.kind == Paragraph.Kind.FOOTNOTE]
    known = {p.footnote_number for p in notes if p.footnote_number is not None}
    occurrences: dict[int, list[RefLink]] = defaultdict(list)
    text: list[ShownParagraph] = []
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
    deleted = [p for p in every if p.is_deleted and p.in_reference and p.ref_line_count]
    return ChapterReading(chapter=chapter, text=text, footnotes=footnotes, deleted=deleted)


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
    by_chapter: dict[int, list[Paragraph]] = defaultdict(list)
    for paragraph in paragraphs.order_by("chapter_id", "position").only(
        "id", "chapter_id", "key", "kind", "ref_number", "in_reference"
    ):
        by_chapter[paragraph.chapter_id].append(paragraph)
    labels: dict[int, str] = {}
    for rows in by_chapter.values():
        labels.update(labels_of(rows))
    return labels
