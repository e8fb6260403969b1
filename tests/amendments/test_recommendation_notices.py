"""Telling of recommendations: the proposer and the amendment's followers are told when its
recommendation is published (at once, or when a time set for later comes) and when the
committee changes a published one; once each, never of a draft, never the editor who acted."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import NoticeEmail
from amendments.models import Amendment, Notification, Recommendation
from amendments.services.following import follow_set
from amendments.services.proposing import amendment_withdraw
from amendments.services.recommending import (
    recommendation_set,
    recommendations_publish,
    recommendations_tell_due,
)
from common import clock
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.notices import many_followers

pytestmark = pytest.mark.django_db


@pytest.fixture
def amendment(member, p5) -> Amendment:  # type: ignore[no-untyped-def]
    return propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))


def _told(**filters) -> list[tuple[str, int | None, str]]:  # type: ignore[no-untyped-def]
    rows = Notification.objects.filter(kind=Notification.Kind.RECOMMENDATION, **filters)
    return sorted(
        (n.recipient.username, n.amendment_id, n.description)
        for n in rows.select_related("recipient")
    )


def _reject(amendment, editor, reason="Out of scope."):  # type: ignore[no-untyped-def]
    return recommendation_set(
        amendment=amendment, editor=editor, kind=Recommendation.Kind.REJECT, reason=reason
    )


def test_drafts_tell_nobody_and_publishing_tells_proposer_and_followers_once(
    amendment, member, other_member, editor, other_editor, django_capture_on_commit_callbacks
) -> None:
    follow_set(user=other_member, thing=amendment, active=True)
    follow_set(user=other_editor, thing=amendment, active=True)
    follow_set(user=editor, thing=amendment, active=True)  # the publishing editor: not told
    _reject(amendment, editor)
    _reject(amendment, editor, reason="Changed while a draft.")
    assert _told() == []
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_publish(chapter=amendment.chapter, editor=editor)
    said = "The committee recommends: reject"
    assert _told() == [
        ("alice", amendment.pk, said),
        ("bob", amendment.pk, said),
        ("eddie", amendment.pk, said),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [member.email, other_member.email, other_editor.email]
    )
    assert recommendations_tell_due() == 0  # told already: never twice
    assert len(_told()) == 3


def test_the_proposer_is_told_even_after_unfollowing_and_other_amendments_are_not(
    amendment, member, other_member, editor, p5
) -> None:
    follow_set(user=member, thing=amendment, active=False)
    without = propose(other_member, body_paragraph(p5.chapter, 6))
    withdrawn = propose(other_member, body_paragraph(p5.chapter, 7))
    _reject(amendment, editor)
    _reject(withdrawn, editor)
    amendment_withdraw(amendment=withdrawn, user=other_member)
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    assert _told() == [("alice", amendment.pk, "The committee recommends: reject")]
    assert _told(amendment=without) == []


def test_a_time_set_for_later_tells_when_it_comes_and_once(
    amendment, member, editor, other_editor, django_capture_on_commit_callbacks
) -> None:
    later = clock.now() + timedelta(days=1)
    recommendations_publish(chapter=amendment.chapter, editor=editor, at=later)
    _reject(amendment, other_editor)  # still a draft to members: nobody is told
    assert recommendations_tell_due() == 0
    assert _told() == []
    with (
        time_machine.travel(later + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert recommendations_tell_due() == 1
        assert recommendations_tell_due() == 0
    assert _told() == [("alice", amendment.pk, "The committee recommends: reject")]
    assert len(mail.outbox) == 1


def test_a_moved_time_tells_at_the_new_time_only(amendment, editor, other_editor) -> None:
    _reject(amendment, other_editor)
    first = clock.now() + timedelta(hours=2)
    recommendations_publish(chapter=amendment.chapter, editor=editor, at=first)
    recommendations_publish(chapter=amendment.chapter, editor=editor, at=first + timedelta(days=1))
    with time_machine.travel(first + timedelta(minutes=1), tick=False):
        assert recommendations_tell_due() == 0
    assert _told() == []
    with time_machine.travel(first + timedelta(days=1, minutes=1), tick=False):
        call_command("send_digest", stdout=StringIO())  # the daily run, if the task was lost
        assert recommendations_tell_due() == 0
    assert [told[0] for told in _told()] == ["alice"]


def test_a_change_to_a_published_recommendation_tells_again_and_a_new_one_tells_at_once(
    amendment, member, other_member, editor, p5
) -> None:
    _reject(amendment, editor)
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    _reject(amendment, editor)  # the same again: nothing changed, nobody told
    assert len(_told()) == 1
    recommendation_set(amendment=amendment, editor=editor, kind=Recommendation.Kind.ACCEPT)
    later = propose(other_member, body_paragraph(p5.chapter, 6))
    _reject(later, editor)
    assert _told() == [
        ("alice", amendment.pk, "The committee changed its recommendation: accept"),
        ("alice", amendment.pk, "The committee recommends: reject"),
        ("bob", later.pk, "The committee recommends: reject"),
    ]


def test_the_member_chooses_how_they_are_emailed(
    amendment, member, other_member, editor, django_capture_on_commit_callbacks
) -> None:
    follow_set(user=other_member, thing=amendment, active=True)
    member.notice_email = NoticeEmail.NEVER
    member.save()
    _reject(amendment, editor)
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_publish(chapter=amendment.chapter, editor=editor)
    assert len(_told()) == 2  # both on the site
    assert [m.to for m in mail.outbox] == [[other_member.email]]


def test_publishing_tells_many_in_a_fixed_number_of_queries(
    amendment, editor, other_member, p5, django_assert_num_queries
) -> None:
    others = [propose(other_member, body_paragraph(p5.chapter, n)) for n in (6, 7, 8)]
    for each in [amendment, *others]:
        _reject(each, editor)
        many_followers(20, prefix=f"f{each.pk}-", amendment=each)
    with django_assert_num_queries(9):
        recommendations_publish(chapter=amendment.chapter, editor=editor)
    assert len(_told()) == 4 * 21


def test_the_email_says_what_is_recommended_and_asks_the_proposer(
    amendment, member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    follow_set(user=other_member, thing=amendment, active=True)
    paragraph_text = p5.text.replace("a myriad of problems", "several problems")
    recommendation_set(
        amendment=amendment,
        editor=editor,
        kind=Recommendation.Kind.ACCEPT_MODIFIED,
        text=paragraph_text,
        reason="Shorter still.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_publish(chapter=amendment.chapter, editor=editor)
    to_proposer = next(m for m in mail.outbox if m.to == [member.email])
    to_follower = next(m for m in mail.outbox if m.to == [other_member.email])
    assert to_proposer.subject.startswith(f"Recommendation on amendment #{amendment.pk}: ")
    assert amendment.title in to_proposer.subject
    body = to_proposer.body
    assert f"Amendment #{amendment.pk}, " in body
    assert "the committee recommends: accept as modified." in body
    assert "several problems" in body
    assert "The committee's reason: \u2068Shorter still.\u2069" in body
    assert "You proposed it: say on its page whether you agree or disagree" in body
    assert (
        f"http://testserver{amendment.get_absolute_url()}" in body
        or amendment.get_absolute_url() in body
    )
    assert "You proposed it" not in to_follower.body
    assert "Shorter still." in to_follower.body


def test_the_notifications_page_says_it(amendment, member, editor, client) -> None:
    _reject(amendment, editor)
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert f"Amendment #{amendment.pk} " in page
    assert "the committee recommends: reject" in page


# The worker closes its database connection as it ends: it needs committed data.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_tells_at_the_time_set(
    amendment, member, editor, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reject(amendment, editor)
    later = clock.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        recommendations_publish(chapter=amendment.chapter, editor=editor, at=later)
    [queued] = DBTaskResult.objects.filter(task_path__endswith="tell_recommendations")
    assert queued.run_after == later
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
    assert _told() == []  # not yet its time
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
    assert _told() == [("alice", amendment.pk, "The committee recommends: reject")]
