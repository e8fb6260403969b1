from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manifesto.models import Phase
from manifesto.services import chapter_import


class Command(BaseCommand):
    help = "Import a plain-text chapter (title, publication line, subtitle, body, footnotes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The chapter's .txt file (UTF-8).")
        parser.add_argument("--slug", help="The chapter's URL slug (default: from its title).")
        parser.add_argument(
            "--phase",
            choices=["manifesto", *Phase.values],
            default="manifesto",
            help="The chapter's phase after import (default: it follows the Manifesto's round, "
            "open for amendments unless editors changed it).",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            chapter = chapter_import(
                data=data,
                slug=str(options["slug"] or "") or None,
                phase="" if options["phase"] == "manifesto" else str(options["phase"]),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
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
