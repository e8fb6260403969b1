"""The load test (`make loadtest`): readers, proposers, supporters and editors against the app
under gunicorn on PostgreSQL for 60 seconds, then a check of the database against what the
crowd saw succeed.

It builds the benchmark's data set in its own database (desk_loadtest, dropped at the end),
runs locust (bench/locust_mix.py) headless, and reports requests per second, latency
percentiles and errors, and whether every proposal, support, comment and decision a user saw
succeed is in the database exactly once, and nothing else is. Server errors are counted from
the responses and from gunicorn's log. Results: bench/results/loadtest.json and .md.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pg, server  # noqa: E402

DATABASE = "desk_loadtest"
RESULTS = ROOT / "bench" / "results"
USERS = int(os.environ.get("LOADTEST_USERS", "32"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))


def _input() -> dict[str, Any]:
    """What the simulated users work on: open paragraphs, pending amendments, accounts."""
    from accounts.models import User
    from amendments.models import Amendment
    from bench.dataset import BENCH_PASSWORD
    from manifesto.models import Paragraph

    paragraphs = list(
        Paragraph.objects.filter(is_deleted=False, kind="body", chapter__phase__in=["", "open"])
        .order_by("chapter__order", "position")
        .values_list("chapter__slug", "key")
    )
    piles = Counter(
        Amendment.objects.filter(status="pending").values_list(
            "paragraph__chapter__slug", "paragraph__key"
        )
    )
    return {
        "password": BENCH_PASSWORD,
        "chapters": sorted({slug for slug, _ in paragraphs}),
        "paragraphs": [list(p) for p in paragraphs],
        "busy": [list(p) for p, _ in piles.most_common(8)],
        "amendments": list(
            Amendment.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
        ),
        "members": list(
            User.objects.filter(role="member")
            .order_by("username")
            .values_list("username", flat=True)[100:160]
        ),
        "editors": list(
            User.objects.filter(role="editor")
            .order_by("username")
            .values_list("username", flat=True)[1:]
        ),
    }


def _check(record: dict[str, list[Any]], since: datetime, usernames: list[str]) -> dict[str, Any]:
    """Compare what the users saw succeed with what the database holds."""
    from amendments.models import Amendment, Comment, Decision, Support

    proposals = {token: number for token, number, _ in record["proposals"]}
    stored = Counter(
        title.removeprefix("Load test ")
        for title in Amendment.objects.filter(title__startswith="Load test LT-").values_list(
            "title", flat=True
        )
    )
    comments = {token for token, _, _ in record["comments"]}
    stored_comments = Counter(
        body.split(", ")[-1].rstrip(".")
        for body in Comment.objects.filter(body__contains="under load, LT-").values_list(
            "body", flat=True
        )
    )
    supports = {(pk, user) for pk, user in record["supports"]}
    stored_supports = Counter(
        Support.objects.filter(created_at__gte=since, user__username__in=usernames).values_list(
            "amendment_id", "user__username"
        )
    )
    accepted = {pk for pk, _ in record["accepted"]}
    rejected = {pk for pk, _ in record["rejected"]}
    statuses = dict(
        Amendment.objects.filter(pk__in=accepted | rejected).values_list("pk", "status")
    )
    decisions = Counter(
        Decision.objects.filter(
            created_at__gte=since, action__in=["accepted", "rejected"]
        ).values_list("amendment_id", "action")
    )

    def compare(saw: set[Any], held: Counter[Any]) -> dict[str, int]:
        return {
            "seen_succeed": len(saw),
            "in_database": sum(held.values()),
            "lost": len(saw - set(held)),
            "duplicated": sum(1 for key, count in held.items() if count > 1),
            "not_seen_by_any_user": len(set(held) - saw),
        }

    return {
        "proposals": compare(set(proposals), stored)
        | {
            "numbers_match": all(
                Amendment.objects.filter(pk=number, title=f"Load test {token}").exists()
                for token, number in proposals.items()
            ),
            "refused_with_a_reason": len(record["proposals_refused"]),
        },
        "supports": compare(supports, stored_supports)
        | {"refused_with_a_reason": len(record["supports_refused"])},
        "comments": compare(comments, stored_comments),
        "decisions": {
            "accepted_seen": len(accepted),
            "rejected_seen": len(rejected),
            "accepted_in_database": sum(
                1 for pk in accepted if statuses.get(pk) in ("accepted", "accepted_changed")
            ),
            "rejected_in_database": sum(1 for pk in rejected if statuses.get(pk) == "rejected"),
            "logged_once": all(decisions[(pk, "accepted")] == 1 for pk in accepted)
            and all(decisions[(pk, "rejected")] == 1 for pk in rejected),
            "refused_with_a_reason": len(record["decisions_refused"]),
        },
    }


def main() -> None:
    pg.ensure_running()
    database_url = pg.create_database(DATABASE)
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "desk.settings",
            "DEBUG": "0",
            "RATELIMIT_ENABLE": "0",
        }
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        results = _run(database_url)
    finally:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            pg.drop_database(DATABASE)
    (RESULTS / "loadtest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "loadtest.md").write_text(_markdown(results))
    print("\n" + _markdown(results))


def _run(database_url: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import dataset

    print("== Building the data set (as make bench does)", flush=True)
    call_command("migrate", verbosity=0)
    world = dataset.build_base()
    dataset.add_amendments(world, dataset.SMALL)
    dataset.add_amendments(world, dataset.remainder(dataset.FULL_TOTAL, dataset.SMALL))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    work = _input()
    input_path = RESULTS / "loadtest-input.json"
    record_path = RESULTS / "loadtest-record.json"
    input_path.write_text(json.dumps(work))
    since = timezone.now()
    print(
        f"== {USERS} users for {SECONDS} s against gunicorn ({server.WORKERS} workers)", flush=True
    )
    started = datetime.now(UTC)
    with server.gunicorn(database_url, RESULTS / "loadtest-gunicorn.log") as base:
        rows = server.locust(
            "locust_mix.py",
            base,
            users=USERS,
            seconds=SECONDS,
            prefix=RESULTS / "loadtest-locust",
            env={"LOADTEST_INPUT": str(input_path), "LOADTEST_RECORD": str(record_path)},
            reset_stats=False,  # every request counts, as every recorded write does
        )
    time.sleep(1)
    record = json.loads(record_path.read_text())
    tracebacks = server.keep_log_if_troubled(RESULTS / "loadtest-gunicorn.log")
    failures_path = Path(f"{RESULTS / 'loadtest-locust'}_failures.csv")
    failures = list(csv.DictReader(failures_path.open())) if failures_path.exists() else []
    checks = _check(record, since, work["members"] + work["editors"])
    for leftover in (input_path, record_path, *RESULTS.glob("loadtest-locust_*.csv")):
        leftover.unlink()
    requests = {
        row["Name"]: {"method": row["Type"], **server.figures(row)}
        for row in rows
        if row["Name"] != "Aggregated"
    }
    total = next(row for row in rows if row["Name"] == "Aggregated")
    server_errors = sum(
        int(row["Occurrences"])
        for row in failures
        if "Server Error" in row["Error"] or "status 5" in row["Error"]
    )
    return {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "users": USERS,
        "seconds": SECONDS,
        "workers": server.WORKERS,
        "total": server.figures(total),
        "requests": requests,
        "failures": failures,
        "server_errors_in_responses": server_errors,
        "tracebacks_in_gunicorn_log": tracebacks,
        "checks": checks,
    }


def _markdown(results: dict[str, Any]) -> str:
    total = results["total"]
    lines = [
        "# make loadtest: results",
        "",
        f"{results['date']}, {results['cores']} cores (load average at the end, the run's own "
        f"load included: {results['load_average_at_end']}): {results['users']} locust users "
        f"(readers, proposers, supporters who also comment, 2 editors) for {results['seconds']} s "
        f"against gunicorn with {results['workers']} workers on PostgreSQL, on the benchmark's "
        "data set.",
        "",
        f"**{total['requests']} requests, {total['rps']} req/s, p50 {total['p50_ms']} ms, p95 "
        f"{total['p95_ms']} ms, p99 {total['p99_ms']} ms; {total['failures']} failed requests, "
        f"{results['server_errors_in_responses']} server errors (5xx), "
        f"{results['tracebacks_in_gunicorn_log']} tracebacks in gunicorn's log.**",
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in sorted(results["requests"].items()):
        lines.append(
            f"| {row['method']} {name} | {row['requests']} | {row['failures']} | {row['rps']} | "
            f"{row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |"
        )
    lines += [
        "",
        "The table counts requests until locust stops; writes still under way then finish "
        "within its 10 s stop timeout, and are recorded and checked below too.",
        "",
        "## What the users saw succeed, against the database",
        "",
    ]
    for kind, figures in results["checks"].items():
        lines.append(f"- **{kind}**: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    if results["failures"]:
        lines += ["", "## Failures", ""]
        lines += [
            f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']})"
            for row in results["failures"]
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
