"""A double click sends the same proposal, comment, sign-up or milestone twice at once, on two
connections: the second copy finds the first (behind its row lock, or its unique constraint)
and is answered like any repeat. PostgreSQL only (SQLite has no row locks)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError

from accounts import services as accounts_services
from accounts.models import User
from accounts.services import member_sign_up
from amendments.models import Amendment, Comment, Decision
from amendments.services import proposing
from amendments.services.discussion import comment_post
from amendments.services.milestones import milestone_mark
from amendments.services.proposing import amendment_propose
from manifesto.models import Milestone
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


def test_a_sign_up_sent_twice_at_once_makes_one_account_and_answers_both(
    settings, monkeypatch
) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    real_validate = accounts_services.validate_password

    def slow_validate(*args, **kwargs):  # type: ignore[no-untyped-def]
        # Between the "is the name taken?" check and the write, as on a busy server.
        real_validate(*args, **kwargs)
        time.sleep(0.4)

    monkeypatch.setattr(accounts_services, "validate_password", slow_validate)

    def send() -> User:
        return member_sign_up(
            username="newcomrade",
            email="new@example.org",
            password="a long enough passphrase 42",
            display_name="New Comrade",
        )

    results = _at_the_same_moment(send, send)
    created = [r for r in results if isinstance(r, User)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].error_dict["username"][0].code == "username_taken"
    assert User.objects.filter(username="newcomrade").count() == 1


def test_a_milestone_marked_twice_at_once_is_stored_once(editor, p5, monkeypatch) -> None:
    real_save = Milestone.save

    def slow_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.4)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Milestone, "save", slow_save)

    def send() -> Milestone:
        # As the desk's page marks it: the milestone and its line in the decision log.
        return milestone_mark(chapter=p5.chapter, editor=editor, name="Congress draft")

    results = _at_the_same_moment(send, send)
    stored = [r for r in results if isinstance(r, Milestone)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert refused[0].error_dict["name"][0].code == "name_taken"
    assert Milestone.objects.filter(name="Congress draft").count() == 1
    assert Decision.objects.filter(action="milestone").count() == 1
