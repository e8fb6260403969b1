"""PostgreSQL for the benchmarks: start it if it is down (as .ci/run does), and create and
drop the benchmark's own database. No other database is ever touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
USER = os.environ.get("BENCH_PG_USER", "postgres")
PROTECTED = {"postgres", "template0", "template1", "test"}


def url(name: str) -> str:
    return f"postgres://{USER}@{HOST}:{PORT}/{name}"


def _ready() -> bool:
    if shutil.which("pg_isready") is None:
        return _connects()
    return (
        subprocess.run(["pg_isready", "-h", HOST, "-p", str(PORT), "-q"], check=False).returncode
        == 0
    )


def _connects() -> bool:
    import psycopg

    try:
        psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres").close()
    except psycopg.OperationalError:
        return False
    return True


def ensure_running() -> None:
    """Start the local cluster like .ci/run does when nothing answers on the port."""
    if _ready():
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.is_dir():
        version = sorted(p.name for p in clusters.iterdir())[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )
    for _ in range(30):
        if _ready():
            return
        time.sleep(1)
    raise SystemExit(f"PostgreSQL is not reachable on {HOST}:{PORT}.")


def _admin() -> Connection[TupleRow]:
    import psycopg

    # The maintenance database is only used to issue CREATE/DROP DATABASE for our own name.
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True)


def _check(name: str) -> None:
    if name in PROTECTED or not name.startswith("desk_"):
        raise SystemExit(f"Refusing to touch the database {name!r}: benchmarks use desk_* only.")


def create_database(name: str) -> str:
    """(Re)create the benchmark's own database ``name`` and return its URL."""
    _check(name)
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url(name)


def copy_database(template: str, name: str) -> str:
    """(Re)create ``name`` as a copy of ``template`` (which nobody may be connected to) and
    return its URL: a data set built once serves runs that change it."""
    _check(template)
    _check(name)
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return url(name)


def drop_database(name: str) -> None:
    _check(name)
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version() -> str:
    with _admin() as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"
