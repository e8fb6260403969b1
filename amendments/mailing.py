"""Sending the notices' e-mails: run by the worker (``amendments/tasks.py``) and by the daily
digest, never inside a member's or an editor's request.

Each notification row records its e-mail: sent (with the time), skipped (the member asked for
none), or pending with the number of failed tries and when to try again; after
``MAX_ATTEMPTS`` failures it is marked failed and logged. The notice itself stays on the
member's notifications page whatever happens to the e-mail.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import NoticeEmail, User
from accounts.unsubscribe import unsubscribe_url
from amendments.models import Notification
from amendments.selectors import target_path, with_details
from common import clock

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The wait before try n+1: 1 minute, then 5, 25, 125 (about two and a half hours in all).
FIRST_RETRY_SECONDS = 60
RETRY_FACTOR = 5


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return timedelta(seconds=FIRST_RETRY_SECONDS * RETRY_FACTOR ** max(attempts - 1, 0))


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_headers(recipient: User) -> tuple[str, dict[str, str]]:
    """The unsubscribe link of ``recipient`` and the headers that offer it to mail programs."""
    link = unsubscribe_url(recipient)
    # RFC 2369 and RFC 8058: mail programs offer "unsubscribe", which POSTs to the link.
    return link, {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def notice_message(notification: Notification) -> EmailMessage:
    """The e-mail of one notice, plain text, with its unsubscribe link and headers."""
    recipient = notification.recipient
    unsubscribe, headers = unsubscribe_headers(recipient)
    context = {
        "notification": notification,
        "amendment": notification.amendment,
        "comment": notification.comment,
        "chapter": notification.chapter,
        "url": site_url(target_path(notification)),
        **footer_links(unsubscribe),
    }
    template = f"amendments/email/notice_{notification.kind}"
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=headers,
    )


def footer_links(unsubscribe: str) -> dict[str, str]:
    return {
        "unsubscribe_url": unsubscribe,
        "notifications_url": site_url(reverse("amendments:notifications")),
        "profile_url": site_url(reverse("accounts:profile")),
    }


@dataclass
class Delivery:
    """What one run of ``deliver`` did; ``retry`` holds the ids to try again at ``retry_at``."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)
    retry_at: datetime | None = None


def _not_for_email(notification: Notification) -> bool:
    recipient = notification.recipient
    return (
        recipient.notice_email == NoticeEmail.NEVER
        or not recipient.email
        or not recipient.is_active
    )


def _failed(notification: Notification, delivery: Delivery, now: datetime) -> None:
    notification.email_attempts += 1
    if notification.email_attempts >= MAX_ATTEMPTS:
        notification.email = Notification.Email.FAILED
        notification.email_next_attempt_at = None
        delivery.failed += 1
        logger.error(
            "Gave up e-mailing notification %s after %s tries",
            notification.pk,
            notification.email_attempts,
        )
        return
    notification.email_next_attempt_at = now + retry_delay(notification.email_attempts)
    delivery.retry.append(notification.pk)
    delivery.retry_at = max(delivery.retry_at or now, notification.email_next_attempt_at)


def deliver(notification_ids: list[int]) -> Delivery:
    """E-mail the pending notices among ``notification_ids`` to the members who want them at
    once (the daily digest takes the others); a failed send is counted for a later try."""
    now = clock.now()
    delivery = Delivery()
    notices = list(
        with_details(
            Notification.objects.filter(pk__in=notification_ids, email=Notification.Email.PENDING)
        ).order_by("pk")
    )
    changed: list[Notification] = []
    connection = get_connection()
    for notification in notices:
        if _not_for_email(notification):
            notification.email = Notification.Email.SKIPPED
            delivery.skipped += 1
        elif notification.recipient.notice_email == NoticeEmail.DAILY:
            continue
        else:
            try:
                connection.send_messages([notice_message(notification)])
            except Exception:
                logger.exception("Could not e-mail notification %s", notification.pk)
                _failed(notification, delivery, now)
            else:
                notification.email = Notification.Email.SENT
                notification.emailed_at = now
                delivery.sent += 1
        changed.append(notification)
    _save_email_state(changed)
    return delivery


def _save_email_state(notices: list[Notification]) -> None:
    Notification.objects.bulk_update(
        notices, ["email", "email_attempts", "email_next_attempt_at", "emailed_at"], batch_size=500
    )


# A notice for a member who wants e-mails at once that is still pending this long after it was
# made lost its task (the queue refused it, or a worker died with it): send_digest sends it.
OVERDUE = timedelta(hours=1)


def deliver_overdue() -> Delivery:
    """E-mail the notices whose task was lost (see OVERDUE) and whose next try is due."""
    now = clock.now()
    overdue = Notification.objects.filter(
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now),
        email=Notification.Email.PENDING,
        created_at__lte=now - OVERDUE,
    ).exclude(recipient__notice_email=NoticeEmail.DAILY)
    return deliver(list(overdue.values_list("pk", flat=True)))


def send_member_digests() -> tuple[int, int]:
    """E-mail each member who chose the daily digest one message with their pending notices;
    returns (members mailed, notices listed). A failed send leaves them for the next day's."""
    pending = with_details(
        Notification.objects.filter(
            email=Notification.Email.PENDING, recipient__notice_email=NoticeEmail.DAILY
        )
    ).order_by("recipient_id", "created_at", "pk")
    by_member: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_member[notification.recipient_id].append(notification)
    now, mailed, listed = clock.now(), 0, 0
    connection = get_connection()
    for notices in by_member.values():
        try:
            connection.send_messages([_digest_message(notices)])
        except Exception:
            logger.exception("Could not e-mail the digest of member %s", notices[0].recipient_id)
            continue
        for notification in notices:
            notification.email, notification.emailed_at = Notification.Email.SENT, now
        _save_email_state(notices)
        mailed, listed = mailed + 1, listed + len(notices)
    return mailed, listed


def _digest_message(notices: list[Notification]) -> EmailMessage:
    recipient = notices[0].recipient
    unsubscribe, headers = unsubscribe_headers(recipient)
    lines = [(n, site_url(target_path(n))) for n in notices]
    context = {"lines": lines, **footer_links(unsubscribe)}
    body = render_to_string("amendments/email/notice_digest.txt", context)
    return EmailMessage(
        subject=f"{len(notices)} new notice(s) about what you follow",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=headers,
    )
