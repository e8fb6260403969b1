"""EXPLAIN ANALYZE of the queries behind the review queue, the word ledgers and the search, on
the benchmark's data set: which index each one uses, and how long it ran."""

from __future__ import annotations

import re
from typing import Any


def _plans(chapter_slug: str, paragraph_id: int) -> list[tuple[str, str, list[Any]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amendments.filtering import amendments_matching as _matching
    from amendments.ledger import chapter_ledger, chapter_ledgers
    from amendments.models import Amendment
    from amendments.review_queue import QueueFilters, _group_sizes, _sort
    from amendments.search import search_run
    from amendments.selectors import paragraph_counts
    from manifesto.models import Chapter
    from manifesto.services import manifesto_get_or_create

    manifesto = manifesto_get_or_create()
    chapters = list(Chapter.objects.order_by("order", "id"))
    busiest = next(c for c in chapters if c.slug == chapter_slug)
    captured: list[tuple[str, str, list[Any]]] = []

    def capture(label: str, action: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            action()
        for query in queries.captured_queries:
            captured.append((label, query["sql"], []))

    for sort in ("oldest", "support", "delta"):
        filters = QueueFilters(sort=sort)
        capture(
            f"queue: paragraphs in order ({sort})",
            lambda f=filters: _group_sizes(_matching(f), _sort(f)),
        )
    capture(
        "queue: one chapter, one author",
        lambda: _group_sizes(
            _matching(QueueFilters(chapter=busiest.slug, author="Member 1")),
            _sort(QueueFilters()),
        ),
    )
    capture("ledgers of every chapter", lambda: chapter_ledgers(manifesto, chapters))
    capture("ledger of one chapter", lambda: chapter_ledger(busiest))
    capture("open amendments and comments per paragraph", lambda: paragraph_counts(busiest))
    for kind in ("text", "amendments", "comments"):
        capture(
            f"search: {kind}, a common word",
            lambda kind=kind: search_run(query="peasants", kind=kind),
        )
        capture(
            f"search: {kind}, a phrase",
            lambda kind=kind: search_run(query='"war communism" -lenin', kind=kind),
        )
    capture(
        "amendments of one paragraph",
        lambda: list(Amendment.objects.filter(paragraph_id=paragraph_id, status="pending")),
    )
    return captured


def explain(chapter_slug: str, paragraph_id: int) -> list[dict[str, Any]]:
    """Each query's plan lines that name a scan, and its execution time."""
    from django.db import connection

    report = []
    with connection.cursor() as cursor:
        for label, sql, _ in _plans(chapter_slug, paragraph_id):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            scans = [
                re.sub(r"\s+\(cost=.*?\)", "", line.strip().lstrip("->").strip())
                for line in lines
                if " Scan " in line
                or line.strip().lstrip("->").strip().startswith(("Index", "Seq"))
            ]
            timing = next((line for line in lines if line.startswith("Execution Time")), "")
            report.append({"query": label, "scans": scans, "execution": timing.split(": ")[-1]})
    return report
