"""E-mails: to authors and supporters, sent only once the deciding transaction commits; the
editors' digest; the members' deadline reminders. Every e-mail leaves through ``_mail``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string

from accounts.models import User
from amendments.models import Amendment, DeadlineReminder
from common import clock
from manifesto.models import Chapter
from manifesto.rounds import Round, chapters_closing

# Members who asked are reminded, and editors' digests list, deadlines this close.
REMIND_BEFORE = timedelta(hours=48)

logger = logging.getLogger(__name__)


def _recipients(amendment: Amendment) -> list[str]:
    users = User.objects.filter(
        Q(pk=amendment.author_id) | Q(supports__amendment=amendment), is_active=True
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(amendment_id: int, template: str) -> None:
    # Runs after the decision committed: a mail server failure must not turn the editor's
    # completed action into an error page, so it is logged instead.
    try:
        amendment = Amendment.objects.select_related(
            "chapter", "paragraph", "author", "decided_by", "conflict_with", "cited_reference"
        ).get(pk=amendment_id)
        recipients = _recipients(amendment)
        if not recipients:
            return
        context = {
            "amendment": amendment,
            "url": settings.SITE_URL.rstrip("/") + amendment.get_absolute_url(),
        }
        subject = render_to_string(f"amendments/email/{template}_subject.txt", context)
        body = render_to_string(f"amendments/email/{template}.txt", context)
        _mail([(subject.strip(), body, to) for to in recipients])
    except Exception:
        logger.exception("Could not send the %s e-mail for amendment #%s", template, amendment_id)


def _mail(messages: Sequence[tuple[str, str, str]]) -> None:
    """Send each (subject, plain-text body, address): the one way the desk's e-mail leaves."""
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for subject, body, to in messages],
        fail_silently=False,
    )


def on_decided(amendment: Amendment) -> None:
    """Tell the author and supporters that ``amendment`` was decided (after commit)."""
    transaction.on_commit(lambda: _send(amendment.pk, "decided"))


def on_conflict(amendment: Amendment) -> None:
    """Tell the author and supporters that ``amendment`` went into conflict (after commit)."""
    transaction.on_commit(lambda: _send(amendment.pk, "conflict"))


def send_editor_digest(*, since: datetime) -> tuple[int, int]:
    """Send one e-mail per subscribed editor listing the amendments proposed since ``since``
    and the deadlines of the next 48 hours; returns (editors mailed, amendments listed).
    Nothing is sent when nothing is new and no deadline is near."""
    amendments = list(
        Amendment.objects.filter(created_at__gte=since)
        .select_related("chapter", "author", "paragraph")
        .order_by("chapter__order", "created_at")
    )
    at = clock.now()
    deadlines = [_deadline_line(chapter, round_, at) for chapter, round_ in _closing(at)]
    editors = list(
        User.objects.filter(is_active=True, wants_daily_digest=True)
        .filter(Q(role__in=[User.Role.EDITOR, User.Role.ADMIN]) | Q(is_superuser=True))
        .exclude(email="")
    )
    if not (amendments or deadlines) or not editors:
        return 0, len(amendments)
    context = {
        "amendments": amendments,
        "deadlines": deadlines,
        "since": since,
        "site": settings.SITE_URL.rstrip("/"),
    }
    subject = (
        f"{len(amendments)} new amendment(s) to review"
        if amendments
        else "Amendments close within 48 hours"
    )
    body = render_to_string("amendments/email/digest.txt", context)
    _mail([(subject, body, editor.email) for editor in editors])
    return len(editors), len(amendments)


def _closing(at: datetime) -> list[tuple[Chapter, Round]]:
    return chapters_closing(at=at, within=REMIND_BEFORE)


def _deadline_line(chapter: Chapter, round_: Round, at: datetime) -> dict[str, str]:
    return {
        "title": chapter.title,
        "note": round_.deadline_note(at),
        "url": settings.SITE_URL.rstrip("/") + chapter.get_absolute_url(),
    }


def send_deadline_reminders(*, at: datetime) -> tuple[int, int]:
    """E-mail the members who asked for reminders about each chapter whose deadline comes
    within 48 hours of ``at``, once per deadline (a moved deadline is reminded of again);
    returns (members mailed, chapters reminded of). What was reminded is recorded before the
    mail leaves, after the transaction commits: two runs at once remind once."""
    with transaction.atomic():
        due = [
            (chapter, round_)
            for chapter, round_ in _closing(at)
            if _record_reminder(chapter, round_, at)
        ]
        members = list(
            User.objects.filter(is_active=True, deadline_reminders=True)
            .exclude(email="")
            .order_by("pk")
        )
        if not due or not members:
            return 0, len(due)
        context = {
            "deadlines": [_deadline_line(chapter, round_, at) for chapter, round_ in due],
            "site": settings.SITE_URL.rstrip("/"),
        }
        subject = (
            f"Amendments to “{due[0][0].title}” close soon"
            if len(due) == 1
            else f"Amendments to {len(due)} chapters close soon"
        )
        body = render_to_string("amendments/email/deadline_reminder.txt", context)
        messages = [(subject, body, member.email) for member in members]
        transaction.on_commit(lambda: _mail(messages))
    return len(members), len(due)


def _record_reminder(chapter: Chapter, round_: Round, at: datetime) -> bool:
    """Record that ``chapter`` is reminded of its deadline; False if it already was."""
    assert round_.closes_at is not None  # only chapters with a deadline close
    try:
        with transaction.atomic():
            _, created = DeadlineReminder.objects.get_or_create(
                chapter=chapter, closes_at=round_.closes_at, defaults={"sent_at": at}
            )
    except IntegrityError:  # another run recorded it at the same moment
        return False
    return created
