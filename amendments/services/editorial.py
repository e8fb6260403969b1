"""What the editors' services share: who may act, the limits of what an editor types, saving
a row with its history, and writing a line of the decision log (every change an editor or an
admin makes writes one)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import User
from amendments.models import Amendment, Comment, Decision
from amendments.rules import MAX_DECISION_REASON_CHARS, MAX_TEXT_CHARS, normalise_text
from common import clock
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.selectors import latest_version
from textcore.limits import counted_length, too_long_message


def require_editor(user: User) -> None:
    """Refuse anyone but an editor (or admin)."""
    if not user.is_editor:
        raise ValidationError("Only editors can review amendments.", code="not_editor")


def refuse_long_reason(reason: str) -> None:
    """Refuse a reason longer than an editor's reason may be."""
    length = counted_length(reason.strip())
    if length > MAX_DECISION_REASON_CHARS:
        message = too_long_message("The reason", length, MAX_DECISION_REASON_CHARS)
        raise ValidationError({"reason": [message]}, code="reason_long")


def refuse_long_text(text: str) -> None:
    """Refuse a paragraph text longer than a proposal's may be."""
    length = len(normalise_text(text))
    if length > MAX_TEXT_CHARS:
        message = too_long_message("The text", length, MAX_TEXT_CHARS)
        raise ValidationError({"text": [message]}, code="text_long")


def save_with_history(
    row: Chapter | Manifesto | Paragraph, *, user: User | None, reason: str
) -> None:
    """Save ``row``, its history row saying who changed it and why."""
    row._change_reason = reason
    row._history_user = user
    row.save()


def save_paragraph(paragraph: Paragraph, *, user: User | None, reason: str) -> Any:
    """Save ``paragraph`` as a new version, with who changed it and why; returns that version
    (the HistoricalParagraph row), for the decision that made it to point at. The caller
    holds the paragraph's lock, so the newest version is the one just saved."""
    save_with_history(paragraph, user=user, reason=reason)
    return latest_version(paragraph)


def save_amendment(amendment: Amendment, reason: str, user: User | None = None) -> None:
    """Save ``amendment`` with its history (who, if a person acted, and why)."""
    amendment.updated_at = clock.now()
    amendment._change_reason = reason
    if user is not None:
        amendment._history_user = user
    amendment.save()


def log_decision(
    *,
    action: str,
    actor: User | None,
    chapter: Chapter | None = None,
    manifesto: Manifesto | None = None,
    amendment: Amendment | None = None,
    paragraph: Paragraph | None = None,
    version: Any = None,
    comment: Comment | None = None,
    reason: str = "",
    words: tuple[int, int] | None = None,
) -> Decision:
    """Write one line of the decision log: about ``chapter``, or about the whole ``manifesto``
    when there is no chapter. ``version`` is the paragraph version the decision produced."""
    row = decision_row(
        action=action,
        actor=actor,
        chapter=chapter,
        manifesto=manifesto,
        amendment=amendment,
        paragraph=paragraph,
        version=version,
        comment=comment,
        reason=reason,
        words=words,
    )
    row.save(force_insert=True)
    return row


def decision_row(
    *,
    action: str,
    actor: User | None,
    chapter: Chapter | None = None,
    manifesto: Manifesto | None = None,
    amendment: Amendment | None = None,
    paragraph: Paragraph | None = None,
    version: Any = None,
    comment: Comment | None = None,
    reason: str = "",
    words: tuple[int, int] | None = None,
) -> Decision:
    """``log_decision``'s line, not yet written: for a service that writes many in one
    statement (``Decision.objects.bulk_create``)."""
    if chapter is not None:
        manifesto_id = chapter.manifesto_id
    elif manifesto is not None:
        manifesto_id = manifesto.pk
    else:
        raise ValueError("A decision is about a chapter or about the Manifesto.")
    return Decision(
        manifesto_id=manifesto_id,
        chapter=chapter,
        action=action,
        actor=actor,
        amendment=amendment,
        paragraph=paragraph or (amendment.paragraph if amendment else None),
        paragraph_version=version,
        comment=comment,
        reason=reason,
        words_before=words[0] if words else None,
        words_after=words[1] if words else None,
    )
