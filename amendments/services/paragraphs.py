"""Editors change a paragraph directly: an edit (the admin, a correction) or a revert to one of
its earlier versions. Both are guarded by the word limit, logged, and carry the pending
amendments on the paragraph forward."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.models import Decision
from amendments.rules import normalise_text, proposed_paragraph_text
from amendments.services.carrying import carry_forward
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    refuse_long_text,
    require_editor,
    save_paragraph,
)
from amendments.services.guard import guard_enforce, guard_snapshot
from amendments.services.locking import lock_rows
from manifesto.models import Paragraph
from textcore.words import count_words


def paragraph_edit(*, paragraph: Paragraph, editor: User, text: str, reason: str) -> Paragraph:
    """An editor changes a paragraph directly (the admin, a correction). Guarded and logged;
    pending amendments on it are carried forward."""
    require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the text is changed."]}, code="reason")
    if not normalise_text(text):
        raise ValidationError({"text": ["The text is empty."]}, code="text_empty")
    refuse_long_reason(reason)
    refuse_long_text(text)
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
        label = f"edited by an editor: {reason.strip()}"
        version = save_paragraph(locked, user=editor, reason=label)
        log_decision(
            chapter=chapter,
            action=Decision.Action.PARAGRAPH_EDITED,
            actor=editor,
            paragraph=locked,
            version=version,
            reason=reason.strip(),
            words=words,
        )
        carry_forward(paragraph=locked, cause=None, version=version)
        guard_enforce(chapter=chapter, before=before)
    return locked


def paragraph_revert(
    *, paragraph: Paragraph, editor: User, history_id: int, reason: str
) -> Paragraph:
    """Restore a paragraph to one of its earlier versions (text and deletion), as a new
    version; guarded like any other change."""
    require_editor(editor)
    refuse_long_reason(reason)
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
        saved = save_paragraph(
            locked, user=editor, reason=f"{label}: {reason.strip()}".rstrip(": ")
        )
        log_decision(
            chapter=chapter,
            action=Decision.Action.PARAGRAPH_REVERTED,
            actor=editor,
            paragraph=locked,
            version=saved,
            reason=reason.strip() or label,
            words=words,
        )
        carry_forward(paragraph=locked, cause=None, version=saved)
        guard_enforce(chapter=chapter, before=before)
    return locked
