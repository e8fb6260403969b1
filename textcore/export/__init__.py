"""Exports of the accepted text: Markdown, plain text, HTML, DOCX, tracked-changes DOCX and
the changes report. Pure functions over the dataclasses in ``document``; no Django here.
"""

from textcore.export.changes_report import render_changes_docx, render_changes_html
from textcore.export.document import (
    ChangeEntry,
    ChangesReport,
    ExportBlock,
    ExportChapter,
    ExportDocument,
    LedgerFigures,
    TrackedBlock,
    TrackedChapter,
    TrackedSegment,
    chapter_from_parsed,
    document_from_parsed,
)
from textcore.export.docx import render_docx
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown
from textcore.export.text import render_text, split_chapters
from textcore.export.tracked_docx import render_tracked_docx

__all__ = [
    "ChangeEntry",
    "ChangesReport",
    "ExportBlock",
    "ExportChapter",
    "ExportDocument",
    "LedgerFigures",
    "TrackedBlock",
    "TrackedChapter",
    "TrackedSegment",
    "chapter_from_parsed",
    "document_from_parsed",
    "render_changes_docx",
    "render_changes_html",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_text",
    "render_tracked_docx",
    "split_chapters",
]
