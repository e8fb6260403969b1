"""Setting the word limits the guard (guard.py) enforces: a chapter's and the Manifesto's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.models import Decision
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    require_editor,
    save_with_history,
)
from amendments.services.locking import lock_rows
from manifesto.models import Chapter, Manifesto


def chapter_set_limit(
    *,
    chapter: Chapter,
    editor: User,
    word_limit: int | None,
    reason: str,
    tolerance_percent: int | None = None,
) -> Chapter:
    """Set a chapter's absolute word limit (None: back to imported words + tolerance)."""
    require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the limit changes."]}, code="reason")
    refuse_long_reason(reason)
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    with transaction.atomic():
        locked = lock_rows(chapters=[chapter]).chapters[chapter.pk]
        old = locked.effective_word_limit
        locked.word_limit = word_limit
        if tolerance_percent is not None:
            locked.limit_tolerance_percent = tolerance_percent
        save_with_history(locked, user=editor, reason=f"word limit: {reason.strip()}")
        log_decision(
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
    recorded in its history and in the decision log."""
    require_editor(editor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the limit changes."]}, code="reason")
    refuse_long_reason(reason)
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    with transaction.atomic():
        locked = lock_rows(manifesto=manifesto).manifestos[manifesto.pk]
        change = _manifesto_limit_change(locked, word_limit, count_footnotes)
        locked.word_limit = word_limit
        locked.count_footnotes = count_footnotes
        save_with_history(locked, user=editor, reason=f"word limit: {reason.strip()}")
        log_decision(
            manifesto=locked,
            action=Decision.Action.MANIFESTO_LIMIT_CHANGED,
            actor=editor,
            reason=f"{change} {reason.strip()}",
        )
    return locked


def _manifesto_limit_change(manifesto: Manifesto, word_limit: int | None, footnotes: bool) -> str:
    """What a change of the Manifesto's limit does, in words: "Limit 90000 → none."."""
    parts = [f"Limit {manifesto.word_limit or 'none'} → {word_limit or 'none'}."]
    if footnotes != manifesto.count_footnotes:
        parts.append("Footnotes count now." if footnotes else "Footnotes no longer count.")
    return " ".join(parts)
