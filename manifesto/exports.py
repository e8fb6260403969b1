"""The text at any moment, built from the paragraphs' history, and rendered for download.

A moment is "now", "published" (each chapter's "As published" milestone) or a date and time.
Rendering itself is the pure text core's (textcore.export); this module only reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from common import clock
from manifesto.models import AS_PUBLISHED, Chapter, Manifesto, Milestone, Paragraph
from textcore.export import (
    ExportBlock,
    ExportChapter,
    ExportDocument,
    render_docx,
    render_html,
    render_markdown,
    render_text,
)
from textcore.reference import line_labels, paragraph_labels

HistoricalParagraph = Paragraph.history.model
HistoricalChapter = Chapter.history.model


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


# The formats whose lines stay as we cut them; Word reflows lines, so a DOCX cites the
# reference's ¶ and line numbers in the changes report instead.
LINE_NUMBER_FORMATS = ("txt", "md", "html")
NO_LINE_NUMBERS_IN_WORD = (
    "Line numbers come with the text as plain text (txt), Markdown (md) or HTML: Word "
    "reflows lines, so a DOCX has none, and the changes report and tracked changes cite "
    "¶ and line numbers instead."
)


@dataclass(frozen=True)
class Moment:
    """When to take the text: now, a named milestone ("As published"), or a date and time."""

    kind: str  # "now" | "milestone" | "at"
    at: datetime | None = None
    name: str = ""

    @property
    def label(self) -> str:
        if self.kind == "milestone":
            if self.name.lower() == AS_PUBLISHED.lower():
                return "as published"
            return f"at the milestone “{self.name}”"
        if self.kind == "now":
            return f"as accepted on {timezone.localtime():%-d %B %Y, %H:%M}"
        assert self.at is not None
        return f"as of {timezone.localtime(self.at):%-d %B %Y, %H:%M}"

    @property
    def slug(self) -> str:
        if self.kind == "at":
            assert self.at is not None
            return timezone.localtime(self.at).strftime("%Y-%m-%d-%H%M")
        if self.kind == "milestone":
            return slugify(self.name)
        return timezone.localdate().isoformat()


NOW = Moment("now")
PUBLISHED = Moment("milestone", name=AS_PUBLISHED)


def parse_moment(value: str | None) -> Moment:
    """Read "now", "published", a date (end of that day), a date and time (local time), or
    "milestone:NAME" (any other word is taken as a milestone's name too).

    Raises ValueError, with the one "not a moment" message, for anything else: impossible
    dates, and moments that fall off the calendar (before the year 1 or after 9999) in UTC or
    in the site's time zone, where the labels and the database would overflow."""
    text = (value or "now").strip()
    lowered = text.lower()
    if lowered in ("", "now", "today", "current"):
        return NOW
    if lowered in ("published", "as-published", "as published"):
        return PUBLISHED
    shown = text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}…"
    not_a_moment = ValueError(
        f"“{shown}” is not a moment: use now, published, a milestone's name, a date such as "
        "2026-11-26, or a date and time such as 2026-11-26 14:30 (years 1 to 9999)."
    )
    if _UNSTORABLE.search(text):  # no milestone's name holds them, and no database takes them
        raise not_a_moment
    if lowered.startswith("milestone:"):
        return Moment("milestone", name=text.split(":", 1)[1].strip())
    try:
        moment = parse_datetime(lowered.replace(" ", "T"))
        day = parse_date(lowered) if moment is None else None
    except ValueError as error:  # well formed but impossible, such as 2026-13-45
        raise not_a_moment from error
    if moment is None:
        if day is None:
            if re.match(r"^[\d\s:/.+-]+$", text):
                raise not_a_moment
            return Moment("milestone", name=text)
        moment = datetime.combine(day, time(23, 59, 59))
    try:
        return Moment("at", _on_the_calendar(moment))
    except OverflowError as error:
        raise not_a_moment from error


# A typed moment is echoed in the "not a moment" message up to this length.
_SHOWN_CHARS = 60
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _on_the_calendar(moment: datetime) -> datetime:
    """``moment`` as an aware time in UTC, the form every later use takes safely (the label and
    the file name in local time, the database's comparisons). Raises OverflowError when it or
    its local time lies outside the years 1 to 9999."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    in_utc = moment.astimezone(UTC)
    # The label and the file name show local time: it must exist too.
    timezone.localtime(in_utc)
    return in_utc


def moments_for(chapters: Sequence[Chapter], moment: Moment) -> dict[int, datetime]:
    """The concrete time ``moment`` means for each chapter (one query for a milestone).

    "As published" falls back to the chapter's creation; any other milestone must exist in
    every chapter exported, or the export says which chapter lacks it.
    """
    if moment.kind == "at":
        assert moment.at is not None
        return {c.pk: moment.at for c in chapters}
    if moment.kind == "now":
        now = clock.now()
        return {c.pk: now for c in chapters}
    found = dict(
        Milestone.objects.filter(chapter__in=list(chapters), name__iexact=moment.name).values_list(
            "chapter_id", "moment"
        )
    )
    result = {}
    for chapter in chapters:
        if chapter.pk in found:
            result[chapter.pk] = found[chapter.pk]
        elif moment.name.lower() == AS_PUBLISHED.lower():
            result[chapter.pk] = chapter.created_at
        else:
            name = moment.name
            shown = name if len(name) <= _SHOWN_CHARS else f"{name[:_SHOWN_CHARS]}…"
            raise ValueError(f"“{chapter.title}” has no milestone called “{shown}”.")
    return result


def milestone_names(chapters: Iterable[Chapter]) -> list[str]:
    """The names of the milestones of ``chapters``, oldest first, "As published" excluded."""
    names: list[str] = []
    rows = (
        Milestone.objects.filter(chapter__in=list(chapters))
        .exclude(name__iexact=AS_PUBLISHED)
        .order_by("moment")
        .values_list("name", flat=True)
    )
    for name in rows:
        if name not in names:
            names.append(name)
    return names


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


def export_chapter(
    record: Any,
    paragraphs: Sequence[Any],
    numbering: Sequence[Paragraph],
    width: int,
    lines: bool = True,
) -> ExportChapter:
    """An ExportChapter from a chapter record and its paragraphs at a moment (models or history
    rows, which simple_history leaves untyped), numbered by the reference: ``numbering`` is
    the chapter's current paragraphs in reading order, deleted ones included, whose reference
    fields give the ¶ labels and line labels at ``width`` characters, by paragraph. A paragraph
    has the same label at every moment ("10a" in every output). Without ``lines`` the blocks
    carry no line labels (an output that prints none need not work them out)."""
    labels = paragraph_labels((p.key, p.kind, p.ref_number) for p in numbering)
    current = {p.key: p for p in numbering}
    blocks = []
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.FOOTNOTE:
            blocks.append(
                ExportBlock(
                    paragraph.kind, paragraph.text, paragraph.footnote_number, f"p{paragraph.key}"
                )
            )
            continue
        reference = current.get(paragraph.key)
        shown = (
            line_labels(
                paragraph.text,
                reference.ref_text if reference else "",
                reference.ref_first_line if reference else None,
                width,
            )
            if lines
            else ()
        )
        blocks.append(
            ExportBlock(
                paragraph.kind,
                paragraph.text,
                None,
                f"p{paragraph.key}",
                label=labels.get(paragraph.key, ""),
                line_labels=shown,
            )
        )
    return ExportChapter(
        title=record.title,
        slug=record.slug,
        subtitle=record.subtitle,
        publication_line=record.publication_line,
        editorial_note=record.editorial_note,
        blocks=tuple(blocks),
    )


def _numbering(chapters: Sequence[Chapter]) -> dict[int, list[Paragraph]]:
    """Each chapter's current paragraphs with their reference fields, in reading order,
    deleted ones included (one query)."""
    rows = (
        Paragraph.objects.filter(chapter__in=list(chapters))
        .order_by("chapter_id", "position")
        .only(
            "id",
            "chapter_id",
            "key",
            "kind",
            "position",
            "ref_number",
            "ref_first_line",
            "ref_text",
        )
    )
    by_chapter: dict[int, list[Paragraph]] = defaultdict(list)
    for paragraph in rows:
        by_chapter[paragraph.chapter_id].append(paragraph)
    return by_chapter


def export_document(
    manifesto: Manifesto, chapters: Sequence[Chapter], moment: Moment, lines: bool = True
) -> ExportDocument:
    """The text of ``chapters`` at ``moment`` as the text core's document, numbered by the
    reference (¶ labels, and line labels at the Manifesto's line width unless not ``lines``)."""
    chapters = [
        c for c in chapters if moment.kind != "at" or c.created_at <= (moment.at or c.created_at)
    ]
    if not chapters:
        raise ValueError("No chapter existed at that moment.")
    moments = moments_for(chapters, moment)
    records = chapters_at(chapters, moments)
    paragraphs = paragraphs_at(chapters, moments)
    numbering = _numbering(chapters)
    width = manifesto.line_width
    export_chapters = tuple(
        export_chapter(
            records.get(c.pk, c), paragraphs.get(c.pk, []), numbering.get(c.pk, []), width, lines
        )
        for c in chapters
    )
    title = export_chapters[0].title if len(chapters) == 1 else manifesto.title
    newest = max((p.history_id for rows in paragraphs.values() for p in rows), default=0)
    return ExportDocument(
        title=title,
        chapters=export_chapters,
        moment_label=moment.label,
        version=f"{moment.label} (revision {newest})",
        generated_at=clock.now(),
        line_width=width,
    )


def render(document: ExportDocument, fmt: Format, *, line_numbers: bool = False) -> bytes:
    """The document in ``fmt``, as bytes ready to download or write; ``line_numbers`` for the
    formats that keep lines (txt, md, html; Word reflows them, see LINE_NUMBER_FORMATS)."""
    if fmt.key == "docx":
        if line_numbers:
            raise ValueError(NO_LINE_NUMBERS_IN_WORD)
        return render_docx(document)
    renderer = {"md": render_markdown, "txt": render_text, "html": render_html}[fmt.key]
    return renderer(document, line_numbers=line_numbers).encode("utf-8")


def filename(base: str, moment: Moment, extension: str, suffix: str = "") -> str:
    """A sensible download name: slug, moment and extension, safe for every file system."""
    stem = re.sub(r"[^a-z0-9-]+", "-", f"{base}-{moment.slug}{suffix}".lower()).strip("-")
    return f"{stem}.{extension}"
