"""An acceptance that notifies its followers: the editor's request must not grow with them.

Each acceptance runs in a transaction rolled back afterwards, alternating 0 and 500 followers
of the amendment (members made in two inserts inside the same transaction, before the clock
starts). What is timed is what the editor's request does: the service, which records one
notice per follower in one INSERT … SELECT, and the after-commit callback, which enqueues one
task in the database queue. The e-mails are the worker's, and are not in the request.

`make bench` runs it on its data set; on its own (`python bench/notify.py`, SQLite in
var/bench-notify.sqlite3 unless DATABASE_URL says otherwise) it builds the seed chapter, an
editor and an author, and prints the figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = (0, 500)
REPETITIONS = 5


class _Rollback(Exception):
    pass


def _followers(amendment_id: int, count: int) -> None:
    from accounts.models import User
    from amendments.models import Follow

    users = User.objects.bulk_create(
        [User(username=f"bench-follower-{i}", password="!") for i in range(count)]
    )
    Follow.objects.bulk_create([Follow(user=u, amendment_id=amendment_id) for u in users])


def _one(amendment_id: int, editor: Any, followers: int) -> float:
    from django.db import connection, transaction

    from amendments.models import Amendment, Notification
    from amendments.services.deciding import amendment_accept

    try:
        with transaction.atomic():
            _followers(amendment_id, followers)
            amendment = Amendment.objects.get(pk=amendment_id)
            start = time.perf_counter()
            amendment_accept(amendment=amendment, editor=editor)
            for entry in list(connection.run_on_commit):
                entry[1]()
            seconds = time.perf_counter() - start
            told = Notification.objects.filter(amendment_id=amendment_id, kind="decided").count()
            assert told >= followers, (told, followers)
            raise _Rollback
    except _Rollback:
        pass
    return seconds


def measure(amendment_id: int, editor_username: str) -> dict[str, Any]:
    """Accept ``amendment_id`` REPETITIONS times with each number of FOLLOWERS, alternately."""
    from django.test.utils import override_settings

    from accounts.models import User

    editor = User.objects.get(username=editor_username)
    times: dict[int, list[float]] = {count: [] for count in FOLLOWERS}
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=queue):
        for _ in range(REPETITIONS):
            for count in FOLLOWERS:
                times[count].append(_one(amendment_id, editor, count))
    medians = {count: statistics.median(values) for count, values in times.items()}
    return {
        "repetitions": REPETITIONS,
        **{
            f"followers_{count}": {
                "median_ms": round(medians[count] * 1000, 1),
                "max_ms": round(max(times[count]) * 1000, 1),
                "min_ms": round(min(times[count]) * 1000, 1),
            }
            for count in FOLLOWERS
        },
        "ratio_500_to_0": round(medians[FOLLOWERS[-1]] / medians[FOLLOWERS[0]], 2),
    }


def quiet_amendment(editor_username: str) -> int:
    """A pending amendment on a paragraph with few others, so that the rebase is small and the
    notices are what the figures show."""
    from django.db.models import Count, Q

    from amendments.models import Amendment
    from manifesto.models import Paragraph

    quiet = (
        Paragraph.objects.annotate(
            pending=Count("amendments", filter=Q(amendments__status=Amendment.Status.PENDING))
        )
        .filter(pending__gte=1, pending__lte=3)
        .values("pk")
    )
    return (
        Amendment.objects.filter(
            status=Amendment.Status.PENDING, kind=Amendment.Kind.REPLACE, paragraph__in=quiet
        )
        .exclude(author__username=editor_username)
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )


def _standalone() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-notify.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from amendments.services.proposing import amendment_propose
    from manifesto.models import Paragraph

    call_command("migrate", verbosity=0)
    if not Paragraph.objects.exists():
        call_command("loaddata", str(ROOT / "fixtures" / "seed.json"), verbosity=0)
    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"role": "editor"})
    author, _ = User.objects.get_or_create(username="bench-author")
    paragraph = Paragraph.objects.filter(kind="body").order_by("position")[4]
    amendment = amendment_propose(
        author=author,
        paragraph=paragraph,
        kind="replace",
        title=f"Bench {time.time()}",
        text=paragraph.text + f" Bench {time.time()}.",
        reason="Bench.",
    )
    print(measure(amendment.pk, editor.username))


if __name__ == "__main__":
    _standalone()
