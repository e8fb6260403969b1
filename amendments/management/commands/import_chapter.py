from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amendments.services.revising import chapter_import_logged, chapter_revise
from manifesto.importing import (
    ChapterPreview,
    RevisionPlan,
    chapter_preview,
    read_upload,
    revision_plan,
)
from manifesto.models import Chapter, Phase
from manifesto.selectors import manifesto_current
from textcore.words import trim_edges

# A command-line file is the server's own, so it may be larger than an upload.
MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a chapter from a DOCX, ODT, Markdown or plain-text file (its type is read from "
        "its content), or with --revise a revised draft of an existing chapter."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The chapter's file.")
        parser.add_argument("--slug", help="The new chapter's URL slug (default: from its title).")
        parser.add_argument(
            "--phase",
            choices=["manifesto", *Phase.values],
            default="manifesto",
            help="A new chapter's phase (default: it follows the Manifesto's round, open for "
            "amendments unless editors changed it).",
        )
        parser.add_argument(
            "--revise", metavar="SLUG", help="Import the file as a revised draft of this chapter."
        )
        parser.add_argument("--word-limit", type=int, help="Set the chapter's word limit.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the preview; write nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        limit = options["word_limit"]
        assert limit is None or isinstance(limit, int)
        try:
            if options["revise"]:
                self._revise(str(options["revise"]), data, limit, bool(options["dry_run"]))
            else:
                self._import(data, options, limit)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _import(self, data: bytes, options: dict[str, object], limit: int | None) -> None:
        if options["dry_run"]:
            imported = read_upload(data, max_bytes=MAX_FILE_BYTES)
            preview = chapter_preview(imported, manifesto=manifesto_current(), word_limit=limit)
            self.stdout.write(preview_text(preview))
            return
        chapter = chapter_import_logged(
            editor=None,
            data=data,
            slug=str(options["slug"] or "") or None,
            phase="" if options["phase"] == "manifesto" else str(options["phase"]),
            word_limit=limit,
            max_bytes=MAX_FILE_BYTES,
        )
        counts = {
            kind: chapter.paragraphs.filter(kind=kind).count()
            for kind in ("heading", "body", "footnote")
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{chapter.title}” as /{chapter.get_absolute_url().strip('/')}/: "
                f"{counts['heading']} headings, {counts['body']} paragraphs, "
                f"{counts['footnote']} footnotes, {chapter.imported_words} words."
            )
        )

    def _revise(self, slug: str, data: bytes, limit: int | None, dry_run: bool) -> None:
        chapter = Chapter.objects.select_related("manifesto").filter(slug=slug).first()
        if chapter is None:
            raise CommandError(f"There is no chapter with the slug “{slug}”.")
        if dry_run:
            with transaction.atomic():
                plan = revision_plan(chapter, read_upload(data, max_bytes=MAX_FILE_BYTES))
            self.stdout.write(plan_text(plan))
            return
        plan = chapter_revise(
            chapter=chapter,
            editor=None,
            data=data,
            word_limit=limit,
            limit_reason="set with the revised draft (command line)",
            max_bytes=MAX_FILE_BYTES,
        )
        counts = plan.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Revised “{chapter.title}”: {counts['changed']} changed, {counts['inserted']} "
                f"inserted, {counts['deleted']} deleted, {counts['unchanged']} unchanged."
            )
        )


def _short(text: str, length: int = 70) -> str:
    text = trim_edges(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def preview_text(preview: ChapterPreview) -> str:
    """The preview of a new chapter as the command prints it (nothing written)."""
    parsed = preview.parsed
    lines = [f"Dry run: nothing was written. {preview.format_name}.", f"Title: {parsed.title}"]
    if parsed.subtitle:
        lines.append(f"Subtitle: {parsed.subtitle}")
    if parsed.publication_line:
        lines.append(f"Publication line: {parsed.publication_line}")
    for block in preview.blocks:
        if block.kind == "footnote":
            lines.append(f"  note {block.footnote_number}: {_short(block.text)}")
            continue
        where = f"lines {block.lines[0].number}–{block.lines[-1].number}" if block.lines else ""
        label = f"¶ {block.number}" if block.number else "heading"
        lines.append(f"  {label:<8} {where:<14} {_short(block.text)}")
    lines.append(f"Words: {preview.words} (limit {preview.limit}).")
    lines.extend(f"Warning: {warning}" for warning in preview.imported.warnings)
    return "\n".join(lines)


def plan_text(plan: RevisionPlan) -> str:
    """The plan of a revised draft as the command prints it (nothing written)."""
    counts = plan.counts
    lines = [
        f"Dry run: nothing was written. Revised draft of “{plan.chapter.title}” "
        f"({plan.format_name}): {counts['changed']} changed, {counts['inserted']} inserted, "
        f"{counts['deleted']} deleted, {counts['unchanged']} unchanged.",
    ]
    for row in plan.changes:
        if row.paragraph is not None:
            lines.append(
                f"  {row.op:<9} paragraph {row.paragraph.key}: {_short(row.paragraph.text)}"
            )
        if row.op == "changed":
            lines.append(f"  {'':<9} now: {_short(row.text)}")
        if row.op == "inserted":
            lines.append(f"  {row.op:<9} {_short(row.text)}")
    lines.append(f"Words: {plan.words_before} → {plan.words_after}.")
    lines.extend(f"Warning: {warning}" for warning in plan.warnings)
    return "\n".join(lines)
