"""The word-count guard: the one check every change to the text passes before it commits.

Every path that changes a paragraph's text (accepting, accepting with changes, editing in the
admin, reverting) calls ``guard_enforce`` inside its transaction, after ``lock_rows`` locked
the Manifesto and chapter rows, so two acceptances that each fit but together would not are
serialised and the second is judged against the words the first left. The ledgers the pages
show (words now, limits, projections) are read in amendments/ledger.py, with the same counting.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from amendments.ledger import chapter_words, manifesto_words
from manifesto.models import Chapter


def guard_snapshot(chapter: Chapter) -> tuple[int, int]:
    """Counted words of the chapter and of the whole Manifesto, read inside the transaction."""
    manifesto = chapter.manifesto
    chapter_total = chapter_words(chapter, manifesto.count_footnotes)
    manifesto_total = manifesto_words(manifesto)
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
