"""Shared fixtures: the seed chapter and the named actors (members, editors, an admin).

Django is imported inside the fixtures so that tests/textcore runs without Django at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User
    from manifesto.models import Chapter

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "fixtures" / "socialism-and-the-soviet-union.txt"
SEED_SLUG = "socialism-and-the-soviet-union"
PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    # Passwords hashed fast (tests/hashers.py): the production cost, paid for every actor of
    # every test, was the largest single cost of the suite. Tests that need another hasher
    # still set their own with the settings fixture.
    # (override_settings, not an assignment: it tells Django, which drops its cached hashers.)
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["tests.hashers.FastPBKDF2PasswordHasher"]).enable()


def postgres_only(reason: str) -> list[pytest.MarkDecorator]:
    """Marks for a module of proofs that need PostgreSQL: committed transactions, skipped with
    ``reason`` elsewhere (CI runs them on PostgreSQL and fails if they were skipped)."""
    from django.db import connection

    return [
        pytest.mark.postgres,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(connection.vendor != "postgresql", reason=reason),
    ]


def database_url() -> str:
    """The test database as a DATABASE_URL, for another process (gunicorn, a script) to use."""
    from django.db import connection

    db = connection.settings_dict
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _no_rate_limits(request):  # type: ignore[no-untyped-def]
    # Rate limits have their own tests, which switch them back on.
    if "settings" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("settings").RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _tasks_run_at_once(request):  # type: ignore[no-untyped-def]
    # Tasks (the notices' e-mails) run in the test's own thread as they are enqueued, so a
    # test sees their effect; tests of the database queue itself switch the backend back.
    if "settings" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("settings").TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    # Each test starts from an empty database, where ids are used again: cached fragments
    # keyed on them must not outlive the test.
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def seed_chapter(db) -> Chapter:  # type: ignore[no-untyped-def]
    """The real seed chapter, loaded from fixtures/seed.json as `make run` loads it."""
    from django.core.management import call_command

    from manifesto.models import Chapter

    call_command("loaddata", str(ROOT / "fixtures" / "seed.json"), verbosity=0)
    return Chapter.objects.select_related("manifesto").get(slug=SEED_SLUG)


def make_user(username: str, role: str = "member", display_name: str = "") -> User:
    from accounts.services import user_create

    return user_create(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        display_name=display_name or username.title(),
        role=role,
        validate=False,
    )


@pytest.fixture
def member(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("alice", display_name="Alice Member")


@pytest.fixture
def other_member(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("bob", display_name="Bob Member")


@pytest.fixture
def editor(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("erin", role="editor", display_name="Erin Editor")


@pytest.fixture
def other_editor(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("eddie", role="editor", display_name="Eddie Editor")


@pytest.fixture
def admin_user(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("ada", role="admin", display_name="Ada Admin")


def client_for(user: User | None) -> Client:
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def latest_schema_afterwards():  # type: ignore[no-untyped-def]
    """For a test that migrates back to test a data migration: every migration is applied
    again after it, as the tests after it need (the later migrations of every app, not only
    the one it tested)."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
