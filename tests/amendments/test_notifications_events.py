"""Who is told of what: each event's followers, never the actor, recorded in the change's
transaction in a constant number of queries, and one task enqueued when it commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks import default_task_backend

from amendments.models import Notification
from amendments.services.deciding import amendment_accept
from amendments.services.discussion import comment_post
from amendments.services.following import follow_set
from amendments.services.limits import chapter_set_limit
from amendments.services.notifications import notify_decided, notify_phase_changed
from amendments.services.proposing import support_add
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.notices import many_followers

pytestmark = pytest.mark.django_db


def _told(**filters) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = Notification.objects.filter(**filters).select_related("recipient")
    return {(n.recipient.username, n.kind) for n in rows}


def test_a_new_amendment_tells_the_followers_of_its_chapter_and_paragraph(
    member, other_member, editor, admin_user, p5, django_capture_on_commit_callbacks
) -> None:
    follow_set(user=other_member, thing=p5.chapter, active=True)
    follow_set(user=editor, thing=p5, active=True)
    follow_set(user=admin_user, thing=body_paragraph(p5.chapter, 6), active=True)
    follow_set(user=member, thing=p5, active=True)  # the author: not told of their own
    with django_capture_on_commit_callbacks(execute=True):
        amendment = propose(member, p5)
    assert _told(amendment=amendment) == {("bob", "amendment"), ("erin", "amendment")}
    assert {m.to[0] for m in mail.outbox} == {other_member.email, editor.email}


def test_comments_tell_the_thread_and_a_reply_tells_the_comment_it_answers(
    member, other_member, editor, admin_user, p5
) -> None:
    amendment = propose(member, p5)
    first = comment_post(author=admin_user, body="A question.", amendment=amendment)
    assert _told(comment=first) == {("alice", "comment")}
    follow_set(user=admin_user, thing=amendment, active=False)
    reply = comment_post(author=other_member, body="An answer.", amendment=amendment, parent=first)
    # The admin unfollowed, but a reply to their own comment still reaches them.
    assert _told(comment=reply) == {("alice", "reply"), ("ada", "reply")}
    on_paragraph = comment_post(author=editor, body="About ¶ 5.", paragraph=p5)
    assert _told(comment=on_paragraph) == set()
    follow_set(user=member, thing=p5, active=True)
    again = comment_post(author=editor, body="About ¶ 5, again.", paragraph=p5)
    assert _told(comment=again) == {("alice", "comment")}


def test_decisions_and_conflicts_tell_the_amendments_followers_not_the_editor(
    member, other_member, editor, admin_user, p5
) -> None:
    mine = propose(member, p5, p5.text.replace("a myriad of problems", "countless woes"))
    theirs = propose(other_member, p5, p5.text.replace("a myriad of problems", "many problems"))
    support_add(amendment=theirs, user=admin_user)
    comment_post(author=editor, body="Reading it.", amendment=mine)
    amendment_accept(amendment=theirs, editor=editor)
    assert _told(amendment=theirs, kind="decided") == {("bob", "decided"), ("ada", "decided")}
    # The editor follows "mine" (they commented) but made the change: only its author hears.
    assert _told(amendment=mine, kind="conflict") == {("alice", "conflict")}
    decided = Notification.objects.filter(amendment=theirs, kind="decided").first()
    assert decided is not None and decided.actor == editor and decided.description == "Accepted"


def test_a_phase_change_tells_the_chapters_followers(
    member, other_member, p5, django_capture_on_commit_callbacks
) -> None:
    follow_set(user=member, thing=p5.chapter, active=True)
    follow_set(user=other_member, thing=p5, active=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ids = notify_phase_changed(chapter=p5.chapter, description="Open for amendments")
    notice = Notification.objects.get(pk__in=ids)
    assert (notice.recipient, notice.kind, notice.actor) == (member, "phase", None)
    [message] = mail.outbox
    assert (
        "Open for amendments" in message.subject and p5.chapter.get_absolute_url() in message.body
    )


def test_an_editor_changing_a_round_tells_the_followers_of_the_chapters_it_moves(
    member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    chapter = p5.chapter
    follow_set(user=member, thing=chapter, active=True)
    follow_set(user=other_member, thing=p5, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        chapter_round_set(
            chapter=chapter, editor=editor, phase="review", closes_at=None, reason="Closed early"
        )
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (member, "phase")
    assert "Review" in notice.description
    [message] = mail.outbox
    assert "Review" in message.subject + message.body
    # A chapter with its own phase is not moved by the Manifesto's round, so nobody is told;
    # once it follows the Manifesto again, a change of the Manifesto's phase reaches it.
    manifesto = chapter.manifesto
    settings_now = {
        "time_zone": manifesto.time_zone,
        "minimum_supporters": manifesto.minimum_supporters,
        "supports_open_in_review": manifesto.supports_open_in_review,
        "comments_open_in_review": manifesto.comments_open_in_review,
        "closes_at": None,
        "reason": "",
    }
    manifesto_round_set(manifesto=manifesto, editor=editor, phase="drafting", **settings_now)
    assert Notification.objects.count() == 1
    chapter_round_set(chapter=chapter, editor=editor, phase="", closes_at=None, reason="")
    manifesto.refresh_from_db()
    manifesto_round_set(manifesto=manifesto, editor=editor, phase="open", **settings_now)
    assert [n.description for n in Notification.objects.order_by("pk")][1:] == [
        "Phase: Review → Drafting.",
        "Phase: Drafting → Open for amendments.",
    ]


def test_nothing_is_recorded_or_sent_when_the_change_is_rolled_back(
    member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    chapter_set_limit(chapter=p5.chapter, editor=editor, word_limit=5193, reason="Full")
    amendment = propose(member, p5, p5.text + " Over the limit now.")
    support_add(amendment=amendment, user=other_member)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        amendment_accept(amendment=amendment, editor=editor)
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.filter(kind="decided").exists()


DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _queued_after_setting(settings: Any) -> Callable[[], list[Any]]:
    """From here on tasks are kept, not run; returns what reads the list of enqueued ones."""
    settings.TASKS = DUMMY
    return lambda: list(default_task_backend.results)  # type: ignore[attr-defined]


@pytest.mark.parametrize("followers", [5, 500])
def test_recording_costs_one_query_and_one_task_whatever_the_followers(
    followers,
    member,
    editor,
    p5,
    settings,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    amendment = propose(member, p5)
    many_followers(followers, amendment=amendment)
    results = _queued_after_setting(settings)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic(), django_assert_num_queries(1):
            ids = notify_decided(amendment=amendment, actor=editor)
        assert results() == []  # nothing before the commit
    assert len(ids) == followers + 1  # and the author
    assert len(callbacks) == 1
    [task] = results()
    assert task.task.name == "deliver_notifications" and task.args == [ids]


@pytest.mark.parametrize("followers", [5, 500])
def test_an_acceptance_makes_the_same_queries_with_5_or_500_followers(
    followers, member, editor, p5, settings, django_capture_on_commit_callbacks
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    amendment = propose(member, p5)
    many_followers(followers, amendment=amendment)
    _queued_after_setting(settings)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        amendment_accept(amendment=amendment, editor=editor)
    # Measured with 5 followers; the figure must not move with 500.
    assert len(queries) == ACCEPT_QUERIES
    assert Notification.objects.filter(kind="decided").count() == followers + 1


# Locks, reads, the new version, the decision log, the guard, the history rows, one
# INSERT … SELECT for the followers' notices (measured with 5 followers) and the committee's
# "accept as modified" texts on the paragraph, to carry forward.
ACCEPT_QUERIES = 24


def test_a_reopened_amendment_tells_its_followers_it_is_pending_again(
    member, other_member, editor, admin_user, p5
) -> None:
    from amendments.services.deciding import amendment_reject, amendment_reopen

    amendment = propose(member, p5)
    support_add(amendment=amendment, user=other_member)
    amendment_reject(amendment=amendment, editor=editor, reason="Not now.")
    amendment_reopen(amendment=amendment, admin=admin_user, reason="Congress asked.")
    again = Notification.objects.filter(amendment=amendment, description="Pending again")
    assert {n.recipient.username for n in again} == {"alice", "bob"}
