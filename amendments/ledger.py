"""The word ledgers: words now, the limit in force, and the projection if every pending
amendment were accepted; and the budget arithmetic every page and check uses (``Ledger``).

Reads only. The word-count guard (services/guard.py) judges changes with ``chapter_words``;
the pages show these ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from amendments.models import Amendment
from manifesto.counting import counted_kinds, counted_paragraphs
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
        return self.left_after(0)

    @property
    def over_by(self) -> int:
        return self.over_by_after(0)

    @property
    def projected(self) -> int:
        return self.after(self.pending_delta)

    @property
    def projected_left(self) -> int | None:
        return self.left_after(self.pending_delta)

    @property
    def projected_over_by(self) -> int:
        return self.over_by_after(self.pending_delta)

    @property
    def used_percent(self) -> int:
        if not self.limit:
            return 0
        return round(100 * self.words / self.limit)

    def after(self, delta: int) -> int:
        """The words if a change of ``delta`` words were made now."""
        return self.words + delta

    def left_after(self, delta: int) -> int | None:
        """Words still available after a change of ``delta`` (negative when over; None
        without a limit)."""
        return None if self.limit is None else self.limit - self.after(delta)

    def over_by_after(self, delta: int) -> int:
        """How far over the limit a change of ``delta`` would leave the text (0 if within)."""
        return 0 if self.limit is None else max(0, self.after(delta) - self.limit)


def _counted_amendments(count_footnotes: bool) -> Q:
    return Q(status=Amendment.Status.PENDING) & counted_kinds(count_footnotes, "paragraph__")


def chapter_words(chapter: Chapter, count_footnotes: bool) -> int:
    """The chapter's counted words now (one query)."""
    total = chapter.paragraphs.filter(counted_paragraphs(count_footnotes)).aggregate(
        words=Sum("word_count", default=0)
    )["words"]
    return int(total)


def manifesto_words(manifesto: Manifesto) -> int:
    """The whole Manifesto's counted words now (one query)."""
    total = Paragraph.objects.filter(
        counted_paragraphs(manifesto.count_footnotes), chapter__manifesto=manifesto
    ).aggregate(words=Sum("word_count", default=0))["words"]
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
        Paragraph.objects.filter(counted_paragraphs(count_footnotes), chapter__in=chapters)
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
