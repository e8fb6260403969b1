"""Deadline reminders: members who opted in are e-mailed 48 hours before amendments close,
once per deadline; the editors' digest lists the deadlines of the next 48 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from amendments.models import DeadlineReminder
from amendments.services.notifications import send_deadline_reminders, send_editor_digest
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from manifesto.models import Phase
from tests.conftest import client_for, make_user

DEADLINE = datetime(2027, 1, 15, 18, 0, tzinfo=UTC)


def _deadline(manifesto, editor, closes_at: datetime = DEADLINE) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(closes_at - timedelta(days=10), tick=False):
        manifesto_round_set(
            manifesto=manifesto,
            editor=editor,
            phase=Phase.OPEN,
            closes_at=closes_at,
            time_zone="Europe/London",
            minimum_supporters=0,
            supports_open_in_review=True,
            comments_open_in_review=True,
            reason="",
        )


def _opted_in(name: str) -> User:
    user = make_user(name)
    user.deadline_reminders = True
    user.save()
    return user


def _run(at: datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_deadline_reminders", stdout=out)
    return out.getvalue()


def test_members_who_asked_are_reminded_once_within_48_hours(
    seed_chapter, editor, member, django_capture_on_commit_callbacks
) -> None:
    _deadline(seed_chapter.manifesto, editor)
    rosa = _opted_in("rosa")
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 member(s)" in _run(DEADLINE - timedelta(hours=49))
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        said = _run(DEADLINE - timedelta(hours=47))
    assert said == "Reminded 1 member(s) of the deadline of 1 chapter(s).\n"
    assert [message.to for message in mail.outbox] == [
        [rosa.email]
    ]  # not the member who did not ask
    message = mail.outbox[0]
    assert message.subject == "Amendments to “Socialism and the Soviet Union” close soon"
    assert "Amendments close on Friday 15 January 2027, 18:00 (in 1 day)." in message.body
    assert f"/chapters/{seed_chapter.slug}/" in message.body
    # Run again an hour later (cron runs it hourly): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        _run(DEADLINE - timedelta(hours=46))
    assert len(mail.outbox) == 1
    assert DeadlineReminder.objects.count() == 1


def test_a_moved_deadline_is_reminded_of_again(seed_chapter, editor) -> None:
    _deadline(seed_chapter.manifesto, editor)
    _opted_in("rosa")
    assert send_deadline_reminders(at=DEADLINE - timedelta(hours=40)) == (1, 1)
    later = DEADLINE + timedelta(days=1)
    _deadline(seed_chapter.manifesto, editor, closes_at=later)
    assert send_deadline_reminders(at=DEADLINE - timedelta(hours=30)) == (0, 0)  # 54 h away
    assert send_deadline_reminders(at=later - timedelta(hours=20)) == (1, 1)
    assert send_deadline_reminders(at=later - timedelta(hours=19)) == (0, 0)


def test_no_reminder_for_a_closed_round_or_a_passed_deadline(seed_chapter, editor) -> None:
    _deadline(seed_chapter.manifesto, editor)
    _opted_in("rosa")
    assert send_deadline_reminders(at=DEADLINE + timedelta(seconds=1)) == (0, 0)
    chapter_round_set(
        chapter=seed_chapter, editor=editor, phase=Phase.REVIEW, closes_at=None, reason=""
    )
    assert send_deadline_reminders(at=DEADLINE - timedelta(hours=1)) == (0, 0)
    assert not DeadlineReminder.objects.exists()


def test_the_editors_digest_lists_the_deadlines_of_the_next_48_hours(seed_chapter, editor) -> None:
    editor.wants_daily_digest = True
    editor.save()
    _deadline(seed_chapter.manifesto, editor)
    with time_machine.travel(DEADLINE - timedelta(hours=72), tick=False):
        assert send_editor_digest(since=DEADLINE - timedelta(hours=96)) == (0, 0)
    assert mail.outbox == []
    with time_machine.travel(DEADLINE - timedelta(hours=5), tick=False):
        assert send_editor_digest(since=DEADLINE - timedelta(hours=29)) == (1, 0)
    message = mail.outbox[0]
    assert message.subject == "Amendments close within 48 hours"
    assert "Socialism and the Soviet Union" in message.body
    assert "Amendments close on Friday 15 January 2027, 18:00 (in 5 hours)." in message.body


def test_members_opt_in_on_their_profile(member) -> None:
    client = client_for(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="deadline_reminders"' in page
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": member.display_name, "email": member.email, "deadline_reminders": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.deadline_reminders is True
    assert User._meta.get_field("deadline_reminders").default is False
