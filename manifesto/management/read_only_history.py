"""The history is read-only: django-simple-history's commands that delete historical records
are replaced by ones that refuse, saying why."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class ReadOnlyHistoryCommand(BaseCommand):
    help = "Refused: the amendment desk never deletes or edits the history of its text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")
        # Accept the original command's options so the refusal, not a usage error, is shown.
        parser.add_argument("--auto", action="store_true")
        parser.add_argument("--days", type=int)
        parser.add_argument("--minutes", type=int)
        parser.add_argument("--dry", action="store_true")
        parser.add_argument("--excluded_fields", nargs="*")
        parser.add_argument("--base-manager", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "The history of the Manifesto's text is kept for good: no command deletes or edits "
            "historical versions. Back up with `manage.py dumpdata` instead."
        )
