"""A double click sends the same proposal or comment twice at once, on two connections: the
row locks make the second copy find the first. PostgreSQL only (SQLite has no row locks)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError

from amendments.models import Amendment, Comment
from amendments.services import proposing
from amendments.services.discussion import comment_post
from amendments.services.proposing import amendment_propose
from tests.amendments.test_concurrency import _at_the_same_moment
from tests.conftest import postgres_only

pytestmark = postgres_only("row-lock proofs need PostgreSQL (set DATABASE_URL; CI runs them there)")


def test_a_proposal_sent_twice_at_once_is_stored_once(member, p5, monkeypatch) -> None:
    real = proposing._refuse_repeated_proposal

    def slow(**kwargs):  # type: ignore[no-untyped-def]
        # Between the check and the write, as on a busy server: without the paragraph's row
        # lock both copies would pass the check here.
        real(**kwargs)
        time.sleep(0.4)

    monkeypatch.setattr(proposing, "_refuse_repeated_proposal", slow)

    def send() -> Amendment:
        return amendment_propose(
            author=member,
            paragraph=p5,
            kind="replace",
            title="Twice",
            text=p5.text + " Twice.",
            reason="R",
        )

    results = _at_the_same_moment(send, send)
    stored = [r for r in results if isinstance(r, Amendment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert refused[0].code == "repeated_proposal"
    assert Amendment.objects.count() == 1


def test_a_comment_sent_twice_at_once_is_stored_once(member, p5, monkeypatch) -> None:
    real_save = Comment.save

    def slow_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.4)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Comment, "save", slow_save)
    results = _at_the_same_moment(
        lambda: comment_post(author=member, body="Hear, hear.", paragraph=p5),
        lambda: comment_post(author=member, body="Hear, hear.", paragraph=p5),
    )
    assert all(isinstance(r, Comment) for r in results), results
    assert results[0].pk == results[1].pk  # type: ignore[union-attr]
    assert Comment.objects.count() == 1
