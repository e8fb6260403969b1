"""Importing chapters from the desk: a new chapter (``chapter_import_logged``), and a revised
draft of a chapter (``chapter_revise``), imported from a file.

A revised draft: the paragraphs it leaves alone keep
their ids, history and amendments; each one it changes or deletes gets a new version ("revised
draft imported", by the editor), its pending amendments carried forward or put in conflict by
the same rebase as after an acceptance; the new ones are inserted where the draft has them.
The word-count guard judges the result; the editor may raise the limit in the same step."""

from __future__ import annotations

from bisect import bisect_right, insort

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.models import Decision
from amendments.services.carrying import carry_forward
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    require_editor,
    save_paragraph,
    save_with_history,
)
from amendments.services.guard import guard_enforce, guard_snapshot
from amendments.services.locking import lock_rows
from manifesto.importing import (
    PlanRow,
    RevisionPlan,
    chapter_stamp,
    read_upload,
    revision_plan,
)
from manifesto.models import FOLLOWS_MANIFESTO, Chapter, Paragraph
from manifesto.selectors import manifesto_current
from manifesto.services import chapter_import, paragraph_next_key
from textcore.importing import MAX_UPLOAD_BYTES
from textcore.ordering import key_between

REVISED = "revised draft imported"


def chapter_revise(
    *,
    chapter: Chapter,
    editor: User | None,
    data: bytes,
    word_limit: int | None = None,
    limit_reason: str = "",
    max_bytes: int = MAX_UPLOAD_BYTES,
    seen_stamp: int | None = None,
) -> RevisionPlan:
    """Import a revised draft of ``chapter`` from a file (any format ``read_chapter`` reads),
    all or nothing; ``editor`` is None only for the command line. With ``word_limit``, the
    chapter's limit is set first (logged with ``limit_reason``), so the guard judges the draft
    against it. With ``seen_stamp`` (``chapter_stamp`` when the editor read the preview), a
    chapter that changed since is refused: the editor confirms the plan they read. Returns the
    plan that was carried out."""
    if editor is not None:
        require_editor(editor)
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    refuse_long_reason(limit_reason)
    imported = read_upload(data, max_bytes=max_bytes)
    with transaction.atomic():
        live = chapter.paragraphs.filter(is_deleted=False).values_list("pk", flat=True)
        rows = lock_rows(chapters=[chapter.pk], paragraphs=list(live), pending_on_paragraphs=True)
        locked = rows.chapters[chapter.pk]
        if seen_stamp is not None and chapter_stamp(locked) != seen_stamp:
            raise ValidationError(
                "The chapter changed since you read this preview (an amendment accepted or a "
                "paragraph edited); read the preview again, then confirm.",
                code="stale_preview",
            )
        before = guard_snapshot(locked)
        paragraphs = sorted(rows.paragraphs.values(), key=lambda p: p.position)
        for paragraph in paragraphs:
            paragraph.chapter = locked
        plan = revision_plan(locked, imported, paragraphs)
        if not plan.changes:
            raise ValidationError(
                "The draft reads exactly as the chapter does now; nothing was imported.",
                code="no_change",
            )
        if word_limit is not None:
            _set_limit(locked, editor, word_limit, limit_reason)
        _Writer(locked, editor).write(plan.rows)
        counts = plan.counts
        log_decision(
            chapter=locked,
            action=Decision.Action.REVISED_DRAFT,
            actor=editor,
            reason=(
                f"Revised draft imported from a {plan.format_name} file: {counts['changed']} "
                f"changed, {counts['inserted']} inserted, {counts['deleted']} deleted, "
                f"{counts['unchanged']} unchanged."
            ),
            words=(plan.words_before, plan.words_after),
        )
        guard_enforce(chapter=locked, before=before)
    return plan


def chapter_import_logged(
    *,
    editor: User | None,
    data: bytes,
    slug: str | None = None,
    phase: str = FOLLOWS_MANIFESTO,
    word_limit: int | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Chapter:
    """Import a new chapter from a file (``manifesto.services.chapter_import``), with the
    Manifesto locked, the import logged, and the guard judging the Manifesto's limit and the
    chapter's (a ``word_limit`` below its words is refused)."""
    if editor is not None:
        require_editor(editor)
    with transaction.atomic():
        manifesto = manifesto_current()
        if manifesto is not None:
            lock_rows(manifesto=manifesto)
        chapter = chapter_import(
            data=data,
            slug=slug,
            phase=phase,
            user=editor,
            word_limit=word_limit,
            max_bytes=max_bytes,
        )
        log_decision(
            chapter=chapter,
            action=Decision.Action.CHAPTER_IMPORTED,
            actor=editor,
            reason=f"Imported with {chapter.imported_words} words.",
            words=(0, chapter.imported_words),
        )
        before = (0, guard_snapshot(chapter)[1] - chapter.imported_words)
        guard_enforce(chapter=chapter, before=before)
    return chapter


def _set_limit(chapter: Chapter, editor: User | None, word_limit: int, reason: str) -> None:
    old = chapter.effective_word_limit
    chapter.word_limit = word_limit
    why = reason.strip() or "raised with a revised draft"
    save_with_history(chapter, user=editor, reason=f"word limit: {why}")
    log_decision(
        chapter=chapter,
        action=Decision.Action.LIMIT_CHANGED,
        actor=editor,
        reason=f"Limit {old} → {chapter.effective_word_limit}. {why}",
    )


class _Writer:
    """Writes a revision plan in reading order, so each inserted paragraph can be placed
    after the one before it."""

    def __init__(self, chapter: Chapter, editor: User | None) -> None:
        self.chapter = chapter
        self.editor = editor
        # Every order key in the chapter, deleted paragraphs included: a new key must fall
        # between its neighbours among all of them.
        self.positions = sorted(chapter.paragraphs.values_list("position", flat=True))
        self.next_key = paragraph_next_key(chapter)
        self.previous: str | None = None

    def write(self, rows: list[PlanRow]) -> None:
        for row in rows:
            if row.op == "inserted" and row.block is not None:
                self._insert(row)
            elif row.paragraph is not None:
                if row.op in ("changed", "deleted"):
                    self._change(row.paragraph, row)
                self.previous = row.paragraph.position

    def _change(self, paragraph: Paragraph, row: PlanRow) -> None:
        words_before = paragraph.word_count
        if row.block is None:
            paragraph.is_deleted = True
        else:
            paragraph.text = row.text
            paragraph.footnote_number = row.block.footnote_number
        version = save_paragraph(paragraph, user=self.editor, reason=REVISED)
        log_decision(
            chapter=self.chapter,
            action=Decision.Action.PARAGRAPH_EDITED,
            actor=self.editor,
            paragraph=paragraph,
            version=version,
            reason=f"{REVISED.capitalize()}: {'deleted' if row.block is None else 'changed'}.",
            words=(words_before, 0 if row.block is None else paragraph.word_count),
        )
        carry_forward(paragraph=paragraph, cause=None, version=version)

    def _insert(self, row: PlanRow) -> None:
        assert row.block is not None
        index = bisect_right(self.positions, self.previous) if self.previous else 0
        following = self.positions[index] if index < len(self.positions) else None
        position = key_between(self.previous, following)
        paragraph = Paragraph(
            chapter=self.chapter,
            key=self.next_key,
            position=position,
            kind=row.block.kind,
            footnote_number=row.block.footnote_number,
            text=row.block.text,
        )
        self.next_key += 1
        version = save_paragraph(paragraph, user=self.editor, reason=REVISED)
        log_decision(
            chapter=self.chapter,
            action=Decision.Action.PARAGRAPH_EDITED,
            actor=self.editor,
            paragraph=paragraph,
            version=version,
            reason=f"{REVISED.capitalize()}: inserted.",
            words=(0, paragraph.word_count),
        )
        insort(self.positions, position)
        self.previous = position
