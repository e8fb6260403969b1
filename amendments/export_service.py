"""One entry point for every export the pages and the command offer: the text at a moment
(manifesto.exports) and what changed between two moments (amendments.reports)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from amendments.reports import changes_report, tracked_chapters
from common import clock
from manifesto.exports import (
    LINE_NUMBER_FORMATS,
    NO_LINE_NUMBERS_IN_WORD,
    TEXT_FORMATS,
    Format,
    Moment,
    export_document,
    filename,
    render,
)
from manifesto.models import Chapter, Manifesto
from textcore.export import render_changes_docx, render_changes_html, render_tracked_docx

DOCX = TEXT_FORMATS["docx"].content_type
CHANGE_FORMATS = {
    "tracked-docx": Format("tracked-docx", "Word with tracked changes", "docx", DOCX),
    "changes-html": Format(
        "changes-html", "Changes report (HTML)", "html", "text/html; charset=utf-8"
    ),
    "changes-docx": Format("changes-docx", "Changes report (Word)", "docx", DOCX),
}
FORMATS = {**TEXT_FORMATS, **CHANGE_FORMATS}
# The export form's two groups of choices.
FORM_CHOICES = {"text": tuple(TEXT_FORMATS.values()), "changes": tuple(CHANGE_FORMATS.values())}


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    filename: str
    content_type: str


def export_run(
    *,
    manifesto: Manifesto | None,
    chapters: Sequence[Chapter],
    fmt: str,
    at: Moment,
    since: Moment,
    progress: Callable[[str], None] | None = None,
    line_numbers: bool = False,
) -> ExportResult:
    """Render ``chapters`` in ``fmt`` at moment ``at`` (changes formats: since ``since``),
    with ``line_numbers`` for the formats that keep lines (LINE_NUMBER_FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format “{fmt}”; choose one of {', '.join(FORMATS)}.")
    if line_numbers and fmt not in LINE_NUMBER_FORMATS:
        raise ValueError(NO_LINE_NUMBERS_IN_WORD)
    if manifesto is None or not chapters:  # nothing imported yet
        raise ValueError("There is no chapter to export.")
    format_ = FORMATS[fmt]
    base = chapters[0].slug if len(chapters) == 1 else "manifesto"
    say = progress or (lambda message: None)
    if fmt in TEXT_FORMATS:
        say(f"Reading {len(chapters)} chapter(s) {at.label}…")
        document = export_document(manifesto, chapters, at, lines=line_numbers)
        say(f"Rendering {format_.label}…")
        content = render(document, format_, line_numbers=line_numbers)
        return ExportResult(content, filename(base, at, format_.extension), format_.content_type)

    suffix = f"-changes-since-{since.slug}"
    title = chapters[0].title if len(chapters) == 1 else manifesto.title
    if fmt == "tracked-docx":
        say(f"Tracking changes in {len(chapters)} chapter(s) since {since.label}…")
        tracked = tracked_chapters(chapters, since, at)
        content = render_tracked_docx(tracked, title, since.label, at.label, clock.now())
        return ExportResult(
            content, filename(base, at, "docx", suffix + "-tracked"), format_.content_type
        )
    say(f"Collecting the amendments accepted since {since.label}…")
    report = changes_report(manifesto, chapters, since, at)
    if fmt == "changes-html":
        content = render_changes_html(report).encode("utf-8")
    else:
        content = render_changes_docx(report)
    return ExportResult(
        content, filename(base, at, format_.extension, suffix), format_.content_type
    )
