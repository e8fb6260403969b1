"""Several editors at the same moment, on two real database connections.

These prove the row locks, so they run on PostgreSQL (CI runs them there and fails if they
were skipped). SQLite serialises whole-database writes and has no row locks to prove.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from amendments import ledger
from amendments.models import Amendment
from amendments.services import guard
from amendments.services.deciding import amendment_accept, amendment_mark_duplicate
from amendments.services.limits import chapter_set_limit
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import postgres_only

pytestmark = postgres_only("row-lock proofs need PostgreSQL (set DATABASE_URL; CI runs them there)")


def _at_the_same_moment(*actions: Callable[[], object]) -> list[object]:
    """Run each action in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # the test inspects what each editor got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_guard(monkeypatch):
    """Widen the window between reading the word count and writing, as a slow server would:
    without the row locks, both editors would read the same count and both would pass."""
    real = guard.guard_snapshot

    def slow(chapter):
        snapshot = real(chapter)
        time.sleep(0.4)
        return snapshot

    monkeypatch.setattr("amendments.services.deciding.guard_snapshot", slow)


def test_two_acceptances_that_together_exceed_the_limit_exactly_one_wins(
    seed_chapter, member, other_member, editor, other_editor, slow_guard
) -> None:
    p1, p2 = body_paragraph(seed_chapter, 1), body_paragraph(seed_chapter, 2)
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=5193 + 30, reason="Tight")
    twenty = " ".join(["more"] * 20)
    first = propose(member, p1, p1.text + " " + twenty)
    second = propose(other_member, p2, p2.text + " " + twenty)

    results = _at_the_same_moment(
        lambda: amendment_accept(amendment=first, editor=editor),
        lambda: amendment_accept(amendment=second, editor=other_editor),
    )
    refusals = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if isinstance(r, Amendment)]
    assert len(accepted) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "over_chapter_limit"
    assert ledger.chapter_ledger(seed_chapter).words == 5193 + 20
    statuses = sorted(Amendment.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]


def test_two_editors_on_one_paragraph_never_lose_an_update(
    seed_chapter, member, other_member, editor, other_editor, slow_guard
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    one = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    two = propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))

    results = _at_the_same_moment(
        lambda: amendment_accept(amendment=one, editor=editor),
        lambda: amendment_accept(amendment=two, editor=other_editor),
    )
    assert all(isinstance(r, Amendment) for r in results), results
    text = Paragraph.objects.get(pk=p5.pk).text
    # The second acceptance was evaluated against the text the first produced: both changes
    # are in, none was overwritten by a stale copy.
    assert "many problems" in text and "weakest point" in text
    assert p5.history.count() == 3  # imported, then one new version per acceptance


def test_two_editors_accepting_clashing_changes_one_is_refused(
    seed_chapter, member, other_member, editor, other_editor, slow_guard
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    one = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    two = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless woes"))

    results = _at_the_same_moment(
        lambda: amendment_accept(amendment=one, editor=editor),
        lambda: amendment_accept(amendment=two, editor=other_editor),
    )
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(refusals) == 1 and refusals[0].code == "not_pending", results
    text = Paragraph.objects.get(pk=p5.pk).text
    assert ("many problems" in text) != ("countless woes" in text)
    assert sorted(Amendment.objects.values_list("status", flat=True)) == ["accepted", "conflict"]


def test_two_editors_marking_two_amendments_duplicates_of_each_other_one_is_refused(
    seed_chapter, member, other_member, editor, other_editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    one = propose(member, p5, p5.text + " Said once.")
    two = propose(other_member, p5, p5.text + " Said twice.")

    results = _at_the_same_moment(
        lambda: amendment_mark_duplicate(amendment=one, editor=editor, duplicate_of=two),
        lambda: amendment_mark_duplicate(amendment=two, editor=other_editor, duplicate_of=one),
    )
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(refusals) == 1 and refusals[0].code == "loop", results
    # One original stays pending, with the other pointing at it: never a loop of duplicates.
    statuses = dict(Amendment.objects.values_list("status", "duplicate_of"))
    assert statuses.keys() == {"pending", "duplicate"} and statuses["pending"] is None
