"""Latency under load: the busiest pages and the bare reference page, one after the other,
against the same gunicorn, each with 16 clients for 20 seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import server
from bench.queries import Targets

USERS = 16
SECONDS = 20
# A common word of the seed text: it matches about 4,000 amendments and 9,000 comments of the
# data set, so the search ranks thousands of rows of each kind, not a handful.
SEARCH_QUERY = "?q=peasants"


def session_cookie(username: str) -> str:
    """A logged-in session for ``username``, made directly, so that no client spends the run
    hashing passwords."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def pages(targets: Targets) -> list[tuple[str, str, str]]:
    """(label, path, who) of the pages measured under load; the reference comes first."""
    from django.urls import reverse

    slug, key = targets.chapter_slug, targets.paragraph_key
    return [
        ("reference (bare paragraphs, one query)", f"/bench/reference/{slug}/", "anonymous"),
        ("chapter page", reverse("manifesto:chapter", args=[slug]), "anonymous"),
        (
            "paragraph page (busiest paragraph)",
            reverse("manifesto:paragraph", args=[slug, key]),
            "anonymous",
        ),
        ("review queue, first page", reverse("amendments:queue"), "editor"),
        ("amendment list, first page", reverse("amendments:list"), "anonymous"),
        ("amendment page", reverse("amendments:detail", args=[targets.amendment_id]), "editor"),
        ("search page", reverse("amendments:search") + SEARCH_QUERY, "anonymous"),
    ]


def measure(
    database_url: str,
    targets: Targets,
    results: Path,
    *,
    users: int = USERS,
    seconds: int = SECONDS,
) -> dict[str, Any]:
    """p50/p95/p99 and requests per second of each page, and each p95 over the reference's."""
    editor_cookie = session_cookie(targets.editor)
    measured: dict[str, Any] = {}
    with server.gunicorn(database_url, results / "gunicorn.log") as base:
        for label, path, who in pages(targets):
            cookie = editor_cookie if who == "editor" else ""
            status = server.warm(base, path, cookie)
            rows = server.locust(
                "locust_pages.py",
                base,
                users=users,
                seconds=seconds,
                prefix=results / "locust-page",
                env={"BENCH_PATH": path, "BENCH_NAME": label, "BENCH_COOKIE": cookie},
            )
            row = next(r for r in rows if r["Name"] == label)
            measured[label] = {"path": path, "viewer": who, "warm_status": status}
            measured[label].update(server.figures(row))
            print(
                f"  {label:42} p50 {measured[label]['p50_ms']:6.0f} ms  p95 "
                f"{measured[label]['p95_ms']:6.0f} ms  p99 {measured[label]['p99_ms']:6.0f} ms  "
                f"{measured[label]['rps']:7.1f} req/s",
                flush=True,
            )
    reference = next(iter(measured.values()))
    for figures in measured.values():
        figures["p95_ratio"] = round(figures["p95_ms"] / reference["p95_ms"], 2)
    for leftover in results.glob("locust-page_*.csv"):
        leftover.unlink()
    server.keep_log_if_troubled(results / "gunicorn.log")
    return {"users": users, "seconds": seconds, "workers": server.WORKERS, "pages": measured}
