from __future__ import annotations

from django.core.management.base import BaseCommand

from amendments.services.notifications import send_deadline_reminders
from common import clock


class Command(BaseCommand):
    help = (
        "E-mail the members who asked for it when amendments to a chapter close within 48 "
        "hours. Run it every hour from cron: each deadline is reminded of once (again if it "
        "moves)."
    )

    def handle(self, *args: object, **options: object) -> None:
        members, chapters = send_deadline_reminders(at=clock.now())
        self.stdout.write(f"Reminded {members} member(s) of the deadline of {chapters} chapter(s).")
