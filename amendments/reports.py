"""What changed between two moments: the changes report and the tracked-changes document.

Both read the paragraphs' history and the accepted amendments; the text core renders them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import F, Q

from accounts.models import User
from amendments.citations import amendment_citation
from amendments.models import Amendment
from common import clock
from manifesto.counting import counts_against_limit
from manifesto.exports import (
    HistoricalParagraph,
    Moment,
    chapters_at,
    moments_for,
    paragraphs_at,
)
from manifesto.models import Chapter, Manifesto
from manifesto.selectors import body_numbers
from textcore.diff import word_diff
from textcore.export import (
    ChangeEntry,
    ChangesReport,
    LedgerFigures,
    TrackedBlock,
    TrackedChapter,
    TrackedSegment,
)
from textcore.export.document import ChangeKind, TrackedStatus
from textcore.tracked import Revision, track_revisions


def _history(chapters: Sequence[Chapter], until: dict[int, datetime]) -> dict[int, list]:
    """Every paragraph's history rows up to ``until``, oldest first (one query)."""
    rows = (
        HistoricalParagraph.objects.filter(
            chapter_id__in=[c.pk for c in chapters], history_date__lte=max(until.values())
        )
        .select_related("history_user")
        .annotate(made_by_amendment=F("decision__amendment"))
        .order_by("history_date", "history_id")
    )
    by_paragraph: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.history_date <= until[row.chapter_id]:
            by_paragraph[row.id].append(row)
    return by_paragraph


def _state(rows: list[Any], moment: datetime) -> Any:
    """The paragraph's row at ``moment`` if it was alive then, else None."""
    alive = None
    for row in rows:
        if row.history_date > moment:
            break
        alive = row if row.history_type != "-" and not row.is_deleted else None
    return alive


def _authors(rows: Sequence) -> dict[int, str]:
    """Names of the authors of the amendments whose acceptance made these versions."""
    numbers = {row.made_by_amendment for row in rows if row.made_by_amendment is not None}
    return {
        a.pk: a.author.public_name
        for a in Amendment.objects.filter(pk__in=numbers).select_related("author")
    }


def _author_of(row: Any, authors: dict[int, str]) -> str:
    """Who a version's change is credited to: the amendment's author, or who saved it."""
    if row.made_by_amendment in authors:
        return authors[row.made_by_amendment]
    user: User | None = row.history_user
    return user.public_name if user else "The editors"


def tracked_chapters(
    chapters: Sequence[Chapter], since: Moment, until: Moment
) -> tuple[TrackedChapter, ...]:
    """Each chapter's text at ``until`` with every change since ``since`` as a revision."""
    since_at, until_at = moments_for(chapters, since), moments_for(chapters, until)
    history = _history(chapters, until_at)
    authors = _authors([row for rows in history.values() for row in rows])
    records = chapters_at(chapters, until_at)
    result = []
    for chapter in chapters:
        blocks = []
        for rows in history.values():
            if rows[0].chapter_id != chapter.pk:
                continue
            block = _tracked_block(rows, since_at[chapter.pk], until_at[chapter.pk], authors)
            if block is not None:
                blocks.append(block)
        blocks.sort(key=lambda pair: pair[0])
        record = records.get(chapter.pk, chapter)
        ordered = tuple(block for _, block in blocks)
        result.append(TrackedChapter(title=record.title, slug=record.slug, blocks=ordered))
    return tuple(result)


def _tracked_block(
    rows: list[Any], since_at: datetime, until_at: datetime, authors: dict[int, str]
) -> tuple[str, TrackedBlock] | None:
    """A paragraph's block between two moments (None if it lived at neither), with its order
    key; ``rows`` are its history rows, oldest first."""
    before, after = _state(rows, since_at), _state(rows, until_at)
    if before is None and after is None:
        return None
    between = [row for row in rows if since_at < row.history_date <= until_at]
    if after is None:
        killer = next((r for r in between if r.is_deleted or r.history_type == "-"), between[-1])
        block = TrackedBlock(
            before.kind,
            before.footnote_number,
            (TrackedSegment(-1, before.text),),
            "deleted",
            _author_of(killer, authors),
            killer.history_date,
        )
        return (before.position, block)
    if before is None:
        creator = between[0]
        block = TrackedBlock(
            after.kind,
            after.footnote_number,
            (TrackedSegment(1, after.text),),
            "inserted",
            _author_of(creator, authors),
            creator.history_date,
        )
        return (after.position, block)
    revisions = []
    previous = before.text
    for row in between:
        if row.text != previous and not row.is_deleted:
            revisions.append(Revision(row.text, _author_of(row, authors), row.history_date))
            previous = row.text
    segments = tuple(track_revisions(before.text, revisions))
    status: TrackedStatus = "changed" if any(s.op != 0 for s in segments) else "unchanged"
    block = TrackedBlock(after.kind, after.footnote_number, segments, status)
    return (after.position, block)


def _words_at(
    chapters: Sequence[Chapter], moments: dict[int, datetime], count_footnotes: bool
) -> int:
    return sum(
        p.word_count
        for rows in paragraphs_at(chapters, moments).values()
        for p in rows
        if counts_against_limit(p.kind, count_footnotes)
    )


def _limit_at(chapters: Sequence[Chapter], moments: dict[int, datetime]) -> int | None:
    """The limits in force at each chapter's moment, added up (Chapter.effective_word_limit of
    the chapter as its history row had it)."""
    records = chapters_at(chapters, moments)
    limits = [
        (records[chapter.pk].instance if chapter.pk in records else chapter).effective_word_limit
        for chapter in chapters
    ]
    return sum(limits) if limits else None


def changes_report(
    manifesto: Manifesto, chapters: Sequence[Chapter], since: Moment, until: Moment
) -> ChangesReport:
    """Every amendment accepted between two moments, in text order, with the ledgers."""
    since_at, until_at = moments_for(chapters, since), moments_for(chapters, until)
    window = Q()
    for chapter in chapters:
        window |= Q(
            chapter=chapter,
            decided_at__gt=since_at[chapter.pk],
            decided_at__lte=until_at[chapter.pk],
        )
    accepted = list(
        Amendment.objects.filter(
            window,
            status__in=[Amendment.Status.ACCEPTED, Amendment.Status.ACCEPTED_WITH_CHANGES],
        ).select_related("author", "decided_by", "paragraph", "chapter__reference_milestone")
    )
    order = {c.pk: index for index, c in enumerate(chapters)}
    accepted.sort(
        key=lambda a: (
            order[a.chapter_id],
            a.paragraph.position,
            a.kind == Amendment.Kind.INSERT,
            a.decided_at,
        )
    )
    numbers = body_numbers(chapters)
    entries = tuple(_entry(a, numbers, manifesto.line_width) for a in accepted)
    count_footnotes = manifesto.count_footnotes
    title = chapters[0].title if len(chapters) == 1 else manifesto.title
    return ChangesReport(
        title=f"Changes to {title}",
        since_label=since.label,
        until_label=until.label,
        entries=entries,
        ledger_before=LedgerFigures(
            _words_at(chapters, since_at, count_footnotes), _limit_at(chapters, since_at)
        ),
        ledger_after=LedgerFigures(
            _words_at(chapters, until_at, count_footnotes), _limit_at(chapters, until_at)
        ),
        generated_at=clock.now(),
    )


def _citation(amendment: Amendment, label: str | None, width: int) -> str:
    """Where the amendment changed the text, in the reference numbering: the changed lines of
    a paragraph ("¶ 9, lines 123–125 of As published"), a whole deleted paragraph, or the
    last line of the one a new paragraph follows ("after ¶ 9, line 125 of …"). Never the
    internal key."""
    citation = amendment_citation(amendment, label, width)
    if citation.first is None:
        return str(citation)
    return f"{citation} of {amendment.chapter.reference_name}"


def _entry(amendment: Amendment, numbers: dict[int, str], width: int) -> ChangeEntry:
    where = _citation(amendment, numbers.get(amendment.paragraph_id), width)
    if amendment.kind == Amendment.Kind.DELETE:
        ops: tuple[tuple[int, str], ...] = ((-1, amendment.base_text),)
        kind: ChangeKind = "delete"
    elif amendment.kind == Amendment.Kind.INSERT:
        ops = ((1, amendment.result_text),)
        kind = "insert"
    else:
        ops = tuple(word_diff(amendment.base_text, amendment.result_text))
        kind = "replace"
    reason = amendment.reason
    if amendment.decision_reason:
        reason += f"\n\nEditor: {amendment.decision_reason}"
    return ChangeEntry(
        amendment_number=amendment.pk,
        title=amendment.title,
        author=amendment.author.public_name,
        editor=amendment.decided_by.public_name if amendment.decided_by else "",
        decided_at=amendment.decided_at or clock.now(),
        reason=reason,
        kind=kind,
        paragraph_label=where,
        diff_ops=ops,
        status="accepted with changes"
        if amendment.status == Amendment.Status.ACCEPTED_WITH_CHANGES
        else "accepted",
    )
