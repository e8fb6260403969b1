from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from amendments.ledger import Ledger, chapter_ledgers, manifesto_ledger
from manifesto.models import Manifesto
from manifesto.selectors import manifesto_chapter_list, manifesto_current
from manifesto.services import DEFAULT_MANIFESTO_TITLE


def _as_dict(ledger: Ledger) -> dict[str, int | None]:
    return {
        "words": ledger.words,
        "limit": ledger.limit,
        "words_left": ledger.words_left,
        "pending_amendments": ledger.pending_count,
        "pending_delta": ledger.pending_delta,
        "projected": ledger.projected,
        "projected_left": ledger.projected_left,
    }


class Command(BaseCommand):
    help = "Print the word ledger of every chapter and of the whole Manifesto."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args: object, **options: object) -> None:
        manifesto = manifesto_current() or Manifesto(title=DEFAULT_MANIFESTO_TITLE)
        chapters = manifesto_chapter_list(manifesto if manifesto.pk else None)
        ledgers = chapter_ledgers(manifesto, chapters)
        total = manifesto_ledger(manifesto, ledgers)
        if options["json"]:
            data = {
                "manifesto": {"title": manifesto.title, **_as_dict(total)},
                "chapters": [
                    {"slug": c.slug, "title": c.title, **_as_dict(ledgers[c.id])} for c in chapters
                ],
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        header = (
            f"{'chapter':40} {'words':>7} {'limit':>7} {'left':>7} {'pending':>8} {'projected':>10}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        rows = [(c.title, ledgers[c.id]) for c in chapters] + [("Manifesto (all chapters)", total)]
        for title, ledger in rows:
            limit = "-" if ledger.limit is None else str(ledger.limit)
            left = "-" if ledger.words_left is None else str(ledger.words_left)
            pending = f"{ledger.pending_count} ({ledger.pending_delta:+d})"
            self.stdout.write(
                f"{title[:40]:40} {ledger.words:>7} {limit:>7} {left:>7} {pending:>8} "
                f"{ledger.projected:>10}"
            )
