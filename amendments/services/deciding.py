"""Deciding amendments: accepting (as proposed, with changes, several together), rejecting,
marking and unmarking duplicates, and reopening.

Every action that changes a paragraph first takes, in one ``lock_rows`` call, every row it
will change (the Manifesto and chapter rows among them, so editors' actions queue); applies the
change with history; carries every other pending amendment on the paragraph forward (or puts
it in conflict, carrying.py); and lets the word-count guard judge the net effect before the
transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.acceptance_preview import Seen, wording_digest
from amendments.models import Amendment, Decision
from amendments.permissions import amendment_permissions
from amendments.rules import (
    NOT_A_VERSION_MESSAGE,
    RESTART_FROM,
    normalise_text,
    proposed_paragraph_text,
)
from amendments.selectors import duplicate_original
from amendments.services.carrying import back_to_pending, carry_forward
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    refuse_long_text,
    require_editor,
    save_amendment,
    save_paragraph,
)
from amendments.services.guard import guard_enforce, guard_snapshot
from amendments.services.locking import LockedRows, lock_rows
from amendments.services.notifications import notify_decided
from common import clock
from manifesto.models import Chapter, Paragraph
from manifesto.rounds import chapter_round
from manifesto.selectors import latest_version
from manifesto.services import paragraph_next_key, position_after
from textcore.words import count_words


@dataclass(frozen=True)
class AcceptItem:
    """One amendment to accept, optionally with the editor's own wording."""

    amendment: Amendment
    editor_text: str | None = None
    seen_version_id: int | None = None


# --- accepting -----------------------------------------------------------------------------


def amendment_accept(
    *, amendment: Amendment, editor: User, reason: str = "", seen: Seen | None = None
) -> Amendment:
    """Accept one amendment as proposed (refused if ``seen``, what its preview showed, is
    out of date)."""
    return amendments_accept([AcceptItem(amendment)], editor=editor, reason=reason, seen=seen)[0]


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
    items: Sequence[AcceptItem], *, editor: User, reason: str = "", seen: Seen | None = None
) -> list[Amendment]:
    """Accept several amendments of one chapter together, all or none: the word-count guard
    judges their net effect, so an addition can be paid for by cuts accepted with it. With
    ``seen`` (what the editor's preview showed), refused if a paragraph or an amendment's
    wording changed since."""
    require_editor(editor)
    if not items:
        raise ValidationError("Choose at least one amendment to accept.", code="empty")
    refuse_long_reason(reason)
    for item in items:
        if item.editor_text is not None:
            refuse_long_text(item.editor_text)
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
        if seen is not None:
            _refuse_changed_since_preview(locked, items, seen)
        return accept_locked(items, chapter=chapter, editor=editor, reason=reason)


def accept_locked(
    items: Sequence[AcceptItem],
    *,
    chapter: Chapter,
    editor: User,
    reason: str,
    by_congress: bool = False,
) -> list[Amendment]:
    """The acceptance itself, for a caller holding the locks ``amendments_accept`` takes (it,
    and the congress's vote, which locks once for the vote and the acceptance together).
    ``by_congress``: the congress decided and ``editor`` only records it (voting.py checks who
    may), so their own amendment is no bar; it must still be pending."""
    before = guard_snapshot(chapter)
    accepted = [_accept_one(chapter, item, editor, reason, by_congress) for item in items]
    guard_enforce(chapter=chapter, before=before)
    for amendment in accepted:
        notify_decided(amendment=amendment, actor=editor)
    return accepted


def _accept_one(
    chapter: Chapter, item: AcceptItem, editor: User, reason: str, by_congress: bool
) -> Amendment:
    # Both are locked; read them again, as an earlier item of the same batch may have changed
    # the paragraph and carried this amendment forward.
    amendment = Amendment.objects.get(pk=item.amendment.pk)
    paragraph = Paragraph.objects.get(pk=amendment.paragraph_id)
    paragraph.chapter = amendment.chapter = chapter
    if by_congress:
        if amendment.status != Amendment.Status.PENDING:
            _refuse_not_pending(amendment)
    elif not amendment_permissions(editor, amendment).accept:
        _refuse_deciding(amendment, editor)
    _refuse_stale(amendment, paragraph, seen=item.seen_version_id)
    with_changes = item.editor_text is not None
    if item.editor_text is not None:
        if amendment.kind == Amendment.Kind.DELETE:
            raise ValidationError(
                "A deletion is accepted or rejected as it stands.", code="delete_with_changes"
            )
        amendment.editor_text = _editor_wording(amendment, item.editor_text)
    words_before = count_words(paragraph.text) if amendment.kind != Amendment.Kind.INSERT else 0
    label = f"amendment #{amendment.pk} accepted" + (" with changes" if with_changes else "")
    version = _apply_to_text(amendment, paragraph, editor=editor, label=label)
    result = amendment.result_text
    amendment.status = (
        Amendment.Status.ACCEPTED_WITH_CHANGES if with_changes else Amendment.Status.ACCEPTED
    )
    amendment.accepted_word_delta = count_words(result) - words_before
    amendment.decided_by = editor
    amendment.decided_at = clock.now()
    amendment.decision_reason = reason.strip()
    save_amendment(amendment, label, editor)
    action = Decision.Action.ACCEPTED_WITH_CHANGES if with_changes else Decision.Action.ACCEPTED
    log_decision(
        chapter=chapter,
        action=action,
        actor=editor,
        amendment=amendment,
        version=version,
        reason=reason.strip(),
        words=(words_before, count_words(result)),
    )
    if amendment.kind != Amendment.Kind.INSERT:
        carry_forward(paragraph=paragraph, cause=amendment, version=version)
    return amendment


def _refuse_changed_since_preview(
    locked: LockedRows, items: Sequence[AcceptItem], seen: Seen
) -> None:
    """Refuse a confirmation whose preview is out of date: a paragraph has a newer version,
    or an accepted amendment's wording changed, since the editor saw what accepting would do.
    Read under the locks, before anything is written."""
    accepted = sorted((locked.amendments[item.amendment.pk] for item in items), key=_number)
    changed = [
        f"the wording of #{a.pk}"
        for a in accepted
        if seen.wordings.get(a.pk) != wording_digest(a.proposed_text)
    ]
    for pk, paragraph in sorted(locked.paragraphs.items()):
        if seen.versions.get(pk) != latest_version(paragraph).history_id:
            numbers = ", ".join(f"#{a.pk}" for a in accepted if a.paragraph_id == pk)
            changed.append(f"the paragraph of {numbers}")
    if changed:
        raise ValidationError(
            "The text changed after you saw the preview (" + "; ".join(changed) + "), so "
            "nothing was accepted. Look at the new preview and confirm again.",
            code="stale_preview",
        )


def _number(amendment: Amendment) -> int:
    return int(amendment.pk)


def _refuse_deciding(amendment: Amendment, editor: User) -> NoReturn:
    """Why ``editor`` may not accept ``amendment``: their own, or no longer pending."""
    if amendment.author_id == editor.pk:
        raise ValidationError(
            f"#{amendment.pk}: editors cannot decide their own amendments; another editor must.",
            code="own_amendment",
        )
    _refuse_not_pending(amendment)


def _refuse_not_pending(amendment: Amendment) -> NoReturn:
    raise ValidationError(
        f"#{amendment.pk} is {amendment.get_status_display().lower()}, not pending: it was "
        "decided or changed meanwhile. Reload the page to see its state.",
        code="not_pending",
    )


def _refuse_stale(amendment: Amendment, paragraph: Paragraph, *, seen: int | None) -> None:
    """Refuse an amendment written against a version that is not today's, or on a deleted
    paragraph; ``seen`` is the version the editor's form showed (accepting with changes)."""
    latest = latest_version(paragraph)
    known = seen in (None, latest.history_id) or paragraph.history.filter(history_id=seen).exists()
    if not known:
        raise ValidationError(
            NOT_A_VERSION_MESSAGE, code="version", params={RESTART_FROM: latest.history_id}
        )
    if seen is not None and latest.history_id != seen:
        raise ValidationError(
            f"The paragraph changed while you were editing #{amendment.pk}; nothing was "
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
        raise ValidationError(
            f"The paragraph that #{amendment.pk} changes has been deleted.",
            code="paragraph_deleted",
        )


def _editor_wording(amendment: Amendment, text: str) -> str:
    """The paragraph text the editor's wording produces; refused if empty."""
    if not normalise_text(text):
        raise ValidationError(
            {
                "text": [
                    "The editor's wording is empty. Reject the amendment instead, or accept a "
                    "deletion."
                ]
            },
            code="text_empty",
        )
    return proposed_paragraph_text(kind=amendment.kind, base_text=amendment.base_text, text=text)


def _apply_to_text(amendment: Amendment, paragraph: Paragraph, *, editor: User, label: str) -> Any:
    """Change the text as the accepted amendment says: the paragraph's new wording, its
    deletion, or a new paragraph after it, saved as a version with ``label``; returns the
    version."""
    if amendment.kind == Amendment.Kind.REPLACE:
        paragraph.text = amendment.result_text
        return save_paragraph(paragraph, user=editor, reason=label)
    if amendment.kind == Amendment.Kind.DELETE:
        paragraph.is_deleted = True
        return save_paragraph(paragraph, user=editor, reason=label)
    inserted = Paragraph(
        chapter=paragraph.chapter,
        key=paragraph_next_key(paragraph.chapter),
        position=position_after(paragraph),
        kind=amendment.insert_kind or Paragraph.Kind.BODY,
        text=amendment.result_text,
    )
    return save_paragraph(inserted, user=editor, reason=label)


# --- rejecting, duplicates, reopening ------------------------------------------------------


def amendments_reject(
    amendments: Sequence[Amendment], *, editor: User, reason: str
) -> list[Amendment]:
    """Reject one or several pending amendments with one reason (shown to their authors)."""
    require_editor(editor)
    if not reason.strip():
        raise ValidationError(
            {"reason": ["Give a reason: the author will read it."]}, code="reason"
        )
    refuse_long_reason(reason)
    if not amendments:
        raise ValidationError("Choose at least one amendment to reject.", code="empty")
    with transaction.atomic():
        rows = lock_rows(chapters=[a.chapter_id for a in amendments], amendments=amendments)
        locked = list(rows.amendments.values())
        for amendment in locked:
            amendment.chapter = rows.chapters[amendment.chapter_id]
        return reject_locked(locked, editor=editor, reason=reason)


def reject_locked(
    locked: Sequence[Amendment], *, editor: User, reason: str, by_congress: bool = False
) -> list[Amendment]:
    """The rejection itself, of ``locked`` (rows ``lock_rows`` locked, their chapters set), for
    a caller holding the locks ``amendments_reject`` takes (it, and the congress's vote, which
    passes ``by_congress``: see ``accept_locked``)."""
    refused = [
        a
        for a in locked
        if (
            a.status not in Amendment.REVIEWABLE_STATUSES
            if by_congress
            else not amendment_permissions(editor, a).reject
        )
    ]
    problems = [
        f"#{a.pk} is {a.get_status_display().lower()}"
        for a in refused
        if a.status not in Amendment.REVIEWABLE_STATUSES
    ] + [f"#{a.pk} is your own" for a in refused if a.author_id == editor.pk and not by_congress]
    if problems:
        raise ValidationError(
            "Nothing was rejected: " + "; ".join(problems) + ".", code="not_rejectable"
        )
    for amendment in locked:
        amendment.status = Amendment.Status.REJECTED
        amendment.decided_by = editor
        amendment.decided_at = clock.now()
        amendment.decision_reason = reason.strip()
        save_amendment(amendment, f"rejected: {reason.strip()[:80]}", editor)
        log_decision(
            chapter=amendment.chapter,
            action=Decision.Action.REJECTED,
            actor=editor,
            amendment=amendment,
            reason=reason.strip(),
        )
        notify_decided(amendment=amendment, actor=editor)
    return list(locked)


def amendment_reject(*, amendment: Amendment, editor: User, reason: str) -> Amendment:
    """Reject one amendment with a reason."""
    return amendments_reject([amendment], editor=editor, reason=reason)[0]


def amendment_mark_duplicate(
    *, amendment: Amendment, editor: User, duplicate_of: Amendment, reason: str = ""
) -> Amendment:
    """Close an amendment as a duplicate of another one in the same chapter (of the original,
    when the one named is a duplicate itself)."""
    require_editor(editor)
    if duplicate_of.pk == amendment.pk:
        raise ValidationError("An amendment cannot duplicate itself.", code="self")
    refuse_long_reason(reason)
    with transaction.atomic():
        locked_both = lock_rows(
            chapters=[amendment.chapter_id], amendments=[amendment, duplicate_of]
        ).amendments
        locked = locked_both[amendment.pk]
        if not amendment_permissions(editor, locked).mark_duplicate:
            if locked.status not in Amendment.REVIEWABLE_STATUSES:
                raise ValidationError(
                    f"#{locked.pk} is {locked.get_status_display().lower()} already.",
                    code="decided",
                )
            raise ValidationError("Editors cannot decide their own amendments.", code="own")
        # Read under the lock: a marking of the named one made meanwhile is seen here.
        original = duplicate_original(amendment=locked, named=locked_both[duplicate_of.pk])
        default = f"Duplicate of #{original.pk}."
        if original.pk != duplicate_of.pk:
            default = f"Duplicate of #{original.pk} (named as #{duplicate_of.pk}, its duplicate)."
        locked.status = Amendment.Status.DUPLICATE
        locked.duplicate_of = original
        locked.decided_by = editor
        locked.decided_at = clock.now()
        locked.decision_reason = reason.strip() or default
        save_amendment(locked, f"duplicate of #{original.pk}", editor)
        log_decision(
            chapter=locked.chapter,
            action=Decision.Action.DUPLICATE,
            actor=editor,
            amendment=locked,
            reason=locked.decision_reason,
        )
        notify_decided(amendment=locked, actor=editor)
    return locked


def amendment_unmark_duplicate(
    *, amendment: Amendment, editor: User, reason: str = ""
) -> Amendment:
    """An editor undoes a duplicate marking while the chapter is open for amendments: the
    amendment is pending again, carried onto today's text (or in conflict if it no longer
    fits), and the log says who undid it and why."""
    require_editor(editor)
    refuse_long_reason(reason)
    with transaction.atomic():
        rows = lock_rows(
            chapters=[amendment.chapter_id],
            paragraphs=[amendment.paragraph_id],
            amendments=[amendment],
        )
        chapter = rows.chapters[amendment.chapter_id]
        paragraph = rows.paragraphs[amendment.paragraph_id]
        locked = rows.amendments[amendment.pk]
        locked.chapter = chapter
        if not amendment_permissions(editor, locked).undo_duplicate:
            _refuse_undoing_duplicate(locked, chapter)
        note = reason.strip() or f"Not a duplicate of #{locked.duplicate_of_id}."
        return back_to_pending(
            locked,
            chapter,
            paragraph,
            actor=editor,
            action=Decision.Action.DUPLICATE_UNDONE,
            reason=note,
            label=f"duplicate marking undone: {note[:80]}",
        )


def _refuse_undoing_duplicate(locked: Amendment, chapter: Chapter) -> NoReturn:
    """Why a duplicate marking cannot be undone (the chapter's state is said first)."""
    round_ = chapter_round(chapter)
    if not round_.accepts_proposals(clock.now()):
        raise ValidationError(
            f"{round_.closed_reason(clock.now())} A duplicate marking can be undone only while "
            "the chapter takes amendments.",
            code="chapter_not_open",
        )
    if locked.status != Amendment.Status.DUPLICATE:
        raise ValidationError(
            f"#{locked.pk} is {locked.get_status_display().lower()}, not a duplicate.",
            code="not_duplicate",
        )
    raise ValidationError("Editors cannot decide their own amendments.", code="own")


def amendment_reopen(*, amendment: Amendment, admin: User, reason: str) -> Amendment:
    """An admin reopens a rejected, duplicate or obsolete amendment; it becomes pending again,
    carried onto today's text (or in conflict if it no longer fits)."""
    if not admin.is_admin:
        raise ValidationError("Only admins can reopen a decision.", code="not_admin")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the decision is reopened."]}, code="reason")
    refuse_long_reason(reason)
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
        if not amendment_permissions(admin, locked).reopen:
            raise ValidationError(
                f"#{locked.pk} is {locked.get_status_display().lower()}; only rejected, "
                "duplicate or obsolete amendments can be reopened.",
                code="not_reopenable",
            )
        return back_to_pending(
            locked,
            chapter,
            paragraph,
            actor=admin,
            action=Decision.Action.REOPENED,
            reason=reason.strip(),
            label=f"reopened: {reason.strip()[:80]}",
        )
