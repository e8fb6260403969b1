"""Threaded comments on amendments and on paragraphs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.models import Amendment, Comment, Decision
from amendments.rules import (
    MAX_COMMENT_CHARS,
    MAX_HIDE_REASON_CHARS,
    UNSTORABLE_MESSAGE,
    has_unstorable_characters,
)
from amendments.services.editorial import log_decision
from amendments.services.following import follow_on_taking_part
from amendments.services.locking import lock_rows
from amendments.services.notifications import notify_comment
from common import clock
from manifesto.models import Paragraph
from manifesto.rounds import chapter_round
from textcore.limits import counted_length, too_long_message
from textcore.words import has_visible_text

# The same comment from the same author in the same place within this many seconds is a double
# click or a resent form, not a second comment.
REPEAT_WINDOW_SECONDS = 10


def _clean_body(body: str) -> str:
    body = body.strip()
    if has_unstorable_characters(body):
        raise ValidationError({"body": [UNSTORABLE_MESSAGE]}, code="unstorable")
    if not has_visible_text(body):
        raise ValidationError({"body": ["Write something before posting."]}, code="empty")
    if counted_length(body) > MAX_COMMENT_CHARS:
        message = too_long_message("The comment", counted_length(body), MAX_COMMENT_CHARS)
        raise ValidationError({"body": [message]}, code="too_long")
    return body


def comment_post(
    *,
    author: User,
    body: str,
    amendment: Amendment | None = None,
    paragraph: Paragraph | None = None,
    parent: Comment | None = None,
    at: datetime | None = None,
) -> Comment:
    """Post a comment on an amendment or a paragraph, or a reply in the same thread, while the
    chapter's round takes comments at ``at`` (the moment it arrived; now if not given); the
    same comment sent again within a few seconds (a double click) gives back the first one."""
    on = _thread_of(amendment, paragraph, parent)
    body = _clean_body(body)
    at = at or clock.now()
    with transaction.atomic():
        # Two copies sent together queue on the author's row, so the second finds the first;
        # the chapter's lock orders this comment and an editor's change of the round.
        rows = lock_rows(chapters=[on.chapter_id], users=[author])
        round_ = chapter_round(rows.chapters[on.chapter_id])
        if not round_.accepts_comments(at):
            raise ValidationError(
                f"The discussion of “{round_.title}” is closed: {round_.why_closed(at)}.",
                code="round_closed",
            )
        earlier = (
            Comment.objects.filter(
                author=author,
                amendment=amendment,
                paragraph=paragraph,
                parent=parent,
                body=body,
                is_deleted=False,
                created_at__gte=at - timedelta(seconds=REPEAT_WINDOW_SECONDS),
            )
            .order_by("pk")
            .first()
        )
        if earlier is not None:
            return earlier
        comment = Comment(
            author=author,
            body=body,
            amendment=amendment,
            paragraph=paragraph,
            parent=parent,
            created_at=at,
        )
        comment._change_reason = "posted"
        comment.save()
        follow_on_taking_part(user=author, thing=on)
        notify_comment(comment=comment)
    return comment


def _thread_of(
    amendment: Amendment | None, paragraph: Paragraph | None, parent: Comment | None
) -> Amendment | Paragraph:
    """The amendment or paragraph a comment is posted on (exactly one), its reply's parent
    in the same thread."""
    if (amendment is None) == (paragraph is None):
        raise ValidationError("A comment belongs to one amendment or one paragraph.", code="target")
    if parent is not None and (
        parent.amendment_id != (amendment.pk if amendment else None)
        or parent.paragraph_id != (paragraph.pk if paragraph else None)
    ):
        raise ValidationError("The reply belongs to another thread.", code="wrong_thread")
    on = amendment or paragraph
    assert on is not None  # one of the two, checked above
    return on


def _lock_own_comment(comment: Comment, user: User) -> Comment:
    locked = lock_rows(comments=[comment]).comments[comment.pk]
    if locked.author_id != user.pk:
        raise ValidationError("Only its author can change a comment.", code="not_author")
    if locked.is_deleted:
        raise ValidationError("This comment was deleted.", code="deleted")
    return locked


def comment_edit(*, comment: Comment, user: User, body: str) -> Comment:
    """The author edits their comment; the earlier wording stays in its history."""
    with transaction.atomic():
        locked = _lock_own_comment(comment, user)
        locked.body = _clean_body(body)
        locked.edited_at = clock.now()
        locked._change_reason = "edited"
        locked.save()
    return locked


def comment_delete(*, comment: Comment, user: User) -> Comment:
    """The author deletes their comment; "comment deleted" keeps its place for the replies."""
    with transaction.atomic():
        locked = _lock_own_comment(comment, user)
        locked.is_deleted = True
        locked.body = ""
        locked._change_reason = "deleted by the author"
        locked.save()
    return locked


def comment_hide(*, comment: Comment, editor: User, reason: str) -> Comment:
    """An editor hides a comment from members, saying why; the text stays in the history, and
    the decision log of the comment's chapter says who hid it and why."""
    if not editor.is_editor:
        raise ValidationError("Only editors can hide comments.", code="not_editor")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the comment is hidden."]}, code="reason")
    if counted_length(reason) > MAX_HIDE_REASON_CHARS:
        message = too_long_message("The reason", counted_length(reason), MAX_HIDE_REASON_CHARS)
        raise ValidationError({"reason": [message]}, code="too_long")
    with transaction.atomic():
        locked = lock_rows(comments=[comment]).comments[comment.pk]
        locked.hidden_by = editor
        locked.hidden_reason = reason
        locked._change_reason = f"hidden by an editor: {locked.hidden_reason}"
        locked.save()
        on = locked.amendment or locked.paragraph
        assert on is not None  # a comment is on an amendment or on a paragraph
        log_decision(
            chapter=on.chapter,
            action=Decision.Action.COMMENT_HIDDEN,
            actor=editor,
            amendment=locked.amendment,
            paragraph=locked.paragraph,
            comment=locked,
            reason=reason,
        )
    return locked
