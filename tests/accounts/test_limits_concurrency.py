"""Limits and sessions hold across processes: two gunicorn servers, one with two workers.

Each server is a separate set of processes with its own memory; only the database is shared.
Requests alternate between the servers on fresh connections, and the gunicorn access logs
(which record the answering process id) show that several processes answered. Runs on
PostgreSQL, which a second process can reach (CI runs it there and fails if it was skipped).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROOT, database_url, make_user, postgres_only

pytestmark = postgres_only(
    "other processes must reach the test database: PostgreSQL (CI runs it there)"
)


@dataclass
class Server:
    url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "APP_MODE": "local",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATELIMIT_ENABLE": "1",
    }
    started: list[tuple[subprocess.Popen, Server]] = []  # type: ignore[type-arg]
    try:
        for name, workers in (("a", 2), ("b", 1)):
            port = _free_port()
            log = tmp_path / f"{name}.log"
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "desk.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                f"--access-logfile={log}",
                "--access-logformat=%(p)s %(s)s %(m)s %(U)s",
            ]
            process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
            started.append((process, Server(f"http://127.0.0.1:{port}", log)))
            _wait_for(port, process)
        yield [server for _, server in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=10)


class Browser:
    """A visitor with a cookie jar; every request opens a new connection."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (http on loopback)

    def post(self, url: str, form: dict[str, str]) -> tuple[int, str]:
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _answering_processes(servers: list[Server], path: str) -> set[str]:
    time.sleep(0.5)  # gunicorn writes its access log after the response
    lines = "".join(server.log.read_text() for server in servers)
    return set(re.findall(rf"^<(\d+)> \d+ POST {re.escape(path)}$", lines, re.MULTILINE))


def _clear_of_a_window_edge(seconds: int, needed: int = 15) -> None:
    """Windows are fixed and the servers' clocks can't be frozen: start a burst well inside one."""
    left = seconds - time.time() % seconds
    if left < needed:
        time.sleep(left + 0.5)


def test_the_log_in_limit_holds_across_workers_and_servers(servers: list[Server]) -> None:
    login = "/accounts/login/"
    visitors = []
    for server in servers:
        visitor = Browser()
        visitor.get(server.url + login)
        visitors.append((visitor, server))

    def attempt(i: int) -> int:
        visitor, server = visitors[i % len(visitors)]
        return visitor.post(server.url + login, {"username": f"nobody{i}", "password": "x"})[0]

    # Twenty attempts from one address at once, spread over both servers and all three
    # processes: the shared counter lets exactly ten through.
    _clear_of_a_window_edge(60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [200] * 10 + [429] * 10, statuses
    assert len(_answering_processes(servers, login)) >= 2


def test_a_session_and_a_lock_out_are_seen_by_every_server(servers: list[Server]) -> None:
    make_user("alice")
    make_user("bob")
    first, second = servers
    visitor = Browser()
    visitor.get(first.url + "/accounts/login/")
    status, _ = visitor.post(
        first.url + "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    assert status == 302
    # The session made by the first server is honoured by the second.
    status, page = visitor.get(second.url + "/accounts/profile/")
    assert status == 200 and "alice" in page

    # Five wrong passwords for bob, alternating servers, lock him out on both.
    _clear_of_a_window_edge(15 * 60)
    intruder = Browser()
    for server in servers:
        intruder.get(server.url + "/accounts/login/")
    for i in range(5):
        server = servers[i % 2]
        intruder.post(server.url + "/accounts/login/", {"username": "bob", "password": "x"})
    for server in servers:
        status, page = intruder.post(
            server.url + "/accounts/login/", {"username": "bob", "password": PASSWORD}
        )
        assert status == 200 and "locked for 15 minutes" in page
