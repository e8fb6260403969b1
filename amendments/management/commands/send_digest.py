from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from amendments.services.notifications import send_editor_digest
from common import clock


class Command(BaseCommand):
    help = (
        "E-mail editors who asked for it a digest of the amendments proposed since the last "
        "run window (default: the last 24 hours). Run it once a day from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="The window (default 24).")

    def handle(self, *args: object, **options: object) -> None:
        since = clock.now() - timedelta(hours=int(str(options["hours"])))
        sent, count = send_editor_digest(since=since)
        self.stdout.write(f"Sent the digest of {count} new amendment(s) to {sent} editor(s).")
