"""Changing a chapter's or the Manifesto's own fields (title, order, notes) from the
Django admin: saved with its history and logged as a decision, like every editor's change.
Word limits have their own services (limits.py), judged by the guard."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.models import Amendment, Decision
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    require_editor,
    save_with_history,
)
from amendments.services.locking import lock_rows
from manifesto.models import Chapter, Manifesto, Milestone
from manifesto.reference import reference_renumber
from textcore.lines import MAX_WIDTH, MIN_WIDTH

# The chapter fields the admin may change here; the limits go through chapter_set_limit.
CHAPTER_FIELDS = (
    "title",
    "slug",
    "subtitle",
    "publication_line",
    "editorial_note",
    "order",
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
        order = locked.order
        summary = _apply(locked, changes)
        if not summary:
            return locked
        save_with_history(locked, user=editor, reason=reason.strip() or "changed in the admin")
        if locked.order != order and locked.manifesto.continuous_line_numbers:
            # Lines run on from chapter to chapter: a chapter that moves moves their numbers.
            reference_renumber(locked.manifesto)
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
        save_with_history(locked, user=editor, reason=reason.strip() or "changed in the admin")
        log_decision(
            manifesto=locked,
            action=Decision.Action.MANIFESTO_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
    return locked


def _apply(row: Chapter | Manifesto, changes: dict[str, Any]) -> str:
    """Set the changed fields on ``row``; what changed, in words ("Order: 1 → 2.")."""
    said = []
    for field, value in changes.items():
        old = getattr(row, field)
        if old == value:
            continue
        setattr(row, field, value)
        label = field.replace("_", " ").capitalize()
        said.append(f"{label}: {_short(old)} → {_short(value)}.")
    return " ".join(said)


def _short(value: Any) -> str:
    text = str(value) if value not in (None, "") else "(empty)"
    return text if len(text) <= 60 else text[:57] + "…"


def reference_set(*, chapter: Chapter, editor: User, milestone: Milestone, reason: str) -> Chapter:
    """Make ``milestone`` the text the chapter's ¶ and line numbers refer to: everything is
    renumbered once (every chapter after it too, when lines run on through the Manifesto);
    amendments keep the citation they were proposed with. Logged."""
    require_editor(editor)
    refuse_long_reason(reason)
    if milestone.chapter_id != chapter.pk:
        raise ValidationError(
            {"milestone": ["That milestone belongs to another chapter."]}, code="milestone"
        )
    with transaction.atomic():
        locked = lock_rows(manifesto=chapter.manifesto_id, chapters=[chapter])
        row = locked.chapters[chapter.pk]
        if row.reference_milestone_id == milestone.pk:
            return row
        was = row.reference_name
        row.reference_milestone = milestone
        save_with_history(
            row, user=editor, reason=reason.strip() or f"numbers refer to “{milestone.name}”"
        )
        reference_renumber(locked.manifestos[chapter.manifesto_id])
        log_decision(
            chapter=row,
            action=Decision.Action.REFERENCE_CHANGED,
            actor=editor,
            reason=f"Numbers now refer to “{milestone.name}” (were “{was}”). {reason.strip()}",
        )
    return row


def line_numbering_update(
    *, manifesto: Manifesto, editor: User, line_width: int, continuous: bool, reason: str
) -> Manifesto:
    """Change the length of a numbered line or whether lines run on through the Manifesto;
    refused once amendments cite lines (they were cited at the old numbering). Renumbers and
    logs."""
    require_editor(editor)
    refuse_long_reason(reason)
    if not MIN_WIDTH <= line_width <= MAX_WIDTH:
        raise ValidationError(
            {"line_width": [f"A line is {MIN_WIDTH} to {MAX_WIDTH} characters long."]},
            code="line_width",
        )
    with transaction.atomic():
        row = lock_rows(manifesto=manifesto).manifestos[manifesto.pk]
        summary = _apply(row, {"line_width": line_width, "continuous_line_numbers": continuous})
        if not summary:
            return row
        cited = Amendment.objects.filter(chapter__manifesto=row).count()
        if cited:
            raise ValidationError(
                f"The line numbering can only change before a round opens: {cited} "
                f"amendment{'s' if cited != 1 else ''} already cite lines as they are numbered "
                "now. Move the reference to a new milestone instead.",
                code="lines_cited",
            )
        save_with_history(row, user=editor, reason=reason.strip() or "line numbering changed")
        reference_renumber(row)
        log_decision(
            manifesto=row,
            action=Decision.Action.LINES_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
    return row
