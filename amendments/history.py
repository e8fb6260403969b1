"""Reading the history: a paragraph's versions with what each changed, and a chapter compared
between two moments. Read-only; the diffs come from the text core."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

from django.db.models import F

from amendments.models import Amendment
from manifesto.counting import counts_against_limit
from manifesto.exports import HistoricalParagraph, Moment, moments_for, paragraphs_at
from manifesto.models import Chapter, Paragraph
from manifesto.reference import labels_of, reference_lines
from textcore.compare import Block, Comparison, compare_blocks
from textcore.diff import WordDelta, diff_html, word_delta
from textcore.footnotes import ref_numbers, references_lost
from textcore.reference import line_range
from textcore.words import trim_edges


@dataclass(frozen=True)
class Version:
    """One version of a paragraph and what it changed from the one before."""

    record: Any  # the HistoricalParagraph row
    number: int  # 1 for the imported text
    diff: str  # escaped HTML
    delta: WordDelta | None  # None for the first version
    deleted_now: bool
    restored_now: bool
    amendment_id: int | None  # the accepted amendment that made it (its decision's)
    # Notes this version left without any reference in the chapter's text.
    notes_unreferenced: tuple[int, ...] = ()

    @property
    def text_changed(self) -> bool:
        return self.delta is None or self.delta.added > 0 or self.delta.removed > 0

    @property
    def notes_message(self) -> str:
        return notes_unreferenced_message(self.notes_unreferenced)


def notes_unreferenced_message(numbers: Iterable[int]) -> str:
    """ "Note 1 lost its last reference in the text." (or several notes), or ""."""
    numbers = list(numbers)
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"Note {numbers[0]} lost its last reference in the text."
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"Notes {listed} lost their last references in the text."


def paragraph_history(paragraph: Paragraph) -> list[Version]:
    """Every version of ``paragraph``, newest first, each with its diff from the one before
    (one query)."""
    records = list(
        paragraph.history.select_related("history_user")
        .annotate(made_by_amendment=F("decision__amendment"))
        .order_by("history_date", "history_id")
    )
    unreferenced = _notes_left_unreferenced(paragraph, records)
    versions: list[Version] = []
    previous = None
    for number, record in enumerate(records, start=1):
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
                amendment_id=record.made_by_amendment,
                notes_unreferenced=unreferenced.get(record.history_id, ()),
            )
        )
        previous = record
    versions.reverse()
    return versions


def _live_text(record: Any) -> str:
    return "" if record.is_deleted or record.history_type == "-" else record.text


def _notes_left_unreferenced(paragraph: Paragraph, records: list) -> dict[int, tuple[int, ...]]:
    """The notes each version of ``paragraph`` left without a reference in the chapter, by
    history id: no query unless a version removed a footnote marker; then one, the chapter's
    history up to the last such version, replayed to see what else referenced the notes."""
    if paragraph.kind == Paragraph.Kind.FOOTNOTE:
        return {}
    removing = [
        (record, _live_text(previous), _live_text(record))
        for previous, record in pairwise(records)
        if references_lost(_live_text(previous), _live_text(record), {})
    ]
    if not removing:
        return {}
    rows = list(
        HistoricalParagraph.objects.filter(
            chapter_id=paragraph.chapter_id,
            history_date__lte=max(record.history_date for record, _, _ in removing),
        )
        .order_by("history_date", "history_id")
        .only(
            "id",
            "history_id",
            "history_date",
            "history_type",
            "is_deleted",
            "kind",
            "footnote_number",
            "text",
        )
    )
    found: dict[int, tuple[int, ...]] = {}
    state: dict[int, Any] = {}
    index = 0
    for record, old, new in removing:
        moment = (record.history_date, record.history_id)
        while index < len(rows) and (rows[index].history_date, rows[index].history_id) <= moment:
            state[rows[index].id] = rows[index]
            index += 1
        alive = [row for row in state.values() if not row.is_deleted and row.history_type != "-"]
        known = {row.footnote_number for row in alive if row.kind == Paragraph.Kind.FOOTNOTE}
        elsewhere = Counter(
            number
            for row in alive
            if row.kind != Paragraph.Kind.FOOTNOTE and row.id != paragraph.pk
            for number in ref_numbers(row.text, known)
        )
        lost = references_lost(old, new, elsewhere, known)
        if lost:
            found[record.history_id] = tuple(number for number, _ in lost)
    return found


@dataclass(frozen=True)
class ChapterComparison:
    since: Moment
    until: Moment
    since_at: datetime
    until_at: datetime
    comparison: Comparison
    # ¶ labels of body paragraphs (the reference numbering, as on the chapter page), by key
    numbers: dict[int, str]
    accepted: list[Amendment]  # amendments accepted in between, oldest first
    # Notes nothing references at the later moment (by key), and those of them that were
    # referenced at the earlier one (by number): they lost their last reference in between.
    unreferenced: frozenset[int] = frozenset()
    notes_lost: tuple[int, ...] = ()
    # The reference lines of headings and body paragraphs ("lines 123–125"), by key.
    lines: dict[int, str] = field(default_factory=dict)

    @property
    def notes_message(self) -> str:
        return notes_unreferenced_message(self.notes_lost)


def _unreferenced_notes(rows: list) -> dict[int, int]:
    """The notes among ``rows`` (one moment's live paragraphs) that nothing references:
    note number -> paragraph key."""
    notes = {row.footnote_number: row.key for row in rows if row.kind == Paragraph.Kind.FOOTNOTE}
    referenced = {
        number
        for row in rows
        if row.kind != Paragraph.Kind.FOOTNOTE
        for number in ref_numbers(row.text, notes)
    }
    return {number: key for number, key in notes.items() if number not in referenced}


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
    numbers, lines = _reference_numbers(chapter)
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
    alone_before, alone_after = _unreferenced_notes(before), _unreferenced_notes(after)
    was_note = {row.key for row in before if row.kind == Paragraph.Kind.FOOTNOTE}
    lost = tuple(
        number
        for number, key in alone_after.items()
        if key in was_note and alone_before.get(number) != key
    )
    return ChapterComparison(
        since,
        until,
        since_at,
        until_at,
        comparison,
        numbers,
        accepted,
        unreferenced=frozenset(alone_after.values()),
        notes_lost=lost,
        lines=lines,
    )


def _reference_numbers(chapter: Chapter) -> tuple[dict[int, str], dict[int, str]]:
    """The reference numbering, as the chapter page shows it: ¶ labels of body paragraphs
    (deleted ones keep theirs) and the reference lines of each paragraph that has some, by key
    (one query)."""
    paragraphs = list(
        chapter.paragraphs.order_by("position").only(
            "id",
            "chapter_id",
            "key",
            "kind",
            "ref_number",
            "ref_first_line",
            "ref_line_count",
        )
    )
    labels = labels_of(paragraphs)
    numbers = {p.key: labels[p.pk] for p in paragraphs if p.pk in labels}
    lines = {p.key: line_range(*reference_lines(p)) for p in paragraphs if p.ref_line_count}
    return numbers, lines
