"""The e-mails go through the task queue: after the decision commits, by the worker, retried
with a longer wait each time and never lost; each member's setting is honoured."""

from __future__ import annotations

import io
import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import NoticeEmail
from amendments import mailing
from amendments.models import Amendment, Notification
from amendments.services.deciding import amendment_accept
from amendments.services.proposing import support_add
from common import clock
from tests.amendments.conftest import propose

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _mail_fails(monkeypatch, times: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The mail server refuses the first ``times`` sends; returns the count of tries."""
    tries = [0]
    real = locmem.EmailBackend.send_messages

    def flaky(self, messages):  # type: ignore[no-untyped-def]
        tries[0] += 1
        if tries[0] <= times:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky)
    return tries


def _accepted_with_a_supporter(member, other_member, editor, p5, capture) -> Amendment:  # type: ignore[no-untyped-def]
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    support_add(amendment=amendment, user=other_member)
    mail.outbox.clear()
    with capture(execute=True):
        amendment_accept(amendment=amendment, editor=editor)
    return amendment


def test_a_failed_send_is_tried_again_and_the_decision_stands(
    member, other_member, editor, p5, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    tries = _mail_fails(monkeypatch, times=1)
    amendment = _accepted_with_a_supporter(
        member, other_member, editor, p5, django_capture_on_commit_callbacks
    )
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED
    assert sorted(m.to[0] for m in mail.outbox) == [member.email, other_member.email]
    notices = Notification.objects.filter(amendment=amendment, kind="decided").order_by("pk")
    assert [(n.email, n.email_attempts) for n in notices] == [("sent", 1), ("sent", 0)]
    assert tries[0] == 3


def test_after_the_last_try_the_notice_is_marked_failed_and_logged_not_lost(
    member, other_member, editor, p5, monkeypatch, caplog, django_capture_on_commit_callbacks
) -> None:
    _mail_fails(monkeypatch, times=1000)
    with caplog.at_level(logging.ERROR, logger="amendments.mailing"):
        amendment = _accepted_with_a_supporter(
            member, other_member, editor, p5, django_capture_on_commit_callbacks
        )
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED and mail.outbox == []
    notices = Notification.objects.filter(amendment=amendment, kind="decided")
    assert {(n.email, n.email_attempts) for n in notices} == {("failed", mailing.MAX_ATTEMPTS)}
    assert "Gave up e-mailing notification" in caplog.text
    assert notices.filter(recipient=member, read_at__isnull=True).exists()


def test_the_wait_grows_between_tries() -> None:
    waits = [mailing.retry_delay(n) for n in range(1, mailing.MAX_ATTEMPTS)]
    assert waits == sorted(set(waits)) and waits[0] == timedelta(minutes=1)


# The worker closes its database connection as it ends: it needs committed data.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_request_only_enqueues_and_the_worker_sends(
    member, other_member, editor, p5, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = DATABASE_QUEUE
    _accepted_with_a_supporter(member, other_member, editor, p5, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    [queued] = DBTaskResult.objects.filter(task_path__endswith="deliver_notifications")
    assert queued.status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [member.email, other_member.email]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


# The worker closes its database connection as it ends: it needs committed data.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_failed_send_is_enqueued_again_for_later(
    member, other_member, editor, p5, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = DATABASE_QUEUE
    _mail_fails(monkeypatch, times=1)
    _accepted_with_a_supporter(member, other_member, editor, p5, django_capture_on_commit_callbacks)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    again = DBTaskResult.objects.get(status="READY")
    assert again.run_after is not None
    assert timedelta(seconds=50) < again.run_after - clock.now() <= timedelta(minutes=1)


def test_never_sends_nothing_and_daily_waits_for_the_digest(
    member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    member.notice_email = NoticeEmail.NEVER
    member.save()
    other_member.notice_email = NoticeEmail.DAILY
    other_member.save()
    amendment = _accepted_with_a_supporter(
        member, other_member, editor, p5, django_capture_on_commit_callbacks
    )
    assert mail.outbox == []
    states = dict(
        Notification.objects.filter(amendment=amendment, kind="decided").values_list(
            "recipient__username", "email"
        )
    )
    assert states == {"alice": "skipped", "bob": "pending"}
    out = io.StringIO()
    call_command("send_digest", stdout=out)
    assert "Sent 1 notice(s) to 1 member(s) in their digest." in out.getvalue()
    [digest] = mail.outbox
    assert digest.to == [other_member.email]
    assert f"Amendment #{amendment.pk}" in digest.body and "accepted" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail.outbox.clear()
    call_command("send_digest", stdout=io.StringIO())
    assert mail.outbox == []


def test_every_notice_mail_can_be_stopped_in_one_click(
    member, other_member, editor, p5, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://desk.example.org"
    amendment = _accepted_with_a_supporter(
        member, other_member, editor, p5, django_capture_on_commit_callbacks
    )
    message = next(m for m in mail.outbox if m.to == [member.email])
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://desk.example.org/accounts/unsubscribe/") and link.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these e-mails: {link[1:-1]}" in message.body
    assert f"https://desk.example.org{amendment.get_absolute_url()}" in message.body
    assert "https://desk.example.org/notifications/" in message.body


def test_a_queue_that_refuses_the_task_loses_neither_the_decision_nor_the_mail(
    member, other_member, editor, p5, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    import time_machine
    from django_tasks.backends.immediate import ImmediateBackend

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    amendment = _accepted_with_a_supporter(
        member, other_member, editor, p5, django_capture_on_commit_callbacks
    )
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED and mail.outbox == []
    monkeypatch.undo()
    call_command("send_digest", stdout=io.StringIO())
    assert mail.outbox == []  # not overdue yet: its task may still come
    with time_machine.travel(clock.now() + mailing.OVERDUE + timedelta(minutes=1)):
        out = io.StringIO()
        call_command("send_digest", stdout=out)
    assert "E-mailed 2 notice(s) whose task was lost" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [member.email, other_member.email]
