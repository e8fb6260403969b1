"""A double click on SQLite, the database of `make run`: the same proposal, comment or support
sent twice at the same moment to Django's threaded development server. The first is stored; the
second waits its turn and gets the normal answer (the repeated proposal refused with a message,
the same comment and the same support given back), never "database is locked".

The server runs in its own process on an SQLite file, with the project's settings, and every
save of an amendment, comment or support is slowed, as on a busy server, so that the two
requests are inside their transactions at the same time.
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.accounts.test_limits_concurrency import Browser, _free_port
from tests.conftest import PASSWORD, ROOT, SEED_SLUG

_SERVER = """
import json, os, sys, time

import django

django.setup()
from django.core.management import call_command
from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application

from accounts.services import user_create
from amendments.models import Amendment, Comment, Support
from amendments.services.proposing import amendment_propose
from manifesto.models import Chapter

seed, info, port, password, slug = sys.argv[1:]
call_command("migrate", interactive=False, verbosity=0)
call_command("loaddata", seed, verbosity=0)
users = {
    name: user_create(username=name, password=password, validate=False)
    for name in ("alice", "bob", "carol")
}
body = Chapter.objects.get(slug=slug).paragraphs.filter(kind="body").order_by("position")
p5, p6 = body[4], body[5]
bobs = amendment_propose(
    author=users["bob"], paragraph=p6, kind="replace", title="Bob's",
    text=p6.text + " Bob.", reason="Because.",
)
with open(info + ".part", "w") as out:
    json.dump({"p5": p5.key, "p5_text": p5.text, "p6": p6.key, "amendment": bobs.pk}, out)
os.replace(info + ".part", info)


def slowed(save):
    def slow_save(self, *args, **kwargs):
        time.sleep(0.4)  # a busy server, between the checks and the write
        return save(self, *args, **kwargs)
    return slow_save


for model in (Amendment, Comment, Support):
    model.save = slowed(model.save)
run("127.0.0.1", int(port), get_wsgi_application(), threading=True)
"""


@dataclass
class SQLiteServer:
    url: str
    database: Path
    log: Path
    p5: int
    p5_text: str
    p6: int
    amendment: int

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory) -> Iterator[SQLiteServer]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("sqlite-desk")
    database, info, log = folder / "desk.sqlite3", folder / "info.json", folder / "server.log"
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")},
        "DJANGO_SETTINGS_MODULE": "desk.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "APP_MODE": "local",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    seed = str(ROOT / "fixtures" / "seed.json")
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [sys.executable, "-c", _SERVER, seed, str(info), str(port), PASSWORD, SEED_SLUG],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        url = f"http://127.0.0.1:{port}"
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start: " + log.read_text()
            if info.exists() and _answers(url):
                break
            time.sleep(0.2)
        yield SQLiteServer(url, database, log, **json.loads(info.read_text()))
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return Browser().get(url + "/accounts/login/")[0] == 200
    except OSError:  # not listening yet
        return False


def _signed_in(server: SQLiteServer, username: str) -> Browser:
    browser = Browser()
    browser.get(server.url + "/accounts/login/")
    status, _ = browser.post(
        server.url + "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert status == 302
    return browser


def _twice_at_once(browser: Browser, url: str, form: dict[str, str]) -> list[tuple[int, str]]:
    """The same POST from one browser on two connections, released together (a double click)."""
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def click() -> None:
        barrier.wait()
        answers.append(browser.post(url, form))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _error(page: str) -> str:
    """What went wrong, from the development server's error page."""
    found = re.search(r'<pre class="exception_value">(.*?)</pre>', page, re.S)
    return html.unescape(found.group(1)) if found else page[:500]


def _assert_nothing_locked(server: SQLiteServer, answers: list[tuple[int, str]]) -> None:
    assert len(answers) == 2
    for status, page in answers:
        assert status in (200, 302), f"{status}: {_error(page)}"
        assert "database is locked" not in page
    assert "database is locked" not in server.log.read_text()


def test_the_desk_runs_sqlite_in_wal_mode(sqlite_server: SQLiteServer) -> None:
    assert sqlite_server.rows("PRAGMA journal_mode") == [("wal",)]


def test_a_proposal_sent_twice_at_once_on_sqlite_is_stored_once_and_both_answered(
    sqlite_server: SQLiteServer,
) -> None:
    alice = _signed_in(sqlite_server, "alice")
    url = f"{sqlite_server.url}/chapters/{SEED_SLUG}/p/{sqlite_server.p5}/propose/"
    status, page = alice.get(url)
    assert status == 200
    seen = re.search(r'name="seen_version" value="(\d+)"', page)
    assert seen
    form = {
        "kind": "replace",
        "title": "Twice",
        "text": sqlite_server.p5_text.replace("a myriad of problems", "many problems"),
        "reason": "Shorter.",
        "seen_version": seen.group(1),
        "action": "submit",
    }
    answers = _twice_at_once(alice, url, form)
    _assert_nothing_locked(sqlite_server, answers)
    assert sorted(status for status, _ in answers) == [200, 302]
    refused = next(page for status, page in answers if status == 200)
    assert "You have already proposed this change" in refused
    assert sqlite_server.rows(
        "SELECT count(*) FROM amendments_amendment WHERE title = 'Twice'"
    ) == [(1,)]


def test_a_comment_sent_twice_at_once_on_sqlite_is_stored_once_and_both_answered(
    sqlite_server: SQLiteServer,
) -> None:
    alice = _signed_in(sqlite_server, "alice")
    url = f"{sqlite_server.url}/chapters/{SEED_SLUG}/p/{sqlite_server.p6}/comment/"
    answers = _twice_at_once(alice, url, {"body": "Hear, hear."})
    _assert_nothing_locked(sqlite_server, answers)
    assert [status for status, _ in answers] == [302, 302]
    count = "SELECT count(*) FROM amendments_comment WHERE body = 'Hear, hear.'"
    assert sqlite_server.rows(count) == [(1,)]


def test_a_support_sent_twice_at_once_on_sqlite_is_stored_once_and_both_answered(
    sqlite_server: SQLiteServer,
) -> None:
    carol = _signed_in(sqlite_server, "carol")
    url = f"{sqlite_server.url}/amendments/{sqlite_server.amendment}/support/"
    answers = _twice_at_once(carol, url, {})
    _assert_nothing_locked(sqlite_server, answers)
    assert [status for status, _ in answers] == [302, 302]
    count = "SELECT count(*) FROM amendments_support WHERE amendment_id = ?"
    assert sqlite_server.rows(count, sqlite_server.amendment) == [(1,)]
