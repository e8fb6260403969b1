"""Telling members of what they follow: a Notification row for each follower, written in the
transaction of the change, and one task, enqueued when it commits, that e-mails them.

Recording is one INSERT … SELECT whatever the number of followers, so an editor's acceptance
costs the same with 5 followers or 500; the e-mails are sent by the worker
(``amendments/tasks.py``), after the decision committed, and a failed send is retried there.
The actor is never told of their own action.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.template.loader import render_to_string

from accounts.models import User
from amendments.mailing import footer_links, unsubscribe_headers
from amendments.models import (
    Amendment,
    Comment,
    DeadlineReminder,
    Follow,
    Notification,
    Recommendation,
)
from amendments.tasks import deliver_notifications
from common import clock
from manifesto.models import Chapter
from manifesto.rounds import Round, chapters_closing

# Members who asked are reminded, and editors' digests list, deadlines this close.
REMIND_BEFORE = timedelta(hours=48)

Kind = Notification.Kind

_COLUMNS = (
    "recipient_id",
    "kind",
    "actor_id",
    "chapter_id",
    "amendment_id",
    "comment_id",
    "description",
    "created_at",
    "email",
    "email_attempts",
)


def _recipients(
    followers_of: Q, *, also: Iterable[int] = (), actor: User | None
) -> QuerySet[Any, Any]:
    """The active members who follow it (``followers_of``, a condition on Follow) or are
    named in ``also``, less the actor."""
    following = Follow.objects.filter(followers_of, active=True).values("user_id")
    people = User.objects.filter(Q(pk__in=following) | Q(pk__in=list(also)), is_active=True)
    if actor is not None:
        people = people.exclude(pk=actor.pk)
    return people.annotate(chosen_id=F("pk")).values("chosen_id")


def _record(
    kind: str,
    recipients: QuerySet[Any, Any],
    *,
    chapter_id: int,
    actor: User | None = None,
    amendment: Amendment | None = None,
    comment: Comment | None = None,
    description: str = "",
) -> list[int]:
    """Write one notification per recipient in one statement, and enqueue their e-mails for
    when the transaction commits; returns the new rows' ids."""
    return _insert_notices(
        recipients,
        {"recipient_id": "chosen_id"},
        kind=kind,
        actor_id=actor.pk if actor else None,
        chapter_id=chapter_id,
        amendment_id=amendment.pk if amendment else None,
        comment_id=comment.pk if comment else None,
        description=description[:300],
    )


def notify_new_amendment(*, amendment: Amendment) -> list[int]:
    """Tell the followers of its chapter and paragraph of a new amendment."""
    followers = Q(chapter_id=amendment.chapter_id) | Q(paragraph_id=amendment.paragraph_id)
    return _record(
        Kind.NEW_AMENDMENT,
        _recipients(followers, actor=amendment.author),
        chapter_id=amendment.chapter_id,
        actor=amendment.author,
        amendment=amendment,
    )


def notify_comment(*, comment: Comment) -> list[int]:
    """Tell the followers of the amendment or paragraph of a new comment, and the author of
    the comment a reply answers."""
    if comment.amendment is not None:
        followers, chapter_id = Q(amendment_id=comment.amendment_id), comment.amendment.chapter_id
    else:
        assert comment.paragraph is not None  # a comment is on an amendment or on a paragraph
        followers, chapter_id = Q(paragraph_id=comment.paragraph_id), comment.paragraph.chapter_id
    answered = [comment.parent.author_id] if comment.parent is not None else []
    return _record(
        Kind.REPLY if comment.parent_id else Kind.COMMENT,
        _recipients(followers, also=answered, actor=comment.author),
        chapter_id=chapter_id,
        actor=comment.author,
        amendment=comment.amendment,
        comment=comment,
    )


def notify_decided(*, amendment: Amendment, actor: User | None, description: str = "") -> list[int]:
    """Tell the amendment's followers that it was decided (accepted, rejected, a duplicate,
    obsolete) or taken back to pending (reopened, a duplicate marking undone)."""
    return _record(
        Kind.DECIDED,
        _recipients(Q(amendment_id=amendment.pk), actor=actor),
        chapter_id=amendment.chapter_id,
        actor=actor,
        amendment=amendment,
        description=description or amendment.get_status_display(),
    )


def notify_set_aside(
    *, amendments: list[Amendment], actor: User | None, conflict: bool
) -> list[int]:
    """Tell the followers of each of ``amendments`` that another change put it in conflict
    (``conflict``) or made it obsolete, in one statement whatever their number: carrying a
    paragraph's amendments forward sets aside up to a few hundred at once."""
    if not amendments:
        return []
    followers = Follow.objects.filter(
        amendment_id__in=[amendment.pk for amendment in amendments],
        active=True,
        user__is_active=True,
    )
    if actor is not None:
        followers = followers.exclude(user_id=actor.pk)
    told = followers.annotate(
        chosen_id=F("user_id"), about_id=F("amendment_id"), where_id=F("amendment__chapter_id")
    ).order_by("amendment_id", "user_id")
    return _insert_notices(
        told.values("chosen_id", "about_id", "where_id"),
        {"recipient_id": "chosen_id", "amendment_id": "about_id", "chapter_id": "where_id"},
        kind=Kind.CONFLICT if conflict else Kind.DECIDED,
        actor_id=actor.pk if actor else None,
        description="" if conflict else str(Amendment.Status.OBSOLETE.label),
    )


def notify_phase_changed(*, chapter: Chapter, description: str) -> list[int]:
    """Tell the chapter's followers that its round moved to another phase; ``description``
    says how ("Open for amendments until 1 March"). Call it inside the change's transaction."""
    return _record(
        Kind.PHASE,
        _recipients(Q(chapter_id=chapter.pk), actor=None),
        chapter_id=chapter.pk,
        description=description,
    )


RECOMMENDS = "The committee recommends"
RECOMMENDATION_CHANGED = "The committee changed its recommendation"


def recommendation_said(recommendation: Recommendation, *, changed: bool) -> str:
    """A notice's line for a recommendation: "The committee recommends: reject"."""
    opening = RECOMMENDATION_CHANGED if changed else RECOMMENDS
    return f"{opening}: {recommendation.get_kind_display().lower()}"


def notify_recommendation(
    *, amendment: Amendment, recommendation: Recommendation, actor: User | None, changed: bool
) -> list[int]:
    """Tell the amendment's proposer (even one who unfollowed it: they are asked to answer)
    and its followers of its published recommendation, or that the committee changed it.
    Call it only once the chapter's recommendations are published."""
    return _record(
        Kind.RECOMMENDATION,
        _recipients(Q(amendment_id=amendment.pk), also=[amendment.author_id], actor=actor),
        chapter_id=amendment.chapter_id,
        actor=actor,
        amendment=amendment,
        description=recommendation_said(recommendation, changed=changed),
    )


def _said_of(kind_field: str) -> Case:
    """``recommendation_said`` in SQL, from the recommendation's kind at ``kind_field``."""
    whens = [
        When(**{kind_field: kind}, then=Value(f"{RECOMMENDS}: {str(label).lower()}"))
        for kind, label in Recommendation.Kind.choices
    ]
    return Case(*whens, default=Value(RECOMMENDS), output_field=CharField())


def _told_of_recommendations(chapter: Chapter, actor: User | None) -> QuerySet[Any, Any]:
    """(recipient, amendment, line) for every open amendment of ``chapter`` with a
    recommendation: its proposer and its followers, active, less the actor."""
    followers = Follow.objects.filter(
        active=True,
        user__is_active=True,
        amendment__chapter=chapter,
        amendment__status__in=Amendment.OPEN_STATUSES,
        amendment__recommendation__isnull=False,
    ).annotate(
        chosen_id=F("user_id"),
        about_id=F("amendment_id"),
        said=_said_of("amendment__recommendation__kind"),
    )
    proposers = Amendment.objects.filter(
        chapter=chapter,
        status__in=Amendment.OPEN_STATUSES,
        recommendation__isnull=False,
        author__is_active=True,
    ).annotate(chosen_id=F("author_id"), about_id=F("pk"), said=_said_of("recommendation__kind"))
    if actor is not None:
        followers = followers.exclude(user_id=actor.pk)
        proposers = proposers.exclude(author_id=actor.pk)
    columns = ("chosen_id", "about_id", "said")
    # No ordering: a compound statement's parts may not have one (SQLite).
    return followers.order_by().values(*columns).union(proposers.order_by().values(*columns))


def notify_recommendations_published(*, chapter: Chapter, actor: User | None) -> list[int]:
    """Tell the proposer and the followers of each open amendment of ``chapter`` with a
    recommendation that it is published, in one statement whatever their number, and enqueue
    their e-mails for when the transaction commits; returns the new rows' ids."""
    return _insert_notices(
        _told_of_recommendations(chapter, actor),
        {"recipient_id": "chosen_id", "amendment_id": "about_id", "description": "said"},
        kind=Kind.RECOMMENDATION,
        actor_id=actor.pk if actor else None,
        chapter_id=chapter.pk,
    )


def _insert_notices(told: QuerySet[Any, Any], taken: dict[str, str], **given: Any) -> list[int]:
    """One notice for each row of ``told`` (a values() query) in one INSERT … SELECT: the
    columns named in ``taken`` from the row's fields (column: field), the others ``given``
    (none where not given), made now with their e-mail pending; the e-mails are enqueued for
    when the transaction commits. Returns the new rows' ids."""
    select, select_params = told.query.sql_with_params()
    value: dict[str, Any] = {
        "created_at": clock.now(),
        "email": Notification.Email.PENDING,
        "email_attempts": 0,
        **given,
    }
    selected = [f"told.{taken[column]}" if column in taken else "%s" for column in _COLUMNS]
    params = [value.get(column) for column in _COLUMNS if column not in taken]
    table = connection.ops.quote_name(Notification._meta.db_table)
    # The table, column and field names are ours and the SELECT is the ORM's; every value is a
    # parameter. Django has no INSERT … SELECT, and a bulk_create would cost a query per batch.
    sql = (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(selected)} FROM ({select}) told RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *select_params))
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        # robust: the change is committed; a queue that cannot take the task must not turn
        # it into an error page. The notices stay pending, and send_digest e-mails them.
        transaction.on_commit(lambda: deliver_notifications.enqueue(ids), robust=True)
    return ids


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
    _send_each(subject, "amendments/email/digest.txt", context, editors)
    return len(editors), len(amendments)


def _send_each(subject: str, template: str, context: dict[str, Any], people: list[User]) -> None:
    """One e-mail to each of ``people``, with their own unsubscribe link and headers."""
    messages = []
    for person in people:
        unsubscribe, headers = unsubscribe_headers(person)
        body = render_to_string(template, {**context, **footer_links(unsubscribe)})
        messages.append(
            EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], headers=headers
            )
        )
    get_connection().send_messages(messages)


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
        transaction.on_commit(
            lambda: _send_each(subject, "amendments/email/deadline_reminder.txt", context, members)
        )
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


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of ``user``'s notices read (opening it does)."""
    if notification.recipient_id != user.pk:
        raise ValidationError("This notice is someone else's.", code="not_yours")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of ``user`` read; returns how many were unread. (Notices have no
    history to keep, so one UPDATE does it.)"""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )
