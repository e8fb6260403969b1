"""Proposing, editing and withdrawing amendments, and supporting them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.citations import citation_record
from amendments.models import Amendment, Support
from amendments.permissions import amendment_permissions
from amendments.rules import (
    MAX_REASON_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    NOT_A_VERSION_MESSAGE,
    RESTART_FROM,
    UNSTORABLE_MESSAGE,
    change_spans_of,
    diff_ops_of,
    has_unstorable_characters,
    normalise_text,
    proposed_paragraph_text,
    same_words,
    title_clean,
    word_delta_of,
)
from amendments.services.following import follow_on_taking_part
from amendments.services.locking import lock_rows
from amendments.services.notifications import notify_new_amendment
from common import clock
from manifesto.models import Chapter, Paragraph
from manifesto.rounds import Round, chapter_round
from manifesto.selectors import body_numbers, latest_version
from textcore.limits import counted_length, too_long_message
from textcore.rebase import AMBIGUOUS, rebase
from textcore.words import has_visible_text

Errors = dict[str, list[ValidationError]]


def validate_proposal(
    *,
    chapter: Chapter,
    paragraph: Paragraph,
    kind: str,
    title: str,
    text: str,
    reason: str,
    insert_kind: str = "",
) -> Errors:
    """Check a proposal without saving; returns errors keyed by form field ('' for general)."""
    errors: Errors = {}
    _check_target(errors, chapter, paragraph, kind=kind, insert_kind=insert_kind)
    for field, value in (("title", title), ("text", text), ("reason", reason)):
        if has_unstorable_characters(value):
            _refuse(errors, field, UNSTORABLE_MESSAGE, "unstorable")
    _check_title(errors, title)
    _check_reason(errors, reason)
    if kind in (Amendment.Kind.REPLACE, Amendment.Kind.INSERT):
        _check_text(errors, paragraph, kind=kind, body=normalise_text(text))
    return errors


def _refuse(errors: Errors, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _check_target(
    errors: Errors, chapter: Chapter, paragraph: Paragraph, *, kind: str, insert_kind: str
) -> None:
    """The paragraph is there, and the kind fits it (the round is judged by the services, at
    the moment the proposal arrived)."""
    if paragraph.is_deleted:
        _refuse(
            errors, "", "This paragraph was deleted; it cannot be amended.", "paragraph_deleted"
        )
    if kind not in Amendment.Kind.values:
        _refuse(errors, "kind", "Choose what the amendment does.", "kind")
    if kind == Amendment.Kind.INSERT and insert_kind not in ("body", "heading"):
        _refuse(
            errors, "insert_kind", "Choose a new paragraph or a new section heading.", "insert_kind"
        )
    if kind == Amendment.Kind.INSERT and paragraph.kind == Paragraph.Kind.FOOTNOTE:
        _refuse(
            errors, "kind", "New paragraphs cannot be added among the notes.", "insert_after_note"
        )


def _check_title(errors: Errors, title: str) -> None:
    clean_title = title_clean(title)
    if not has_visible_text(clean_title):
        message = "Give the amendment a short title that says what it changes."
        _refuse(errors, "title", message, "title")
    elif counted_length(clean_title) > MAX_TITLE_CHARS:
        length = counted_length(clean_title)
        message = too_long_message("The title", length, MAX_TITLE_CHARS)
        _refuse(errors, "title", message, "title_long")
    elif len(clean_title.splitlines()) > 1:
        _refuse(errors, "title", "Keep the title to one line.", "title_lines")


def _check_reason(errors: Errors, reason: str) -> None:
    clean_reason = reason.strip()
    if not has_visible_text(clean_reason):
        message = "Say why: the editors and other members read your reason."
        _refuse(errors, "reason", message, "reason")
    elif counted_length(clean_reason) > MAX_REASON_CHARS:
        length = counted_length(clean_reason)
        message = too_long_message("The reason", length, MAX_REASON_CHARS)
        _refuse(errors, "reason", message, "reason_long")


def _check_text(errors: Errors, paragraph: Paragraph, *, kind: str, body: str) -> None:
    """The text of a replacement or an insertion: within its limit, not empty, a change."""
    if len(body) > MAX_TEXT_CHARS:
        message = too_long_message("The text", len(body), MAX_TEXT_CHARS)
        _refuse(errors, "text", message, "text_long")
    elif not has_visible_text(body):
        message = (
            "The replacement is empty. To remove the paragraph, choose “Delete the paragraph”."
            if kind == Amendment.Kind.REPLACE
            else "Write the new paragraph."
        )
        _refuse(errors, "text", message, "text_empty")
    elif kind == Amendment.Kind.REPLACE and body == normalise_text(paragraph.text):
        message = "This changes nothing: the text is the same as the paragraph's."
        _refuse(errors, "text", message, "no_change")
    elif kind == Amendment.Kind.INSERT and (copied := _copied_neighbour(paragraph, body)):
        _refuse(
            errors,
            "text",
            f"This is the text of {copied}: an addition is a new paragraph. Write the new "
            "text, or choose “Change the text” to change the paragraph itself.",
            "insert_copies_neighbour",
        )


def _copied_neighbour(paragraph: Paragraph, body: str) -> str:
    """Which neighbour an insertion after ``paragraph`` merely repeats ('' if none): the
    paragraph it would follow or the one after it."""
    if same_words(body, paragraph.text):
        return "the paragraph it would follow"
    following = (
        Paragraph.objects.filter(
            chapter_id=paragraph.chapter_id, position__gt=paragraph.position, is_deleted=False
        )
        .order_by("position")
        .values_list("text", flat=True)
        .first()
    )
    if following is not None and same_words(body, following):
        return "the paragraph after it"
    return ""


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError({field or "__all__": errs for field, errs in errors.items()})


def _onto_current(
    *,
    kind: str,
    paragraph: Paragraph,
    latest: Any,  # the paragraph's newest HistoricalParagraph row
    text: str,
    seen_version_id: int | None,
) -> str:
    """The member's text, carried onto today's paragraph if it changed while they wrote.

    Without this, a proposal written on a page opened before another amendment was accepted
    would quietly undo that amendment. A clean carry is kept; a collision is refused and the
    page shows the new text.
    """
    if seen_version_id in (None, latest.history_id):
        return text
    seen = paragraph.history.filter(history_id=seen_version_id).first()
    if seen is None:
        raise ValidationError(
            NOT_A_VERSION_MESSAGE, code="version", params={RESTART_FROM: latest.history_id}
        )
    if kind != Amendment.Kind.REPLACE:
        return text
    proposed = proposed_paragraph_text(kind=kind, base_text=seen.text, text=text)
    outcome = rebase(seen.text, proposed, paragraph.text)
    if not outcome.clean or outcome.text is None:
        if all(collision.kind == AMBIGUOUS for collision in outcome.collisions):
            where = (
                "beside repeated words where you also changed it, so which words changed "
                "cannot be told"
            )
        else:
            where = "in the same place as your change"
        raise ValidationError(
            f"The paragraph was changed while you were writing, {where}. Your text is kept "
            "below; compare it with the new text above and submit again.",
            code="paragraph_changed",
            params={RESTART_FROM: latest.history_id},
        )
    return outcome.text


def amendment_propose(
    *,
    author: User,
    paragraph: Paragraph,
    kind: str,
    title: str,
    text: str,
    reason: str,
    insert_kind: str = "",
    seen_version_id: int | None = None,
    at: datetime | None = None,
) -> Amendment:
    """Propose an amendment to ``paragraph``, written against its current version
    (``seen_version_id``: the version the member's page showed, if it may be older). The round
    is judged at ``at``, the moment the proposal arrived (now if not given), under the
    chapter's lock, so an editor closing the round and this proposal happen one after the
    other. With a minimum of supporters it starts collecting support."""
    at = at or clock.now()
    with transaction.atomic():
        rows = lock_rows(chapters=[paragraph.chapter_id], paragraphs=[paragraph])
        paragraph = rows.paragraphs[paragraph.pk]
        paragraph.chapter = rows.chapters[paragraph.chapter_id]
        round_ = chapter_round(paragraph.chapter)
        refuse_closed_round(round_, at)
        amendment = Amendment(
            chapter=paragraph.chapter,
            paragraph=paragraph,
            kind=kind,
            insert_kind=insert_kind if kind == Amendment.Kind.INSERT else "",
            author=author,
            status=_unsupported_status(round_),
            created_at=at,
            updated_at=at,
        )
        _write_against_today(
            amendment,
            paragraph,
            title=title,
            text=text,
            reason=reason,
            insert_kind=insert_kind,
            seen_version_id=seen_version_id,
        )
        _refuse_repeated_proposal(
            author=author,
            paragraph=paragraph,
            kind=kind,
            insert_kind=insert_kind,
            text=amendment.proposed_text,
        )
        amendment._change_reason = "proposed"
        amendment.save()
        follow_on_taking_part(user=author, thing=amendment)
        notify_new_amendment(amendment=amendment)
    return amendment


def refuse_closed_round(round_: Round, at: datetime) -> None:
    """Refuse a proposal the round does not take at ``at``, saying why (phase or deadline)."""
    if not round_.accepts_proposals(at):
        raise ValidationError(round_.closed_reason(at), code="round_closed")


def _unsupported_status(round_: Round, supporters: int = 0) -> str:
    """Pending once the round's minimum of supporters is met (at once with no minimum), else
    collecting support."""
    if supporters >= round_.minimum_supporters:
        return Amendment.Status.PENDING
    return Amendment.Status.COLLECTING


def _write_against_today(
    amendment: Amendment,
    paragraph: Paragraph,
    *,
    title: str,
    text: str,
    reason: str,
    insert_kind: str,
    seen_version_id: int | None,
) -> None:
    """Check what the member wrote (a new amendment or an edit of theirs) and set it on
    ``amendment`` as written against the paragraph's current version, onto which the text is
    carried if the paragraph changed while they wrote. The caller holds the paragraph's lock."""
    kind = amendment.kind
    _raise_if(
        validate_proposal(
            chapter=paragraph.chapter,
            paragraph=paragraph,
            kind=kind,
            title=title,
            text=text,
            reason=reason,
            insert_kind=insert_kind,
        )
    )
    latest = latest_version(paragraph)
    text = _onto_current(
        kind=kind, paragraph=paragraph, latest=latest, text=text, seen_version_id=seen_version_id
    )
    base_text = "" if kind == Amendment.Kind.INSERT else paragraph.text
    proposed = proposed_paragraph_text(kind=kind, base_text=paragraph.text, text=text)
    amendment.title = title_clean(title)
    amendment.reason = reason.strip()
    amendment.base_version = latest
    amendment.base_text = amendment.written_base_text = base_text
    amendment.proposed_text = amendment.written_text = proposed
    amendment.word_delta = word_delta_of(kind=kind, base_text=base_text, proposed_text=proposed)
    amendment.change_spans = change_spans_of(kind=kind, base_text=base_text, proposed_text=proposed)
    amendment.diff_ops = diff_ops_of(base_text=base_text, proposed_text=proposed)
    amendment.paragraph = paragraph
    amendment.chapter = paragraph.chapter
    citation_record(
        amendment,
        body_numbers([paragraph.chapter]).get(paragraph.pk),
        paragraph.chapter.manifesto.line_width,
    )


def _refuse_repeated_proposal(
    *, author: User, paragraph: Paragraph, kind: str, insert_kind: str, text: str
) -> None:
    """Refuse a second copy of the author's open amendment (a double click, a resubmitted
    form). The caller holds the paragraph's row lock, so two copies sent at once queue here."""
    earlier = (
        Amendment.objects.filter(
            author=author,
            paragraph=paragraph,
            kind=kind,
            insert_kind=insert_kind if kind == Amendment.Kind.INSERT else "",
            proposed_text=text,
            status__in=Amendment.OPEN_STATUSES,
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            f"You have already proposed this change to this paragraph: amendment #{earlier.pk} "
            f"({earlier.get_status_display().lower()}). Edit that one instead of proposing it "
            "again.",
            code="repeated_proposal",
        )


def _refuse_changing(locked: Amendment, user: User) -> NoReturn:
    """Why ``user`` may not change (edit, withdraw) ``locked``: not theirs, or not open."""
    if locked.author_id != user.pk:
        raise ValidationError("Only the author can change this amendment.", code="not_author")
    raise ValidationError(
        f"This amendment is {locked.get_status_display().lower()}; it can no longer be changed.",
        code="not_open",
    )


def amendment_edit(
    *,
    amendment: Amendment,
    user: User,
    title: str,
    text: str,
    reason: str,
    seen_version_id: int | None = None,
    at: datetime | None = None,
) -> Amendment:
    """The author edits an open amendment; it is rewritten against the paragraph's current
    text, which also resolves a conflict. Earlier wording stays in history. Judged at ``at``
    like a proposal: after the deadline only an amendment in conflict can be updated (an
    editor's acceptance put it there), and a pending one is left as it was proposed."""
    at = at or clock.now()
    with transaction.atomic():
        rows = lock_rows(
            chapters=[amendment.chapter_id],
            paragraphs=[amendment.paragraph_id],
            amendments=[amendment],
        )
        paragraph = rows.paragraphs[amendment.paragraph_id]
        paragraph.chapter = rows.chapters[amendment.chapter_id]
        locked = rows.amendments[amendment.pk]
        if not amendment_permissions(user, locked).edit:
            _refuse_changing(locked, user)
        round_ = chapter_round(paragraph.chapter)
        if not round_.accepts_edit(at, in_conflict=locked.status == Amendment.Status.CONFLICT):
            raise ValidationError(
                f"{round_.closed_reason(at)} An amendment can be edited after that only when "
                "it is in conflict.",
                code="round_closed",
            )
        _write_against_today(
            locked,
            paragraph,
            title=title,
            text=text,
            reason=reason,
            insert_kind=locked.insert_kind,
            seen_version_id=seen_version_id,
        )
        if locked.status != Amendment.Status.PENDING:
            # Out of a conflict, or still collecting: in the queue once it has the supporters.
            # One already in the queue stays there.
            locked.status = _unsupported_status(round_, locked.supports.count())
        locked.conflict_reason = ""
        locked.conflict_collisions = []
        locked.conflict_with = None
        locked.carried_forward_at = None
        locked.carried_forward_by = None
        locked.updated_at = at
        locked._change_reason = "edited by the author"
        locked.save()
    return locked


def amendment_withdraw(*, amendment: Amendment, user: User) -> Amendment:
    """The author withdraws their pending or in-conflict amendment."""
    with transaction.atomic():
        # The chapter too (and so the Manifesto): whatever moves an amendment out of
        # "collecting support" holds it, so the two queue.
        rows = lock_rows(chapters=[amendment.chapter_id], amendments=[amendment])
        locked = rows.amendments[amendment.pk]
        if not amendment_permissions(user, locked).withdraw:
            _refuse_changing(locked, user)
        locked.status = Amendment.Status.WITHDRAWN
        locked.updated_at = clock.now()
        locked._change_reason = "withdrawn by the author"
        locked.save()
    return locked


def support_add(*, amendment: Amendment, user: User, at: datetime | None = None) -> Support:
    """Support someone else's open amendment (idempotent), while the round takes supports at
    ``at``; the supporter follows it. The support that brings an amendment collecting support
    up to the round's minimum sends it to the review queue (pending), in the same transaction."""
    at = at or clock.now()
    with transaction.atomic():
        rows = lock_rows(chapters=[amendment.chapter_id], amendments=[amendment])
        locked = rows.amendments[amendment.pk]
        locked.chapter = rows.chapters[amendment.chapter_id]
        _refuse_supporting(locked, user, at)
        support, created = Support.objects.get_or_create(
            amendment=locked, user=user, defaults={"created_at": at}
        )
        follow_on_taking_part(user=user, thing=locked)
        round_ = chapter_round(locked.chapter)
        if created and locked.status == Amendment.Status.COLLECTING:
            supporters = locked.supports.count()
            if _unsupported_status(round_, supporters) == Amendment.Status.PENDING:
                locked.status = Amendment.Status.PENDING
                locked.updated_at = at
                locked._change_reason = f"reached {supporters} supporters: in the review queue"
                locked.save()
    return support


def _refuse_supporting(locked: Amendment, user: User, at: datetime) -> None:
    """Why ``user`` may not support (or stop supporting) ``locked`` at ``at``, if not."""
    if not amendment_permissions(user, locked).support:
        if locked.author_id == user.pk:
            raise ValidationError("You cannot support your own amendment.", code="own_amendment")
        raise ValidationError("Only open amendments can be supported.", code="not_open")
    _refuse_closed_supports(chapter_round(locked.chapter), at)


def _refuse_closed_supports(round_: Round, at: datetime) -> None:
    if not round_.accepts_supports(at):
        raise ValidationError(
            f"Amendments to “{round_.title}” can no longer be supported: {round_.why_closed(at)}.",
            code="round_closed",
        )


def support_remove(*, amendment: Amendment, user: User, at: datetime | None = None) -> None:
    """Withdraw one's support (nothing happens if there was none), while the round takes
    supports. An amendment already in the review queue stays there."""
    at = at or clock.now()
    with transaction.atomic():
        rows = lock_rows(chapters=[amendment.chapter_id], amendments=[amendment])
        locked = rows.amendments[amendment.pk]
        _refuse_closed_supports(chapter_round(rows.chapters[amendment.chapter_id]), at)
        Support.objects.filter(amendment=locked, user=user).delete()
