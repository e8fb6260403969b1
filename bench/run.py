"""Benchmarks: print figures, assert nothing. `make bench` runs this.

Builds a throw-away SQLite database (var/bench.sqlite3, or DATABASE_URL if set) with a large
Manifesto: the seed chapter imported CHAPTERS times (about 5,200 words each), with pending and
accepted amendments, then times the text core, the busiest pages and every export format.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manifesto.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("RATELIMIT_ENABLE", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

CHAPTERS = int(os.environ.get("BENCH_CHAPTERS", "20"))
AMENDMENTS_PER_CHAPTER = int(os.environ.get("BENCH_AMENDMENTS", "30"))


def timed(label: str, action: Callable[[], Any], repeat: int = 3) -> Any:
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        durations.append(time.perf_counter() - start)
    print(f"{label:58} median {statistics.median(durations) * 1000:9.1f} ms  (n={repeat})")
    return result


def main() -> None:
    import django

    database = ROOT / "var" / "bench.sqlite3"
    database.parent.mkdir(exist_ok=True)
    if "bench.sqlite3" in os.environ["DATABASE_URL"] and database.exists():
        database.unlink()
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.services import user_create
    from amendments.services.proposing import amendment_propose
    from amendments.services.review import amendment_accept
    from manifesto.export_service import FORMATS, export_run
    from manifesto.exports import NOW, PUBLISHED
    from manifesto.models import Chapter, Paragraph
    from manifesto.services import chapter_import, manifesto_get_or_create
    from textcore.chapter_text import parse_chapter
    from textcore.diff import diff_html
    from textcore.rebase import rebase

    call_command("migrate", verbosity=0)
    seed = (ROOT / "fixtures" / "socialism-and-the-soviet-union.txt").read_bytes()
    paragraphs = [b.text for b in parse_chapter(seed.decode()).body]

    print(f"Text core on the seed chapter's {len(paragraphs)} paragraphs")
    timed(
        "diff_html of every paragraph against an edit of itself",
        lambda: [diff_html(p, p.replace("the", "a", 2) + " More.") for p in paragraphs],
    )
    timed(
        "rebase of every paragraph (disjoint edits, clean)",
        lambda: [rebase(p, "Start. " + p, p + " End.") for p in paragraphs],
    )

    print(f"\nBuilding {CHAPTERS} chapters, {AMENDMENTS_PER_CHAPTER} amendments each")
    start = time.perf_counter()
    member = user_create(username="bench-member", password="x", validate=False)
    editor = user_create(username="bench-editor", password="x", role="editor", validate=False)
    for index in range(CHAPTERS):
        chapter = chapter_import(data=seed, slug=f"chapter-{index:02d}")
        chapter.word_limit = 100_000
        chapter.save()
        body = list(chapter.paragraphs.filter(kind="body").order_by("position"))
        for number in range(AMENDMENTS_PER_CHAPTER):
            paragraph = body[number % len(body)]
            paragraph.refresh_from_db()
            amendment = amendment_propose(
                author=member,
                paragraph=paragraph,
                kind="replace",
                title=f"Change {number}",
                text=paragraph.text + f" Added sentence {number}.",
                reason="Bench",
            )
            if number % 3 == 0:
                amendment_accept(amendment=amendment, editor=editor)
    words = sum(
        Paragraph.objects.filter(kind__in=["body", "heading"]).values_list("word_count", flat=True)
    )
    print(
        f"built in {time.perf_counter() - start:.1f} s: {Chapter.objects.count()} chapters, "
        f"{words:,} words"
    )

    client = Client()
    client.force_login(editor)
    first = Chapter.objects.order_by("order")[0]
    print("\nPages (Django test client, including template rendering)")
    for label, url in (
        ("chapter page", first.get_absolute_url()),
        ("review queue, first page", "/review/"),
        ("Manifesto index", "/"),
    ):
        response = timed(label, functools.partial(client.get, url))
        assert response.status_code == 200, (url, response.status_code)

    manifesto = manifesto_get_or_create()
    chapters = list(Chapter.objects.order_by("order"))
    print(f"\nExports of the whole Manifesto ({len(chapters)} chapters, {words:,} words)")
    for key in FORMATS:
        result = timed(
            f"{key}",
            functools.partial(
                export_run,
                manifesto=manifesto,
                chapters=chapters,
                fmt=key,
                at=NOW,
                since=PUBLISHED,
            ),
            repeat=1,
        )
        print(f"{'':58} {len(result.content):>12,} bytes")


if __name__ == "__main__":
    main()
