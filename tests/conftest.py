"""Shared fixtures: the seed chapter and the named actors (members, editors, an admin).

Django is imported inside the fixtures so that tests/textcore runs without Django at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from django.db.models import Model
    from django.test import Client

    from accounts.models import User
    from manifesto.models import Chapter

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "fixtures" / "socialism-and-the-soviet-union.txt"
SEED_SLUG = "socialism-and-the-soviet-union"
PASSWORD = "correct horse battery staple"

# Hypothesis refuses a test whose inputs it draws slowly (HealthCheck.too_slow) and fails an
# example that takes longer than its deadline (200 ms): on a loaded machine (both databases'
# suites at once, or CI beside other work) these failed a property test of line numbering and
# one of word counts (an example of 0.24 ms took 292 ms once) with nothing wrong in them. The
# suite times nothing (benchmarks report speed: bench/), so neither applies; the examples and
# assertions are unchanged.
settings.register_profile("desk", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("desk")


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


# fixtures/seed.json read once per process: each model's rows, as the field values loaddata
# would write, in the file's order.
_seed_rows: list[tuple[type[Model], list[dict[str, Any]]]] = []


def _read_seed() -> list[tuple[type[Model], list[dict[str, Any]]]]:
    from django.core import serializers

    if not _seed_rows:
        rows: dict[type[Model], list[dict[str, Any]]] = {}
        text = (ROOT / "fixtures" / "seed.json").read_text(encoding="utf-8")
        for found in serializers.deserialize("json", text):
            assert not found.m2m_data and not found.deferred_fields, "the seed holds no m2m"
            model, fields = type(found.object), found.object._meta.concrete_fields
            rows.setdefault(model, []).append(
                {f.attname: getattr(found.object, f.attname) for f in fields}
            )
        _seed_rows.extend(rows.items())
    return _seed_rows


def load_seed() -> None:
    """Write fixtures/seed.json's rows as ``loaddata`` does (raw values, no save(), no history
    of its own, the sequences reset after), one INSERT per model instead of an UPDATE and an
    INSERT per row: the seed chapter is set up for most tests."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    models = []
    # One transaction, as loaddata uses: the foreign keys are checked at its end (they are
    # deferred), when every row is in, also where a test's database commits (browser tests).
    with transaction.atomic():
        for model, rows in _read_seed():
            model._base_manager.bulk_create([model(**row) for row in rows])
            models.append(model)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture
def seed_chapter(db) -> Chapter:  # type: ignore[no-untyped-def]
    """The real seed chapter, loaded from fixtures/seed.json as `make run` loads it."""
    from manifesto.models import Chapter

    load_seed()
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
