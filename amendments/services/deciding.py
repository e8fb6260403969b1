"""Editorial review: accepting, rejecting, duplicates, reopening, direct edits and limits.

Every action that changes a paragraph first takes, in one ``lock_rows`` call, every row it
will change (the Manifesto and chapter rows among them, so editors' actions queue); applies the
change with history; carries every other pending amendment on the paragraph forward (or puts
it in conflict); and lets the word-count guard judge the net effect before the transaction
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from amendments.models import Amendment, Decision
from amendments.services import notifications
from amendments.services.guard import guard_enforce, guard_snapshot
from amendments.services.locking import lock_rows
from amendments.services.proposing import (
    MAX_TEXT_CHARS,
    NOT_A_VERSION_MESSAGE,
    change_spans_of,
    normalise_text,
    proposed_paragraph_text,
    word_delta_of,
)
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.selectors import latest_version
from manifesto.services import paragraph_next_key, position_after
from textcore.limits import counted_length, too_long_message
from textcore.rebase import AMBIGUOUS, rebase
from textcore.words import count_words

# The limit of every reason an editor or admin gives (accepting, rejecting, reopening,
# reverting, changing a limit); the forms' fields use this same number. The text of a
# paragraph an editor writes (accepting with changes, editing) has a proposal's limit.
MAX_DECISION_REASON_CHARS = 3000


@dataclass(frozen=True)
class AcceptItem:
    """One amendment to accept, optionally with the editor's own wording."""

    amendment: Amendment
    editor_text: str | None = None
    seen_version_id: int | None = None


def _require_editor(user: User) -> None:
    if not user.is_editor:
        raise ValidationError("Only editors can review amendments.", code="not_editor")


def _refuse_long_reason(reason: str) -> None:
    length = counted_length(reason.strip())
    if length > MAX_DECISION_REASON_CHARS:
        message = too_long_message("The reason", length, MAX_DECISION_REASON_CHARS)
        raise ValidationError({"reason": [message]}, code="reason_long")


def _refuse_long_text(text: str) -> None:
    length = len(normalise_text(text))
    if length > MAX_TEXT_CHARS:
        message = too_long_message("The text", length, MAX_TEXT_CHARS)
        raise ValidationError({"text": [message]}, code="text_long")


def _save_paragraph(paragraph: Paragraph, *, user: User | None, reason: str) -> None:
    paragraph._change_reason = reason  # type: ignore[attr-defined]
    paragraph._history_user = user  # type: ignore[attr-defined]
    paragraph.save()


def _save_amendment(amendment: Amendment, reason: str, user: User | None = None) -> None:
    amendment.updated_at = timezone.now()
    amendment._change_reason = reason  # type: ignore[attr-defined]
    if user is not None:
        amendment._history_user = user  # type: ignore[attr-defined]
    amendment.save()


def _log(
    *,
    chapter: Chapter,
    action: str,
    actor: User | None,
    amendment: Amendment | None = None,
    paragraph: Paragraph | None = None,
    reason: str = "",
    words: tuple[int, int] | None = None,
) -> Decision:
    return Decision.objects.create(
        chapter=chapter,
        action=action,
        actor=actor,
        amendment=amendment,
        paragraph=paragraph or (amendment.paragraph if amendment else None),
        reason=reason,
        words_before=words[0] if words else None,
        words_after=words[1] if words else None,
    )


# --- accepting -----------------------------------------------------------------------------


def amendment_accept(*, amendment: Amendment, editor: User, reason: str = "") -> Amendment:
    """Accept one amendment as proposed."""
    return amendments_accept([AcceptItem(amendment)], editor=editor, reason=reason)[0]


def amendment_accept_with_changes(
    *,
    amendment: Amendment,
    editor: User,
    text: str,
    reason: str = "",
    seen_version_id: int | None = None,
) -> Amendment:
    """Accept with the editor's wording; the member's version is kept beside it."""
    item = AcceptItem(amendment, editor_text=text, seen_version_id=seen_version_id)
    return amendments_accept([item], editor=editor, reason=reason)[0]


def amendments_accept(
    items: Sequence[AcceptItem], *, editor: User, reason: str = ""
) -> list[Amendment]:
    """Accept several amendments of one chapter together, all or none: the word-count guard
    judges their net effect, so an addition can be paid for by cuts accepted with it."""
    _require_editor(editor)
    if not items:
        raise ValidationError("Choose at least one amendment to accept.", code="empty")
    _refuse_long_reason(reason)
    for item in items:
        if item.editor_text is not None:
            _refuse_long_text(item.editor_text)
    chapter_ids = {item.amendment.chapter_id for item in items}
    if len(chapter_ids) != 1:
        raise ValidationError(
            "Amendments accepted together must belong to one chapter.", code="chapters"
        )
    chapter_id = chapter_ids.pop()
    with transaction.atomic():
        # Everything an acceptance changes, up front: the items, their paragraphs and the
        # pending amendments on those paragraphs that will be carried forward.
        locked = lock_rows(
            chapters=[chapter_id],
            paragraphs=[item.amendment.paragraph_id for item in items],
            amendments=[item.amendment.pk for item in items],
            pending_on_paragraphs=True,
        )
        chapter = locked.chapters[chapter_id]
        before = guard_snapshot(chapter)
        accepted = [_accept_one(chapter, item, editor, reason) for item in items]
        guard_enforce(chapter=chapter, before=before)
        for amendment in accepted:
            notifications.on_decided(amendment)
    return accepted


def _accept_one(chapter: Chapter, item: AcceptItem, editor: User, reason: str) -> Amendment:
    # Both are locked; read them again, as an earlier item of the same batch may have changed
    # the paragraph and carried this amendment forward.
    amendment = Amendment.objects.get(pk=item.amendment.pk)
    if amendment.author_id == editor.pk:
        raise ValidationError(
            f"#{amendment.pk}: editors cannot decide their own amendments; another editor must.",
            code="own_amendment",
        )
    if amendment.status != Amendment.Status.PENDING:
        raise ValidationError(
            f"#{amendment.pk} is {amendment.get_status_display().lower()}, not pending: it was "
            "decided or changed meanwhile. Reload the page to see its state.",
            code="not_pending",
        )
    paragraph = Paragraph.objects.get(pk=amendment.paragraph_id)
    paragraph.chapter = chapter
    latest = latest_version(paragraph)
    seen = item.seen_version_id
    known = seen in (None, latest.history_id) or paragraph.history.filter(history_id=seen).exists()
    if not known:
        raise ValidationError(NOT_A_VERSION_MESSAGE, code="version")
    if seen is not None and latest.history_id != seen:
        raise ValidationError(
            f"¶ #{paragraph.key} changed while you were editing #{amendment.pk}; nothing was "
            "saved. Look at the new text and make your changes again.",
            code="stale",
        )
    if amendment.base_version_id != latest.history_id and amendment.kind != Amendment.Kind.INSERT:
        raise ValidationError(
            f"#{amendment.pk} was written against an older version of the paragraph and has not "
            "been carried forward; it cannot be accepted as it stands.",
            code="stale_base",
        )
    if paragraph.is_deleted:
        raise ValidationError(f"¶ #{paragraph.key} was deleted.", code="paragraph_deleted")

    with_changes = item.editor_text is not None
    words_before = count_words(paragraph.text) if amendment.kind != Amendment.Kind.INSERT else 0
    label = f"amendment #{amendment.pk} accepted" + (" with changes" if with_changes else "")
    if with_changes:
        if amendment.kind == Amendment.Kind.DELETE:
            raise ValidationError(
                "A deletion is accepted or rejected as it stands.", code="delete_with_changes"
            )
        if not normalise_text(item.editor_text or ""):
            raise ValidationError(
                {
                    "text": [
                        "The editor's wording is empty. Reject the amendment instead, or "
                        "accept a deletion."
                    ]
                },
                code="text_empty",
            )
        amendment.editor_text = proposed_paragraph_text(
            kind=amendment.kind, base_text=amendment.base_text, text=item.editor_text or ""
        )

    result = amendment.result_text
    if amendment.kind == Amendment.Kind.REPLACE:
        paragraph.text = result
        _save_paragraph(paragraph, user=editor, reason=label)
    elif amendment.kind == Amendment.Kind.DELETE:
        paragraph.is_deleted = True
        _save_paragraph(paragraph, user=editor, reason=label)
    else:
        inserted = Paragraph(
            chapter=chapter,
            key=paragraph_next_key(chapter),
            position=position_after(paragraph),
            kind=amendment.insert_kind or Paragraph.Kind.BODY,
            text=result,
        )
        _save_paragraph(inserted, user=editor, reason=label)

    amendment.status = (
        Amendment.Status.ACCEPTED_WITH_CHANGES if with_changes else Amendment.Status.ACCEPTED
    )
    amendment.accepted_word_delta = count_words(result) - words_before
    amendment.decided_by = editor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason.strip()
    _save_amendment(amendment, label, editor)
    action = Decision.Action.ACCEPTED_WITH_CHANGES if with_changes else Decision.Action.ACCEPTED
    _log(
        chapter=chapter,
        action=action,
        actor=editor,
        amendment=amendment,
        reason=reason.strip(),
        words=(words_before, count_words(result)),
    )
    if amendment.kind != Amendment.Kind.INSERT:
        carry_forward(paragraph=paragraph, cause=amendment)
    return amendment


# --- carrying pending amendments forward ---------------------------------------------------


def carry_forward(*, paragraph: Paragraph, cause: Amendment | None) -> None:
    """After ``paragraph`` changed, rebase every other pending amendment on it onto the new
    text; what no longer fits goes into conflict, with what collided, and its author is told.

    The caller holds the locks: ``lock_rows(paragraphs=…, pending_on_paragraphs=True)``."""
    version = latest_version(paragraph)
    others = Amendment.objects.filter(paragraph=paragraph, status=Amendment.Status.PENDING)
    if cause is not None:
        others = others.exclude(pk=cause.pk)
    by = f"amendment #{cause.pk}" if cause else "an editor"
    for other in others.order_by("pk"):
        if other.kind == Amendment.Kind.INSERT:
            if paragraph.is_deleted:
                _put_in_conflict(
                    other,
                    paragraph,
                    cause,
                    f"The paragraph this addition was to follow was deleted by {by}.",
                )
            else:
                # The anchor changed, not the text to insert: only the anchor version moves on.
                other.base_version = version
                _save_amendment(other, f"anchor changed by {by}")
            continue
        if paragraph.is_deleted:
            if other.kind == Amendment.Kind.DELETE:
                _make_obsolete(
                    other, paragraph, cause, f"The paragraph was already deleted by {by}."
                )
            else:
                _put_in_conflict(
                    other,
                    paragraph,
                    cause,
                    f"The paragraph was deleted by {by}, so this change has nothing to apply to.",
                )
            continue
        if other.kind == Amendment.Kind.DELETE:
            _put_in_conflict(
                other,
                paragraph,
                cause,
                f"The paragraph was changed by {by} after this deletion was proposed, so "
                "deleting it now would remove words its author has not seen.",
            )
            continue
        _rebase_replacement(other, paragraph, version, cause, by)


def _rebase_replacement(other, paragraph, version, cause, by):  # type: ignore[no-untyped-def]
    if other.proposed_text == paragraph.text:
        _make_obsolete(
            other, paragraph, cause, f"The text already reads as it proposes, after {by}."
        )
        return
    outcome = rebase(other.base_text, other.proposed_text, paragraph.text)
    if not outcome.clean or outcome.text is None:
        if all(collision.kind == AMBIGUOUS for collision in outcome.collisions):
            where = (
                f"The paragraph was changed by {by} beside repeated words where this amendment "
                "also changes it, and that change can be read in more than one way: not every "
                "way leaves this amendment's change where its author put it"
            )
        else:
            where = f"The paragraph was changed by {by} in the same place this amendment changes"
        _put_in_conflict(
            other,
            paragraph,
            cause,
            f"{where}, so it can no longer be applied as written.",
            collisions=[asdict(c) for c in outcome.collisions],
        )
        return
    if outcome.text == paragraph.text:
        _make_obsolete(other, paragraph, cause, f"Its change is already in the text, made by {by}.")
        return
    other.base_version = version
    other.base_text = paragraph.text
    other.proposed_text = outcome.text
    other.word_delta = word_delta_of(
        kind=other.kind, base_text=other.base_text, proposed_text=other.proposed_text
    )
    other.change_spans = change_spans_of(
        kind=other.kind, base_text=other.base_text, proposed_text=other.proposed_text
    )
    other.carried_forward_at = timezone.now()
    other.carried_forward_by = cause
    _save_amendment(other, f"carried forward after {by}")
    _log(
        chapter=paragraph.chapter,
        action=Decision.Action.CARRIED_FORWARD,
        actor=None,
        amendment=other,
        reason=f"Rebased onto the text produced by {by}; the author's change applies unchanged.",
    )


def _set_aside(
    other: Amendment,
    paragraph: Paragraph,
    *,
    cause: Amendment | None,
    status: str,
    reason: str,
    collisions: list[dict[str, str]] | None = None,
) -> None:
    """Take a pending amendment out of the running after its paragraph changed: in conflict
    (its author can update it) or obsolete (nothing left to do); log it, tell the author."""
    conflict = status == Amendment.Status.CONFLICT
    other.status = status
    other.conflict_reason = reason
    other.conflict_collisions = collisions or []
    other.conflict_with = cause
    _save_amendment(other, "put in conflict" if conflict else "made obsolete")
    _log(
        chapter=paragraph.chapter,
        action=Decision.Action.CONFLICT if conflict else Decision.Action.OBSOLETE,
        actor=None,
        amendment=other,
        paragraph=paragraph,
        reason=reason,
    )
    (notifications.on_conflict if conflict else notifications.on_decided)(other)


def _put_in_conflict(  # type: ignore[no-untyped-def]
    other, paragraph, cause, reason, collisions=None
) -> None:
    _set_aside(
        other,
        paragraph,
        cause=cause,
        status=Amendment.Status.CONFLICT,
        reason=reason,
        collisions=collisions,
    )


def _make_obsolete(other, paragraph, cause, reason) -> None:  # type: ignore[no-untyped-def]
    _set_aside(other, paragraph, cause=cause, status=Amendment.Status.OBSOLETE, reason=reason)


# --- rejecting, duplicates, reopening ------------------------------------------------------


def amendments_reject(
    amendments: Sequence[Amendment], *, editor: User, reason: str
) -> list[Amendment]:
    """Reject one or several pending amendments with one reason (shown to their authors)."""
    _require_editor(editor)
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Give a reason: the author will read it."]}, code="reason"
        )
    _refuse_long_reason(reason)
    if not amendments:
        raise ValidationError("Choose at least one amendment to reject.", code="empty")
    with transaction.atomic():
        locked = lock_rows(
            chapters=[a.chapter_id for a in amendments], amendments=amendments
        ).amendments
        problems = [
            f"#{a.pk} is {a.get_status_display().lower()}" for a in locked.values() if not a.is_open
        ] + [f"#{a.pk} is your own" for a in locked.values() if a.author_id == editor.pk]
        if problems:
            raise ValidationError(
                "Nothing was rejected: " + "; ".join(problems) + ".", code="not_rejectable"
            )
        for amendment in locked.values():
            amendment.status = Amendment.Status.REJECTED
            amendment.decided_by = editor
            amendment.decided_at = timezone.now()
            amendment.decision_reason = reason.strip()
            _save_amendment(amendment, f"rejected: {reason.strip()[:80]}", editor)
            _log(
                chapter=amendment.chapter,
                action=Decision.Action.REJECTED,
                actor=editor,
                amendment=amendment,
                reason=reason.strip(),
            )
            notifications.on_decided(amendment)
    return list(locked.values())


def amendment_reject(*, amendment: Amendment, editor: User, reason: str) -> Amendment:
    """Reject one amendment with a reason."""
    return amendments_reject([amendment], editor=editor, reason=reason)[0]


def duplicate_original(*, amendment: Amendment, named: Amendment) -> Amendment:
    """The amendment ``amendment`` becomes a duplicate of when an editor names ``named``:
    ``named`` itself, or the original at the end of its duplicate chain. Refuses itself,
    another chapter's amendment, and a chain that leads back to ``amendment``."""
    if named.pk == amendment.pk:
        raise ValidationError("An amendment cannot duplicate itself.", code="self")
    if named.chapter_id != amendment.chapter_id:
        raise ValidationError(
            f"#{named.pk} belongs to another chapter; a duplicate must be of an amendment in "
            "the same chapter.",
            code="chapter",
        )
    original, seen = named, {named.pk}
    while original.status == Amendment.Status.DUPLICATE and original.duplicate_of_id:
        if original.duplicate_of_id in seen:
            break  # a loop left by hand in the database: stop where it closes
        seen.add(original.duplicate_of_id)
        original = Amendment.objects.select_related("chapter", "paragraph").get(
            pk=original.duplicate_of_id
        )
    if original.pk == amendment.pk:
        raise ValidationError(
            f"#{named.pk} is itself marked as a duplicate of #{amendment.pk}: #{amendment.pk} is "
            "the original. Undo that marking first if the roles should be the other way round.",
            code="loop",
        )
    return original


def amendment_mark_duplicate(
    *, amendment: Amendment, editor: User, duplicate_of: Amendment, reason: str = ""
) -> Amendment:
    """Close an amendment as a duplicate of another one in the same chapter (of the original,
    when the one named is a duplicate itself)."""
    _require_editor(editor)
    if duplicate_of.pk == amendment.pk:
        raise ValidationError("An amendment cannot duplicate itself.", code="self")
    _refuse_long_reason(reason)
    with transaction.atomic():
        locked_both = lock_rows(
            chapters=[amendment.chapter_id], amendments=[amendment, duplicate_of]
        ).amendments
        locked = locked_both[amendment.pk]
        if not locked.is_open:
            raise ValidationError(
                f"#{locked.pk} is {locked.get_status_display().lower()} already.", code="decided"
            )
        if locked.author_id == editor.pk:
            raise ValidationError("Editors cannot decide their own amendments.", code="own")
        # Read under the lock: a marking of the named one made meanwhile is seen here.
        original = duplicate_original(amendment=locked, named=locked_both[duplicate_of.pk])
        default = f"Duplicate of #{original.pk}."
        if original.pk != duplicate_of.pk:
            default = f"Duplicate of #{original.pk} (named as #{duplicate_of.pk}, its duplicate)."
        locked.status = Amendment.Status.DUPLICATE
        locked.duplicate_of = original
        locked.decided_by = editor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason.strip() or default
        _save_amendment(locked, f"duplicate of #{original.pk}", editor)
        _log(
            chapter=locked.chapter,
            action=Decision.Action.DUPLICATE,
            actor=editor,
            amendment=locked,
            reason=locked.decision_reason,
        )
        notifications.on_decided(locked)
    return locked


def amendment_unmark_duplicate(
    *, amendment: Amendment, editor: User, reason: str = ""
) -> Amendment:
    """An editor undoes a duplicate marking while the chapter is open for amendments: the
    amendment is pending again, carried onto today's text (or in conflict if it no longer
    fits), and the log says who undid it and why."""
    _require_editor(editor)
    _refuse_long_reason(reason)
    with transaction.atomic():
        rows = lock_rows(
            chapters=[amendment.chapter_id],
            paragraphs=[amendment.paragraph_id],
            amendments=[amendment],
        )
        chapter = rows.chapters[amendment.chapter_id]
        paragraph = rows.paragraphs[amendment.paragraph_id]
        locked = rows.amendments[amendment.pk]
        if chapter.status != Chapter.Status.OPEN:
            raise ValidationError(
                f"“{chapter.title}” is {chapter.get_status_display().lower()}: a duplicate "
                "marking can be undone only while the chapter is open for amendments.",
                code="chapter_not_open",
            )
        if locked.status != Amendment.Status.DUPLICATE:
            raise ValidationError(
                f"#{locked.pk} is {locked.get_status_display().lower()}, not a duplicate.",
                code="not_duplicate",
            )
        if locked.author_id == editor.pk:
            raise ValidationError("Editors cannot decide their own amendments.", code="own")
        note = reason.strip() or f"Not a duplicate of #{locked.duplicate_of_id}."
        return _back_to_pending(
            locked,
            chapter,
            paragraph,
            actor=editor,
            action=Decision.Action.DUPLICATE_UNDONE,
            reason=note,
            label=f"duplicate marking undone: {note[:80]}",
        )


def amendment_reopen(*, amendment: Amendment, admin: User, reason: str) -> Amendment:
    """An admin reopens a rejected, duplicate or obsolete amendment; it becomes pending again,
    carried onto today's text (or in conflict if it no longer fits)."""
    if not admin.is_admin:
        raise ValidationError("Only admins can reopen a decision.", code="not_admin")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the decision is reopened."]}, code="reason")
    _refuse_long_reason(reason)
    with transaction.atomic():
        rows = lock_rows(
            chapters=[amendment.chapter_id],
            paragraphs=[amendment.paragraph_id],
            amendments=[amendment],
        )
        chapter = rows.chapters[amendment.chapter_id]
        paragraph = rows.paragraphs[amendment.paragraph_id]
        locked = rows.amendments[amendment.pk]
        if locked.is_accepted:
            raise ValidationError(
                "An accepted amendment changed the text. To undo it, revert the paragraph to "
                "an earlier version from its history.",
                code="accepted",
            )
        reopenable = (
            Amendment.Status.REJECTED,
            Amendment.Status.DUPLICATE,
            Amendment.Status.OBSOLETE,
        )
        if locked.status not in reopenable:
            raise ValidationError(
                f"#{locked.pk} is {locked.get_status_display().lower()}; only rejected, "
                "duplicate or obsolete amendments can be reopened.",
                code="not_reopenable",
            )
        return _back_to_pending(
            locked,
            chapter,
            paragraph,
            actor=admin,
            action=Decision.Action.REOPENED,
            reason=reason.strip(),
            label=f"reopened: {reason.strip()[:80]}",
        )


def _back_to_pending(
    locked: Amendment,
    chapter: Chapter,
    paragraph: Paragraph,
    *,
    actor: User,
    action: str,
    reason: str,
    label: str,
) -> Amendment:
    # A decided amendment becomes pending again: logged, then carried onto today's text (or
    # put in conflict) if the paragraph changed while it was out of the running.
    locked.status = Amendment.Status.PENDING
    locked.decided_by = None
    locked.decided_at = None
    locked.duplicate_of = None
    locked.decision_reason = ""
    locked.conflict_reason = ""
    _save_amendment(locked, label, actor)
    _log(chapter=chapter, action=action, actor=actor, amendment=locked, reason=reason)
    # The caller holds the paragraph's lock (lock_rows), taken before the amendment's.
    paragraph.chapter = chapter
    if locked.kind != Amendment.Kind.INSERT and (
        paragraph.is_deleted or locked.base_version_id != latest_version(paragraph).history_id
    ):
        # Only this amendment is carried: pass the others as "cause" exclusions would be
        # wrong, so rebase it alone.
        _carry_one(locked, paragraph)
    locked.refresh_from_db()
    return locked


def _carry_one(amendment: Amendment, paragraph: Paragraph) -> None:
    version = latest_version(paragraph)
    by = "later changes to the paragraph"
    if paragraph.is_deleted:
        _put_in_conflict(amendment, paragraph, None, "The paragraph has been deleted since.")
    elif amendment.kind == Amendment.Kind.DELETE:
        _put_in_conflict(
            amendment,
            paragraph,
            None,
            "The paragraph has changed since this deletion was proposed, so deleting it now "
            "would remove words its author has not seen.",
        )
    else:
        _rebase_replacement(amendment, paragraph, version, None, by)


# --- direct edits by editors, reverts and limits -------------------------------------------


def paragraph_edit(*, paragraph: Paragraph, editor: User, text: str, reason: str) -> Paragraph:
    """An editor changes a paragraph directly (the admin, a correction). Guarded and logged;
    pending amendments on it are carried forward."""
    _require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the text is changed."]}, code="reason")
    if not normalise_text(text):
        raise ValidationError({"text": ["The text is empty."]}, code="text_empty")
    _refuse_long_reason(reason)
    _refuse_long_text(text)
    with transaction.atomic():
        rows = lock_rows(
            chapters=[paragraph.chapter_id], paragraphs=[paragraph], pending_on_paragraphs=True
        )
        chapter, locked = rows.chapters[paragraph.chapter_id], rows.paragraphs[paragraph.pk]
        before = guard_snapshot(chapter)
        new_text = proposed_paragraph_text(kind="replace", base_text=locked.text, text=text)
        if new_text == locked.text:
            raise ValidationError({"text": ["This changes nothing."]}, code="no_change")
        words = (locked.word_count, count_words(new_text))
        locked.text = new_text
        _save_paragraph(locked, user=editor, reason=f"edited by an editor: {reason.strip()}")
        _log(
            chapter=chapter,
            action=Decision.Action.PARAGRAPH_EDITED,
            actor=editor,
            paragraph=locked,
            reason=reason.strip(),
            words=words,
        )
        carry_forward(paragraph=locked, cause=None)
        guard_enforce(chapter=chapter, before=before)
    return locked


def paragraph_revert(
    *, paragraph: Paragraph, editor: User, history_id: int, reason: str
) -> Paragraph:
    """Restore a paragraph to one of its earlier versions (text and deletion), as a new
    version; guarded like any other change."""
    _require_editor(editor)
    _refuse_long_reason(reason)
    with transaction.atomic():
        rows = lock_rows(
            chapters=[paragraph.chapter_id], paragraphs=[paragraph], pending_on_paragraphs=True
        )
        chapter, locked = rows.chapters[paragraph.chapter_id], rows.paragraphs[paragraph.pk]
        before = guard_snapshot(chapter)
        version = locked.history.filter(history_id=history_id).first()
        if version is None:
            raise ValidationError("That version does not belong to this paragraph.", code="version")
        if version.text == locked.text and version.is_deleted == locked.is_deleted:
            raise ValidationError("The paragraph already reads like that.", code="no_change")
        words = (locked.word_count, count_words(version.text))
        locked.text = version.text
        locked.is_deleted = version.is_deleted
        label = f"reverted to the version of {version.history_date:%Y-%m-%d %H:%M}"
        _save_paragraph(locked, user=editor, reason=f"{label}: {reason.strip()}".rstrip(": "))
        _log(
            chapter=chapter,
            action=Decision.Action.PARAGRAPH_REVERTED,
            actor=editor,
            paragraph=locked,
            reason=reason.strip() or label,
            words=words,
        )
        carry_forward(paragraph=locked, cause=None)
        guard_enforce(chapter=chapter, before=before)
    return locked


def chapter_set_limit(
    *,
    chapter: Chapter,
    editor: User,
    word_limit: int | None,
    reason: str,
    tolerance_percent: int | None = None,
) -> Chapter:
    """Set a chapter's absolute word limit (None: back to imported words + tolerance)."""
    _require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the limit changes."]}, code="reason")
    _refuse_long_reason(reason)
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    with transaction.atomic():
        locked = lock_rows(chapters=[chapter]).chapters[chapter.pk]
        old = locked.effective_word_limit
        locked.word_limit = word_limit
        if tolerance_percent is not None:
            locked.limit_tolerance_percent = tolerance_percent
        locked._change_reason = f"word limit: {reason.strip()}"  # type: ignore[attr-defined]
        locked._history_user = editor  # type: ignore[attr-defined]
        locked.save()
        _log(
            chapter=locked,
            action=Decision.Action.LIMIT_CHANGED,
            actor=editor,
            reason=f"Limit {old} → {locked.effective_word_limit}. {reason.strip()}",
        )
    return locked


def manifesto_set_limit(
    *,
    manifesto: Manifesto,
    editor: User,
    word_limit: int | None,
    count_footnotes: bool,
    reason: str,
) -> Manifesto:
    """Set the Manifesto's overall word limit and whether footnotes count, with who and why
    recorded in its history."""
    _require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the limit changes."]}, code="reason")
    _refuse_long_reason(reason)
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    with transaction.atomic():
        locked = lock_rows(manifesto=manifesto).manifestos[manifesto.pk]
        locked.word_limit = word_limit
        locked.count_footnotes = count_footnotes
        locked._change_reason = f"word limit: {reason.strip()}"  # type: ignore[attr-defined]
        locked._history_user = editor  # type: ignore[attr-defined]
        locked.save()
    return locked
