"""The app under gunicorn on the benchmark database, and locust runs against it."""

from __future__ import annotations

import contextlib
import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(database_url: str) -> dict[str, str]:
    """How the benchmarked app runs: local mode with DEBUG off, persistent database
    connections as in production, rate limits off, e-mail discarded."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "APP_MODE": "local",
        "DEBUG": "0",
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def gunicorn(database_url: str, log: Path) -> Iterator[str]:
    """Serve the app with gunicorn (WORKERS sync workers) and yield its base URL."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "desk.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=app_environment(database_url),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, process)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early; see its log in bench/results/")
        try:
            with urllib.request.urlopen(base + "/", timeout=5):  # noqa: S310 (our own server)  # nosec B310
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


def keep_log_if_troubled(log: Path) -> int:
    """The number of tracebacks in a gunicorn log; a log without any is removed."""
    tracebacks = log.read_text().count("Traceback") if log.exists() else 0
    if log.exists() and not tracebacks:
        log.unlink()
    return tracebacks


def warm(base: str, path: str, cookie: str = "", times: int = 10) -> int:
    """Request ``path`` a few times (imports, template loading, caches); the last status."""
    status = 0
    for _ in range(times):
        request = urllib.request.Request(  # noqa: S310 (our own server)
            base + path, headers={"Cookie": cookie} if cookie else {}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  # nosec B310
            status = response.status
            response.read()
    return status


def locust(
    locustfile: str,
    base: str,
    *,
    users: int,
    seconds: int,
    prefix: Path,
    env: dict[str, str],
    reset_stats: bool = True,
) -> list[dict[str, Any]]:
    """Run locust headless (``users`` clients, no think time unless the file sets one) and
    return its per-request rows, as written to ``prefix``_stats.csv (counted from when all
    clients have started, with ``reset_stats``)."""
    subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / locustfile),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            *(["--reset-stats"] if reset_stats else []),
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def figures(row: dict[str, Any]) -> dict[str, float]:
    """The figures the reports use from one row of locust's stats."""
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "mean_ms": round(float(row["Average Response Time"]), 1),
        "bytes": round(float(row["Average Content Size"])),
    }
