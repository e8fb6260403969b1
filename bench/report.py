"""The benchmark's results as Markdown tables (bench/results/bench.md)."""

from __future__ import annotations

from typing import Any


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += [
        "| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows
    ]
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    parts = [
        "# make bench: results",
        "",
        f"{machine['date']}: {machine['cores']} cores ({machine['cpu']}), {machine['memory']} RAM, "
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}. Load average "
        f"{machine['load_average_at_start']} at the start (what else the machine was doing) and "
        f"{machine.get('load_average_at_end')} at the end (the benchmark's own load included); "
        f"the run took {machine.get('run_minutes')} minutes.",
        "",
        "## Targets",
        "",
        _table(
            ["target", "limit", "measured", "met"],
            [
                [
                    t["target"],
                    t["limit"],
                    t["measured"],
                    "yes" if t["met"] else f"no ({t.get('missed_by')})",
                ]
                for t in results["targets"]
            ],
        ),
        "",
        "## 1. SQL queries per request",
        "",
        _table(
            ["page", "10 amendments", "10,000 amendments"],
            [
                [
                    label,
                    row["at_10"] if row["at_10"] is not None else "not built yet",
                    row["at_10000"],
                ]
                for label, row in results["queries"].items()
            ],
        ),
    ]
    latency = results["latency"]
    parts += [
        "",
        f"## 2. Latency under load (gunicorn, {latency['workers']} workers, locust, "
        f"{latency['users']} clients, {latency['seconds']} s per page)",
        "",
        _table(
            [
                "page",
                "viewer",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "req/s",
                "failures",
                "p95 / reference",
            ],
            [
                [
                    label,
                    row["viewer"],
                    row["p50_ms"],
                    row["p95_ms"],
                    row["p99_ms"],
                    row["rps"],
                    row["failures"],
                    row["p95_ratio"],
                ]
                for label, row in latency["pages"].items()
            ],
        ),
    ]
    acceptance = results["acceptance"]
    parts += [
        "",
        "## 3. Accepting amendments, each committed",
        "",
        f"{acceptance['acceptances']} acceptances through `amendments.services.deciding`, the "
        "kinds in turn, each on the busiest paragraph with one of its kind pending and "
        "committed (last in the run, in the benchmark's own database), so the commit is "
        f"counted; each rebased {acceptance['rebased_per_acceptance']} others on average. "
        "Seconds, service plus commit:",
        "",
        *_acceptance_rows(acceptance),
        "",
        f"The e-mails sent after the commit took a median of "
        f"{acceptance['mail_after_commit_median_s']} s more (max "
        f"{acceptance['mail_after_commit_max_s']} s, in-memory mail backend). On average the "
        f"others ended as: {acceptance['outcome_of_the_others_mean']}; refused: "
        f"{acceptance.get('refused', {})}.",
        "",
        "### An acceptance that notifies 500 followers",
        "",
        _notify_line(results["notify"]) if "notify" in results else "Not measured in this run.",
        "",
        "## 4. Exporting the whole Manifesto",
        "",
        _table(
            ["format", "seconds", "peak memory (MB)", "process before export (MB)", "bytes"],
            [
                [
                    fmt,
                    row["seconds"],
                    row["peak_rss_mb"],
                    row["rss_before_export_mb"],
                    f"{row['bytes']:,}",
                ]
                for fmt, row in results["exports"].items()
            ],
        ),
        "",
        "### The congress pack's booklet (PDF)",
        "",
        _booklet_line(results["booklet"]) if "booklet" in results else "Not measured in this run.",
    ]
    diff = results["diff"]
    rows = [["every amendment", *_diff_row(diff["all"])]]
    if diff.get("full_rewrites"):
        rows.append(["full rewrites only", *_diff_row(diff["full_rewrites"])])
    parts += [
        "",
        "## 5. Word-level diff of one paragraph (textcore.diff.diff_html)",
        "",
        _table(["amendments", "count", "median ms", "p95 ms", "p99 ms", "max ms"], rows),
        "",
        "## EXPLAIN (10,000 amendments)",
        "",
        _table(
            ["query", "execution", "scans"],
            [[p["query"], p["execution"], "; ".join(p["scans"])] for p in results["explain"]],
        ),
        "",
        "## Data set",
        "",
        ", ".join(f"{key}: {value}" for key, value in results["data_set"].items()),
        "",
    ]
    return "\n".join(parts)


def _diff_row(summary: dict[str, float]) -> list[float]:
    return [
        summary["count"],
        summary["median_ms"],
        summary["p95_ms"],
        summary["p99_ms"],
        summary["max_ms"],
    ]


def _notify_line(notify: dict[str, Any]) -> str:
    none, many = notify["followers_0"], notify["followers_500"]
    return (
        f"{notify['repetitions']} acceptances each with 0 and with 500 followers, alternately "
        "(rolled back after each; the service and the enqueueing of the e-mails' task, which "
        f"is what the editor's request does): median **{none['median_ms']} ms** with none, "
        f"**{many['median_ms']} ms** with 500 (max {none['max_ms']} and {many['max_ms']} ms), "
        f"a ratio of {notify['ratio_500_to_0']}. The e-mails are sent by the worker."
    )


def _booklet_line(booklet: dict[str, Any]) -> str:
    if booklet.get("failed"):
        return f"Not made: {booklet['failed']} (after {booklet['seconds']} s)."
    return (
        f"{booklet['amendments']:,} open amendments in {booklet['chapters']} chapters: "
        f"{booklet['pages']:,} pages ({booklet['bytes']:,} bytes) in {booklet['seconds']} s, "
        f"peak memory {booklet['peak_rss_mb']} MB (the process before it: "
        f"{booklet['rss_before_mb']} MB)."
    )


def _acceptance_rows(acceptance: dict[str, Any]) -> list[str]:
    """The committed acceptances' figures, each kind and all together, as a Markdown table."""
    rows = [
        "| kind | acceptances | p50 | p95 | max | commit p50 | CPU p50 | CPU max | rebased |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    kinds = [*acceptance.get("by_kind", {}).items(), ("all together", acceptance)]
    for kind, figures in kinds:
        if not figures.get("acceptances"):
            rows.append(f"| {kind} | 0 | | | | | | | |")
            continue
        rows.append(
            f"| {kind} | {figures['acceptances']} | {figures['p50_s']} | {figures['p95_s']} | "
            f"{figures['max_s']} | {figures['commit_p50_s']} | {figures['cpu_p50_s']} | "
            f"{figures['cpu_max_s']} | {figures['rebased_mean']} |"
        )
    return rows
