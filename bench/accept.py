"""Accepting amendments through the real service, each acceptance committed: 50 acceptances
of three kinds (a small edit, a sentence rewrite, a full rewrite), each on the busiest
paragraph that still has one of that kind pending, so each rebases up to 149 others (carried
forward, in conflict or obsolete).

The acceptances change the database for good, so they run in the benchmark's own database
(``desk_bench``, dropped after the run) and last in ``bench/run.py``, after every other
measurement. Each is timed as the editor's request pays it: the service, then the commit (the
locks, the history rows and the notices are written by then, so the commit's cost is counted);
what runs after the commit (the task that e-mails the followers) is timed apart.

``python -m bench.accept`` measures the same on a small data set of its own (4 chapters, 4
paragraphs with 150 pending each) in its own throwaway database, ``desk_accept_try``.

On the data set of ``make bench``, kept by ``bench.inprocess build`` (the acceptances run on
a copy made from it with ``CREATE DATABASE … TEMPLATE``, dropped afterwards, so the kept one
serves any number of runs):

    BENCH_DATABASE=desk_bench_speed python -m bench.accept kept [N]      # N acceptances (50)
    BENCH_DATABASE=desk_bench_speed python -m bench.accept profile [N]   # cProfile of N (3)
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ACCEPTANCES = 50
KINDS = ("small edit", "sentence rewrite", "full rewrite")
# A change of at most this many words (added plus removed) is a small edit; one that removes
# or adds at least this share of the paragraph's words is a full rewrite; the rest rewrite or
# add or drop a sentence.
SMALL_EDIT_WORDS = 3
FULL_REWRITE_SHARE = 0.6
CANDIDATE_PARAGRAPHS = 60


def kind_of_change(base: str, proposed: str) -> str:
    """Which of ``KINDS`` a replacement is, by the words it adds and removes."""
    from textcore.diff import word_delta
    from textcore.words import count_words

    delta = word_delta(base, proposed)
    if delta.added + delta.removed <= SMALL_EDIT_WORDS:
        return KINDS[0]
    if max(delta.added, delta.removed) >= FULL_REWRITE_SHARE * max(1, count_words(base)):
        return KINDS[2]
    return KINDS[1]


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"acceptances": 0}
    total = [row["total_s"] for row in rows]
    commit = [row["commit_s"] for row in rows]
    return {
        "acceptances": len(rows),
        "p50_s": round(statistics.median(total), 3),
        "p95_s": round(_percentile(total, 0.95), 3),
        "max_s": round(max(total), 3),
        "min_s": round(min(total), 3),
        "commit_p50_s": round(statistics.median(commit), 4),
        "cpu_p50_s": round(statistics.median(row["cpu_s"] for row in rows), 3),
        "cpu_max_s": round(max(row["cpu_s"] for row in rows), 3),
        "commit_max_s": round(max(commit), 4),
        "rebased_mean": round(statistics.mean(row["rebased"] for row in rows), 1),
    }


def _candidates(editor: Any) -> dict[str, list[int]]:
    """Pending replacements on the busiest paragraphs, by kind, not the editor's own."""
    from django.db.models import Count

    from amendments.models import Amendment

    pending = Amendment.objects.filter(
        status=Amendment.Status.PENDING, kind=Amendment.Kind.REPLACE
    ).exclude(author=editor)
    busiest = [
        row["paragraph_id"]
        for row in pending.values("paragraph_id")
        .annotate(n=Count("id"))
        .order_by("-n", "paragraph_id")[:CANDIDATE_PARAGRAPHS]
    ]
    by_kind: dict[str, list[int]] = {kind: [] for kind in KINDS}
    rows = pending.filter(paragraph_id__in=busiest).order_by("pk")
    for pk, base, proposed in rows.values_list("pk", "base_text", "proposed_text"):
        by_kind[kind_of_change(base, proposed)].append(pk)
    return by_kind


def _pick(kind: str, by_kind: dict[str, list[int]], changed: set[int]) -> Any:
    """The pending amendment of ``kind`` on the paragraph with the most pending now; a full
    rewrite on one this run has not changed yet if there is one (it is in conflict with any
    change accepted before it on its paragraph, so it would otherwise rarely be left)."""
    from django.db.models import Count, Q

    from amendments.models import Amendment

    left = Amendment.objects.filter(pk__in=by_kind[kind], status=Amendment.Status.PENDING)
    ranked = left.annotate(
        pile=Count("paragraph__amendments", filter=Q(paragraph__amendments__status="pending"))
    ).order_by("-pile", "pk")
    ranked = ranked.select_related("chapter", "paragraph")
    if kind == KINDS[2]:
        return ranked.exclude(paragraph_id__in=changed).first() or ranked.first()
    return ranked.first()


def _accept_committed(amendment: Any, editor: Any) -> dict[str, Any]:
    from django.db import connection, transaction

    from amendments.models import Amendment
    from amendments.services.deciding import amendment_accept

    others = list(
        Amendment.objects.filter(
            paragraph_id=amendment.paragraph_id, status__in=Amendment.CARRIED_STATUSES
        )
        .exclude(pk=amendment.pk)
        .values_list("pk", flat=True)
    )
    cpu = time.process_time()
    with transaction.atomic():
        start = time.perf_counter()
        amendment_accept(amendment=amendment, editor=editor)
        service = time.perf_counter() - start
        # Set aside what runs after the commit, to time the commit alone and then it.
        after_commit = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        start = time.perf_counter()
    commit = time.perf_counter() - start
    # This process's CPU time (not the database's): on a busy machine, where the wall clock
    # also counts waiting for a core, it shows what the acceptance itself costs.
    cpu = time.process_time() - cpu
    start = time.perf_counter()
    for entry in after_commit:
        entry[1]()
    mail = time.perf_counter() - start
    outcome = Counter(Amendment.objects.filter(pk__in=others).values_list("status", flat=True))
    return {
        "service_s": service,
        "commit_s": commit,
        "total_s": service + commit,
        "cpu_s": cpu,
        "mail_s": mail,
        "rebased": len(others),
        "outcome": outcome,
    }


def measure(editor: str, count: int = ACCEPTANCES) -> dict[str, Any]:
    """Accept ``count`` amendments, the kinds in turn, each committed; the figures of each
    kind and of all together."""
    from django.core.exceptions import ValidationError
    from django.test.utils import override_settings

    from accounts.models import User

    editor_user = User.objects.get(username=editor)
    by_kind = _candidates(editor_user)
    rows: list[dict[str, Any]] = []
    refused: Counter[str] = Counter()
    changed: set[int] = set()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for number in range(count * 2):
            if len(rows) == count:
                break
            kind = KINDS[number % len(KINDS)]
            amendment = _pick(kind, by_kind, changed)
            if amendment is None:
                continue
            by_kind[kind].remove(amendment.pk)
            changed.add(amendment.paragraph_id)
            try:
                row = _accept_committed(amendment, editor_user)
            except ValidationError as error:  # the word limit, say: counted, not timed
                refused[error.code or "refused"] += 1
                continue
            rows.append(row | {"kind": kind})
    outcomes: Counter[str] = Counter()
    for row in rows:
        outcomes.update(row["outcome"])
    mail = [row["mail_s"] for row in rows] or [0.0]
    everything = _figures(rows)
    return {
        **everything,
        "committed": True,
        "median_s": everything.get("p50_s"),
        "rebased_per_acceptance": everything.get("rebased_mean"),
        "by_kind": {kind: _figures([r for r in rows if r["kind"] == kind]) for kind in KINDS},
        "refused": dict(refused),
        "mail_after_commit_median_s": round(statistics.median(mail), 3),
        "mail_after_commit_max_s": round(max(mail), 3),
        "outcome_of_the_others_mean": {
            status: round(total / max(1, len(rows)), 1)
            for status, total in sorted(outcomes.items())
        },
    }


def _print(results: dict[str, Any]) -> None:
    print(
        f"{'kind':18} {'n':>3} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'commit p50':>11} "
        f"{'cpu p50':>8} {'cpu max':>8} rebased"
    )
    for kind, figures in [*results["by_kind"].items(), ("all together", results)]:
        if not figures.get("acceptances"):
            print(f"{kind:18}   0")
            continue
        print(
            f"{kind:18} {figures['acceptances']:>3} {figures['p50_s']:>7} {figures['p95_s']:>7} "
            f"{figures['max_s']:>7} {figures['commit_p50_s']:>11} {figures['cpu_p50_s']:>8} "
            f"{figures['cpu_max_s']:>8} {figures['rebased_mean']}"
        )
    print(f"refused: {results['refused']}")
    print(f"the others became (mean per acceptance): {results['outcome_of_the_others_mean']}")


def _setup(url: str, settings: str = "desk.settings") -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": settings,
            "DEBUG": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()


def main() -> None:
    """Try the committing benchmark on a small data set, in a database made and dropped here."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from bench import pg

    name = "desk_accept_try"
    pg.ensure_running()
    _setup(pg.create_database(name))
    from django.core.management import call_command
    from django.db import connections

    from bench import dataset

    try:
        call_command("migrate", verbosity=0)
        world = dataset.build_base(chapters=4, members=200)
        small = dataset.Scale(
            amendments=1600, pending=1500, comments=0, supports=0, busy_paragraphs=4
        )
        print(dataset.add_amendments(world, small), flush=True)
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        _print(measure(f"{dataset.EDITOR_PREFIX}01", int(os.environ.get("ACCEPTANCES", "50"))))
    finally:
        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            pg.drop_database(name)


def on_kept_copy(command: str, count: int) -> None:
    """Run ``measure`` (``kept``) or profile acceptances (``profile``) on a throwaway copy of
    the kept data set named by ``BENCH_DATABASE`` (built by ``bench.inprocess build``)."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from bench import pg

    kept = os.environ.get("BENCH_DATABASE", "desk_bench_speed")
    copy = f"{kept}_accept_run"
    pg.ensure_running()
    pg.copy_database(kept, copy)
    _setup(pg.url(copy))
    from django.db import connections

    from bench import dataset

    try:
        editor = f"{dataset.EDITOR_PREFIX}01"
        if command == "profile":
            _profile(editor, count)
        else:
            _print(measure(editor, count))
    finally:
        connections.close_all()
        pg.drop_database(copy)


def _profile(editor: str, count: int) -> None:
    # cProfile of ``count`` committed acceptances, the kinds in turn, sorted by own time.
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    results = measure(editor, count)
    profiler.disable()
    _print(results)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    # Where carrying forward spends its time, apart from choosing the candidates.
    stats.print_callees("carry_forward|_rebase_replacement|_set_aside")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("kept", "profile"):
        default = ACCEPTANCES if sys.argv[1] == "kept" else 3
        on_kept_copy(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else default)
    else:
        main()
