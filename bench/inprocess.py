"""The pages of `make bench` timed in-process, against a benchmark database kept for the
purpose (not part of `make bench`): median of N requests through Django's test client with
DEBUG off, each as a ratio to the bare reference page measured in the same run, and
optionally a cProfile of each page.

    BENCH_DATABASE=desk_bench_speed python -m bench.inprocess build     # once, ~2 minutes
    BENCH_DATABASE=desk_bench_speed python -m bench.inprocess time [N] [PAGE…]
    BENCH_DATABASE=desk_bench_speed python -m bench.inprocess profile PAGE
    BENCH_DATABASE=desk_bench_speed python -m bench.inprocess load [SECONDS] [PAGE…]  # gunicorn

PAGE is one of chapter, paragraph, queue, list, amendment, search (all by default); the
reference is always measured too. The queue and the amendment page are read as editor01, as
the load test reads them.

Ratios, not milliseconds, are what to compare between runs: other processes share the CPU.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pg  # noqa: E402

DATABASE = os.environ.get("BENCH_DATABASE", "desk_bench_speed")


def _setup() -> None:
    os.environ.update(
        {
            "DATABASE_URL": pg.url(DATABASE),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "RATELIMIT_ENABLE": "0",
            "DEBUG": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()


def build() -> None:
    """(Re)create the database and the data set of `make bench`."""
    pg.ensure_running()
    pg.create_database(DATABASE)
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import dataset

    call_command("migrate", verbosity=0)
    world = dataset.build_base()
    dataset.add_amendments(world, dataset.SMALL)
    dataset.add_amendments(world, dataset.remainder(dataset.FULL_TOTAL, dataset.SMALL))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# Short names for the pages of bench/latency.py, for the command line.
SHORT = {
    "reference": "reference",
    "chapter page": "chapter",
    "paragraph page": "paragraph",
    "review queue": "queue",
    "amendment list": "list",
    "amendment page": "amendment",
    "search page": "search",
}


def _pages() -> dict[str, tuple[str, str]]:
    """{short name: (path, who)} of the pages `make bench` measures under load."""
    from bench.latency import pages
    from bench.queries import busiest

    found = {}
    for label, path, who in pages(busiest("editor01")):
        short = next(name for prefix, name in SHORT.items() if label.startswith(prefix))
        found[short] = (path, who)
    return found


def _clients() -> dict[str, object]:
    """A client for each kind of viewer: anonymous, and the editor the load test logs in."""
    from django.test import Client

    from accounts.models import User

    editor = Client()
    editor.force_login(User.objects.get(username="editor01"))
    return {"anonymous": Client(), "editor": editor}


def _request_ms(client: object, path: str) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds of one request (the CPU time leaves out
    the database's and other processes' share, so it is steadier on a busy machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)  # type: ignore[attr-defined]
    figures = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return figures


def measure(n: int = 20, only: Sequence[str] = ()) -> dict[str, float]:
    """Median ms of each page (after 3 warm-up requests) and its ratio to the reference."""
    _setup()
    clients = _clients()
    pages = {
        name: (clients[who], path)
        for name, (path, who) in _pages().items()
        if name == "reference" or not only or name in only
    }
    for client, path in pages.values():
        for _ in range(3):
            client.get(path)  # type: ignore[attr-defined]
    # Round by round, each page once: a burst of load from elsewhere weighs on all of them.
    walls: dict[str, list[float]] = {name: [] for name in pages}
    cpus: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(n):
        for name, (client, path) in pages.items():
            wall, cpu = _request_ms(client, path)
            walls[name].append(wall)
            cpus[name].append(cpu)
    figures = {name: statistics.median(values) for name, values in walls.items()}
    cpu_figures = {name: statistics.median(values) for name, values in cpus.items()}
    for name in pages:
        print(
            f"{name:10} wall {figures[name]:7.1f} ms ({figures[name] / figures['reference']:5.2f}x)"
            f"   cpu {cpu_figures[name]:7.1f} ms"
            f" ({cpu_figures[name] / cpu_figures['reference']:5.2f}x)"
        )
    return figures


def profile(page: str) -> None:
    _setup()
    path, who = _pages()[page]
    client = _clients()[who]
    client.get(path)  # type: ignore[attr-defined]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)  # type: ignore[attr-defined]
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def load(seconds: int, only: Sequence[str] = ()) -> None:
    """The latency part of `make bench` (bench/latency.py: gunicorn, locust) for the reference
    and the pages named (all by default); figures go to var/bench-inprocess/, not bench/results."""
    _setup()
    from bench import latency
    from bench.queries import busiest

    every_page = latency.pages
    kept = [
        label for label, name in SHORT.items() if name == "reference" or not only or name in only
    ]
    latency.pages = lambda targets: [p for p in every_page(targets) if p[0].startswith(tuple(kept))]
    results = ROOT / "var" / "bench-inprocess"
    results.mkdir(parents=True, exist_ok=True)
    measured = latency.measure(pg.url(DATABASE), busiest("editor01"), results, seconds=seconds)
    for label, figures in measured["pages"].items():
        print(f"{label:42} p95 {figures['p95_ms']:6.0f} ms   {figures['p95_ratio']:5.2f}x")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "time"
    numbers = [arg for arg in sys.argv[2:] if arg.isdigit()]
    names = [arg for arg in sys.argv[2:] if not arg.isdigit()]
    if command == "build":
        build()
    elif command == "profile":
        profile(sys.argv[2])
    elif command == "load":
        load(int(numbers[0]) if numbers else 20, names)
    else:
        measure(int(numbers[0]) if numbers else 20, names)
