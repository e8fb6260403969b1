"""The text at any moment, built from the paragraphs' history, and rendered for download.

A moment is "now", "published" (each chapter's "As published" milestone) or a date and time.
Rendering itself is the pure text core's (textcore.export); this module only reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.services import AS_PUBLISHED
from textcore.export import (
    ExportBlock,
    ExportChapter,
    ExportDocument,
    render_docx,
    render_html,
    render_markdown,
    render_text,
)

HistoricalParagraph = Paragraph.history.model  # type: ignore[attr-defined]
HistoricalChapter = Chapter.history.model  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str
    content_type: str


TEXT_FORMATS = {
    "docx": Format(
        "docx",
        "Word (DOCX, real footnotes)",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "html": Format("html", "Web page (HTML, prints well)", "html", "text/html; charset=utf-8"),
    "md": Format("md", "Markdown", "md", "text/markdown; charset=utf-8"),
    "txt": Format("txt", "Plain text", "txt", "text/plain; charset=utf-8"),
}


@dataclass(frozen=True)
class Moment:
    """When to take the text: now, as published, or at a date and time."""

    kind: str  # "now" | "published" | "at"
    at: datetime | None = None

    @property
    def label(self) -> str:
        if self.kind == "published":
            return "as published"
        if self.kind == "now":
            return f"as accepted on {timezone.localtime():%-d %B %Y, %H:%M}"
        assert self.at is not None
        return f"as of {timezone.localtime(self.at):%-d %B %Y, %H:%M}"

    @property
    def slug(self) -> str:
        if self.kind == "at":
            assert self.at is not None
            return timezone.localtime(self.at).strftime("%Y-%m-%d-%H%M")
        if self.kind == "published":
            return "as-published"
        return timezone.localdate().isoformat()

    def for_chapter(self, chapter: Chapter, published: dict[int, datetime]) -> datetime:
        """The concrete time this moment means for ``chapter``."""
        if self.kind == "at":
            assert self.at is not None
            return self.at
        if self.kind == "published":
            return published.get(chapter.pk, chapter.created_at)
        return timezone.now()


NOW = Moment("now")
PUBLISHED = Moment("published")


def parse_moment(value: str | None) -> Moment:
    """Read "now", "published", a date (end of that day) or a date and time (local time)."""
    text = (value or "now").strip().lower()
    if text in ("", "now", "today", "current"):
        return NOW
    if text in ("published", "as-published", "as published"):
        return PUBLISHED
    moment = parse_datetime(text.replace(" ", "T"))
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(
                f"“{value}” is not a moment: use now, published, a date such as 2026-11-26, "
                "or a date and time such as 2026-11-26 14:30."
            )
        moment = datetime.combine(day, time(23, 59, 59))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return Moment("at", moment)


def published_moments(chapters: Iterable[Chapter]) -> dict[int, datetime]:
    from manifesto.models import Milestone

    return dict(
        Milestone.objects.filter(chapter__in=list(chapters), name=AS_PUBLISHED).values_list(
            "chapter_id", "moment"
        )
    )


def _last_rows(rows: Iterable[Any], moment_of: Callable[[Any], datetime]) -> dict[int, Any]:
    """The last history row of each object at or before its moment (rows sorted by date)."""
    latest: dict[int, Any] = {}
    for row in rows:
        if row.history_date <= moment_of(row):
            latest[row.id] = row
    return latest


def paragraphs_at(chapters: Sequence[Chapter], moments: dict[int, datetime]) -> dict[int, list]:
    """Each chapter's live paragraphs at its moment, in order (one query)."""
    rows = HistoricalParagraph.objects.filter(
        chapter_id__in=[c.pk for c in chapters], history_date__lte=max(moments.values())
    ).order_by("history_date", "history_id")
    by_chapter: dict[int, list] = defaultdict(list)
    for row in _last_rows(rows, lambda row: moments[row.chapter_id]).values():
        if row.history_type != "-" and not row.is_deleted:
            by_chapter[row.chapter_id].append(row)
    for paragraphs in by_chapter.values():
        paragraphs.sort(key=lambda p: p.position)
    return by_chapter


def chapters_at(chapters: Sequence[Chapter], moments: dict[int, datetime]) -> dict[int, Any]:
    """Each chapter's own record (title, subtitle, limit…) at its moment (one query)."""
    rows = HistoricalChapter.objects.filter(
        id__in=[c.pk for c in chapters], history_date__lte=max(moments.values())
    ).order_by("history_date", "history_id")
    return _last_rows(rows, lambda row: moments[row.id])


def export_chapter(record, paragraphs: Sequence) -> ExportChapter:  # type: ignore[no-untyped-def]
    """An ExportChapter from a chapter record and its paragraphs (models or history rows)."""
    blocks = []
    number = 0
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.BODY:
            number += 1
        shown = (
            number
            if paragraph.kind == Paragraph.Kind.BODY
            else paragraph.footnote_number
            if paragraph.kind == Paragraph.Kind.FOOTNOTE
            else None
        )
        blocks.append(ExportBlock(paragraph.kind, paragraph.text, shown, f"p{paragraph.key}"))
    return ExportChapter(
        title=record.title,
        slug=record.slug,
        subtitle=record.subtitle,
        publication_line=record.publication_line,
        editorial_note=record.editorial_note,
        blocks=tuple(blocks),
    )


def export_document(
    manifesto: Manifesto, chapters: Sequence[Chapter], moment: Moment
) -> ExportDocument:
    """The text of ``chapters`` at ``moment`` as the text core's document."""
    chapters = [
        c for c in chapters if moment.kind != "at" or c.created_at <= (moment.at or c.created_at)
    ]
    if not chapters:
        raise ValueError("No chapter existed at that moment.")
    published = published_moments(chapters)
    moments = {c.pk: moment.for_chapter(c, published) for c in chapters}
    records = chapters_at(chapters, moments)
    paragraphs = paragraphs_at(chapters, moments)
    export_chapters = tuple(
        export_chapter(records.get(c.pk, c), paragraphs.get(c.pk, [])) for c in chapters
    )
    title = export_chapters[0].title if len(chapters) == 1 else manifesto.title
    newest = max((p.history_id for rows in paragraphs.values() for p in rows), default=0)
    return ExportDocument(
        title=title,
        chapters=export_chapters,
        moment_label=moment.label,
        version=f"{moment.label} (revision {newest})",
        generated_at=timezone.now(),
    )


def render(document: ExportDocument, fmt: Format) -> bytes:
    """The document in ``fmt``, as bytes ready to download or write."""
    if fmt.key == "docx":
        return render_docx(document)
    renderer = {"md": render_markdown, "txt": render_text, "html": render_html}[fmt.key]
    return renderer(document).encode("utf-8")


def filename(base: str, moment: Moment, extension: str, suffix: str = "") -> str:
    """A sensible download name: slug, moment and extension, safe for every file system."""
    stem = re.sub(r"[^a-z0-9-]+", "-", f"{base}-{moment.slug}{suffix}".lower()).strip("-")
    return f"{stem}.{extension}"
