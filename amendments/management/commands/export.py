from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amendments.congress_export import PROTOCOL_FORMATS, protocol_file
from amendments.export_service import CHANGE_FORMATS, FORMATS, export_run
from amendments.pack import PACK_FORMATS, pack_moment, pack_run
from common import clock
from manifesto.exports import (
    LINE_NUMBER_FORMATS,
    NO_LINE_NUMBERS_IN_WORD,
    TEXT_FORMATS,
    parse_moment,
    render,
)
from manifesto.models import Chapter, Manifesto
from manifesto.selectors import manifesto_chapter_list, manifesto_current
from textcore.chapter_text import ChapterFormatError, decode_chapter, parse_chapter
from textcore.export import document_from_parsed
from textcore.lines import DEFAULT_WIDTH


class Command(BaseCommand):
    help = (
        "Export a chapter (by slug), the whole Manifesto (“manifesto”) or a plain-text chapter "
        "file in md, txt, html or docx; with --changes-since, a tracked-changes DOCX or a "
        "changes report; --line-numbers numbers the lines of txt, md and html."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", help="A chapter slug, “manifesto”, or a path to a .txt chapter."
        )
        parser.add_argument(
            "--format",
            default="docx",
            choices=sorted({**FORMATS, **PACK_FORMATS, **PROTOCOL_FORMATS}),
            help="md, txt, html, docx, tracked-docx, changes-html, changes-docx; the congress "
            "pack: booklet-pdf, booklet-docx, list-xlsx; protocol-html, protocol-docx, "
            "protocol-pdf (a chapter's congress votes)",
        )
        parser.add_argument(
            "--milestone",
            default="",
            help="The congress pack's milestone (booklet-pdf, booklet-docx, list-xlsx): "
            "“As published” or an editor's milestone; now when not given.",
        )
        parser.add_argument(
            "--as-of",
            default="now",
            help="now (default), published, 2026-11-26 or '2026-11-26 14:30'.",
        )
        parser.add_argument(
            "--changes-since",
            default=None,
            help="With docx: tracked changes since this moment; with html: the "
            "changes report. Same moments as --as-of.",
        )
        parser.add_argument(
            "--line-numbers",
            action="store_true",
            help="txt, md and html: each line of the text behind its number in the reference "
            "numbering (Word reflows lines: none in DOCX).",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="The file to write, or - for standard output."
        )

    def handle(self, *args: object, **options: object) -> None:
        source = str(options["source"])
        fmt = str(options["format"])
        if fmt in PACK_FORMATS:
            self._pack(source, fmt, str(options["milestone"]), str(options["output"]))
            return
        if options["milestone"]:
            raise CommandError("--milestone is for the congress pack's formats; use --as-of.")
        since_text = options["changes_since"]
        if since_text and fmt in ("docx", "html"):
            fmt = {"docx": "tracked-docx", "html": "changes-html"}[fmt]
        line_numbers = bool(options["line_numbers"])
        if line_numbers and fmt not in LINE_NUMBER_FORMATS:
            raise CommandError(NO_LINE_NUMBERS_IN_WORD)
        try:
            at = parse_moment(str(options["as_of"]))
            since = parse_moment(str(since_text or "published"))
        except ValueError as error:
            raise CommandError(str(error)) from error

        if fmt in PROTOCOL_FORMATS:
            self._protocol(source, fmt, str(options["output"]))
            return
        path = Path(source)
        if path.suffix == ".txt" or path.is_file():
            content = self._from_file(path, fmt, line_numbers)
            name = path.stem
        else:
            manifesto = manifesto_current()
            if source == "manifesto":
                chapters = manifesto_chapter_list(manifesto)
            else:
                chapter = Chapter.objects.filter(slug=source).first()
                if chapter is None:
                    known = ", ".join(Chapter.objects.values_list("slug", flat=True)) or "none"
                    raise CommandError(f"No chapter “{source}” (chapters: {known}).")
                chapters = [chapter]
            verbose = int(str(options["verbosity"])) > 1
            progress = self._progress if len(chapters) > 1 or verbose else None
            try:
                result = export_run(
                    manifesto=manifesto,
                    chapters=chapters,
                    fmt=fmt,
                    at=at,
                    since=since,
                    progress=progress,
                    line_numbers=line_numbers,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            content, name = result.content, result.filename
        self._write(str(options["output"]), content, name)

    def _pack(self, source: str, fmt: str, milestone: str, output: str) -> None:
        """The congress pack's files (amendments.pack) of a chapter or the Manifesto."""
        manifesto = manifesto_current()
        chapters = self._chapters(source, manifesto)
        try:
            moment = pack_moment(milestone, chapters)
            result = pack_run(manifesto=manifesto, chapters=chapters, fmt=fmt, moment=moment)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._write(output, result.content, result.filename)

    def _chapters(self, source: str, manifesto: Manifesto | None) -> list[Chapter]:
        if source == "manifesto":
            return manifesto_chapter_list(manifesto)
        chapter = Chapter.objects.filter(slug=source).first()
        if chapter is None:
            known = ", ".join(Chapter.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No chapter “{source}” (chapters: {known}).")
        return [chapter]

    def _from_file(self, path: Path, fmt: str, line_numbers: bool) -> bytes:
        if fmt in CHANGE_FORMATS:
            raise CommandError("A chapter file has no history: use a chapter slug for changes.")
        try:
            parsed = parse_chapter(decode_chapter(path.read_bytes()))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except ChapterFormatError as error:
            raise CommandError(str(error)) from error
        # A chapter file is its own reference, numbered at the Manifesto's line width.
        manifesto = manifesto_current()
        width = manifesto.line_width if manifesto is not None else DEFAULT_WIDTH
        document = document_from_parsed(parsed, generated_at=clock.now(), width=width)
        return render(document, TEXT_FORMATS[fmt], line_numbers=line_numbers)

    def _protocol(self, slug: str, fmt: str, output: str) -> None:
        chapter = Chapter.objects.select_related("manifesto").filter(slug=slug).first()
        if chapter is None:
            raise CommandError(f"A protocol is of one chapter: no chapter “{slug}”.")
        content, name, _ = protocol_file(chapter, fmt)
        self._write(output, content, name)

    def _progress(self, message: str) -> None:
        self.stderr.write(message)

    def _write(self, output: str, content: bytes, name: str) -> None:
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        Path(output).write_bytes(content)
        self.stderr.write(self.style.SUCCESS(f"Wrote {output} ({len(content):,} bytes; {name})."))
