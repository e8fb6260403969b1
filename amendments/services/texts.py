"""Changing a chapter's or the Manifesto's own fields (title, status, order, notes) from the
Django admin: saved with its history and logged as a decision, like every editor's change.
Word limits have their own services (limits.py), judged by the guard."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from amendments.models import Decision
from amendments.services.editorial import log_decision, refuse_long_reason, require_editor
from amendments.services.locking import lock_rows
from manifesto.models import Chapter, Manifesto

# The chapter fields the admin may change here; the limits go through chapter_set_limit.
CHAPTER_FIELDS = (
    "title",
    "slug",
    "subtitle",
    "publication_line",
    "editorial_note",
    "order",
    "status",
)


def chapter_update(
    *, chapter: Chapter, editor: User, changes: dict[str, Any], reason: str
) -> Chapter:
    """Change a chapter's own fields; the log says which, from what to what, and why."""
    require_editor(editor)
    refuse_long_reason(reason)
    unknown = set(changes) - set(CHAPTER_FIELDS)
    if unknown:
        raise ValueError(f"Not a field chapter_update changes: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = lock_rows(chapters=[chapter]).chapters[chapter.pk]
        summary = _apply(locked, changes)
        if not summary:
            return locked
        locked._change_reason = reason.strip() or "changed in the admin"
        locked._history_user = editor
        locked.save()
        log_decision(
            chapter=locked,
            action=Decision.Action.CHAPTER_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
    return locked


def manifesto_update(*, manifesto: Manifesto, editor: User, title: str, reason: str) -> Manifesto:
    """Change the Manifesto's title; logged for the whole Manifesto."""
    require_editor(editor)
    refuse_long_reason(reason)
    with transaction.atomic():
        locked = lock_rows(manifesto=manifesto).manifestos[manifesto.pk]
        summary = _apply(locked, {"title": title})
        if not summary:
            return locked
        locked._change_reason = reason.strip() or "changed in the admin"
        locked._history_user = editor
        locked.save()
        log_decision(
            manifesto=locked,
            action=Decision.Action.MANIFESTO_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
    return locked


def _apply(row: Chapter | Manifesto, changes: dict[str, Any]) -> str:
    """Set the changed fields on ``row``; what changed, in words ("Status: open → closed.")."""
    said = []
    for field, value in changes.items():
        old = getattr(row, field)
        if old == value:
            continue
        setattr(row, field, value)
        label = field.replace("_", " ").capitalize()
        if field == "status" and isinstance(row, Chapter):
            old, value = Chapter.Status(old).label, row.get_status_display()
        said.append(f"{label}: {_short(old)} → {_short(value)}.")
    return " ".join(said)


def _short(value: Any) -> str:
    text = str(value) if value not in (None, "") else "(empty)"
    return text if len(text) <= 60 else text[:57] + "…"
