from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from amendments.mailing import deliver_overdue, send_member_digests
from amendments.services.notifications import send_editor_digest
from amendments.services.recommending import recommendations_tell_due
from common import clock


class Command(BaseCommand):
    help = (
        "E-mail editors who asked for it a digest of the amendments proposed since the last "
        "run window (default: the last 24 hours), and members who chose a daily digest of what "
        "they follow the notices not yet e-mailed (and any notice whose task was lost). Run it "
        "once a day from cron. It also tells of recommendations whose publication time came if "
        "the worker's task for it was lost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="The window (default 24).")

    def handle(self, *args: object, **options: object) -> None:
        since = clock.now() - timedelta(hours=int(str(options["hours"])))
        chapters = recommendations_tell_due()
        if chapters:
            self.stdout.write(f"Told of the recommendations of {chapters} chapter(s).")
        sent, count = send_editor_digest(since=since)
        self.stdout.write(f"Sent the digest of {count} new amendment(s) to {sent} editor(s).")
        members, notices = send_member_digests()
        self.stdout.write(f"Sent {notices} notice(s) to {members} member(s) in their digest.")
        overdue = deliver_overdue()
        if overdue.sent or overdue.failed or overdue.retry:
            self.stdout.write(
                f"E-mailed {overdue.sent} notice(s) whose task was lost; {len(overdue.retry)} "
                f"to try again, {overdue.failed} failed for good."
            )
