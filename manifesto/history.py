"""Reading the history: a paragraph's versions with what each changed, and a chapter compared
between two moments. Read-only; the diffs come from the text core."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from amendments.models import Amendment
from amendments.services.guard import counts_against_limit
from manifesto.exports import Moment, moments_for, paragraphs_at
from manifesto.models import Chapter, Paragraph
from textcore.compare import Block, Comparison, compare_blocks
from textcore.diff import WordDelta, diff_html, word_delta
from textcore.words import trim_edges

_AMENDMENT_IN_REASON = re.compile(r"\bamendment #(\d+)\b")


@dataclass(frozen=True)
class Version:
    """One version of a paragraph and what it changed from the one before."""

    record: Any  # the HistoricalParagraph row
    number: int  # 1 for the imported text
    diff: str  # escaped HTML
    delta: WordDelta | None  # None for the first version
    deleted_now: bool
    restored_now: bool
    amendment_id: int | None  # the accepted amendment that made it, from the recorded reason

    @property
    def text_changed(self) -> bool:
        return self.delta is None or self.delta.added > 0 or self.delta.removed > 0


def paragraph_history(paragraph: Paragraph) -> list[Version]:
    """Every version of ``paragraph``, newest first, each with its diff from the one before
    (one query)."""
    records = list(
        paragraph.history.select_related("history_user").order_by("history_date", "history_id")
    )
    versions: list[Version] = []
    previous = None
    for number, record in enumerate(records, start=1):
        found = _AMENDMENT_IN_REASON.search(record.history_change_reason or "")
        versions.append(
            Version(
                record=record,
                number=number,
                diff=(
                    html.escape(trim_edges(record.text))
                    if previous is None
                    else diff_html(previous.text, record.text)
                ),
                delta=None if previous is None else word_delta(previous.text, record.text),
                deleted_now=record.is_deleted and not (previous and previous.is_deleted),
                restored_now=bool(previous and previous.is_deleted and not record.is_deleted),
                amendment_id=int(found.group(1)) if found else None,
            )
        )
        previous = record
    versions.reverse()
    return versions


@dataclass(frozen=True)
class ChapterComparison:
    since: Moment
    until: Moment
    since_at: datetime
    until_at: datetime
    comparison: Comparison
    numbers: dict[int, int]  # ¶ numbers of body paragraphs at the later moment, by key
    accepted: list[Amendment]  # amendments accepted in between, oldest first


def _blocks(rows: list, count_footnotes: bool) -> list[Block]:
    return [
        Block(
            id=row.key,  # stable within the chapter, and what links to a paragraph use
            position=row.position,
            kind=row.kind,
            text=row.text,
            counted=counts_against_limit(row.kind, count_footnotes),
        )
        for row in rows
    ]


def chapter_compare(chapter: Chapter, since: Moment, until: Moment) -> ChapterComparison:
    """``chapter`` as it read at ``since`` against ``until``, every paragraph in reading order
    (a fixed number of queries, whatever the chapter's size and history).

    Raises ValueError when a moment cannot be found (a milestone the chapter lacks)."""
    since_at = moments_for([chapter], since)[chapter.pk]
    until_at = moments_for([chapter], until)[chapter.pk]
    count_footnotes = chapter.manifesto.count_footnotes
    before = paragraphs_at([chapter], {chapter.pk: since_at}).get(chapter.pk, [])
    after = paragraphs_at([chapter], {chapter.pk: until_at}).get(chapter.pk, [])
    comparison = compare_blocks(_blocks(before, count_footnotes), _blocks(after, count_footnotes))
    numbers: dict[int, int] = {}
    for row in after:
        if row.kind == Paragraph.Kind.BODY:
            numbers[row.key] = len(numbers) + 1
    earlier, later = sorted((since_at, until_at))
    accepted = list(
        Amendment.objects.filter(
            chapter=chapter,
            status__in=[Amendment.Status.ACCEPTED, Amendment.Status.ACCEPTED_WITH_CHANGES],
            decided_at__gt=earlier,
            decided_at__lte=later,
        )
        .select_related("author", "decided_by")
        .order_by("decided_at", "pk")
    )
    return ChapterComparison(since, until, since_at, until_at, comparison, numbers, accepted)
