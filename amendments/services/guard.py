"""The word-count guard: ledgers of words now, limits and projections, and the one check.

Every path that changes a paragraph's text (accepting, accepting with changes, editing in the
admin, reverting) calls ``guard_enforce`` inside its transaction, after ``lock_rows`` locked
the Manifesto and chapter rows, so two acceptances that each fit but together would not are
serialised and the second is judged against the words the first left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum

from amendments.models import Amendment
from manifesto.models import Chapter, Manifesto, Paragraph


@dataclass(frozen=True)
class Ledger:
    """Words now, the limit, and the projection if every pending amendment were accepted."""

    words: int
    limit: int | None
    pending_delta: int = 0
    pending_count: int = 0

    @property
    def words_left(self) -> int | None:
        return None if self.limit is None else self.limit - self.words

    @property
    def over_by(self) -> int:
        return 0 if self.limit is None else max(0, self.words - self.limit)

    @property
    def projected(self) -> int:
        return self.words + self.pending_delta

    @property
    def projected_left(self) -> int | None:
        return None if self.limit is None else self.limit - self.projected

    @property
    def projected_over_by(self) -> int:
        return 0 if self.limit is None else max(0, self.projected - self.limit)

    @property
    def used_percent(self) -> int:
        if not self.limit:
            return 0
        return round(100 * self.words / self.limit)

    def after(self, delta: int) -> int:
        return self.words + delta

    def over_by_after(self, delta: int) -> int:
        return 0 if self.limit is None else max(0, self.words + delta - self.limit)

    def fits(self, delta: int) -> bool:
        return self.limit is None or self.words + delta <= self.limit


def counts_against_limit(paragraph_kind: str, count_footnotes: bool) -> bool:
    """Headings and body paragraphs count; footnotes only when the Manifesto says so."""
    return paragraph_kind != Paragraph.Kind.FOOTNOTE or count_footnotes


def _counted(count_footnotes: bool, prefix: str = "") -> Q:
    condition = Q(**{f"{prefix}is_deleted": False})
    if not count_footnotes:
        condition &= ~Q(**{f"{prefix}kind": Paragraph.Kind.FOOTNOTE})
    return condition


def _counted_amendments(count_footnotes: bool) -> Q:
    condition = Q(status=Amendment.Status.PENDING)
    if not count_footnotes:
        condition &= ~Q(paragraph__kind=Paragraph.Kind.FOOTNOTE)
    return condition


def chapter_words(chapter: Chapter, count_footnotes: bool) -> int:
    """The chapter's counted words now (one query)."""
    total = chapter.paragraphs.filter(_counted(count_footnotes)).aggregate(
        words=Sum("word_count", default=0)
    )["words"]
    return int(total)


def chapter_ledger(chapter: Chapter) -> Ledger:
    """The chapter's ledger (two queries; the chapter's manifesto must be loaded)."""
    count_footnotes = chapter.manifesto.count_footnotes
    pending = Amendment.objects.filter(
        _counted_amendments(count_footnotes), chapter=chapter
    ).aggregate(delta=Sum("word_delta", default=0), count=Count("id"))
    return Ledger(
        words=chapter_words(chapter, count_footnotes),
        limit=chapter.effective_word_limit,
        pending_delta=int(pending["delta"]),
        pending_count=int(pending["count"]),
    )


def chapter_ledgers(manifesto: Manifesto, chapters: list[Chapter]) -> dict[int, Ledger]:
    """Ledgers of many chapters at once (two queries whatever their number)."""
    count_footnotes = manifesto.count_footnotes
    words = dict(
        Paragraph.objects.filter(_counted(count_footnotes), chapter__in=chapters)
        .values_list("chapter_id")
        .annotate(total=Sum("word_count"))
        .values_list("chapter_id", "total")
    )
    pending: dict[int, Any] = {
        row["chapter_id"]: row
        for row in Amendment.objects.filter(
            _counted_amendments(count_footnotes), chapter__in=chapters
        )
        .values("chapter_id")
        .annotate(delta=Sum("word_delta"), count=Count("id"))
    }
    return {
        chapter.id: Ledger(
            words=int(words.get(chapter.id, 0)),
            limit=chapter.effective_word_limit,
            pending_delta=int(pending.get(chapter.id, {}).get("delta", 0)),
            pending_count=int(pending.get(chapter.id, {}).get("count", 0)),
        )
        for chapter in chapters
    }


def manifesto_ledger(
    manifesto: Manifesto, chapter_ledgers_: dict[int, Ledger] | None = None
) -> Ledger:
    """The whole Manifesto's ledger against its overall limit."""
    if chapter_ledgers_ is None:
        chapter_ledgers_ = chapter_ledgers(manifesto, list(manifesto.chapters.all()))
    return Ledger(
        words=sum(ledger.words for ledger in chapter_ledgers_.values()),
        limit=manifesto.word_limit,
        pending_delta=sum(ledger.pending_delta for ledger in chapter_ledgers_.values()),
        pending_count=sum(ledger.pending_count for ledger in chapter_ledgers_.values()),
    )


def guard_snapshot(chapter: Chapter) -> tuple[int, int]:
    """Counted words of the chapter and of the whole Manifesto, read inside the transaction."""
    manifesto = chapter.manifesto
    chapter_total = chapter_words(chapter, manifesto.count_footnotes)
    manifesto_total = int(
        Paragraph.objects.filter(
            _counted(manifesto.count_footnotes), chapter__manifesto=manifesto
        ).aggregate(words=Sum("word_count", default=0))["words"]
    )
    return chapter_total, manifesto_total


def guard_enforce(*, chapter: Chapter, before: tuple[int, int]) -> tuple[int, int]:
    """Refuse the changes made since ``before`` if they leave the chapter or the Manifesto over
    its limit. Call it after writing, inside the transaction that holds the Manifesto and
    chapter row locks, so a refusal rolls everything back and concurrent editors queue.

    Changes that remove words (or keep the count) always pass, even over a lowered limit:
    cutting is how a text gets back within its limit. Returns the words after.
    """
    after = guard_snapshot(chapter)
    (chapter_before, manifesto_before), (chapter_after, manifesto_after) = before, after
    delta = chapter_after - chapter_before
    limit = chapter.effective_word_limit
    if delta > 0 and chapter_after > limit:
        raise ValidationError(
            f"Refused by the word limit: “{chapter.title}” would have {chapter_after} words, "
            f"{chapter_after - limit} over its limit of {limit} (it has {chapter_before} now; "
            f"this adds {delta}). Accept it together with cuts that pay for it, or raise the "
            "limit.",
            code="over_chapter_limit",
        )
    manifesto_limit = chapter.manifesto.word_limit
    if (
        manifesto_limit is not None
        and manifesto_after - manifesto_before > 0
        and manifesto_after > manifesto_limit
    ):
        raise ValidationError(
            f"Refused by the Manifesto's word limit: it would have {manifesto_after} words, "
            f"{manifesto_after - manifesto_limit} over its limit of {manifesto_limit}.",
            code="over_manifesto_limit",
        )
    return after
